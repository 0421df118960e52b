#include "engine/hotspot/network.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <queue>
#include <unordered_map>

namespace buurt::hotspot {

namespace {

// End points closer than a centimetre are the same junction: digitised lines rarely meet exactly.
std::pair<long long, long long> node_key(double x, double y) { return {std::llround(x * 100.0), std::llround(y * 100.0)}; }

} // namespace

std::vector<std::pair<double, double>> piece_points(const Streets& streets) {
    std::vector<std::pair<double, double>> out;
    out.reserve(streets.pieces.size());
    for (const auto& p : streets.pieces) {
        out.emplace_back(p.mid_x, p.mid_y);
    }
    return out;
}

Neighbours network_neighbours(const Streets& streets, double distance) {
    if (streets.surfaces) {
        return distance_band(piece_points(streets), distance);
    }
    const std::size_t n = streets.pieces.size();
    std::map<std::pair<long long, long long>, int> node_ids;
    std::vector<std::array<int, 2>> ends(n);
    std::vector<std::vector<std::uint32_t>> at_node;
    auto node = [&](double x, double y) {
        const auto [it, added] = node_ids.emplace(node_key(x, y), static_cast<int>(at_node.size()));
        if (added) {
            at_node.emplace_back();
        }
        return it->second;
    };
    for (std::size_t i = 0; i < n; ++i) {
        const StreetPiece& p = streets.pieces[i];
        ends[i] = {node(p.x0, p.y0), node(p.x1, p.y1)};
        at_node[ends[i][0]].push_back(static_cast<std::uint32_t>(i));
        if (ends[i][1] != ends[i][0]) {
            at_node[ends[i][1]].push_back(static_cast<std::uint32_t>(i));
        }
    }
    Neighbours nb(n);
    using Item = std::pair<double, int>;  // distance from the start midpoint, node
    for (std::size_t i = 0; i < n; ++i) {
        const double half = streets.pieces[i].length_m / 2;
        std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
        std::unordered_map<int, double> settled;
        queue.emplace(half, ends[i][0]);
        queue.emplace(half, ends[i][1]);
        while (!queue.empty()) {
            const auto [d, v] = queue.top();
            queue.pop();
            if (d > distance || settled.count(v) != 0) {
                continue;
            }
            settled.emplace(v, d);
            for (const std::uint32_t j : at_node[v]) {
                if (j == i) {
                    continue;
                }
                const StreetPiece& q = streets.pieces[j];
                if (d + q.length_m / 2 <= distance) {
                    nb[i].push_back(j);
                }
                const int other = ends[j][0] == v ? ends[j][1] : ends[j][0];
                if (settled.count(other) == 0 && d + q.length_m <= distance) {
                    queue.emplace(d + q.length_m, other);
                }
            }
        }
        std::sort(nb[i].begin(), nb[i].end());
        nb[i].erase(std::unique(nb[i].begin(), nb[i].end()), nb[i].end());
    }
    return nb;
}

} // namespace buurt::hotspot

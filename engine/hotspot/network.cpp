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
// A grid of 1 cm cells finds the candidates; the 3 x 3 cells around a point hold every node within 1 cm.
constexpr double snap = 0.01;

class Junctions {
public:
    int node(double x, double y) {
        const long long cx = static_cast<long long>(std::floor(x / snap));
        const long long cy = static_cast<long long>(std::floor(y / snap));
        for (long long dx = -1; dx <= 1; ++dx) {
            for (long long dy = -1; dy <= 1; ++dy) {
                const auto it = m_cells.find({cx + dx, cy + dy});
                if (it == m_cells.end()) {
                    continue;
                }
                for (const int id : it->second) {
                    if (std::hypot(m_xy[id].first - x, m_xy[id].second - y) <= snap) {
                        return id;
                    }
                }
            }
        }
        const int id = static_cast<int>(m_xy.size());
        m_xy.emplace_back(x, y);
        m_cells[{cx, cy}].push_back(id);
        return id;
    }
    std::size_t size() const { return m_xy.size(); }

private:
    std::map<std::pair<long long, long long>, std::vector<int>> m_cells;
    std::vector<std::pair<double, double>> m_xy;
};

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
    Junctions junctions;
    std::vector<std::array<int, 2>> ends(n);
    std::vector<std::vector<std::uint32_t>> at_node;
    for (std::size_t i = 0; i < n; ++i) {
        const StreetPiece& p = streets.pieces[i];
        ends[i] = {junctions.node(p.x0, p.y0), junctions.node(p.x1, p.y1)};
        at_node.resize(junctions.size());
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

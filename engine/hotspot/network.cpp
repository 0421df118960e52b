#include "engine/hotspot/network.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <optional>
#include <queue>
#include <tuple>
#include <unordered_map>

#include "engine/core/planar.hpp"
#include "engine/index/box_index.hpp"

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

// The vertices of a piece: its geometry, or the straight line between its ends when it has none.
geos::Ring piece_vertices(const StreetPiece& p) {
    if (!p.geometry) {
        return {{p.x0, p.y0}, {p.x1, p.y1}};
    }
    geos::Ring out;
    for (const auto& line : geos::line_vertices(p.geometry)) {
        out.insert(out.end(), line.begin(), line.end());
    }
    return out;
}

// Where a piece can be entered or left: its two ends and every junction on its interior, as the
// distance along the piece from its first end.
struct Stop {
    double offset;
    int node;
};

// One straight stretch of a piece, for finding side streets that end on it.
struct Stretch {
    double x0, y0, x1, y1;
    std::uint32_t piece;
    double offset;  // along the piece, at (x0, y0)
};

// Distance along the stretch to the foot of the perpendicular from (x, y), when that foot lies on the
// stretch and is within `snap` of the point.
std::optional<double> foot_on(const Stretch& s, double x, double y) {
    const double dx = s.x1 - s.x0;
    const double dy = s.y1 - s.y0;
    const double length = std::sqrt(dx * dx + dy * dy);
    if (length == 0) {
        return std::nullopt;
    }
    const planar::Foot f = planar::foot(x, y, s.x0, s.y0, s.x1, s.y1);
    if (std::hypot(f.x - x, f.y - y) > snap) {
        return std::nullopt;
    }
    return f.t * length;
}

// Each piece with its stops in order along it. Pieces meet where their ends snap together, and where
// the end of one lies on the interior of another: a side street meeting a through street that was
// drawn as one line (BGT, OSM) is a T-junction, not two separate networks. Lines that cross without
// either ending there (a bridge over a street) stay unconnected.
std::vector<std::vector<Stop>> piece_stops(const Streets& streets) {
    const std::size_t n = streets.pieces.size();
    Junctions junctions;
    std::vector<std::vector<Stop>> stops(n);
    std::vector<Stretch> stretches;
    std::vector<geos::Envelope> boxes;
    for (std::size_t i = 0; i < n; ++i) {
        const StreetPiece& p = streets.pieces[i];
        stops[i] = {{0.0, junctions.node(p.x0, p.y0)}, {p.length_m, junctions.node(p.x1, p.y1)}};
        const geos::Ring v = piece_vertices(p);
        double offset = 0;
        for (std::size_t k = 1; k < v.size(); ++k) {
            const auto [ax, ay] = v[k - 1];
            const auto [bx, by] = v[k];
            stretches.push_back({ax, ay, bx, by, static_cast<std::uint32_t>(i), offset});
            boxes.push_back({std::min(ax, bx) - snap, std::min(ay, by) - snap, std::max(ax, bx) + snap, std::max(ay, by) + snap});
            offset += std::hypot(bx - ax, by - ay);
        }
    }
    const index::BoxIndex tree(boxes);
    std::vector<std::uint32_t> hits;
    for (std::size_t i = 0; i < n; ++i) {
        const StreetPiece& p = streets.pieces[i];
        for (const auto& [x, y, node] : {std::tuple{p.x0, p.y0, stops[i][0].node}, std::tuple{p.x1, p.y1, stops[i][1].node}}) {
            tree.query(index::BPoint(x, y), hits);
            for (const std::uint32_t h : hits) {
                const Stretch& s = stretches[h];
                std::vector<Stop>& on = stops[s.piece];
                const bool known = std::any_of(on.begin(), on.end(), [node = node](const Stop& st) { return st.node == node; });
                if (s.piece == i || known) {
                    continue;
                }
                if (const auto along = foot_on(s, x, y)) {
                    on.push_back({s.offset + *along, node});
                }
            }
        }
    }
    for (auto& on : stops) {
        std::sort(on.begin(), on.end(), [](const Stop& a, const Stop& b) { return a.offset < b.offset || (a.offset == b.offset && a.node < b.node); });
    }
    return stops;
}

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
    const std::vector<std::vector<Stop>> stops = piece_stops(streets);
    std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> at_node;  // node -> (piece, stop)
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t k = 0; k < stops[i].size(); ++k) {
            const auto node = static_cast<std::size_t>(stops[i][k].node);
            at_node.resize(std::max(at_node.size(), node + 1));
            at_node[node].emplace_back(static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(k));
        }
    }
    Neighbours nb(n);
    using Item = std::pair<double, int>;  // network distance from the start midpoint, node
    for (std::size_t i = 0; i < n; ++i) {
        std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
        std::unordered_map<int, double> settled;
        for (const Stop& st : stops[i]) {
            queue.emplace(std::abs(st.offset - streets.pieces[i].length_m / 2), st.node);
        }
        while (!queue.empty()) {
            const auto [d, v] = queue.top();
            queue.pop();
            if (d > distance || settled.count(v) != 0) {
                continue;
            }
            settled.emplace(v, d);
            for (const auto& [j, k] : at_node[v]) {
                const std::vector<Stop>& on = stops[j];
                if (j != i && d + std::abs(on[k].offset - streets.pieces[j].length_m / 2) <= distance) {
                    nb[i].push_back(j);
                }
                for (const std::uint32_t next : {k - 1, k + 1}) {  // k - 1 wraps past the end when k is 0
                    if (next < on.size() && settled.count(on[next].node) == 0) {
                        const double dn = d + std::abs(on[next].offset - on[k].offset);
                        if (dn <= distance) {
                            queue.emplace(dn, on[next].node);
                        }
                    }
                }
            }
        }
        std::sort(nb[i].begin(), nb[i].end());
        nb[i].erase(std::unique(nb[i].begin(), nb[i].end()), nb[i].end());
    }
    return nb;
}

} // namespace buurt::hotspot

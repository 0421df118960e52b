#include "engine/hotspot/hexgrid.hpp"

#include <algorithm>
#include <cmath>

#include "engine/core/error.hpp"

namespace buurt::hotspot {

HexGrid::HexGrid(const geos::Envelope& e, double width, const std::vector<const geos::Geometry*>& study_area)
    : m_width(width), m_radius(width / std::sqrt(3.0)), m_x0(e.min_x), m_y0(e.min_y) {
    if (!(width > 0)) {
        throw config_error("hexagon size must be positive");
    }
    const double dy = 1.5 * m_radius;
    const double cols = std::ceil((e.max_x - e.min_x) / width) + 2;
    const double rows = std::ceil((e.max_y - e.min_y) / dy) + 2;
    if (cols * rows > 2'000'000.0) {  // Gi* on more cells than this says nothing a map can show
        throw config_error("hexagon grid of " + std::to_string(static_cast<long long>(cols)) + " x " + std::to_string(static_cast<long long>(rows)) +
                           " cells is too fine; use a larger [hotspots] hex_size, or 0 for none");
    }
    m_cols = static_cast<int>(cols);
    m_rows = static_cast<int>(rows);
    // Slots to keep are marked 0 first, then numbered in row-major order.
    constexpr int dropped = -1;
    m_cell_of_slot.assign(static_cast<std::size_t>(m_cols) * m_rows, study_area.empty() ? 0 : dropped);
    for (const geos::Geometry* area : study_area) {
        const geos::Envelope a = geos::envelope(*area);
        const geos::Prepared prepared(*area);
        // Every cell whose hexagon can reach the envelope: one row and one column of slack either side.
        const int r0 = std::max(0, static_cast<int>(std::floor((a.min_y - m_y0) / dy)) - 1);
        const int r1 = std::min(m_rows - 1, static_cast<int>(std::floor((a.max_y - m_y0) / dy)) + 2);
        const int c0 = std::max(0, static_cast<int>(std::floor((a.min_x - m_x0) / width)) - 1);
        const int c1 = std::min(m_cols - 1, static_cast<int>(std::floor((a.max_x - m_x0) / width)) + 2);
        for (int r = r0; r <= r1; ++r) {
            for (int c = c0; c <= c1; ++c) {
                const std::size_t slot = static_cast<std::size_t>(r) * m_cols + c;
                if (m_cell_of_slot[slot] == dropped && prepared.intersects(hexagon(slot_centre(r, c)))) {
                    m_cell_of_slot[slot] = 0;
                }
            }
        }
    }
    for (int r = 0; r < m_rows; ++r) {
        for (int c = 0; c < m_cols; ++c) {
            int& cell = m_cell_of_slot[static_cast<std::size_t>(r) * m_cols + c];
            if (cell != dropped) {
                cell = static_cast<int>(m_centres.size());
                m_centres.push_back(slot_centre(r, c));
            }
        }
    }
}

std::pair<double, double> HexGrid::slot_centre(int r, int c) const {
    return {m_x0 + (c + (r % 2 == 1 ? 0.5 : 0.0)) * m_width, m_y0 + r * 1.5 * m_radius};
}

int HexGrid::cell_of(double x, double y) const {
    // Nearest centre among the candidates of the two nearest rows: that is the hexagon holding the point.
    const double dy = 1.5 * m_radius;
    const int r0 = static_cast<int>(std::floor((y - m_y0) / dy));
    int best = -1;
    double best_d = 0;
    for (int r = r0; r <= r0 + 1; ++r) {
        if (r < 0 || r >= m_rows) {
            continue;
        }
        const double shift = r % 2 == 1 ? 0.5 : 0.0;
        const int c0 = static_cast<int>(std::floor((x - m_x0) / m_width - shift));
        for (int c = c0; c <= c0 + 1; ++c) {
            if (c < 0 || c >= m_cols) {
                continue;
            }
            const auto [cx, cy] = slot_centre(r, c);
            const double d = (cx - x) * (cx - x) + (cy - y) * (cy - y);
            if (best < 0 || d < best_d) {
                best = r * m_cols + c;
                best_d = d;
            }
        }
    }
    return best < 0 ? -1 : m_cell_of_slot[static_cast<std::size_t>(best)];
}

geos::Geometry HexGrid::polygon(std::size_t i) const { return hexagon(m_centres[i]); }

geos::Geometry HexGrid::hexagon(std::pair<double, double> centre) const {
    const auto [cx, cy] = centre;
    std::vector<std::pair<double, double>> ring;
    for (int k = 0; k <= 6; ++k) {
        const double a = M_PI / 180.0 * (60.0 * (k % 6) - 30.0);  // pointy top: corners at -30, 30, 90, ...
        ring.emplace_back(cx + m_radius * std::cos(a), cy + m_radius * std::sin(a));
    }
    std::string wkt = "POLYGON((";
    for (std::size_t k = 0; k < ring.size(); ++k) {
        wkt += (k ? "," : "") + std::to_string(ring[k].first) + " " + std::to_string(ring[k].second);
    }
    return geos::from_wkt(wkt + "))");
}

} // namespace buurt::hotspot

#include "engine/hotspot/hexgrid.hpp"

#include <cmath>

#include "engine/core/error.hpp"

namespace buurt::hotspot {

HexGrid::HexGrid(const geos::Envelope& e, double width) : m_width(width), m_radius(width / std::sqrt(3.0)), m_x0(e.min_x), m_y0(e.min_y) {
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
    for (int r = 0; r < m_rows; ++r) {
        for (int c = 0; c < m_cols; ++c) {
            m_centres.emplace_back(m_x0 + (c + (r % 2 == 1 ? 0.5 : 0.0)) * width, m_y0 + r * dy);
        }
    }
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
            const auto& [cx, cy] = m_centres[static_cast<std::size_t>(r) * m_cols + c];
            const double d = (cx - x) * (cx - x) + (cy - y) * (cy - y);
            if (best < 0 || d < best_d) {
                best = r * m_cols + c;
                best_d = d;
            }
        }
    }
    return best;
}

geos::Geometry HexGrid::polygon(std::size_t i) const {
    const auto [cx, cy] = m_centres[i];
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

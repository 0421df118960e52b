#include "engine/hotspot/kde.hpp"

#include <algorithm>
#include <cmath>

#include "engine/core/error.hpp"

namespace buurt::hotspot {

Raster empty_raster(double min_x, double min_y, double max_x, double max_y, double radius, double cell) {
    if (!(radius > 0) || !(cell > 0)) {
        throw config_error("heat map: radius and cell size must be positive");
    }
    Raster r;
    r.cell = cell;
    r.min_x = min_x - radius;
    r.max_y = max_y + radius;
    // Counted in doubles first: a grid over two places 260 km apart must fail here, not overflow an int.
    const double cols = std::ceil((max_x - min_x + 2 * radius) / cell);
    const double rows = std::ceil((max_y - min_y + 2 * radius) / cell);
    // 25 million cells (100 MB) covers a city at 5 m or the country at 100 m; more is a mistake of scale.
    constexpr double max_cells = 25'000'000;
    if (cols * rows > max_cells) {
        throw config_error("heat map: " + std::to_string(static_cast<long long>(cols)) + " x " + std::to_string(static_cast<long long>(rows)) +
                           " cells is too many; use a larger [hotspots] heat_cell or turn hotspots off (--no-hotspots)");
    }
    r.cols = static_cast<int>(cols);
    r.rows = static_cast<int>(rows);
    r.values.assign(static_cast<std::size_t>(r.cols) * r.rows, 0.0f);
    return r;
}

void add_quartic(Raster& r, double x, double y, double radius) {
    const double cell = r.cell;
    const int c0 = std::max(0, static_cast<int>(std::floor((x - radius - r.min_x) / cell)));
    const int c1 = std::min(r.cols - 1, static_cast<int>(std::floor((x + radius - r.min_x) / cell)));
    const int w0 = std::max(0, static_cast<int>(std::floor((r.max_y - (y + radius)) / cell)));
    const int w1 = std::min(r.rows - 1, static_cast<int>(std::floor((r.max_y - (y - radius)) / cell)));
    const double inv_r2 = 1.0 / (radius * radius);
    for (int row = w0; row <= w1; ++row) {
        const double dy = r.centre_y(row) - y;
        const double dy2 = dy * dy;
        float* cells = r.values.data() + static_cast<std::size_t>(row) * r.cols;
        // No branch, no division: the loop runs on vector units. Cells beyond the radius add zero.
        for (int col = c0; col <= c1; ++col) {
            const double dx = r.centre_x(col) - x;
            const double u = 1.0 - (dx * dx + dy2) * inv_r2;
            const double t = u > 0.0 ? u : 0.0;
            cells[col] += static_cast<float>(t * t);
        }
    }
}

Raster quartic_kde(const std::vector<std::pair<double, double>>& points, double radius, double cell) {
    if (points.empty()) {
        return empty_raster(0, 0, 0, 0, radius, cell);
    }
    double min_x = points[0].first, max_x = min_x, min_y = points[0].second, max_y = min_y;
    for (const auto& [x, y] : points) {
        min_x = std::min(min_x, x);
        max_x = std::max(max_x, x);
        min_y = std::min(min_y, y);
        max_y = std::max(max_y, y);
    }
    Raster r = empty_raster(min_x, min_y, max_x, max_y, radius, cell);
    for (const auto& [x, y] : points) {
        add_quartic(r, x, y, radius);
    }
    return r;
}

} // namespace buurt::hotspot

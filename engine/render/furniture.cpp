#include "engine/render/furniture.hpp"

#include <algorithm>
#include <cmath>

#include "engine/style/symbology.hpp"

namespace buurt::render {

ScaleBar scale_bar(double scale, double max_length_pt) {
    const double pt_per_m = 72.0 / 0.0254 / scale;
    const double max_m = max_length_pt / pt_per_m;
    double decade = std::pow(10.0, std::floor(std::log10(max_m)));
    double lead = 1;
    for (const double l : {5.0, 2.0, 1.0}) {
        if (l * decade <= max_m * (1 + 1e-9)) {
            lead = l;
            break;
        }
    }
    ScaleBar bar;
    bar.length_m = lead * decade;
    bar.length_pt = bar.length_m * pt_per_m;
    const int segments = lead == 2 ? 4 : 5;
    const bool km = bar.length_m >= 1000;
    bar.unit = km ? "km" : "m";
    const double step = bar.length_m / segments;
    // Enough decimals for the smallest tick (200 m as 0,2 km), none when all are whole.
    const double smallest = (km ? step / 1000 : step);
    const int decimals = smallest >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(smallest) - 1e-9));
    for (int i = 0; i <= segments; ++i) {
        const double m = step * i;
        bar.ticks_m.push_back(m);
        const double shown = km ? m / 1000 : m;
        const bool whole = std::fabs(shown - std::round(shown)) < 1e-9;
        bar.tick_labels.push_back(style::format_number(shown, whole ? 0 : decimals));
    }
    return bar;
}

std::string column_label(int index) {
    std::string out;
    for (int n = index + 1; n > 0; n = (n - 1) / 26) {
        out.insert(out.begin(), static_cast<char>('A' + (n - 1) % 26));
    }
    return out;
}

std::string row_label(int index) { return std::to_string(index + 1); }

std::string ReferenceGrid::cell_at(const Point& p) const {
    if (!frame.contains(p)) {
        return "";
    }
    const int c = std::min(columns - 1, static_cast<int>((p.x - frame.x) / cell_w()));
    const int r = std::min(rows - 1, static_cast<int>((p.y - frame.y) / cell_h()));
    return column_label(c) + row_label(r);
}

ReferenceGrid reference_grid(const Rect& frame, double target_cell_pt) {
    ReferenceGrid g;
    g.frame = frame;
    g.columns = std::max(1, static_cast<int>(std::lround(frame.w / target_cell_pt)));
    g.rows = std::max(1, static_cast<int>(std::lround(frame.h / target_cell_pt)));
    return g;
}

} // namespace buurt::render

#pragma once
// The numbers behind the map furniture: the scale bar's round lengths and the reference grid's cells.
// Drawing them is the page's job (map_page.cpp); what they say is decided and tested here.

#include <string>
#include <vector>

#include "engine/render/page_geometry.hpp"

namespace buurt::render {

// A scale bar of round length (1, 2 or 5 times a power of ten metres), divided into segments that
// are round too (1 km: 5 x 200 m; 2 km: 4 x 500 m; 500 m: 5 x 100 m).
struct ScaleBar {
    double length_m = 0;
    double length_pt = 0;
    std::vector<double> ticks_m;          // 0, first segment, ..., length
    std::vector<std::string> tick_labels;  // numbers in the bar's unit, Dutch decimals
    std::string unit;                      // "m" or "km"
};
// The longest such bar not longer than `max_length_pt` at 1:scale.
ScaleBar scale_bar(double scale, double max_length_pt);

// "A".."Z", "AA", "AB", ... for columns; "1", "2", ... for rows.
std::string column_label(int index);
std::string row_label(int index);

// Square-ish cells of about `target_cell_pt` over a map frame, in whole numbers so the frame's edges
// are cell edges: people say "C4" and find it.
struct ReferenceGrid {
    Rect frame;
    int columns = 1, rows = 1;
    double cell_w() const { return frame.w / columns; }
    double cell_h() const { return frame.h / rows; }
    // "C4" for a page point in the frame; "" outside it.
    std::string cell_at(const Point& p) const;
};
ReferenceGrid reference_grid(const Rect& frame, double target_cell_pt);

} // namespace buurt::render

#pragma once
// Greedy label placement with collision detection: labels are rotated rectangles on the page; a
// label is placed when it lies inside the map frame and overlaps nothing placed before it, else it
// is dropped. Callers offer labels in order of importance, and several candidate positions per label
// (the first that fits wins). Overlap tests are exact for rotated boxes (separating axes).
//
//   LabelPlacer placer(frame);
//   placer.add_obstacle(legend_box);
//   if (!placer.place_first({centre_box, above_box})) { /* dropped: no room */ }
//   assert(placer.overlaps() == 0);

#include <cstddef>
#include <unordered_map>
#include <vector>

#include "engine/render/page_geometry.hpp"

namespace buurt::render {

// A rectangle of half sizes (hw, hh) centred on c and turned by `angle` (radians, page y down).
struct LabelBox {
    Point c;
    double hw = 0, hh = 0;
    double angle = 0;

    std::vector<Point> corners() const;
    Rect bounds() const;  // the axis-aligned box around it
};

bool overlap(const LabelBox& a, const LabelBox& b);

class LabelPlacer {
public:
    explicit LabelPlacer(const Rect& bounds);

    // Something labels must keep clear of (a legend inset, a marker). Obstacles may overlap each other.
    void add_obstacle(const LabelBox& box);
    bool fits(const LabelBox& box) const;
    // Places the first candidate that fits; false (and counted as dropped) when none does.
    bool place_first(const std::vector<LabelBox>& candidates);
    bool place(const LabelBox& box) { return place_first({box}); }
    // Counts a label the caller found no candidate for (no straight stretch long enough, no spot
    // inside its area): dropped all the same.
    void drop() { ++m_dropped; }

    const std::vector<LabelBox>& placed() const { return m_placed; }  // labels only, in placing order
    std::size_t dropped() const { return m_dropped; }
    // Pairs of a placed label and a label or obstacle that overlap, found by a sweep independent of the
    // placement index: the check that the placer did its job. Zero unless something is wrong.
    std::size_t overlaps() const;

private:
    void insert(const LabelBox& box, bool is_label);
    template <typename F>
    void for_cells(const Rect& r, F&& f) const;

    Rect m_bounds;
    double m_cell;
    std::vector<LabelBox> m_placed;
    std::vector<LabelBox> m_all;  // labels and obstacles
    std::vector<bool> m_is_label;
    std::unordered_map<long long, std::vector<std::size_t>> m_grid;  // cell -> indexes into m_all
    std::size_t m_dropped = 0;
};

} // namespace buurt::render

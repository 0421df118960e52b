#pragma once
// Plain geometry on the page (points, y down) and on the ground (metres): the small shapes the page
// layout, the label placer and the tests share. No Cairo here, so all of it can be tested alone.

#include <string>
#include <string_view>
#include <vector>

#include "engine/geos/geos.hpp"

namespace buurt::render {

inline constexpr double pt_per_mm = 72.0 / 25.4;

struct Point {
    double x = 0, y = 0;
};

struct Rect {
    double x = 0, y = 0, w = 0, h = 0;
    double right() const { return x + w; }
    double bottom() const { return y + h; }
    bool contains(const Point& p) const { return p.x >= x && p.x <= right() && p.y >= y && p.y <= bottom(); }
};

// Paper of the A series (ISO 216), in points, exactly: A4 portrait is 595.2756 x 841.8898.
struct Paper {
    std::string name;  // "A4" ... "A0"
    bool landscape = false;
    double width_pt = 0, height_pt = 0;
};
// "A0" to "A4" (any case); throws config_error for anything else.
Paper paper(std::string_view name, bool landscape);

// Ground metres to page points for a north-up map at 1:scale whose frame shows `extent`.
struct MapTransform {
    Rect frame;
    geos::Envelope extent;
    double scale = 1;       // the 1:N denominator
    double pt_per_m = 1;    // page points per ground metre

    Point to_page(double x, double y) const { return {frame.x + (x - extent.min_x) * pt_per_m, frame.y + (extent.max_y - y) * pt_per_m}; }
};

// The smallest round scale (1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5 times a power of ten) at which
// `area` (ground metres) fits in `frame`; the extent is `area` centred and grown to the frame's shape.
MapTransform fit(const geos::Envelope& area, const Rect& frame);
// 1:scale around a ground point.
MapTransform at_scale(double centre_x, double centre_y, double scale, const Rect& frame);
double round_scale_up(double scale);
std::string format_scale(double scale);  // "1:12.500" (Dutch thousands)

// Pole of inaccessibility (Mapbox's polylabel): the point inside a polygon farthest from its edges,
// within `precision`, and that distance. The best spot for an area's name; `rings` = shell, holes.
struct Pole {
    Point at;
    double distance = 0;
};
Pole pole_of_inaccessibility(const std::vector<std::vector<Point>>& rings, double precision);

// Even-odd point in polygon over every ring of every part.
bool inside(const std::vector<std::vector<Point>>& rings, const Point& p);

// A straight-ish stretch of a polyline, as the chord a label can sit on.
struct Stretch {
    Point from, to;
    double length = 0;
};
// The stretches of `line` whose vertices stay within `tolerance` of the chord and move forward along
// it, longest first (each vertex run used once, greedily from the start).
std::vector<Stretch> straight_stretches(const std::vector<Point>& line, double tolerance);

// Douglas-Peucker: the vertices of `line` without those within `tolerance` of the simplified line.
// On paper, detail finer than a tenth of a millimetre costs file size and drawing time, not shape.
std::vector<Point> simplify(const std::vector<Point>& line, double tolerance);

// Joins polylines that share end points into longer ones (a street is stored as many short edges).
std::vector<std::vector<Point>> merge_lines(std::vector<std::vector<Point>> lines, double snap);

// An angle (radians, page y down) turned so text along it reads from left to right: [-90°, 90°).
double upright(double angle);

} // namespace buurt::render

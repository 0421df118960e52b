#pragma once
// Named streets. All centre-line pieces (or surfaces) with the same name form one street; for the
// hotspot statistics a street is cut into pieces of about the configured length.

#include <string>
#include <vector>

#include "engine/geos/geos.hpp"

namespace buurt {

struct Street {
    std::string name;
    geos::Geometry geometry;  // all centre lines (MultiLineString) or surfaces (MultiPolygon) of the street
    double length_m = 0;
};

// A piece of a street: ~segment_length of centre line, or one street-surface polygon.
struct StreetPiece {
    int street = 0;
    int number = 0;  // 1, 2, ... along the street's lines in input order
    geos::Geometry geometry;
    double length_m = 0;    // surfaces: half the perimeter, the centre-line length of a long thin polygon
    double mid_x = 0, mid_y = 0;  // lines: the point halfway along; surfaces: the centroid
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // lines: the end points, which connect pieces into a network
};

// One straight stretch of a centre line: the unit the nearest-street search works on.
struct StreetSegment {
    double x1, y1, x2, y2;
    int street;  // index into Streets::streets
    int piece;   // index into Streets::pieces
};

struct Streets {
    std::vector<Street> streets;  // sorted by name: the tie-break order for "nearest"
    std::vector<StreetPiece> pieces;
    std::vector<StreetSegment> segments;  // empty for street surfaces
    bool surfaces = false;  // streets are polygons (e.g. BAG openbare ruimte), not centre lines
};

} // namespace buurt

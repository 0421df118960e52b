#pragma once
// Named streets: all centre-line pieces with the same name form one street.

#include <string>
#include <vector>

#include "engine/geos/geos.hpp"

namespace buurt {

struct StreetSegment {
    double x1, y1, x2, y2;
    int street;  // index into Streets::streets
};

struct Street {
    std::string name;
    geos::Geometry geometry;  // all pieces, as one (multi)linestring
    double length_m = 0;
};

struct Streets {
    std::vector<Street> streets;  // sorted by name: the tie-break order for "nearest"
    std::vector<StreetSegment> segments;
};

} // namespace buurt

#pragma once
// One observation (waarneming) as the engine sees it after normalisation.

#include <optional>
#include <string>
#include <vector>

#include "engine/geos/geos.hpp"

namespace buurt {

enum class Kind { point, multipoint, line, polygon };
std::string_view kind_name(Kind k);

struct Observation {
    std::string id;     // from the id field, or "FID n"; unique per input
    int input = 0;      // index into Project::observations
    Kind kind = Kind::point;
    double x = 0;       // points only: project CRS; what joins and outputs use
    double y = 0;
    geos::Geometry geometry;  // lines, polygons and multi-points; a point read from a file has none
    std::string theme;
    int valence = 0;    // +1 strength or chance, -1 concern, 0 neutral
    std::string source;  // bewoner, professional, cijfers (or what the data said, reported as unknown)
    std::string session;
    std::string round;
    std::string date;
    std::string text;
    bool repaired = false;
    std::vector<std::string> attributes;  // the input's own fields, as text
};

} // namespace buurt

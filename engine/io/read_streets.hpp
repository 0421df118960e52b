#pragma once

#include "engine/model/streets.hpp"
#include "engine/project/project.hpp"
#include "engine/report/report.hpp"

namespace buurt::io {

// Reads named streets: centre lines (cut into pieces of about spec.segment_length) or street surfaces
// (polygons; each polygon is one piece). Features without a name are skipped and reported; a layer
// mixing lines and polygons is an input error.
Streets read_streets(const StreetSpec& spec, const std::string& crs, Report& report);

// A centre-line piece from its vertices: length, midpoint halfway along, end points.
StreetPiece line_piece(int street, int number, const geos::Ring& vertices);

// Cuts a polyline into n = max(1, round(length / target)) pieces of equal length.
std::vector<geos::Ring> cut_line(const geos::Ring& line, double target);

} // namespace buurt::io

#pragma once
// The one rule for geometries coming in: null or empty is skipped, invalid is repaired (GEOS MakeValid,
// keeping the dimension), and both are reported by feature id. Nothing is dropped silently.

#include <optional>
#include <string>

#include "engine/geos/geos.hpp"
#include "engine/io/vector_source.hpp"
#include "engine/report/report.hpp"

namespace buurt::io {

// `dimension`: the dimension the role needs (2 for areas), or -1 for any.
std::optional<geos::Geometry> checked_geometry(RawFeature& f, const std::string& id, int dimension, InputReport& report);

} // namespace buurt::io

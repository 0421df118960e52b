#pragma once
// The one rule for geometries coming in: null or empty is skipped, invalid is repaired (GEOS MakeValid,
// keeping the dimension), and both are reported by feature id. Nothing is dropped silently.

#include <optional>
#include <string>

#include "engine/geos/geos.hpp"
#include "engine/io/vector_source.hpp"
#include "engine/report/report.hpp"

namespace buurt::io {

// `dimension`: the dimension the role needs (2 for areas), or -1 for any. What reading already fixed
// (RawFeature::repairs: a ring closed, text recoded) is reported in the same note as a MakeValid repair:
// one note per feature. `geometry_repaired` (optional) tells whether the geometry itself was changed.
std::optional<geos::Geometry> checked_geometry(RawFeature& f, const std::string& id, int dimension, InputReport& report,
                                               bool* geometry_repaired = nullptr);

// The same rule for a RawFeature::is_point (coordinates already checked finite while reading): a point
// is always valid, so only what reading fixed in the feature is reported.
void checked_point(const RawFeature& f, const std::string& id, InputReport& report);

} // namespace buurt::io

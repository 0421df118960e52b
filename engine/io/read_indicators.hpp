#pragma once

#include "engine/model/areas.hpp"
#include "engine/model/indicators.hpp"
#include "engine/report/report.hpp"

namespace buurt::io {

// Reads one indicator table; codes that match no area of its level and values that are not numbers
// are reported (as unknown values of "code" and of each field). With spec.areas the codes are those of the
// table's own scheme, and the figures are carried over to the areas of its level by area overlap (the
// crosswalk goes into report.crosswalks); `crs` is the project CRS those polygons are reprojected to.
IndicatorTable read_indicators(const IndicatorSpec& spec, const Areas& areas, const std::string& crs, Report& report);

} // namespace buurt::io

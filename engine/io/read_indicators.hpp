#pragma once

#include "engine/model/areas.hpp"
#include "engine/model/indicators.hpp"
#include "engine/report/report.hpp"

namespace buurt::io {

// Reads one indicator table; codes that match no area of its level and values that are not numbers
// are reported (as unknown values of "code" and of each field).
IndicatorTable read_indicators(const IndicatorSpec& spec, const Areas& areas, Report& report);

} // namespace buurt::io

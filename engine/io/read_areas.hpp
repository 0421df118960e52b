#pragma once

#include "engine/model/areas.hpp"
#include "engine/project/project.hpp"
#include "engine/report/report.hpp"

namespace buurt::io {

// Reads one layer of areas (polygons with a code); `role` names it in the report.
AreaLevel read_area_level(const AreaLevelSpec& spec, const std::string& role, const std::string& crs, Report& report);

// Reads every area level of the project (finest first); repairs and skips are reported.
Areas read_areas(const Project& project, Report& report);

} // namespace buurt::io

#pragma once

#include "engine/model/areas.hpp"
#include "engine/project/project.hpp"
#include "engine/report/report.hpp"

namespace buurt::io {

// Reads every area level of the project (finest first); repairs and skips are reported.
Areas read_areas(const Project& project, Report& report);

} // namespace buurt::io

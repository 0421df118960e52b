#pragma once

#include "engine/model/streets.hpp"
#include "engine/project/project.hpp"
#include "engine/report/report.hpp"

namespace buurt::io {

// Reads named street centre lines; pieces without a name are skipped and reported.
Streets read_streets(const StreetSpec& spec, const std::string& crs, Report& report);

} // namespace buurt::io

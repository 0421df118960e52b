#pragma once
// Indicators (cijfers) per area code of one level, e.g. CBS kerncijfers.

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/project/project.hpp"

namespace buurt {

struct IndicatorTable {
    Level level = Level::buurt;
    std::vector<std::string> fields;
    int population = -1;  // index into fields of the inhabitants count, -1 when not given
    std::unordered_map<std::string, std::vector<std::optional<double>>> by_code;
};

} // namespace buurt

#pragma once
// Figures keyed by the areas of another scheme (CBS 2021 on 2015 buurten) carried over to the run's areas
// by area overlap: counts apportioned by the share of each source area, rates and means weighted.

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/model/areas.hpp"

namespace buurt::crosswalk {

// A pair of overlapping areas; indices into the source and target lists.
struct Link {
    std::size_t source = 0;
    std::size_t target = 0;
    double overlap_m2 = 0;
};

// Every (source, target) pair whose intersection has an area above zero, ordered by target, then source.
std::vector<Link> overlaps(const std::vector<Area>& sources, const std::vector<Area>& targets);

using Values = std::vector<std::optional<double>>;  // one per field; empty optional: no value

struct Fields {
    std::vector<bool> is_count;  // per field: apportioned by area share (else a weighted mean)
    int population = -1;         // field weighting the means (apportioned); -1: weighted by overlap area
};

struct Carried {
    std::unordered_map<std::string, Values> by_code;  // target code -> values; only targets some figures reach
    std::vector<double> covered_m2;                   // per target: overlapped by sources that have figures
};

// `figures[s]` holds the values of source s, or nullptr when the source has no row: its overlaps then
// leave the target that much less covered. See README, "Indicators from another area scheme".
Carried carry_over(const std::vector<Link>& links, const std::vector<Area>& sources, const std::vector<const Values*>& figures,
                   const std::vector<Area>& targets, const Fields& fields);

} // namespace buurt::crosswalk

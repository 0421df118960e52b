#pragma once
// The area hierarchy: block > buurt > wijk > gebied > stadsdeel (any subset present).
// Parents come from the code field when the project names one, else from the largest overlap.
// Problems are reported, never fatal: a user may have a good reason for an odd boundary.

#include <future>
#include <utility>
#include <vector>

#include "engine/model/areas.hpp"
#include "engine/project/project.hpp"
#include "engine/report/report.hpp"

namespace buurt {

struct HierarchyOptions {
    double outside_tolerance = 0.01;  // an area may stick out of its parent by at most this share of its area
    double overlap_min_m2 = 1.0;      // overlaps within a level smaller than this are digitising noise
};

// The checks within each level (duplicate codes, overlaps) only read the areas: they run on another
// core while the job goes on (the join needs only the links), and finish() adds every level's
// problems to the report. The levels must stay where they are until then; moving the Areas holding
// them is fine.
class LevelChecks {
public:
    using Problems = std::vector<std::vector<HierarchyProblem>>;  // per level

    LevelChecks() = default;
    LevelChecks(std::future<Problems> within, Problems links) : m_within(std::move(within)), m_links(std::move(links)) {}

    void finish(Report& report);

private:
    std::future<Problems> m_within;
    Problems m_links;
};

[[nodiscard]] LevelChecks link_hierarchy(Areas& areas, const Project& project, Report& report, const HierarchyOptions& options = {});

} // namespace buurt

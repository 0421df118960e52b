#pragma once
// The area hierarchy: block > buurt > wijk > gebied > stadsdeel (any subset present).
// Parents come from the code field when the project names one, else from the largest overlap.
// Problems are reported, never fatal: a user may have a good reason for an odd boundary.

#include "engine/model/areas.hpp"
#include "engine/project/project.hpp"
#include "engine/report/report.hpp"

namespace buurt {

struct HierarchyOptions {
    double outside_tolerance = 0.01;  // an area may stick out of its parent by at most this share of its area
    double overlap_min_m2 = 1.0;      // overlaps within a level smaller than this are digitising noise
};

void link_hierarchy(Areas& areas, const Project& project, Report& report, const HierarchyOptions& options = {});

} // namespace buurt

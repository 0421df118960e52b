#pragma once
// The two jobs a user runs: validate (read everything, report) and run (join, summarise, write).

#include <functional>
#include <string>

#include "engine/project/project.hpp"
#include "engine/report/report.hpp"

namespace buurt {

struct JobOptions {
    bool write_observations = true;  // false: only the summaries (the benchmark's "same work as PostGIS")
    bool hotspots = true;            // Gi*, hexagon grid and heat map
    // Called now and then with a stage name and how many observations are done.
    std::function<void(const std::string& stage, long long done)> progress;
};

Report validate(const Project& project, const JobOptions& options);

// Writes project.output.gpkg atomically and returns the run report (also stored in the GeoPackage).
Report run(const Project& project, const JobOptions& options);

} // namespace buurt

#include <iostream>

#include "engine/pipeline/pipeline.hpp"
#include "tools/command_project.hpp"

namespace buurt::cli {

Command run_command() {
    Command c;
    c.name = "run";
    c.summary = "join the observations and write the styled GeoPackage";
    c.help = std::string(R"(Usage: buurtbalans run [PROJECT] [OPTIONS]

Joins every observation to the finest area level, every coarser level and the nearest street, and
writes one GeoPackage atomically, with a QGIS style for every layer and an embedded QGIS project.
  --out FILE.gpkg       the GeoPackage to write (or [output] gpkg in the project)
  --overwrite           replace an existing output
  --summaries-only      skip the observation layers (only areas, streets and the report)
  --no-hotspots         skip Gi* hotspots, the hexagon grid and the heat map
)") + project_options_help;
    c.run = [](const std::vector<std::string>& argv) {
        FlagSettings s;
        bool json = false;
        bool quiet = false;
        bool summaries_only = false;
        bool hotspots = true;
        Options o;
        add_project_options(o, s);
        o.value("--out", [&](const std::string& v) { s.output = v; });
        o.flag("--overwrite", [&] { s.overwrite = true; });
        o.flag("--summaries-only", [&] { summaries_only = true; });
        o.flag("--no-hotspots", [&] { hotspots = false; });
        o.flag("--json", [&] { json = true; });
        o.flag("--quiet", [&] { quiet = true; });
        const Project project = project_from(s, o.parse("run", argv));
        JobOptions job;
        job.progress = terminal_progress(quiet);
        job.write_observations = !summaries_only;
        job.hotspots = hotspots;
        const Report report = run(project, job);
        if (job.progress) {
            clear_progress_line();
        }
        if (json) {
            std::cout << to_json_text(report) << "\n";
        } else {
            if (!quiet) {
                print_text(report, std::cout);
            }
            std::cerr << "wrote " << project.output.gpkg << "\n";
        }
        return 0;
    };
    return c;
}

} // namespace buurt::cli

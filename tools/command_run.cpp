#include <iostream>

#include "engine/core/conninfo.hpp"
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
  --postgis PG:CONN     also write every layer, style and the project into PostGIS (GDAL connection
                        string, e.g. "PG:host=db.example.nl dbname=gis user=me"; password: ~/.pgpass)
  --schema NAME         the schema a run replaces as a whole, in one transaction (default buurtbalans)
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
        o.value("--postgis", [&](const std::string& v) { s.postgis = v; });
        o.value("--schema", [&](const std::string& v) { s.schema = v; });
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
            if (!project.output.gpkg.empty()) {
                std::cerr << "wrote " << project.output.gpkg << "\n";
            }
            if (!project.output.postgis.empty()) {
                std::cerr << "wrote schema " << project.output.schema << " in " << display_source(project.output.postgis) << "\n";
            }
        }
        return 0;
    };
    return c;
}

} // namespace buurt::cli

#include <iostream>

#include "engine/pipeline/pipeline.hpp"
#include "tools/command_project.hpp"

namespace buurt::cli {

Command validate_command() {
    Command c;
    c.name = "validate";
    c.summary = "read every input and report what is in it (nothing is written)";
    c.help = std::string(R"(Usage: buurtbalans validate [PROJECT] [OPTIONS]

Reads every input: per input the driver, layer, CRS, feature count, geometry types, fields found and
mapped, features repaired and skipped (with ids and reasons), unknown theme/valence/source values;
then the area hierarchy and its problems. Writes nothing.
)") + project_options_help;
    c.run = [](const std::vector<std::string>& argv) {
        FlagSettings s;
        bool json = false;
        bool quiet = false;
        Options o;
        add_project_options(o, s);
        o.flag("--json", [&] { json = true; });
        o.flag("--quiet", [&] { quiet = true; });
        const Project project = project_from(s, o.parse("validate", argv));
        JobOptions job;
        job.progress = terminal_progress(quiet);
        const Report report = validate(project, job);
        if (job.progress) {
            clear_progress_line();
        }
        if (json) {
            std::cout << to_json_text(report) << "\n";
        } else {
            print_text(report, std::cout);
        }
        return 0;
    };
    return c;
}

} // namespace buurt::cli

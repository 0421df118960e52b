// buurtbalans: the command. Each sub-command parses its options, calls one engine job, and maps the
// engine's exceptions to the documented exit codes. No work is done here.

#include <unistd.h>

#include <cstring>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "engine/core/error.hpp"
#include "engine/core/version.hpp"
#include "engine/pipeline/pipeline.hpp"
#include "engine/project/project.hpp"

namespace {

enum ExitCode : int { ok = 0, usage = 2, config = 3, input = 4, output = 5, internal = 10 };

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

constexpr const char* main_help = R"(buurtbalans - the Buurtbalans engine: observations joined to blocks, buurten and streets

Usage: buurtbalans COMMAND [OPTIONS]

Commands:
  validate [PROJECT]   read every input and report what is in it (nothing is written)
  run [PROJECT]        join the observations and write the GeoPackage

  buurtbalans COMMAND --help   shows the options of a command
  buurtbalans --version        shows the version

Exit codes: 0 ok, 2 usage error, 3 project error, 4 input error, 5 output error, 10 internal error.
)";

constexpr const char* project_help = R"(
PROJECT is a TOML project file (see README). Every setting can also be given as a flag; flags add to
or replace the file's settings. A flag's value is a source followed by the TOML keys of its table:
  --area LEVEL=PATH,code=F[,name=F][,parent=F][,layer=L][,crs=C]
                        LEVEL: block, buurt, wijk, gebied or stadsdeel (repeatable)
  --streets PATH,name=F[,max_distance=30][,layer=L]
  --observations PATH[,id=F][,fields.theme=F][,fields.valence=F][,fields.source=F][,fields.round=F]
                 [,values.valence.kans=1][,defaults.source=bewoner][,crs=EPSG:4326][,x=lon,y=lat]
                        (repeatable)
  --indicators PATH,level=buurt,code=F[,population=F][,fields=a;b;c]   (repeatable)
  --crs CRS             project CRS (default EPSG:28992)
  --styles DIR          style definitions (default: the styles/ of this installation)
  --layers DIR          thematic layer definitions (default: the layers/ of this installation)
  --threads N           join threads (default: one per core)
  --json                print the report as JSON on standard output
  --quiet               no progress on the terminal
)";

constexpr const char* validate_help = R"(Usage: buurtbalans validate [PROJECT] [OPTIONS]

Reads every input: per input the driver, layer, CRS, feature count, geometry types, fields found and
mapped, features repaired and skipped (with ids and reasons), unknown theme/valence/source values;
then the area hierarchy and its problems. Writes nothing.
)";

constexpr const char* run_help = R"(Usage: buurtbalans run [PROJECT] [OPTIONS]

Joins every observation to the finest area level, every coarser level and the nearest street, and
writes one GeoPackage (layers: observations, observation_shares, one per area level, streets,
run_report), atomically.
  --out FILE.gpkg       the GeoPackage to write (or [output] gpkg in the project)
  --overwrite           replace an existing output
  --summaries-only      skip the observations and observation_shares layers
)";

struct Args {
    buurt::FlagSettings settings;
    bool json = false;
    bool quiet = false;
    bool summaries_only = false;
};

Args parse(const std::string& command, const std::vector<std::string>& argv) {
    Args a;
    auto& s = a.settings;
    std::map<std::string, std::function<void(const std::string&)>> with_value{
        {"--area", [&](const std::string& v) { s.areas.push_back(v); }},
        {"--streets", [&](const std::string& v) { s.streets = v; }},
        {"--observations", [&](const std::string& v) { s.observations.push_back(v); }},
        {"--indicators", [&](const std::string& v) { s.indicators.push_back(v); }},
        {"--crs", [&](const std::string& v) { s.crs = v; }},
        {"--styles", [&](const std::string& v) { s.styles_dir = v; }},
        {"--layers", [&](const std::string& v) { s.layers_dir = v; }},
        {"--threads",
         [&](const std::string& v) {
             try {
                 s.threads = std::stoi(v);
             } catch (const std::exception&) {
                 throw UsageError("--threads needs a number, got '" + v + "'");
             }
         }},
    };
    std::map<std::string, std::function<void()>> switches{{"--json", [&] { a.json = true; }}, {"--quiet", [&] { a.quiet = true; }}};
    if (command == "run") {
        with_value["--out"] = [&](const std::string& v) { s.output = v; };
        switches["--overwrite"] = [&] { s.overwrite = true; };
        switches["--summaries-only"] = [&] { a.summaries_only = true; };
    }
    for (std::size_t i = 0; i < argv.size(); ++i) {
        std::string arg = argv[i];
        std::string value;
        const auto eq = arg.find('=');
        const bool inline_value = arg.rfind("--", 0) == 0 && eq != std::string::npos;
        if (inline_value) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
        }
        if (auto it = with_value.find(arg); it != with_value.end()) {
            if (!inline_value) {
                if (i + 1 >= argv.size()) {
                    throw UsageError(arg + " needs a value");
                }
                value = argv[++i];
            }
            it->second(value);
        } else if (auto sw = switches.find(arg); sw != switches.end() && !inline_value) {
            sw->second();
        } else if (arg.rfind("-", 0) == 0) {
            throw UsageError("unknown option " + arg + " for '" + command + "' (see buurtbalans " + command + " --help)");
        } else if (s.project_file.empty()) {
            s.project_file = arg;
        } else {
            throw UsageError("only one project file, got '" + s.project_file + "' and '" + arg + "'");
        }
    }
    return a;
}

std::function<void(const std::string&, long long)> progress_for(bool quiet) {
    if (quiet || isatty(STDERR_FILENO) == 0) {
        return {};
    }
    return [](const std::string& stage, long long done) { std::cerr << "\r" << stage << ": " << done << "   " << std::flush; };
}

int command(const std::string& name, const std::vector<std::string>& argv) {
    for (const auto& a : argv) {
        if (a == "--help" || a == "-h") {
            std::cout << (name == "run" ? run_help : validate_help) << project_help;
            return ok;
        }
    }
    const Args args = parse(name, argv);
    const buurt::Project project = buurt::project_from_settings(args.settings);
    buurt::JobOptions options;
    options.progress = progress_for(args.quiet);
    options.write_observations = !args.summaries_only;
    const buurt::Report report = name == "run" ? buurt::run(project, options) : buurt::validate(project, options);
    if (options.progress) {
        std::cerr << "\r" << std::string(60, ' ') << "\r";
    }
    if (args.json) {
        std::cout << buurt::to_json_text(report) << "\n";
    } else if (!args.quiet || name == "validate") {
        buurt::print_text(report, std::cout);
    }
    if (name == "run" && !args.json) {
        std::cerr << "wrote " << project.output.gpkg << "\n";
    }
    return ok;
}

} // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    try {
        if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
            std::cout << main_help;
            return args.empty() ? usage : ok;
        }
        if (args[0] == "--version") {
            std::cout << "buurtbalans " << buurt::version << "\n";
            return ok;
        }
        if (args[0] == "validate" || args[0] == "run") {
            return command(args[0], std::vector<std::string>(args.begin() + 1, args.end()));
        }
        throw UsageError("unknown command '" + args[0] + "' (commands: validate, run; see buurtbalans --help)");
    } catch (const UsageError& e) {
        std::cerr << "buurtbalans: " << e.what() << "\n";
        return usage;
    } catch (const buurt::config_error& e) {
        std::cerr << "buurtbalans: project error: " << e.what() << "\n";
        return config;
    } catch (const buurt::input_error& e) {
        std::cerr << "buurtbalans: input error: " << e.what() << "\n";
        return input;
    } catch (const buurt::output_error& e) {
        std::cerr << "buurtbalans: output error: " << e.what() << "\n";
        return output;
    } catch (const std::exception& e) {
        std::cerr << "buurtbalans: internal error: " << e.what() << "\n";
        return internal;
    }
}

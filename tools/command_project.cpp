#include "tools/command_project.hpp"

namespace buurt::cli {

void add_project_options(Options& o, FlagSettings& s) {
    o.value("--area", [&](const std::string& v) { s.areas.push_back(v); });
    o.value("--streets", [&](const std::string& v) { s.streets = v; });
    o.value("--observations", [&](const std::string& v) { s.observations.push_back(v); });
    o.value("--indicators", [&](const std::string& v) { s.indicators.push_back(v); });
    o.value("--crs", [&](const std::string& v) { s.crs = v; });
    o.value("--styles", [&](const std::string& v) { s.styles_dir = v; });
    o.value("--layers", [&](const std::string& v) { s.layers_dir = v; });
    o.flag("--publish", [&] { s.publish = true; });
    o.value("--publish-threshold", [&](const std::string& v) { s.publish_threshold = v; });
    o.value("--publish-method", [&](const std::string& v) { s.publish_method = v; });
    o.value("--problem-indicator", [&](const std::string& v) { s.problem_indicators.push_back(v); });
    o.value("--rounds-min-total", [&](const std::string& v) { s.rounds_min_total = v; });
    o.value("--threads", [&](const std::string& v) { s.threads = to_int("--threads", v); });
}

Project project_from(FlagSettings& s, const std::vector<std::string>& positional) {
    if (positional.size() > 1) {
        throw UsageError("only one project file, got '" + positional[0] + "' and '" + positional[1] + "'");
    }
    if (!positional.empty()) {
        s.project_file = positional[0];
    }
    return project_from_settings(s);
}

} // namespace buurt::cli

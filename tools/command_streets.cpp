#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>

#include "engine/core/csv.hpp"
#include "engine/query/street_query.hpp"
#include "tools/command.hpp"

namespace buurt::cli {

namespace {

constexpr const char* filter_help = R"(
Filters (any combination):
  --theme T             e.g. overlast, groen
  --valence V           kans, zorg or neutraal (or 1, -1, 0)
  --source S            bewoner, professional or cijfers
  --round R             e.g. 2024-03
  --area CODE           a block, buurt, wijk, gebied or stadsdeel code (e.g. FB08)
  --no-fdr              class Gi* without the false-discovery-rate correction
Output:
  --csv | --json        machine-readable instead of a table
Gi* is recomputed on the street segments for the filtered observations (binary weights, segments
within the default network distance, self included; classes at 90/95/99 % after Benjamini-Hochberg).
With fewer than 30 segments or no variation it says "insufficient data" instead of classing.
)";

struct Args {
    std::string gpkg;
    std::string street;
    query::StreetFilter filter;
    int top = 20;
    bool csv = false;
    bool json = false;
};

int parse_valence(const std::string& v) {
    if (v == "kans" || v == "1" || v == "+1") {
        return 1;
    }
    if (v == "zorg" || v == "-1") {
        return -1;
    }
    if (v == "neutraal" || v == "0") {
        return 0;
    }
    throw UsageError("--valence is kans, zorg or neutraal, got '" + v + "'");
}

Args parse(const std::string& command, const std::vector<std::string>& argv, bool one_street) {
    Args a;
    Options o;
    o.value("--theme", [&](const std::string& v) { a.filter.theme = v; });
    o.value("--valence", [&](const std::string& v) { a.filter.valence = parse_valence(v); });
    o.value("--source", [&](const std::string& v) { a.filter.source = v; });
    o.value("--round", [&](const std::string& v) { a.filter.round = v; });
    o.value("--area", [&](const std::string& v) { a.filter.area = v; });
    o.flag("--no-fdr", [&] { a.filter.fdr = false; });
    o.flag("--csv", [&] { a.csv = true; });
    o.flag("--json", [&] { a.json = true; });
    if (!one_street) {
        o.value("--top", [&](const std::string& v) { a.top = to_int("--top", v); });
    }
    const auto pos = o.parse(command, argv);
    const std::size_t want = one_street ? 2 : 1;
    if (pos.size() != want) {
        throw UsageError(one_street ? "usage: buurtbalans street OUTPUT.gpkg NAME [filters]" : "usage: buurtbalans streets OUTPUT.gpkg [filters]");
    }
    if (a.csv && a.json) {
        throw UsageError("--csv or --json, not both");
    }
    a.gpkg = pos[0];
    if (one_street) {
        a.street = pos[1];
    }
    return a;
}

std::string fixed(double v, int decimals) {
    if (std::isnan(v)) {
        return "";
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string class_text(const std::optional<int>& c) { return c ? std::to_string(*c) : ""; }

nlohmann::json class_json(const std::optional<int>& c) { return c ? nlohmann::json(*c) : nlohmann::json(nullptr); }

void print_streets(const Args& a, const query::StreetAnswer& ans) {
    const std::size_t n = std::min<std::size_t>(ans.streets.size(), static_cast<std::size_t>(std::max(0, a.top)));
    if (a.json) {
        nlohmann::ordered_json j;
        j["filter"] = a.filter.describe();
        j["hotspot_status"] = ans.status;
        j["streets"] = nlohmann::ordered_json::array();
        for (std::size_t i = 0; i < n; ++i) {
            const auto& s = ans.streets[i];
            j["streets"].push_back({{"rank", i + 1}, {"name", s.name}, {"length_m", s.length_m}, {"n_obs", s.n_obs}, {"n_strength", s.n_strength},
                                    {"n_concern", s.n_concern}, {"n_neutral", s.n_neutral}, {"per_100m", s.per_100m},
                                    {"hot_segments", s.hot_segments}, {"max_class", class_json(s.max_class)}});
        }
        std::cout << j.dump(2) << "\n";
        return;
    }
    if (a.csv) {
        std::cout << "rank,name,length_m,n_obs,n_strength,n_concern,n_neutral,per_100m,hot_segments,max_class\n";
        for (std::size_t i = 0; i < n; ++i) {
            const auto& s = ans.streets[i];
            std::cout << i + 1 << "," << csv_text(s.name) << "," << fixed(s.length_m, 1) << "," << s.n_obs << "," << s.n_strength << ","
                      << s.n_concern << "," << s.n_neutral << "," << fixed(s.per_100m, 3) << "," << s.hot_segments << "," << class_text(s.max_class) << "\n";
        }
        return;
    }
    std::cout << "Streets ranked by observations (" << a.filter.describe() << "); hotspots: " << ans.status << "\n\n";
    std::printf("%4s  %-32s %8s %6s %6s %6s %9s %5s %5s\n", "#", "street", "length m", "obs", "kans", "zorg", "per 100m", "hot", "class");
    for (std::size_t i = 0; i < n; ++i) {
        const auto& s = ans.streets[i];
        std::printf("%4zu  %-32.32s %8.0f %6lld %6lld %6lld %9.2f %5d %5s\n", i + 1, s.name.c_str(), s.length_m, s.n_obs, s.n_strength, s.n_concern,
                    s.per_100m, s.hot_segments, class_text(s.max_class).c_str());
    }
    std::cout << "\nhot: segments in a hotspot at 95 % or more; class: the street's strongest segment (+3 hot 99 % ... -3 cold 99 %)\n";
}

void print_segments(const Args& a, const query::StreetAnswer& ans) {
    std::vector<const query::SegmentRow*> rows;
    for (const auto& s : ans.segments) {
        if (s.street == a.street) {
            rows.push_back(&s);
        }
    }
    if (rows.empty()) {
        throw UsageError("no street named '" + a.street + "' in " + a.gpkg);
    }
    if (a.json) {
        nlohmann::ordered_json j;
        j["street"] = a.street;
        j["filter"] = a.filter.describe();
        j["hotspot_status"] = ans.status;
        j["segments"] = nlohmann::ordered_json::array();
        for (const auto* s : rows) {
            j["segments"].push_back({{"segment", s->segment}, {"length_m", s->length_m}, {"n_obs", s->n_obs}, {"n_strength", s->n_strength},
                                     {"n_concern", s->n_concern}, {"per_100m", s->per_100m}, {"z", std::isnan(s->z) ? nlohmann::json(nullptr) : nlohmann::json(s->z)},
                                     {"p", std::isnan(s->p) ? nlohmann::json(nullptr) : nlohmann::json(s->p)}, {"class", class_json(s->hot_class)}});
        }
        std::cout << j.dump(2) << "\n";
        return;
    }
    if (a.csv) {
        std::cout << "segment,length_m,n_obs,n_strength,n_concern,per_100m,z,p,class\n";
        for (const auto* s : rows) {
            std::cout << s->segment << "," << fixed(s->length_m, 1) << "," << s->n_obs << "," << s->n_strength << "," << s->n_concern << ","
                      << fixed(s->per_100m, 3) << "," << fixed(s->z, 4) << "," << fixed(s->p, 6) << "," << class_text(s->hot_class) << "\n";
        }
        return;
    }
    std::cout << a.street << " (" << a.filter.describe() << "); hotspots: " << ans.status << "\n\n";
    std::printf("%7s %8s %6s %6s %6s %9s %8s %9s %5s\n", "segment", "length m", "obs", "kans", "zorg", "per 100m", "z", "p", "class");
    for (const auto* s : rows) {
        std::printf("%7d %8.0f %6lld %6lld %6lld %9.2f %8s %9s %5s\n", s->segment, s->length_m, s->n_obs, s->n_strength, s->n_concern, s->per_100m,
                    fixed(s->z, 2).c_str(), fixed(s->p, 4).c_str(), class_text(s->hot_class).c_str());
    }
}

} // namespace

Command streets_command() {
    Command c;
    c.name = "streets";
    c.summary = "rank the streets of a run by observations, with Gi* hotspots";
    c.help = std::string("Usage: buurtbalans streets OUTPUT.gpkg [filters] [--top N] [--csv|--json]\n") + filter_help;
    c.run = [](const std::vector<std::string>& argv) {
        const Args a = parse("streets", argv, false);
        print_streets(a, query::streets_for(a.gpkg, a.filter));
        return 0;
    };
    return c;
}

Command street_command() {
    Command c;
    c.name = "street";
    c.summary = "one street's segments: counts, per 100 m, Gi* z, p and class";
    c.help = std::string("Usage: buurtbalans street OUTPUT.gpkg NAME [filters] [--csv|--json]\n") + filter_help;
    c.run = [](const std::vector<std::string>& argv) {
        const Args a = parse("street", argv, true);
        print_segments(a, query::streets_for(a.gpkg, a.filter));
        return 0;
    };
    return c;
}

} // namespace buurt::cli

#include "engine/report/report.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "engine/core/conninfo.hpp"

namespace buurt {

void InputReport::repair(std::string id, std::string detail) {
    ++repaired_count;
    if (repaired.size() < max_notes) {
        repaired.push_back({std::move(id), std::move(detail)});
    }
}

void InputReport::skip(std::string id, std::string detail) {
    ++skipped_count;
    if (skipped.size() < max_notes) {
        skipped.push_back({std::move(id), std::move(detail)});
    }
}

InputReport& Report::add_input(std::string role, const io::SourceInfo& info) {
    inputs.emplace_back();
    inputs.back().role = std::move(role);
    inputs.back().source = info;
    return inputs.back();
}

namespace {

nlohmann::json notes(const std::vector<FeatureNote>& list) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& n : list) {
        a.push_back({{"id", n.id}, {"detail", n.detail}});
    }
    return a;
}

// A terminal shows the first few; --json carries up to InputReport::max_notes.
void print_notes(std::ostream& out, const char* what, const std::vector<FeatureNote>& list, long long count) {
    constexpr std::size_t shown = 12;
    for (std::size_t i = 0; i < list.size() && i < shown; ++i) {
        out << "  " << what << " " << list[i].id << ": " << list[i].detail << "\n";
    }
    if (count > static_cast<long long>(std::min(list.size(), shown))) {
        out << "  ... " << count - static_cast<long long>(std::min(list.size(), shown)) << " more " << what << " (--json lists up to "
            << InputReport::max_notes << ")\n";
    }
}

} // namespace

std::string to_json_text(const Report& r) {
    nlohmann::ordered_json j;
    j["project"] = r.project;
    j["origin"] = r.origin;
    j["crs"] = r.crs;
    j["inputs"] = nlohmann::ordered_json::array();
    for (const auto& in : r.inputs) {
        nlohmann::ordered_json i;
        i["role"] = in.role;
        i["path"] = display_source(in.source.path);
        i["driver"] = in.source.driver;
        i["layer"] = in.source.layer;
        i["crs"] = in.source.crs;
        i["crs_assumed"] = in.source.crs_assumed;
        i["features"] = in.read;
        i["used"] = in.used;
        i["geometry_types"] = in.geometry_types;
        i["fields"] = in.source.fields;
        i["mapping"] = in.mapping;
        i["repaired_count"] = in.repaired_count;
        i["repaired"] = notes(in.repaired);
        i["skipped_count"] = in.skipped_count;
        i["skipped"] = notes(in.skipped);
        i["unknown_values"] = in.unknown_values;
        j["inputs"].push_back(std::move(i));
    }
    j["levels"] = nlohmann::ordered_json::array();
    for (const auto& l : r.levels) {
        j["levels"].push_back({{"level", l.level}, {"areas", l.areas}, {"parent_link", l.parent_link}});
    }
    j["hierarchy_problems"] = nlohmann::ordered_json::array();
    for (const auto& p : r.hierarchy) {
        j["hierarchy_problems"].push_back({{"level", p.level}, {"code", p.code}, {"kind", p.kind}, {"detail", p.detail}});
    }
    j["counts"] = r.counts;
    j["hotspot_notes"] = r.hotspot_notes;
    j["timings_s"] = nlohmann::ordered_json::object();
    for (const auto& [phase, s] : r.timings) {
        j["timings_s"][phase] = std::round(s * 1000) / 1000;
    }
    j["crosswalks"] = nlohmann::ordered_json::array();
    for (const auto& c : r.crosswalks) {
        nlohmann::ordered_json x{{"input", c.input}, {"level", c.level}, {"min_coverage", c.min_coverage}};
        x["links"] = nlohmann::ordered_json::array();
        for (const auto& l : c.links) {
            x["links"].push_back({{"source_code", l.source_code}, {"target_code", l.target_code}, {"overlap_m2", l.overlap_m2},
                                  {"share_of_source", l.share_of_source}, {"share_of_target", l.share_of_target}});
        }
        x["coverage"] = nlohmann::ordered_json::array();
        for (const auto& v : c.coverage) {
            x["coverage"].push_back({{"code", v.code}, {"area_m2", v.area_m2}, {"covered_m2", v.covered_m2}, {"coverage", v.coverage}, {"low", v.low}});
        }
        j["crosswalks"].push_back(std::move(x));
    }
    return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

std::string fixed_text(double v, int decimals) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(decimals) << v;
    return s.str();
}

} // namespace

void print_text(const Report& r, std::ostream& out) {
    out << "Project " << r.project << " (" << r.origin << "), CRS " << r.crs << "\n";
    for (const auto& in : r.inputs) {
        out << "\n" << in.role << ": " << display_source(in.source.path) << "\n";
        out << "  driver " << in.source.driver << ", layer " << in.source.layer;
        if (!in.source.crs.empty()) {
            out << ", CRS " << in.source.crs;
        }
        out << "\n  features " << in.read << ", used " << in.used << ", repaired " << in.repaired_count << ", skipped "
            << in.skipped_count << "\n";
        if (!in.geometry_types.empty()) {
            out << "  geometry types:";
            for (const auto& [t, n] : in.geometry_types) {
                out << " " << t << " " << n;
            }
            out << "\n";
        }
        out << "  fields:";
        for (const auto& f : in.source.fields) {
            out << " " << f;
        }
        out << "\n";
        if (!in.mapping.empty()) {
            out << "  mapped:";
            for (const auto& [role, field] : in.mapping) {
                out << " " << role << "<-" << field;
            }
            out << "\n";
        }
        print_notes(out, "repaired", in.repaired, in.repaired_count);
        print_notes(out, "skipped", in.skipped, in.skipped_count);
        for (const auto& [role, values] : in.unknown_values) {
            out << "  unknown " << role << " values:";
            for (const auto& [v, n] : values) {
                out << " '" << v << "' (" << n << ")";
            }
            out << "\n";
        }
    }
    out << "\nAreas:\n";
    for (const auto& l : r.levels) {
        out << "  " << l.level << ": " << l.areas << (l.parent_link.empty() ? "" : ", parent by " + l.parent_link) << "\n";
    }
    out << "\nHierarchy problems: " << r.hierarchy.size() << "\n";
    for (const auto& p : r.hierarchy) {
        out << "  " << p.level << " " << p.code << ": " << p.kind << ": " << p.detail << "\n";
    }
    for (const auto& n : r.hotspot_notes) {
        out << "\nHotspots not classed: " << n << "\n";
    }
    for (const auto& c : r.crosswalks) {
        out << "\nCrosswalk " << c.input << " -> " << c.level << " (by area overlap):\n";
        for (const auto& l : c.links) {
            out << "  " << l.source_code << " -> " << l.target_code << ": " << fixed_text(l.overlap_m2, 0) << " m2, "
                << fixed_text(l.share_of_source, 3) << " of " << l.source_code << ", " << fixed_text(l.share_of_target, 3) << " of "
                << l.target_code << "\n";
        }
        for (const auto& v : c.coverage) {
            out << "  coverage " << v.code << ": " << fixed_text(v.coverage, 3)
                << (v.low ? " (below " + fixed_text(c.min_coverage, 2) + ": its figures rest on part of the area)" : "") << "\n";
        }
    }
    if (!r.counts.empty()) {
        out << "\nCounts:\n";
        for (const auto& [k, v] : r.counts) {
            out << "  " << k << ": " << v << "\n";
        }
    }
    if (!r.timings.empty()) {
        out << "\nTimings (wall seconds):\n";
        for (const auto& [phase, s] : r.timings) {
            out << "  " << phase << ": " << fixed_text(s, 2) << "\n";
        }
    }
}

} // namespace buurt

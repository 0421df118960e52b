#include "engine/io/read_indicators.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>

#include "engine/core/conninfo.hpp"
#include "engine/core/error.hpp"
#include "engine/crosswalk/crosswalk.hpp"
#include "engine/io/read_areas.hpp"
#include "engine/io/vector_source.hpp"

namespace buurt::io {

namespace {

std::optional<double> parse_number(const std::string& text) {
    std::string t = text;
    // Dutch spreadsheets write decimal commas; a value never has both separators in these tables.
    if (t.find(',') != std::string::npos && t.find('.') == std::string::npos) {
        t[t.find(',')] = '.';
    }
    double d = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
    if (ec != std::errc{} || end != t.data() + t.size()) {
        return std::nullopt;
    }
    return d;
}

// The polygons of the indicators' own scheme. A code given twice is refused: figures cannot be shared out
// from an area that is two areas.
AreaLevel read_scheme(const IndicatorSpec& spec, const std::string& crs, Report& report) {
    const AreaLevelSpec as{spec.level, spec.areas->source, spec.areas->code_field, {}, {}};
    AreaLevel scheme = read_area_level(as, "indicators (" + std::string(level_name(spec.level)) + ") areas", crs, report);
    if (scheme.by_code.size() != scheme.areas.size()) {
        for (std::size_t i = 0; i < scheme.areas.size(); ++i) {
            const Area& first = scheme.areas[static_cast<std::size_t>(scheme.find(scheme.areas[i].code))];
            if (&first != &scheme.areas[i]) {
                throw input_error({spec.areas->source.path, report.inputs.back().source.layer, scheme.areas[i].code, spec.areas->code_field},
                                  "code appears twice (FID " + std::to_string(first.fid) + " and FID " + std::to_string(scheme.areas[i].fid) +
                                      "): figures cannot be carried over from an area that is two areas");
            }
        }
    }
    return scheme;
}

std::string input_name(const SourceSpec& s) {
    return is_pg_source(s.path) ? s.layer : std::filesystem::path(s.path).filename().string();
}

// Replaces the table's rows (keyed by scheme codes) by the figures carried over to the areas of its level.
void carry_over(IndicatorTable& table, const IndicatorSpec& spec, const AreaLevel& scheme, InputReport& scheme_rep,
                const AreaLevel& targets, const std::string& layer, Report& report) {
    crosswalk::Fields fields;
    for (const std::string& name : table.fields) {
        fields.is_count.push_back(std::find(spec.counts.begin(), spec.counts.end(), name) != spec.counts.end());
    }
    for (const std::string& c : spec.counts) {
        if (std::find(table.fields.begin(), table.fields.end(), c) == table.fields.end()) {
            throw input_error({spec.source.path, layer, "", c}, "is listed in 'counts' but is not a numeric indicator column of this table");
        }
    }
    // Inhabitants are a count whatever the list says: they are the weights of the means.
    if (table.population >= 0) {
        fields.is_count[static_cast<std::size_t>(table.population)] = true;
        fields.population = table.population;
    }
    std::vector<const crosswalk::Values*> figures;
    for (const Area& s : scheme.areas) {
        const auto it = table.by_code.find(s.code);
        figures.push_back(it == table.by_code.end() ? nullptr : &it->second);
        if (it == table.by_code.end()) {
            scheme_rep.skip(s.code, "no row with this code in field '" + spec.code_field + "' of " + display_source(spec.source.path) +
                                        ": its area counts as not covered");
        }
    }
    const std::vector<crosswalk::Link> links = crosswalk::overlaps(scheme.areas, targets.areas);
    crosswalk::Carried carried = crosswalk::carry_over(links, scheme.areas, figures, targets.areas, fields);

    CrosswalkReport cr;
    cr.input = input_name(spec.source);
    cr.level = std::string(level_name(spec.level));
    cr.min_coverage = spec.areas->min_coverage;
    for (const auto& l : links) {
        const Area& s = scheme.areas[l.source];
        const Area& t = targets.areas[l.target];
        cr.links.push_back({s.code, t.code, l.overlap_m2, l.overlap_m2 / s.area_m2, l.overlap_m2 / t.area_m2});
    }
    for (std::size_t t = 0; t < targets.areas.size(); ++t) {
        const Area& a = targets.areas[t];
        const double coverage = std::min(1.0, carried.covered_m2[t] / a.area_m2);
        cr.coverage.push_back({a.code, a.area_m2, carried.covered_m2[t], coverage, coverage < spec.areas->min_coverage});
    }
    report.crosswalks.push_back(std::move(cr));
    table.by_code = std::move(carried.by_code);
}

} // namespace

IndicatorTable read_indicators(const IndicatorSpec& spec, const Areas& areas, const std::string& crs, Report& report) {
    VectorSource src(spec.source, "EPSG:28992");
    InputReport& rep = report.add_input("indicators (" + std::string(level_name(spec.level)) + ")", src.info());
    const int code = src.require_field(spec.code_field, "area code");
    rep.mapping["code"] = spec.code_field;

    IndicatorTable table;
    table.level = spec.level;
    std::vector<int> columns;
    if (spec.fields.empty()) {
        for (std::size_t i = 0; i < src.info().fields.size(); ++i) {
            if (static_cast<int>(i) != code) {
                table.fields.push_back(src.info().fields[i]);
                columns.push_back(static_cast<int>(i));
            }
        }
    } else {
        for (const auto& f : spec.fields) {
            columns.push_back(src.require_field(f, "indicator"));
            table.fields.push_back(f);
        }
    }
    if (!spec.population_field.empty()) {
        const int p = src.require_field(spec.population_field, "population");
        rep.mapping["population"] = spec.population_field;
        for (std::size_t i = 0; i < columns.size(); ++i) {
            if (columns[i] == p) {
                table.population = static_cast<int>(i);
            }
        }
        if (table.population < 0) {
            table.fields.push_back(spec.population_field);
            columns.push_back(p);
            table.population = static_cast<int>(columns.size()) - 1;
        }
    }
    const int level = areas.index_of(spec.level);
    if (level < 0) {
        throw input_error({spec.source.path, src.info().layer, "", spec.code_field},
                          std::string(spec.areas ? "indicators are carried over to " : "indicators are keyed by ") + std::string(level_name(spec.level)) +
                              (spec.areas ? " areas" : " codes") + ", but the project has no such level");
    }
    std::optional<AreaLevel> scheme;
    InputReport* scheme_rep = nullptr;  // report.inputs is a deque: the reference survives later inputs
    if (spec.areas) {
        scheme = read_scheme(spec, crs, report);
        scheme_rep = &report.inputs.back();
    }
    const AreaLevel& keys = scheme ? *scheme : areas.levels[level];
    RawFeature f;
    std::vector<std::size_t> all_text(columns.size(), 0);
    while (src.next(f)) {
        ++rep.read;
        const std::string& c = f.values[code];
        if (keys.find(c) < 0) {
            ++rep.unknown_values["code"][c.empty() ? "(empty)" : c];
            continue;
        }
        if (table.by_code.count(c) != 0) {
            rep.skip(c, "code appears twice; the first row is used");
            continue;
        }
        std::vector<std::optional<double>> values;
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const int col = columns[i];
            std::optional<double> v = f.null[col] ? std::nullopt : parse_number(f.values[col]);
            if (!f.null[col] && !v) {
                ++rep.unknown_values[table.fields[i]][f.values[col]];
                ++all_text[i];
            }
            values.push_back(v);
        }
        table.by_code.emplace(c, std::move(values));
        ++rep.used;
        if (!f.repairs.empty()) {
            std::string detail;
            for (const auto& n : f.repairs) {
                detail += (detail.empty() ? "" : "; ") + n;
            }
            rep.repair(c, detail);
        }
    }
    // Columns with only text (names, labels) are not indicators: drop them rather than write empty columns.
    if (spec.fields.empty()) {
        std::vector<std::string> kept;
        std::vector<std::size_t> keep_idx;
        for (std::size_t i = 0; i < table.fields.size(); ++i) {
            if (static_cast<long long>(all_text[i]) < rep.used || rep.used == 0 || static_cast<int>(i) == table.population) {
                keep_idx.push_back(i);
            } else {
                rep.unknown_values.erase(table.fields[i]);
            }
        }
        for (auto& [c, values] : table.by_code) {
            std::vector<std::optional<double>> v;
            for (const std::size_t i : keep_idx) {
                v.push_back(values[i]);
            }
            values = std::move(v);
        }
        int population = -1;
        for (std::size_t k = 0; k < keep_idx.size(); ++k) {
            kept.push_back(table.fields[keep_idx[k]]);
            if (static_cast<int>(keep_idx[k]) == table.population) {
                population = static_cast<int>(k);
            }
        }
        table.fields = std::move(kept);
        table.population = population;
    }
    if (scheme) {
        carry_over(table, spec, *scheme, *scheme_rep, areas.levels[level], src.info().layer, report);
    }
    return table;
}

} // namespace buurt::io

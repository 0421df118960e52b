#include "engine/io/read_indicators.hpp"

#include <charconv>

#include "engine/core/error.hpp"
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

} // namespace

IndicatorTable read_indicators(const IndicatorSpec& spec, const Areas& areas, Report& report) {
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
                          "indicators are keyed by " + std::string(level_name(spec.level)) + " codes, but the project has no such level");
    }
    RawFeature f;
    std::vector<std::size_t> all_text(columns.size(), 0);
    while (src.next(f)) {
        ++rep.read;
        const std::string& c = f.values[code];
        if (areas.levels[level].find(c) < 0) {
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
    return table;
}

} // namespace buurt::io

#include "engine/render/run_output.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "engine/core/error.hpp"
#include "engine/core/text.hpp"
#include "engine/io/sql_query.hpp"
#include "engine/io/vector_source.hpp"

namespace buurt::render {

namespace {

std::string quote_name(const std::string& name) { return enquote(name, '"'); }

} // namespace

int Table::field(const std::string& field_name) const {
    const auto it = std::find(fields.begin(), fields.end(), field_name);
    return it == fields.end() ? -1 : static_cast<int>(it - fields.begin());
}

const std::optional<std::string>& Table::value(const Row& r, const std::string& field_name) const {
    static const std::optional<std::string> none;
    const int i = field(field_name);
    return i < 0 ? none : r.values[static_cast<std::size_t>(i)];
}

RunOutput::RunOutput(const std::string& gpkg) : m_path(gpkg) {
    const std::string text = io::metadata_item(gpkg, "buurtbalans_provenance");
    if (text.empty()) {
        throw input_error({gpkg, "", "", ""}, "is not a GeoPackage written by buurtbalans run (no buurtbalans_provenance metadata)");
    }
    try {
        const auto j = nlohmann::json::parse(text);
        m_provenance.engine = j.value("engine", "");
        m_provenance.created = j.value("created", "");
        m_provenance.project = j.value("project", "");
        m_provenance.crs = j.value("crs", "EPSG:28992");
        if (j.contains("parameters") && j["parameters"].contains("themes")) {
            m_provenance.themes = j["parameters"]["themes"].get<std::vector<std::string>>();
        }
        if (j.contains("publish")) {
            m_provenance.publish_threshold = j["publish"].value("threshold", 0);
            m_provenance.publish_note = j["publish"].value("note", "");
        }
    } catch (const nlohmann::json::exception& e) {
        throw input_error({gpkg, "gpkg_metadata", "buurtbalans_provenance", ""}, std::string("is not valid JSON: ") + e.what());
    }
}

bool RunOutput::has_table(const std::string& table) const { return !io::layer_fields(m_path, table).empty(); }

Table RunOutput::read(const std::string& table, const std::vector<std::string>& fields, const std::string& where) const {
    Table out{table, fields, {}};
    SourceSpec spec;
    spec.path = m_path;
    // A filter goes to SQLite (the GeoPackage's own SQL), which reads only the rows asked for.
    if (where.empty()) {
        spec.layer = table;
    } else {
        spec.sql = "SELECT * FROM " + quote_name(table) + " WHERE " + where + " ORDER BY fid";
    }
    io::VectorSource source(spec, m_provenance.crs);
    std::vector<int> columns;
    for (const auto& f : fields) {
        columns.push_back(source.field_index(f));
    }
    io::RawFeature raw;
    while (source.next(raw)) {
        if (!raw.geometry) {
            continue;
        }
        Row r;
        r.fid = raw.fid;
        r.envelope = geos::envelope(*raw.geometry);
        r.geometry = std::move(*raw.geometry);
        for (const int c : columns) {
            const auto i = static_cast<std::size_t>(c);
            r.values.push_back(c >= 0 && !raw.null[i] ? std::optional<std::string>(raw.values[i]) : std::nullopt);
        }
        out.rows.push_back(std::move(r));
    }
    return out;
}

std::vector<std::pair<std::optional<std::string>, long long>> RunOutput::histogram(const std::string& table, const std::string& field,
                                                                                   const std::string& where) const {
    std::vector<std::pair<std::optional<std::string>, long long>> out;
    const std::string sql =
        "SELECT " + quote_name(field) + ", count(*) FROM " + quote_name(table) + (where.empty() ? "" : " WHERE " + where) + " GROUP BY 1 ORDER BY 1";
    for (auto& row : io::sql_rows(m_path, sql)) {
        out.emplace_back(std::move(row.at(0)), std::stoll(row.at(1).value_or("0")));
    }
    return out;
}

std::vector<std::string> RunOutput::distinct(const std::string& table, const std::string& field, const std::string& where) const {
    const auto fields = io::layer_fields(m_path, table);
    if (std::find(fields.begin(), fields.end(), field) == fields.end()) {
        return {};
    }
    const std::string f = quote_name(field);
    std::vector<std::string> out;
    for (auto& row : io::sql_rows(m_path, "SELECT DISTINCT " + f + " FROM " + quote_name(table) + " WHERE " + f + " IS NOT NULL AND " + f + " <> ''" +
                                              (where.empty() ? "" : " AND (" + where + ")") + " ORDER BY 1")) {
        out.push_back(std::move(row.at(0)).value_or(""));
    }
    return out;
}

} // namespace buurt::render

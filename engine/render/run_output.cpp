#include "engine/render/run_output.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <unordered_set>

#include "engine/core/error.hpp"
#include "engine/gdal/gdal.hpp"
#include "engine/io/vector_source.hpp"

namespace buurt::render {

namespace {

std::string quote_name(const std::string& name) { return "\"" + name + "\""; }

} // namespace

std::string sql_quote(const std::string& text) {
    char* escaped = CPLEscapeString(text.c_str(), static_cast<int>(text.size()), CPLES_SQL);
    std::string out = "'" + std::string(escaped) + "'";
    CPLFree(escaped);
    return out;
}

int Table::field(const std::string& field_name) const {
    const auto it = std::find(fields.begin(), fields.end(), field_name);
    return it == fields.end() ? -1 : static_cast<int>(it - fields.begin());
}

const std::optional<std::string>& Table::value(const Row& r, const std::string& field_name) const {
    static const std::optional<std::string> none;
    const int i = field(field_name);
    return i < 0 ? none : r.values[static_cast<std::size_t>(i)];
}

struct RunOutput::Impl {
    std::string path;
    GDALDatasetUniquePtr dataset;
    Provenance provenance;

    // Runs a query and hands each result feature to `row`; SQL errors name the query.
    template <typename F>
    void query(const std::string& sql, F&& row) const {
        gdal::ErrorCapture capture;
        OGRLayer* result = dataset->ExecuteSQL(sql.c_str(), nullptr, nullptr);
        if (result == nullptr) {
            throw config_error(path + ": cannot run " + sql + ": " + capture.last_error());
        }
        for (OGRFeatureUniquePtr f(result->GetNextFeature()); f; f.reset(result->GetNextFeature())) {
            row(*f);
        }
        dataset->ReleaseResultSet(result);
    }
};

RunOutput::RunOutput(const std::string& gpkg) : m_impl(std::make_unique<Impl>()) {
    Impl& m = *m_impl;
    m.path = gpkg;
    m.dataset = gdal::open_vector(gpkg, {});
    const char* text = m.dataset->GetMetadataItem("buurtbalans_provenance");
    if (text == nullptr) {
        throw input_error({gpkg, "", "", ""}, "is not a GeoPackage written by buurtbalans run (no buurtbalans_provenance metadata)");
    }
    try {
        const auto j = nlohmann::json::parse(text);
        m.provenance = {j.value("engine", ""), j.value("created", ""), j.value("project", ""), j.value("crs", "EPSG:28992"), {}};
        if (j.contains("parameters") && j["parameters"].contains("themes")) {
            m.provenance.themes = j["parameters"]["themes"].get<std::vector<std::string>>();
        }
    } catch (const nlohmann::json::exception& e) {
        throw input_error({gpkg, "gpkg_metadata", "buurtbalans_provenance", ""}, std::string("is not valid JSON: ") + e.what());
    }
}

RunOutput::~RunOutput() = default;
RunOutput::RunOutput(RunOutput&&) noexcept = default;
RunOutput& RunOutput::operator=(RunOutput&&) noexcept = default;

const std::string& RunOutput::path() const { return m_impl->path; }
const Provenance& RunOutput::provenance() const { return m_impl->provenance; }

bool RunOutput::has_table(const std::string& table) const { return m_impl->dataset->GetLayerByName(table.c_str()) != nullptr; }

Table RunOutput::read(const std::string& table, const std::vector<std::string>& fields, const std::string& where) const {
    Table out{table, fields, {}};
    std::optional<std::unordered_set<long long>> wanted;
    if (!where.empty()) {
        OGRLayer* layer = m_impl->dataset->GetLayerByName(table.c_str());
        const std::string fid = layer != nullptr && *layer->GetFIDColumn() != '\0' ? layer->GetFIDColumn() : "fid";
        wanted.emplace();
        m_impl->query("SELECT " + quote_name(fid) + " FROM " + quote_name(table) + " WHERE " + where,
                      [&](OGRFeature& f) { wanted->insert(f.GetFieldAsInteger64(0)); });
    }
    SourceSpec spec;
    spec.path = m_impl->path;
    spec.layer = table;
    io::VectorSource source(spec, m_impl->provenance.crs);
    std::vector<int> columns;
    for (const auto& f : fields) {
        columns.push_back(source.field_index(f));
    }
    io::RawFeature raw;
    while (source.next(raw)) {
        if (!raw.geometry || (wanted && wanted->count(raw.fid) == 0)) {
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
    m_impl->query("SELECT " + quote_name(field) + ", count(*) FROM " + quote_name(table) + (where.empty() ? "" : " WHERE " + where) + " GROUP BY 1 ORDER BY 1",
                  [&](OGRFeature& f) {
                      out.emplace_back(f.IsFieldSetAndNotNull(0) ? std::optional<std::string>(f.GetFieldAsString(0)) : std::nullopt, f.GetFieldAsInteger64(1));
                  });
    return out;
}

std::vector<std::string> RunOutput::distinct(const std::string& table, const std::string& field, const std::string& where) const {
    OGRLayer* layer = m_impl->dataset->GetLayerByName(table.c_str());
    if (layer == nullptr || layer->GetLayerDefn()->GetFieldIndex(field.c_str()) < 0) {
        return {};
    }
    std::vector<std::string> out;
    const std::string sql = "SELECT DISTINCT " + quote_name(field) + " FROM " + quote_name(table) + " WHERE " + quote_name(field) +
                            " IS NOT NULL AND " + quote_name(field) + " <> ''" + (where.empty() ? "" : " AND (" + where + ")") + " ORDER BY 1";
    m_impl->query(sql, [&](OGRFeature& f) { out.emplace_back(f.GetFieldAsString(0)); });
    return out;
}

} // namespace buurt::render

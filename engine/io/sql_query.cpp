#include "engine/io/sql_query.hpp"

#include "engine/core/error.hpp"
#include "engine/core/text.hpp"
#include "engine/gdal/gdal.hpp"

namespace buurt::io {

std::vector<SqlRow> sql_rows(const std::string& path, const std::string& sql) {
    GDALDatasetUniquePtr ds = gdal::open_vector(path, {});
    gdal::ErrorCapture capture;
    OGRLayer* result = ds->ExecuteSQL(sql.c_str(), nullptr, "SQLITE");
    if (result == nullptr) {
        throw input_error({path, "", "", ""}, "query failed: " + capture.last_error());
    }
    std::vector<SqlRow> rows;
    const int n = result->GetLayerDefn()->GetFieldCount();
    for (OGRFeatureUniquePtr f(result->GetNextFeature()); f; f.reset(result->GetNextFeature())) {
        SqlRow row;
        for (int i = 0; i < n; ++i) {
            row.push_back(f->IsFieldSetAndNotNull(i) ? std::optional<std::string>(f->GetFieldAsString(i)) : std::nullopt);
        }
        rows.push_back(std::move(row));
    }
    ds->ReleaseResultSet(result);
    return rows;
}

std::vector<std::string> layer_fields(const std::string& path, const std::string& layer) {
    GDALDatasetUniquePtr ds = gdal::open_vector(path, {});
    std::vector<std::string> out;
    OGRLayer* l = ds->GetLayerByName(layer.c_str());
    if (l == nullptr) {
        return out;
    }
    for (int i = 0; i < l->GetLayerDefn()->GetFieldCount(); ++i) {
        out.emplace_back(l->GetLayerDefn()->GetFieldDefn(i)->GetNameRef());
    }
    return out;
}

std::string metadata_item(const std::string& path, const std::string& key) {
    GDALDatasetUniquePtr ds = gdal::open_vector(path, {});
    const char* v = ds->GetMetadataItem(key.c_str());
    return v != nullptr ? v : "";
}

std::string sql_literal(const std::string& s) { return enquote(s, '\''); }

} // namespace buurt::io

#pragma once

#include <optional>
#include <string>
#include <vector>

namespace buurt::io {

using SqlRow = std::vector<std::optional<std::string>>;

// Runs a read-only SQL query (SQLite dialect) on a GeoPackage and returns every row as text.
std::vector<SqlRow> sql_rows(const std::string& path, const std::string& sql);
// The field names of a layer (empty when it does not exist).
std::vector<std::string> layer_fields(const std::string& path, const std::string& layer);

// A dataset metadata item (gpkg_metadata), "" when absent.
std::string metadata_item(const std::string& path, const std::string& key);

// A SQL string literal.
std::string sql_literal(const std::string& s);

} // namespace buurt::io

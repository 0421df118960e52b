#pragma once
// PostgreSQL connection strings as GDAL takes them ("PG:host=... dbname=... password=..."): parsed the
// way libpq parses them, so that what we print or store never carries the password.

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace buurt {

// True for a GDAL PostgreSQL source ("PG:...", any case).
bool is_pg_source(const std::string& source);

// libpq's keyword = value pairs of a connection string (with or without "PG:"), values unquoted.
// Throws config_error for text libpq would refuse (unterminated quote, a word without '=').
std::vector<std::pair<std::string, std::string>> parse_conninfo(const std::string& source);

// The value of one keyword, if given.
std::optional<std::string> conninfo_value(const std::string& source, const std::string& key);

// The same connection string with `exclude`d keywords dropped, values quoted where libpq needs it.
std::string make_conninfo(const std::vector<std::pair<std::string, std::string>>& pairs, const std::vector<std::string>& exclude = {});

// What messages, reports and provenance show for a source: a PG source without its password
// ("PG:host=db dbname=gis password=***" -> "PG:host=db dbname=gis"); any other text unchanged.
std::string display_source(const std::string& source);

} // namespace buurt

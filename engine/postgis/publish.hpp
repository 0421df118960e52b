#pragma once
// A run's output in PostGIS: every vector table of the run's GeoPackage copied into one schema, with
// the QGIS default styles in layer_styles and the QGIS project in the schema's qgis_projects, all in
// one transaction. The schema is built under a staging name and swapped in at the end, so a failure or
// a kill at any moment leaves the database exactly as it was.

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace buurt::postgis {

// One row of layer_styles, as QGIS writes it when a style is saved "in the database" as default.
struct Style {
    std::string table;
    std::string name;
    std::string qml;
    std::string sld;
    std::string description;
    std::string geometry_type;  // QGIS's display name of the geometry type: "Point", "Line", "Polygon"
    bool is_default = false;
};

struct Target {
    std::string connection;  // "PG:host=... dbname=..."
    std::string schema;
    bool overwrite = false;
};

struct Publication {
    std::vector<Style> styles;
    std::string project_name;  // in <schema>.qgis_projects; empty: none
    std::string project_qgz_hex;
    std::vector<std::pair<std::string, std::string>> metadata;  // key, value: into <schema>.buurtbalans_metadata
    std::string comment;  // on the schema; it also marks the schema as ours (see publish)
};

// The tables written with their row counts.
using Published = std::vector<std::pair<std::string, long long>>;

// Copies every vector table of `gpkg` (not its layer_styles or qgis_projects) into `target.schema`.
// Refuses (output_error) a schema that exists and was not written by buurtbalans, and one that exists
// when `overwrite` is false; nothing is changed then.
Published publish(const std::string& gpkg, const Target& target, const Publication& publication);

// Each vector table's geometry type as PostGIS and QGIS name it ("MultiPoint"), as `publish` creates it.
std::map<std::string, std::string> geometry_types(const std::string& gpkg);

// "PG:host=... dbname=..." -> the libpq keywords QGIS needs to reach the same database, without the
// password (QGIS takes it from ~/.pgpass, a service file or its authentication database).
std::string qgis_connection(const std::string& connection);

} // namespace buurt::postgis

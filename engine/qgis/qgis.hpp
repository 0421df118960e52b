#pragma once
// What QGIS reads from a GeoPackage: default styles in `layer_styles` (QML + SLD, as QGIS 3.22 writes
// them) and a project in `qgis_projects` (QgsGeoPackageProjectStorage: hex text of a .qgz).

#include <map>
#include <string>
#include <vector>

#include "engine/geos/geos.hpp"
#include "engine/style/symbology.hpp"

namespace buurt::io {
class GpkgWriter;
}

namespace buurt::qgis {

std::string qml(const style::Symbology& s);
std::string sld(const style::Symbology& s);

struct ProjectLayer {
    style::Symbology symbology;
    std::string group;
    bool visible = true;
};

// A single-band raster table of the GeoPackage, drawn with the classes (colours, ranges) of `classes`.
struct ProjectRaster {
    std::string id;
    std::string table;
    std::string title;
    std::string group;
    std::vector<style::Rule> classes;
    double opacity = 0.7;
    bool visible = false;
};

// Where the project's layers are: the GeoPackage the project is stored in, or a PostGIS schema.
struct DataSource {
    std::string gpkg_file_name;  // the final name: QGIS finds layers by it ("./name.gpkg|layername=...")
    // PostGIS (when gpkg_file_name is empty): libpq keywords without a password, the schema, the SRID
    // and each table's geometry type ("MultiPoint"...). QGIS applies a default style from layer_styles
    // only to a layer whose source names its geometry type, so the type is part of every source.
    std::string pg_connection;
    std::string pg_schema;
    int pg_srid = 0;
    std::map<std::string, std::string> pg_geometry_types;
};

struct ProjectInfo {
    std::string title;
    DataSource source;
    std::string crs;  // project CRS as the user gave it
    geos::Envelope extent;
};

std::string project_qgs(const ProjectInfo& info, const std::vector<ProjectLayer>& layers, const std::vector<ProjectRaster>& rasters = {});

// Writes layer_styles (creating it the way QGIS does) and one row per symbology; `is_default` marks the
// table's default style. Then stores the project under `project_name`.
struct StyleRow {
    style::Symbology symbology;
    bool is_default = false;
};
void store_styles(io::GpkgWriter& w, const std::vector<StyleRow>& rows);
void store_project(io::GpkgWriter& w, const std::string& project_name, const std::string& qgs_xml);

// The project as a .qgz (a zip holding the .qgs), in hexadecimal.
std::string qgz_hex(const std::string& qgs);
// QGIS's name for the geometry type of a style (layer_styles.type in PostgreSQL): "Point", "Line", "Polygon".
std::string geometry_display_name(style::Geometry g);

} // namespace buurt::qgis

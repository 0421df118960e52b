#pragma once
// A run's output in PostGIS (project [output] postgis): the committed GeoPackage is copied into the
// schema in one transaction, with the QGIS styles and a project whose layers are the PostGIS tables.

#include <filesystem>
#include <string>
#include <vector>

#include "engine/project/project.hpp"
#include "engine/qgis/qgis.hpp"

namespace buurt {

// What the QGIS side of a run is made of, kept to be written once more for another data source.
struct QgisParts {
    std::vector<qgis::StyleRow> styles;
    std::vector<qgis::ProjectLayer> layers;
    geos::Envelope extent{0, 0, 0, 0};
    std::string title;  // the project's title; says so when the run was published
};

// Where the run's GeoPackage is written: the project's, or (PostGIS only) one in a private temporary
// folder that is removed when this object goes, whatever happens.
class GpkgTarget {
public:
    explicit GpkgTarget(const Project& p);
    ~GpkgTarget();
    GpkgTarget(const GpkgTarget&) = delete;
    GpkgTarget& operator=(const GpkgTarget&) = delete;
    const std::string& path() const { return m_path; }
    bool overwrite() const { return m_overwrite; }

private:
    std::string m_path;
    std::filesystem::path m_temporary_folder;
    bool m_overwrite = false;
};

// Copies the committed GeoPackage `gpkg` into project.output.schema; returns the number of tables.
long long write_postgis(const Project& p, const std::string& gpkg, const QgisParts& parts);

} // namespace buurt

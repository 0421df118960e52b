#include "engine/pipeline/postgis_output.hpp"

#include <unistd.h>

#include <chrono>

#include "engine/core/error.hpp"
#include "engine/core/version.hpp"
#include "engine/gdal/gdal.hpp"
#include "engine/io/sql_query.hpp"
#include "engine/postgis/publish.hpp"

namespace buurt {

namespace fs = std::filesystem;

namespace {

int srid_of(const std::string& crs) {
    const OGRSpatialReference srs = gdal::srs_from_user(crs);
    const char* auth = srs.GetAuthorityName(nullptr);
    const char* code = srs.GetAuthorityCode(nullptr);
    return auth != nullptr && code != nullptr && std::string(auth) == "EPSG" ? std::atoi(code) : 0;
}

} // namespace

GpkgTarget::GpkgTarget(const Project& p) {
    if (!p.output.gpkg.empty()) {
        m_path = p.output.gpkg;
        m_overwrite = p.output.overwrite;
        return;
    }
    std::error_code ec;
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    m_temporary_folder = fs::temp_directory_path(ec) / ("buurtbalans-" + std::to_string(::getpid()) + "-" + std::to_string(stamp));
    if (ec || !fs::create_directory(m_temporary_folder, ec) || ec) {
        throw output_error("cannot make a temporary folder for the run's GeoPackage under " + fs::temp_directory_path(ec).string());
    }
    m_path = (m_temporary_folder / (p.output.schema + ".gpkg")).string();
}

GpkgTarget::~GpkgTarget() {
    if (!m_temporary_folder.empty()) {
        std::error_code ec;
        fs::remove_all(m_temporary_folder, ec);
    }
}

long long write_postgis(const Project& p, const std::string& gpkg, const QgisParts& parts) {
    postgis::Publication pub;
    for (const auto& row : parts.styles) {
        const style::Symbology& s = row.symbology;
        pub.styles.push_back({s.table, s.layer_id, qgis::qml(s), qgis::sld(s), s.title, qgis::geometry_display_name(s.geometry), row.is_default});
    }
    qgis::DataSource source;
    source.pg_connection = postgis::qgis_connection(p.output.postgis);
    source.pg_schema = p.output.schema;
    source.pg_srid = srid_of(p.crs);
    source.pg_geometry_types = postgis::geometry_types(gpkg);
    // The heat map is a raster of the GeoPackage only: PostGIS rasters are not written (see README).
    pub.project_name = "buurtbalans";
    pub.project_qgz_hex = qgis::qgz_hex(qgis::project_qgs({parts.title, source, p.crs, parts.extent}, parts.layers));
    for (const char* key : {"buurtbalans_provenance", "buurtbalans_version"}) {
        pub.metadata.emplace_back(key, io::metadata_item(gpkg, key));
    }
    pub.comment = "project " + p.name + ", engine " + version;
    const auto published = postgis::publish(gpkg, {p.output.postgis, p.output.schema, p.output.overwrite}, pub);
    return static_cast<long long>(published.size());
}

} // namespace buurt

#pragma once
// One input layer from any GDAL vector source, read feature by feature (streaming), with its
// geometries reprojected to the project CRS and handed over as GEOS geometries.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/geos/geos.hpp"
#include "engine/project/project.hpp"

namespace buurt::io {

struct SourceInfo {
    std::string path;
    std::string driver;
    std::string layer;
    std::string sql;          // the query read instead of a layer, if any
    std::string crs;          // as declared, or "assumed EPSG:4326"
    bool crs_assumed = false;
    long long feature_count = -1;  // -1 when the driver cannot tell without reading
    std::vector<std::string> fields;
};

struct RawFeature {
    long long fid = 0;
    std::vector<std::string> values;  // one per field of info().fields, "" when null
    std::vector<bool> null;
    std::optional<geos::Geometry> geometry;  // project CRS; empty optional: null or empty geometry
    // A single point from a source read with points_as_xy(): its project-CRS coordinates instead of
    // `geometry` (which stays empty). Building a GEOS point per observation cost more than joining it.
    bool is_point = false;
    double x = 0;
    double y = 0;
    std::string geometry_type;               // as read ("Point", "MultiPolygon", "none")
    std::string problem;                     // why there is no geometry, when there is none
    // What reading had to fix in this feature (a ring closed, text that was not UTF-8 recoded); the
    // readers report it with the feature's id. geometry_repaired: one of those was the geometry.
    std::vector<std::string> repairs;
    bool geometry_repaired = false;
    bool outside_crs = false;  // no geometry because its coordinates lie far outside its CRS's area
};

class VectorSource {
public:
    // An empty project_crs keeps the source's coordinates as they are.
    VectorSource(const SourceSpec& spec, const std::string& project_crs);
    ~VectorSource();
    VectorSource(VectorSource&&) noexcept;
    VectorSource& operator=(VectorSource&&) noexcept;

    const SourceInfo& info() const;
    int field_index(const std::string& name) const;  // -1 when absent
    // Throws input_error naming file, layer, the missing field, its role and the fields that exist.
    int require_field(const std::string& name, const std::string& role) const;

    // Only these fields (indices into info().fields) are read from now on; the others come back null,
    // and GDAL does not even parse them. The point and WKT columns are always read.
    void read_only(const std::vector<int>& fields);

    // Single points come back as RawFeature::is_point with x and y, without a GEOS geometry.
    void points_as_xy() { m_points_as_xy = true; }

    // false at the end. Throws input_error when the source cannot be read on (a corrupt or truncated
    // file): a file that breaks off is never taken for a file that ends.
    bool next(RawFeature& out);
    void rewind();

    // Features so far whose coordinates lay far outside the area of their CRS, and the first of them.
    long long outside_crs() const;
    // Throws input_error when no feature was usable (`used` == 0) and the reason was the CRS: the
    // coordinates are in another CRS than the declared one (RD metres declared as EPSG:4326...).
    void require_plausible_crs(long long used) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    bool m_points_as_xy = false;
};

} // namespace buurt::io

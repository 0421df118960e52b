#include "engine/io/vector_source.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "engine/core/error.hpp"
#include "engine/gdal/gdal.hpp"

namespace buurt::io {

namespace {

bool looks_like_table(const std::string& path) {
    std::string lower = path;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const char* ext : {".csv", ".tsv", ".txt"}) {
        const std::string e(ext);
        if (lower.size() >= e.size() && lower.compare(lower.size() - e.size(), e.size(), e) == 0) {
            return true;
        }
    }
    return false;
}

// GDAL writes dates as 2024/03/14; users and every other tool expect ISO 8601 (2024-03-14).
std::string field_text(OGRFeature& f, int i) {
    const OGRFieldType type = f.GetFieldDefnRef(i)->GetType();
    if (type != OFTDate && type != OFTDateTime && type != OFTTime) {
        return f.GetFieldAsString(i);
    }
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, tz = 0;
    float s = 0;
    f.GetFieldAsDateTime(i, &y, &mo, &d, &h, &mi, &s, &tz);
    char buf[64];
    if (type == OFTDate) {
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, mo, d);
        return buf;
    }
    const int whole = static_cast<int>(s);
    if (type == OFTTime) {
        std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", h, mi, whole);
        return buf;
    }
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi, whole);
    std::string out = buf;
    if (tz == 100) {
        out += "Z";  // GDAL's 100 = UTC; 1 = local time, 0 = unknown (no suffix for those)
    } else if (tz > 1) {
        const int minutes = (tz - 100) * 15;
        std::snprintf(buf, sizeof buf, "%+03d:%02d", minutes / 60, std::abs(minutes % 60));
        out += buf;
    }
    return out;
}

std::string join_names(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) {
        out += (out.empty() ? "" : ", ") + n;
    }
    return out.empty() ? "(none)" : out;
}

} // namespace

struct VectorSource::Impl {
    SourceSpec spec;
    GDALDatasetUniquePtr dataset;
    OGRLayer* layer = nullptr;
    SourceInfo info;
    OGRSpatialReference source_srs;
    OGRSpatialReference target_srs;
    gdal::CoordinateTransformPtr transform;
};

VectorSource::VectorSource(const SourceSpec& spec, const std::string& project_crs) : m_impl(std::make_unique<Impl>()) {
    Impl& m = *m_impl;
    m.spec = spec;
    std::vector<std::string> options;
    if (looks_like_table(spec.path) || !spec.x_field.empty() || !spec.wkt_field.empty()) {
        if (!spec.x_field.empty()) {
            options.push_back("X_POSSIBLE_NAMES=" + spec.x_field);
            options.push_back("Y_POSSIBLE_NAMES=" + spec.y_field);
        }
        if (!spec.wkt_field.empty()) {
            options.push_back("GEOM_POSSIBLE_NAMES=" + spec.wkt_field);
        }
        // Codes like "0363" must stay text: no type guessing; numbers are parsed where they are used.
        options.push_back("AUTODETECT_TYPE=NO");
        options.push_back("EMPTY_STRING_AS_NULL=YES");
    }
    m.dataset = gdal::open_vector(spec.path, options);
    m.info.path = spec.path;
    m.info.driver = m.dataset->GetDriver() != nullptr ? m.dataset->GetDriver()->GetDescription() : "unknown";

    std::vector<std::string> layers;
    for (int i = 0; i < m.dataset->GetLayerCount(); ++i) {
        layers.emplace_back(m.dataset->GetLayer(i)->GetName());
    }
    if (spec.layer.empty()) {
        if (layers.size() != 1) {
            throw input_error({spec.path, "", "", ""}, layers.empty() ? std::string("has no layers")
                                                                    : "has several layers; name one with layer = \"...\" (layers: " + join_names(layers) + ")");
        }
        m.layer = m.dataset->GetLayer(0);
    } else {
        m.layer = m.dataset->GetLayerByName(spec.layer.c_str());
        if (m.layer == nullptr) {
            throw input_error({spec.path, spec.layer, "", ""}, "no such layer (layers: " + join_names(layers) + ")");
        }
    }
    m.info.layer = m.layer->GetName();
    OGRFeatureDefn* defn = m.layer->GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        m.info.fields.emplace_back(defn->GetFieldDefn(i)->GetNameRef());
    }
    if (!spec.x_field.empty()) {
        require_field(spec.x_field, "x (point column)");
        require_field(spec.y_field, "y (point column)");
    }
    if (!spec.wkt_field.empty()) {
        require_field(spec.wkt_field, "wkt (geometry column)");
    }
    m.info.feature_count = m.layer->GetFeatureCount(FALSE);

    const bool has_geometry = defn->GetGeomFieldCount() > 0;
    if (!has_geometry) {
        return;  // attribute tables (indicators) need no CRS
    }
    const OGRSpatialReference* declared = m.layer->GetSpatialRef();
    if (declared != nullptr) {
        m.source_srs = *declared;
        m.info.crs = gdal::srs_label(m.source_srs);
    } else if (!spec.crs.empty()) {
        m.source_srs = gdal::srs_from_user(spec.crs);
        m.info.crs = "assumed " + gdal::srs_label(m.source_srs);
        m.info.crs_assumed = true;
    } else {
        throw input_error({spec.path, m.info.layer, "", ""},
                          "declares no CRS; say which to assume with crs = \"EPSG:4326\" (or the right code) for this source");
    }
    m.source_srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (project_crs.empty()) {
        return;  // read as stored (an output of ours, already in its project CRS)
    }
    m.target_srs = gdal::srs_from_user(project_crs);
    if (!m.source_srs.IsSame(&m.target_srs)) {
        gdal::ErrorCapture capture;
        m.transform.reset(OGRCreateCoordinateTransformation(&m.source_srs, &m.target_srs));
        if (!m.transform) {
            throw input_error({spec.path, m.info.layer, "", ""}, "cannot transform from " + m.info.crs + " to " + project_crs + ": " + capture.last_error());
        }
    }
}

VectorSource::~VectorSource() = default;
VectorSource::VectorSource(VectorSource&&) noexcept = default;
VectorSource& VectorSource::operator=(VectorSource&&) noexcept = default;

const SourceInfo& VectorSource::info() const { return m_impl->info; }

int VectorSource::field_index(const std::string& name) const {
    const auto& f = m_impl->info.fields;
    const auto it = std::find(f.begin(), f.end(), name);
    return it == f.end() ? -1 : static_cast<int>(it - f.begin());
}

int VectorSource::require_field(const std::string& name, const std::string& role) const {
    const int i = field_index(name);
    if (i < 0) {
        throw input_error({m_impl->info.path, m_impl->info.layer, "", name},
                          "field for " + role + " not found; the fields are: " + join_names(m_impl->info.fields));
    }
    return i;
}

void VectorSource::rewind() { m_impl->layer->ResetReading(); }

bool VectorSource::next(RawFeature& out) {
    Impl& m = *m_impl;
    OGRFeatureUniquePtr f(m.layer->GetNextFeature());
    if (!f) {
        return false;
    }
    out.fid = f->GetFID();
    const int n = static_cast<int>(m.info.fields.size());
    out.values.resize(n);
    out.null.resize(n);
    for (int i = 0; i < n; ++i) {
        const bool set = f->IsFieldSetAndNotNull(i) != 0;
        out.null[i] = !set;
        out.values[i] = set ? field_text(*f, i) : "";
    }
    out.geometry.reset();
    out.problem.clear();
    OGRGeometry* g = f->GetGeometryRef();
    if (g == nullptr) {
        out.geometry_type = "none";
        out.problem = "no geometry";
        return true;
    }
    out.geometry_type = OGRGeometryTypeToName(wkbFlatten(g->getGeometryType()));
    if (g->IsEmpty()) {
        out.problem = "empty geometry";
        return true;
    }
    std::unique_ptr<OGRGeometry> linear;
    if (g->hasCurveGeometry()) {
        linear.reset(g->getLinearGeometry());
        g = linear.get();
    }
    g->flattenTo2D();
    if (m.transform) {
        gdal::ErrorCapture capture;
        if (g->transform(m.transform.get()) != OGRERR_NONE) {
            out.problem = "cannot be reprojected to the project CRS (coordinates outside the source CRS?)";
            return true;
        }
    }
    std::vector<unsigned char> wkb(g->WkbSize());
    g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    out.geometry = geos::from_wkb(wkb.data(), wkb.size());
    return true;
}

} // namespace buurt::io

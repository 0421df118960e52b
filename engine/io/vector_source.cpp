#include "engine/io/vector_source.hpp"

#include <cpl_vsi.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "engine/core/error.hpp"
#include "engine/core/interrupt.hpp"
#include "engine/core/text.hpp"
#include "engine/gdal/gdal.hpp"
#include "engine/io/arrow_rows.hpp"

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
// Digits by hand: snprintf cost more than reading the rest of a feature (one date per observation).
void append_digits(std::string& out, int value, int width) {
    char buf[12];
    int n = 0;
    unsigned v = static_cast<unsigned>(value < 0 ? -value : value);
    do {
        buf[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0 && n < 11);
    if (value < 0) {
        out += '-';
    }
    for (int pad = n; pad < width; ++pad) {
        out += '0';
    }
    while (n > 0) {
        out += buf[--n];
    }
}

std::string field_text(OGRFeature& f, int i) {
    const OGRFieldType type = f.GetFieldDefnRef(i)->GetType();
    if (type != OFTDate && type != OFTDateTime && type != OFTTime) {
        return f.GetFieldAsString(i);
    }
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, tz = 0;
    float s = 0;
    f.GetFieldAsDateTime(i, &y, &mo, &d, &h, &mi, &s, &tz);
    std::string out;
    if (type != OFTTime) {  // 2024-09-17
        append_digits(out, y, 4);
        out += '-';
        append_digits(out, mo, 2);
        out += '-';
        append_digits(out, d, 2);
        if (type == OFTDate) {
            return out;
        }
        out += 'T';
    }
    append_digits(out, h, 2);  // 19:30:05
    out += ':';
    append_digits(out, mi, 2);
    out += ':';
    append_digits(out, static_cast<int>(s), 2);
    if (type == OFTTime) {
        return out;
    }
    if (tz == 100) {
        out += 'Z';  // GDAL's 100 = UTC; 1 = local time, 0 = unknown (no suffix for those)
    } else if (tz > 1) {
        const int minutes = (tz - 100) * 15;
        out += minutes < 0 ? '-' : '+';
        append_digits(out, std::abs(minutes) / 60, 2);
        out += ':';
        append_digits(out, std::abs(minutes) % 60, 2);
    }
    return out;
}

// --- coordinates ---------------------------------------------------------------------------------

bool finite_xy(double x, double y) { return std::isfinite(x) && std::isfinite(y); }

// Every coordinate of a (linear) geometry is a finite number. OGR's envelope would step over NaN.
bool all_finite(const OGRGeometry* g) {
    switch (wkbFlatten(g->getGeometryType())) {
        case wkbPoint: {
            const auto* p = g->toPoint();
            return p->IsEmpty() || finite_xy(p->getX(), p->getY());
        }
        case wkbLineString:
        case wkbLinearRing: {
            const auto* l = g->toSimpleCurve();
            for (int i = 0; i < l->getNumPoints(); ++i) {
                if (!finite_xy(l->getX(i), l->getY(i))) {
                    return false;
                }
            }
            return true;
        }
        case wkbPolygon:
            for (const OGRLinearRing* ring : *g->toPolygon()) {
                if (!all_finite(ring)) {
                    return false;
                }
            }
            return true;
        case wkbMultiPoint:
        case wkbMultiLineString:
        case wkbMultiPolygon:
        case wkbGeometryCollection:
            for (const OGRGeometry* part : *g->toGeometryCollection()) {
                if (!all_finite(part)) {
                    return false;
                }
            }
            return true;
        default:
            return true;  // other types are linearised before this is asked
    }
}

// Closes the rings of polygons whose last point is not their first (GeoJSON written by hand or by a
// careless exporter; GDAL accepts them, GEOS does not). Returns whether any ring was open.
bool close_open_rings(OGRGeometry* g) {
    const OGRwkbGeometryType t = wkbFlatten(g->getGeometryType());
    if (t == wkbPolygon) {
        bool open = false;
        for (const OGRLinearRing* ring : *g->toPolygon()) {
            open = open || (ring->getNumPoints() > 0 && !ring->get_IsClosed());
        }
        if (open) {
            g->closeRings();
        }
        return open;
    }
    if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
        bool open = false;
        for (OGRGeometry* part : *g->toGeometryCollection()) {
            open = close_open_rings(part) || open;
        }
        return open;
    }
    return false;
}

// Where coordinates of a CRS can plausibly be: its area of use (from the EPSG database) in its own
// units, widened by the area's own size on every side. Far outside it the numbers are not a place in
// that CRS at all (RD x = 10^12, or RD metres declared as degrees). `valid` false: no area known.
struct Plausible {
    bool valid = false;
    double min_x = 0, min_y = 0, max_x = 0, max_y = 0;
    std::string outside;  // "are not longitude/latitude degrees", "lie far outside the area of use (Netherlands)"
};

Plausible compute_plausible_extent(const OGRSpatialReference& srs) {
    Plausible out;
    if (srs.IsGeographic()) {
        // x is longitude, y latitude (traditional GIS order). Longitudes up to 360 occur (0..360 grids).
        return {true, -360.0, -90.0, 360.0, 90.0, "are not longitude/latitude degrees"};
    }
    double west = 0, south = 0, east = 0, north = 0;
    const char* name = nullptr;
    if (!srs.IsProjected() || !srs.GetAreaOfUse(&west, &south, &east, &north, &name) || west < -180.5 || south < -90.5) {
        return out;
    }
    if (east < west) {
        east += 360.0;  // crosses the antimeridian
    }
    // The area of use is in WGS 84 degrees. The CRS's own geographic CRS reaches it by a conversion
    // PROJ builds in ~0.2 ms; from WGS 84 it first searches its database for datum shifts (~30 ms,
    // before the first feature is read). A datum shift moves the box by metres to hundreds of metres,
    // nothing beside the margin below. Only a Greenwich, degree-based geographic CRS reads the
    // numbers as meant (not NTF (Paris) in grads); the rest go the long way.
    OGRSpatialReference geographic;
    std::unique_ptr<OGRSpatialReference> own(srs.CloneGeogCS());
    if (own && own->GetPrimeMeridian() == 0.0 && std::abs(own->GetAngularUnits() - std::acos(-1.0) / 180) < 1e-12) {
        geographic = *own;
    } else {
        geographic.importFromEPSG(4326);
    }
    geographic.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    gdal::ErrorCapture capture;
    gdal::CoordinateTransformPtr ct(OGRCreateCoordinateTransformation(&geographic, &srs));
    if (!ct) {
        return out;
    }
    constexpr int steps = 20;
    bool any = false;
    for (int i = 0; i <= steps; ++i) {
        for (int j = 0; j <= steps; ++j) {
            double x = west + (east - west) * i / steps;
            double y = south + (north - south) * j / steps;
            if (ct->Transform(1, &x, &y) && finite_xy(x, y)) {
                out.min_x = any ? std::min(out.min_x, x) : x;
                out.max_x = any ? std::max(out.max_x, x) : x;
                out.min_y = any ? std::min(out.min_y, y) : y;
                out.max_y = any ? std::max(out.max_y, y) : y;
                any = true;
            }
        }
    }
    if (!any) {
        return out;
    }
    const double margin = std::max(out.max_x - out.min_x, out.max_y - out.min_y);
    out.min_x -= margin;
    out.min_y -= margin;
    out.max_x += margin;
    out.max_y += margin;
    out.valid = true;
    std::string area = name != nullptr ? name : "";
    while (!area.empty() && (area.back() == '.' || area.back() == ' ')) {
        area.pop_back();
    }
    out.outside = "lie far outside the area where the CRS is used" + (area.empty() ? std::string() : " (" + area + ")");
    return out;
}

// Every layer of a run (areas, streets, observations) mostly shares one CRS; PROJ takes tens of
// milliseconds to build the transformation above, so each CRS's extent is worked out once.
Plausible plausible_extent(const OGRSpatialReference& srs) {
    static std::mutex mutex;
    static std::map<std::string, Plausible> known;
    char* wkt = nullptr;
    const OGRErr exported = srs.exportToWkt(&wkt);
    const std::string key = exported == OGRERR_NONE && wkt != nullptr ? wkt : "";
    CPLFree(wkt);
    if (key.empty()) {
        return compute_plausible_extent(srs);
    }
    std::lock_guard<std::mutex> lock(mutex);
    const auto it = known.find(key);
    if (it != known.end()) {
        return it->second;
    }
    return known.emplace(key, compute_plausible_extent(srs)).first->second;
}

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
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
    Plausible plausible;
    std::string crs_label;  // the source CRS's name, without "assumed"
    int x_field = -1;  // point columns or WKT column of a table, for the reason when a row has no geometry
    int y_field = -1;
    int wkt_field = -1;
    long long outside_crs = 0;
    std::string first_outside;  // "feature FID 3 at (117100, 487100)"
    long long last_fid = -1;
    std::vector<char> wanted;  // per field; empty: all fields
    bool result_set = false;  // `layer` is the result of `sql`: GDAL's to free, before the dataset closes
    std::unique_ptr<ArrowRows> arrow;  // the layer's Arrow stream, when it serves (arrow_rows.hpp)
    bool arrow_decided = false;

    Impl() = default;
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl() {
        arrow.reset();  // the stream belongs to the layer
        if (result_set && layer != nullptr && dataset) {
            dataset->ReleaseResultSet(layer);
        }
    }
};

namespace {

// A CSV with a NUL byte is not text: GDAL's reader stops the field there and, inside quotes, takes
// every later row for the rest of that field. Rows would vanish without a word, so it is refused.
void refuse_nul_bytes(const std::string& path) {
    VSILFILE* fp = VSIFOpenL(path.c_str(), "rb");
    if (fp == nullptr) {
        return;
    }
    std::vector<char> buf(1 << 20);
    long long line = 1;
    unsigned long long offset = 0;
    for (std::size_t n; (n = VSIFReadL(buf.data(), 1, buf.size(), fp)) > 0; offset += n) {
        const char* nul = static_cast<const char*>(std::memchr(buf.data(), '\0', n));
        const std::size_t upto = nul != nullptr ? static_cast<std::size_t>(nul - buf.data()) : n;
        line += std::count(buf.data(), buf.data() + upto, '\n');
        if (nul != nullptr) {
            VSIFCloseL(fp);
            throw input_error({path, "", "", ""}, "line " + std::to_string(line) + " contains a NUL byte (offset " + std::to_string(offset + upto) +
                                                      "): a CSV file must be text; save it again as CSV (UTF-8)");
        }
    }
    VSIFCloseL(fp);
}

} // namespace

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
    std::vector<std::string> said_on_open;
    m.dataset = gdal::open_vector(spec.path, options, &said_on_open);
    m.info.path = spec.path;
    m.info.sql = spec.sql;
    m.info.driver = m.dataset->GetDriver() != nullptr ? m.dataset->GetDriver()->GetDescription() : "unknown";
    if (m.info.driver == "CSV") {
        refuse_nul_bytes(spec.path);
    }
    // What GDAL says while the layers and the CRS are looked at goes into our messages, not to the terminal.
    gdal::ErrorCapture capture;
    auto gdal_said = [&capture, &said_on_open]() {
        std::string out;
        for (const std::vector<std::string>* list : std::array<const std::vector<std::string>*, 3>{&said_on_open, &capture.errors(), &capture.warnings()}) {
            for (const auto& message : *list) {
                out += (out.empty() ? "" : "; ") + message;
            }
        }
        return out.empty() ? out : " (GDAL: " + out + ")";
    };

    // Listed only when needed: a municipal database holds thousands of tables.
    auto list_layers = [&m] {
        std::vector<std::string> names;
        for (int i = 0; i < m.dataset->GetLayerCount(); ++i) {
            names.emplace_back(m.dataset->GetLayer(i)->GetName());
        }
        return names;
    };
    if (!spec.sql.empty()) {
        // Run in the source's own SQL (PostgreSQL's for a PG: source, SQLite's for a GeoPackage).
        m.layer = m.dataset->ExecuteSQL(spec.sql.c_str(), nullptr, nullptr);
        if (m.layer == nullptr) {
            throw input_error({spec.path, "sql " + spec.sql, "", ""}, "the query failed" + gdal_said());
        }
        m.result_set = true;
    } else if (spec.layer.empty()) {
        const std::vector<std::string> layers = list_layers();
        if (layers.size() != 1) {
            throw input_error({spec.path, "", "", ""}, layers.empty() ? "has no layers" + gdal_said()
                                                                    : "has several layers; name one with layer = \"...\" (layers: " + join_names(layers) + ")");
        }
        m.layer = m.dataset->GetLayer(0);
    } else {
        m.layer = m.dataset->GetLayerByName(spec.layer.c_str());
        if (m.layer == nullptr) {
            throw input_error({spec.path, spec.layer, "", ""}, "no such layer (layers: " + join_names(list_layers()) + ")" + gdal_said());
        }
    }
    m.info.layer = utf8_text(m.layer->GetName());
    OGRFeatureDefn* defn = m.layer->GetLayerDefn();
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        m.info.fields.emplace_back(utf8_text(defn->GetFieldDefn(i)->GetNameRef()));  // a Latin-1 header too
    }
    if (!spec.x_field.empty()) {
        m.x_field = require_field(spec.x_field, "x (point column)");
        m.y_field = require_field(spec.y_field, "y (point column)");
    }
    if (!spec.wkt_field.empty()) {
        m.wkt_field = require_field(spec.wkt_field, "wkt (geometry column)");
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
                          "declares no CRS" + gdal_said() + "; say which to assume with crs = \"EPSG:4326\" (or the right code) for this source");
    }
    m.source_srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    m.plausible = plausible_extent(m.source_srs);
    m.crs_label = gdal::srs_label(m.source_srs);
    if (project_crs.empty()) {
        return;  // read as stored (an output of ours, already in its project CRS)
    }
    m.target_srs = gdal::srs_from_user(project_crs);
    if (!m.source_srs.IsSame(&m.target_srs)) {
        gdal::ErrorCapture transform_said;  // only what creating the transformation says
        m.transform.reset(OGRCreateCoordinateTransformation(&m.source_srs, &m.target_srs));
        if (!m.transform) {
            throw input_error({spec.path, m.info.layer, "", ""}, "cannot transform from " + m.info.crs + " to " + project_crs + ": " + transform_said.last_error());
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
        const SourceInfo& info = m_impl->info;
        std::string hint;
        if (info.driver == "ESRI Shapefile" && info.fields.empty()) {
            const std::string stem = info.path.size() > 4 ? info.path.substr(0, info.path.size() - 4) : info.path;
            VSIStatBufL st;
            if (VSIStatL((stem + ".dbf").c_str(), &st) != 0 && VSIStatL((stem + ".DBF").c_str(), &st) != 0) {
                hint = " (the Shapefile's .dbf file, which holds the attributes, is missing)";
            }
        }
        throw input_error({info.path, info.layer, "", name}, "field for " + role + " not found; the fields are: " + join_names(info.fields) + hint);
    }
    return i;
}

long long VectorSource::outside_crs() const { return m_impl->outside_crs; }

void VectorSource::require_plausible_crs(long long used) const {
    const Impl& m = *m_impl;
    if (used > 0 || m.outside_crs == 0) {
        return;
    }
    throw input_error({m.info.path, m.info.layer, "", ""},
                      "no feature is usable: the coordinates of " + std::to_string(m.outside_crs) + " " + m.plausible.outside + ", as " + m.crs_label +
                          " says they are (first: " + m.first_outside + "). They are in another CRS than " +
                          (m.info.crs_assumed ? "the crs = \"...\" given for this source" : "the file declares") +
                          " (RD metres are EPSG:28992, longitude/latitude EPSG:4326)");
}

void VectorSource::rewind() {
    m_impl->arrow.reset();
    m_impl->arrow_decided = false;
    m_impl->layer->ResetReading();
    m_impl->last_fid = -1;
}

namespace {

// Why a table row has no geometry, in the row's own terms.
std::string no_geometry_reason(const RawFeature& f, int x, int y, int wkt, const std::vector<std::string>& fields, const std::string& gdal) {
    if (x >= 0 && y >= 0) {
        if (f.null[x] && f.null[y]) {
            return "no point: fields '" + fields[x] + "' and '" + fields[y] + "' are empty";
        }
        auto quoted = [&f](int i) { return f.null[i] ? std::string("(empty or not a number)") : "'" + f.values[i].substr(0, 40) + "'"; };
        return "no point: '" + fields[x] + "' " + quoted(x) + " and '" + fields[y] + "' " + quoted(y) + " are not both finite numbers";
    }
    if (wkt >= 0) {
        if (f.null[wkt]) {
            return "no geometry: field '" + fields[wkt] + "' is empty";
        }
        return "the WKT in field '" + fields[wkt] + "' cannot be read" + (gdal.empty() ? std::string() : ": " + gdal);
    }
    return gdal.empty() ? std::string("no geometry") : "the geometry cannot be read: " + gdal;
}

} // namespace

void VectorSource::read_only(const std::vector<int>& fields) {
    Impl& m = *m_impl;
    if (m.arrow_decided) {
        throw error("VectorSource::read_only after reading began");  // the stream's columns are fixed
    }
    m.wanted.assign(m.info.fields.size(), 0);
    for (const int i : fields) {
        m.wanted.at(static_cast<std::size_t>(i)) = 1;
    }
    for (const int i : {m.x_field, m.y_field, m.wkt_field}) {
        if (i >= 0) {
            m.wanted[static_cast<std::size_t>(i)] = 1;
        }
    }
    OGRFeatureDefn* defn = m.layer->GetLayerDefn();
    std::vector<const char*> ignored;
    for (std::size_t i = 0; i < m.wanted.size(); ++i) {
        if (m.wanted[i] == 0) {
            ignored.push_back(defn->GetFieldDefn(static_cast<int>(i))->GetNameRef());
        }
    }
    ignored.push_back(nullptr);
    if (m.layer->SetIgnoredFields(ignored.data()) != OGRERR_NONE) {
        m.layer->SetIgnoredFields(nullptr);  // a driver that cannot: every field is read, and skipped above
    }
}

namespace {

// A point straight from its WKB bytes (an observation: the common case); null for anything else.
OGRGeometry* point_from_wkb(const unsigned char* wkb, std::size_t size, OGRPoint& point) {
    static const bool little_endian_host = [] {
        const std::uint16_t one = 1;
        unsigned char first = 0;
        std::memcpy(&first, &one, 1);
        return first == 1;
    }();
    if (little_endian_host && size >= 21 && wkb[0] == 1) {
        std::uint32_t type = 0;
        std::memcpy(&type, wkb + 1, 4);
        const bool iso_point = type == 1 || type == 1001 || type == 2001 || type == 3001;
        const bool flagged_point = (type & ~0xC0000000u) == 1;  // Z and M as the high bits (no SRID)
        if (iso_point || flagged_point) {  // x and y come first
            double x = 0;
            double y = 0;
            std::memcpy(&x, wkb + 5, 8);
            std::memcpy(&y, wkb + 13, 8);
            point = std::isnan(x) && std::isnan(y) ? OGRPoint() : OGRPoint(x, y);  // NaN NaN: POINT EMPTY
            return &point;
        }
    }
    return nullptr;
}

// Any geometry through OGR. Null, with a GDAL error for the feature's capture, when OGR cannot read the bytes.
OGRGeometry* geometry_from_wkb(const unsigned char* wkb, std::size_t size, std::unique_ptr<OGRGeometry>& owned) {
    OGRGeometry* made = nullptr;
    if (OGRGeometryFactory::createFromWkb(wkb, nullptr, &made, size) != OGRERR_NONE) {
        // Said as GDAL says it of an unreadable geometry blob read feature by feature.
        CPLError(CE_Failure, CPLE_AppDefined, "Unable to read geometry (%zu bytes that are not WKB)", size);
        return nullptr;
    }
    owned.reset(made);
    return made;
}

} // namespace

bool VectorSource::next(RawFeature& out) {
    check_interrupt();
    Impl& m = *m_impl;
    if (!m.arrow_decided) {
        m.arrow_decided = true;
        // GeoPackage only: measured there (half the time of GetNextFeature); the other drivers keep
        // the feature path their tests cover.
        if (m.info.driver == "GPKG" && !m.result_set && m.x_field < 0 && m.wkt_field < 0) {
            m.arrow = ArrowRows::open(*m.layer, m.wanted);
        }
    }
    // Per feature, what GDAL says about it becomes its reason. A point read straight from its bytes
    // calls nothing that could speak, so it skips the handler's push and pop (~30 ns a point).
    std::optional<gdal::ErrorCapture> capture;
    if (!m.arrow) {
        capture.emplace();
    }
    out.repairs.clear();
    out.is_point = false;
    out.geometry_repaired = false;
    out.outside_crs = false;
    const int n = static_cast<int>(m.info.fields.size());
    out.values.resize(n);
    out.null.resize(n);
    // A text field that is not UTF-8 is read as Windows-1252, and the feature says so.
    auto check_text = [&](int i) {
        if (!out.null[i] && !is_utf8(out.values[i])) {
            out.values[i] = windows1252_to_utf8(out.values[i]);
            out.repairs.push_back("text in field '" + m.info.fields[i] + "' was not UTF-8; read as Windows-1252 (Latin-1)");
        }
    };
    auto damaged = [&m](const std::string& said) {
        // The driver gave up (sqlite3_step: database disk image is malformed, a cut Shapefile...).
        // Ending here would quietly drop the rest of the file.
        return input_error({m.info.path, m.info.layer, m.last_fid >= 0 ? "after FID " + std::to_string(m.last_fid) : "", ""},
                           "cannot be read on, the file is damaged or cut short: " + said);
    };
    OGRFeatureUniquePtr f;
    OGRPoint point;
    std::unique_ptr<OGRGeometry> owned;
    OGRGeometry* g = nullptr;
    if (m.arrow) {
        bool more = false;
        try {
            more = m.arrow->next();
        } catch (const error& e) {
            throw damaged(e.what());
        }
        if (!more) {
            return false;
        }
        out.fid = m.arrow->fid();
        for (int i = 0; i < n; ++i) {
            out.null[i] = (!m.wanted.empty() && m.wanted[i] == 0) || m.arrow->is_null(i);
            if (out.null[i]) {
                out.values[i].clear();
            } else {
                m.arrow->text(i, out.values[i]);
            }
            check_text(i);
        }
        const unsigned char* wkb = nullptr;
        std::size_t size = 0;
        if (m.arrow->geometry(wkb, size)) {
            g = point_from_wkb(wkb, size, point);
            if (g == nullptr) {
                capture.emplace();
                g = geometry_from_wkb(wkb, size, owned);
            }
        }
    } else {
        f.reset(m.layer->GetNextFeature());
        if (!f) {
            if (!capture->errors().empty()) {
                throw damaged(capture->last_error());
            }
            return false;
        }
        out.fid = f->GetFID();
        for (int i = 0; i < n; ++i) {
            if (!m.wanted.empty() && m.wanted[i] == 0) {
                out.null[i] = true;
                out.values[i].clear();
                continue;
            }
            out.null[i] = f->IsFieldSetAndNotNull(i) == 0;
            out.values[i] = out.null[i] ? "" : field_text(*f, i);
            check_text(i);
        }
        g = f->GetGeometryRef();
    }
    m.last_fid = out.fid;
    out.geometry.reset();
    out.problem.clear();
    if (g == nullptr) {
        out.geometry_type = "none";
        std::string said;  // stays empty for a null geometry from the Arrow stream: nothing spoke
        if (capture) {
            for (const auto* list : {&capture->errors(), &capture->warnings()}) {
                for (const auto& msg : *list) {
                    said += (said.empty() ? "" : "; ") + msg;
                }
            }
        }
        out.problem = no_geometry_reason(out, m.x_field, m.y_field, m.wkt_field, m.info.fields, said);
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
    if (!all_finite(g)) {
        out.problem = "coordinates are not finite numbers (NaN or infinity)";
        return true;
    }
    if (m.plausible.valid) {
        OGREnvelope e;
        g->getEnvelope(&e);
        const Plausible& p = m.plausible;
        if (e.MinX < p.min_x || e.MaxX > p.max_x || e.MinY < p.min_y || e.MaxY > p.max_y) {
            const bool low_x = e.MinX < p.min_x;
            const bool low_y = e.MinY < p.min_y;
            const std::string at = "(" + number(low_x ? e.MinX : e.MaxX) + ", " + number(low_y ? e.MinY : e.MaxY) + ")";
            out.problem = "coordinates " + at + " " + p.outside + ", as " + m.crs_label + " says they are: is the CRS right?";
            out.outside_crs = true;
            if (m.outside_crs++ == 0) {
                m.first_outside = "FID " + std::to_string(out.fid) + " at " + at;
            }
            return true;
        }
    }
    if (close_open_rings(g)) {
        out.repairs.push_back("a polygon ring was not closed; closed it (last point = first point)");
        out.geometry_repaired = true;
    }
    if (m.transform) {
        if (!capture) {
            capture.emplace();
        }
        if (g->transform(m.transform.get()) != OGRERR_NONE) {
            out.problem = "cannot be reprojected from " + m.info.crs + " to the project CRS: " + capture->last_error();
            return true;
        }
    }
    if (m_points_as_xy && wkbFlatten(g->getGeometryType()) == wkbPoint) {
        const OGRPoint* p = g->toPoint();
        out.is_point = true;
        out.x = p->getX();
        out.y = p->getY();
        return true;
    }
    std::vector<unsigned char> wkb(g->WkbSize());
    g->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    try {
        out.geometry = geos::from_wkb(wkb.data(), wkb.size());
    } catch (const geometry_error& e) {
        // Structures GEOS refuses outright: a ring of fewer than 4 points, a line of one point.
        out.problem = std::string("not a usable geometry: ") + e.what();
    }
    return true;
}

} // namespace buurt::io

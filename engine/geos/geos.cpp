#define GEOS_USE_ONLY_R_API
#include "engine/geos/geos.hpp"

#include <geos_c.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>

#include "engine/core/error.hpp"

namespace buurt::geos {

namespace {

class Context {
public:
    Context() : m_handle(GEOS_init_r()) {
        GEOSContext_setErrorMessageHandler_r(m_handle, &Context::on_error, this);
    }
    ~Context() { GEOS_finish_r(m_handle); }
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;

    GEOSContextHandle_t handle() const noexcept { return m_handle; }
    std::string take_message() {
        std::string m = m_last.empty() ? "unknown GEOS error" : m_last;
        m_last.clear();
        return m;
    }

private:
    static void on_error(const char* message, void* self) { static_cast<Context*>(self)->m_last = message; }
    GEOSContextHandle_t m_handle;
    std::string m_last;
};

Context& context() {
    thread_local Context ctx;
    return ctx;
}

[[noreturn]] void fail(const char* what) {
    throw geometry_error(std::string("GEOS ") + what + ": " + context().take_message());
}

GEOSGeometry* check(GEOSGeometry* g, const char* what) {
    if (g == nullptr) {
        fail(what);
    }
    return g;
}

bool check(char result, const char* what) {
    if (result == 2) {
        fail(what);
    }
    return result == 1;
}

// GEOS measures return 1 on success and write through the pointer.
template <typename F>
double measured(F&& call, const char* what) {
    double value = 0;
    if (call(&value) == 0) {
        fail(what);
    }
    return value;
}

GEOSContextHandle_t h() { return context().handle(); }

} // namespace

GEOSContextHandle_t detail::handle() { return h(); }

Geometry::~Geometry() {
    if (m_ptr != nullptr) {
        GEOSGeom_destroy_r(h(), m_ptr);
    }
}

Geometry& Geometry::operator=(Geometry&& other) noexcept {
    if (this != &other) {
        if (m_ptr != nullptr) {
            GEOSGeom_destroy_r(h(), m_ptr);
        }
        m_ptr = other.release();
    }
    return *this;
}

Geometry Geometry::clone() const { return Geometry(check(GEOSGeom_clone_r(h(), m_ptr), "clone")); }

Prepared::Prepared(const Geometry& source) : m_ptr(GEOSPrepare_r(h(), source.get())) {
    if (m_ptr == nullptr) {
        fail("prepare");
    }
}

Prepared::~Prepared() {
    if (m_ptr != nullptr) {
        GEOSPreparedGeom_destroy_r(h(), m_ptr);
    }
}

bool Prepared::covers(const Geometry& g) const { return check(GEOSPreparedCovers_r(h(), m_ptr, g.get()), "prepared covers"); }
bool Prepared::contains(const Geometry& g) const {
    return check(GEOSPreparedContains_r(h(), m_ptr, g.get()), "prepared contains");
}
bool Prepared::intersects(const Geometry& g) const {
    return check(GEOSPreparedIntersects_r(h(), m_ptr, g.get()), "prepared intersects");
}

Geometry from_wkb(const unsigned char* data, std::size_t size) {
    GEOSWKBReader* reader = GEOSWKBReader_create_r(h());
    GEOSGeometry* g = GEOSWKBReader_read_r(h(), reader, data, size);
    GEOSWKBReader_destroy_r(h(), reader);
    return Geometry(check(g, "WKB read"));
}

Geometry from_wkt(std::string_view wkt) {
    GEOSWKTReader* reader = GEOSWKTReader_create_r(h());
    GEOSGeometry* g = GEOSWKTReader_read_r(h(), reader, std::string(wkt).c_str());
    GEOSWKTReader_destroy_r(h(), reader);
    return Geometry(check(g, "WKT read"));
}

std::vector<unsigned char> to_wkb(const Geometry& g) {
    GEOSWKBWriter* writer = GEOSWKBWriter_create_r(h());
    std::size_t size = 0;
    unsigned char* buf = GEOSWKBWriter_write_r(h(), writer, g.get(), &size);
    GEOSWKBWriter_destroy_r(h(), writer);
    if (buf == nullptr) {
        fail("WKB write");
    }
    std::vector<unsigned char> out(buf, buf + size);
    GEOSFree_r(h(), buf);
    return out;
}

std::string to_wkt(const Geometry& g, int decimals) {
    GEOSWKTWriter* writer = GEOSWKTWriter_create_r(h());
    GEOSWKTWriter_setRoundingPrecision_r(h(), writer, decimals);
    GEOSWKTWriter_setTrim_r(h(), writer, 1);
    char* text = GEOSWKTWriter_write_r(h(), writer, g.get());
    GEOSWKTWriter_destroy_r(h(), writer);
    if (text == nullptr) {
        fail("WKT write");
    }
    std::string out(text);
    GEOSFree_r(h(), text);
    return out;
}

Geometry point(double x, double y) { return Geometry(check(GEOSGeom_createPointFromXY_r(h(), x, y), "create point")); }

Geometry line_string(const std::vector<std::pair<double, double>>& vertices) {
    GEOSCoordSequence* seq = GEOSCoordSeq_create_r(h(), static_cast<unsigned>(vertices.size()), 2);
    if (seq == nullptr) {
        fail("coordinate sequence");
    }
    for (std::size_t i = 0; i < vertices.size(); ++i) {
        if (GEOSCoordSeq_setXY_r(h(), seq, static_cast<unsigned>(i), vertices[i].first, vertices[i].second) == 0) {
            GEOSCoordSeq_destroy_r(h(), seq);
            fail("set coordinate");
        }
    }
    return Geometry(check(GEOSGeom_createLineString_r(h(), seq), "create line"));  // takes the sequence
}

Geometry centroid(const Geometry& g) { return Geometry(check(GEOSGetCentroid_r(h(), g.get()), "centroid")); }
Geometry point_on_surface(const Geometry& g) { return Geometry(check(GEOSPointOnSurface_r(h(), g.get()), "point on surface")); }

Geometry polygon_from_envelope(const Envelope& e) {
    return Geometry(check(GEOSGeom_createRectangle_r(h(), e.min_x, e.min_y, e.max_x, e.max_y), "create rectangle"));
}

Type type(const Geometry& g) {
    const int id = GEOSGeomTypeId_r(h(), g.get());
    switch (id) {
        case GEOS_POINT: return Type::point;
        case GEOS_LINESTRING: return Type::line_string;
        case GEOS_LINEARRING: return Type::linear_ring;
        case GEOS_POLYGON: return Type::polygon;
        case GEOS_MULTIPOINT: return Type::multi_point;
        case GEOS_MULTILINESTRING: return Type::multi_line_string;
        case GEOS_MULTIPOLYGON: return Type::multi_polygon;
        case GEOS_GEOMETRYCOLLECTION: return Type::collection;
        default: fail("type id");
    }
}

int dimension(const Geometry& g) {
    const int d = GEOSGeom_getDimensions_r(h(), g.get());
    if (d < 0) {
        fail("dimension");
    }
    return d;
}

bool is_empty(const Geometry& g) { return check(GEOSisEmpty_r(h(), g.get()), "isEmpty"); }
bool is_valid(const Geometry& g) { return check(GEOSisValid_r(h(), g.get()), "isValid"); }

std::string invalid_reason(const Geometry& g) {
    char* reason = nullptr;
    GEOSGeometry* where = nullptr;
    const char valid = GEOSisValidDetail_r(h(), g.get(), 0, &reason, &where);
    if (valid == 2) {
        fail("isValidDetail");
    }
    std::string out;
    if (valid == 0 && reason != nullptr) {
        out = reason;
        if (where != nullptr) {
            double x = 0;
            double y = 0;
            if (GEOSGeomGetX_r(h(), where, &x) == 1 && GEOSGeomGetY_r(h(), where, &y) == 1) {
                char buf[64];
                std::snprintf(buf, sizeof buf, " at (%.3f %.3f)", x, y);
                out += buf;
            }
        }
    }
    if (reason != nullptr) {
        GEOSFree_r(h(), reason);
    }
    if (where != nullptr) {
        GEOSGeom_destroy_r(h(), where);
    }
    return out;
}

Geometry make_valid(const Geometry& g) {
    GEOSMakeValidParams* params = GEOSMakeValidParams_create_r(h());
    if (params == nullptr) {
        fail("MakeValid params");
    }
    const bool areal = dimension(g) == 2;
    GEOSMakeValidParams_setMethod_r(h(), params, areal ? GEOS_MAKE_VALID_STRUCTURE : GEOS_MAKE_VALID_LINEWORK);
    GEOSMakeValidParams_setKeepCollapsed_r(h(), params, 0);
    GEOSGeometry* out = GEOSMakeValidWithParams_r(h(), g.get(), params);
    GEOSMakeValidParams_destroy_r(h(), params);
    return Geometry(check(out, "MakeValid"));
}

Geometry extract_dimension(const Geometry& g, int dim) {
    const Type t = type(g);
    if (t != Type::collection) {
        return dimension(g) == dim ? g.clone() : Geometry(check(GEOSGeom_createEmptyCollection_r(h(), GEOS_GEOMETRYCOLLECTION), "empty"));
    }
    std::vector<GEOSGeometry*> keep;
    const std::size_t n = num_geometries(g);
    for (std::size_t i = 0; i < n; ++i) {
        const GEOSGeometry* p = geometry_n(g, i);
        if (GEOSGeom_getDimensions_r(h(), p) == dim && GEOSisEmpty_r(h(), p) == 0) {
            keep.push_back(check(GEOSGeom_clone_r(h(), p), "clone"));
        }
    }
    // Parts may themselves be multi-geometries; unary union flattens them into one multi-geometry.
    GEOSGeometry* coll = GEOSGeom_createCollection_r(h(), GEOS_GEOMETRYCOLLECTION, keep.data(), static_cast<unsigned>(keep.size()));
    Geometry collection(check(coll, "collect"));
    if (keep.empty()) {
        return collection;
    }
    return Geometry(check(GEOSUnaryUnion_r(h(), collection.get()), "unary union"));
}

double area(const Geometry& g) {
    return measured([&](double* v) { return GEOSArea_r(h(), g.get(), v); }, "area");
}

double length(const Geometry& g) {
    return measured([&](double* v) { return GEOSLength_r(h(), g.get(), v); }, "length");
}

double distance(const Geometry& a, const Geometry& b) {
    return measured([&](double* v) { return GEOSDistance_r(h(), a.get(), b.get(), v); }, "distance");
}

std::size_t num_coordinates(const Geometry& g) {
    const int n = GEOSGetNumCoordinates_r(h(), g.get());
    if (n < 0) {
        fail("number of coordinates");
    }
    return static_cast<std::size_t>(n);
}

std::size_t num_geometries(const Geometry& g) {
    const int n = GEOSGetNumGeometries_r(h(), g.get());
    if (n < 0) {
        fail("number of geometries");
    }
    return static_cast<std::size_t>(n);
}

const GEOSGeometry* geometry_n(const Geometry& g, std::size_t i) {
    const GEOSGeometry* p = GEOSGetGeometryN_r(h(), g.get(), static_cast<int>(i));
    if (p == nullptr) {
        fail("geometry part");
    }
    return p;
}

Geometry part(const Geometry& g, std::size_t i) {
    return Geometry(check(GEOSGeom_clone_r(h(), geometry_n(g, i)), "clone part"));
}

Envelope envelope(const Geometry& g) {
    Envelope e;
    if (GEOSGeom_getXMin_r(h(), g.get(), &e.min_x) == 0 || GEOSGeom_getYMin_r(h(), g.get(), &e.min_y) == 0 ||
        GEOSGeom_getXMax_r(h(), g.get(), &e.max_x) == 0 || GEOSGeom_getYMax_r(h(), g.get(), &e.max_y) == 0) {
        fail("envelope");
    }
    return e;
}

void xy(const Geometry& pt, double& x, double& y) {
    if (GEOSGeomGetX_r(h(), pt.get(), &x) == 0 || GEOSGeomGetY_r(h(), pt.get(), &y) == 0) {
        fail("point coordinates");
    }
}

Geometry intersection(const Geometry& a, const Geometry& b) {
    return Geometry(check(GEOSIntersection_r(h(), a.get(), b.get()), "intersection"));
}

Geometry difference(const Geometry& a, const Geometry& b) {
    return Geometry(check(GEOSDifference_r(h(), a.get(), b.get()), "difference"));
}

Geometry unary_union(const std::vector<const Geometry*>& parts) {
    std::vector<GEOSGeometry*> clones;
    clones.reserve(parts.size());
    for (const Geometry* p : parts) {
        clones.push_back(check(GEOSGeom_clone_r(h(), p->get()), "clone"));
    }
    Geometry coll(check(GEOSGeom_createCollection_r(h(), GEOS_GEOMETRYCOLLECTION, clones.data(), static_cast<unsigned>(clones.size())), "collect"));
    return Geometry(check(GEOSUnaryUnion_r(h(), coll.get()), "unary union"));
}

bool intersects(const Geometry& a, const Geometry& b) { return check(GEOSIntersects_r(h(), a.get(), b.get()), "intersects"); }
bool covers(const Geometry& a, const Geometry& b) { return check(GEOSCovers_r(h(), a.get(), b.get()), "covers"); }

int orientation(double ax, double ay, double bx, double by, double px, double py) {
    const int o = GEOSOrientationIndex_r(h(), ax, ay, bx, by, px, py);
    if (o == 2) {
        fail("orientation");
    }
    return o;
}

namespace {

Ring ring_coordinates(const GEOSGeometry* ring) {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h(), ring);
    unsigned int n = 0;
    if (seq == nullptr || GEOSCoordSeq_getSize_r(h(), seq, &n) == 0) {
        fail("ring coordinates");
    }
    Ring out(n);
    for (unsigned int i = 0; i < n; ++i) {
        if (GEOSCoordSeq_getXY_r(h(), seq, i, &out[i].first, &out[i].second) == 0) {
            fail("coordinate");
        }
    }
    return out;
}

// The rings of a polygon, shell first, borrowed.
std::vector<const GEOSGeometry*> rings_of(const GEOSGeometry* poly) {
    const GEOSGeometry* shell = GEOSGetExteriorRing_r(h(), poly);
    if (shell == nullptr) {
        fail("exterior ring");
    }
    const int holes = GEOSGetNumInteriorRings_r(h(), poly);
    if (holes < 0) {
        fail("interior rings");
    }
    std::vector<const GEOSGeometry*> out{shell};
    for (int i = 0; i < holes; ++i) {
        const GEOSGeometry* hole = GEOSGetInteriorRingN_r(h(), poly, i);
        if (hole == nullptr) {
            fail("interior ring");
        }
        out.push_back(hole);
    }
    return out;
}

void add_polygon(const GEOSGeometry* poly, std::vector<std::vector<Ring>>& out) {
    std::vector<Ring> rings;
    for (const GEOSGeometry* ring : rings_of(poly)) {
        rings.push_back(ring_coordinates(ring));
    }
    out.push_back(std::move(rings));
}

bool finite_coordinates(const GEOSGeometry* linear) {
    const Ring coordinates = ring_coordinates(linear);
    return std::all_of(coordinates.begin(), coordinates.end(), [](const auto& c) { return std::isfinite(c.first) && std::isfinite(c.second); });
}

bool finite_part(const GEOSGeometry* g) {
    if (check(GEOSisEmpty_r(h(), g), "is empty")) {
        return true;
    }
    switch (GEOSGeomTypeId_r(h(), g)) {
        case GEOS_POINT:
        case GEOS_LINESTRING:
        case GEOS_LINEARRING: return finite_coordinates(g);
        case GEOS_POLYGON: {
            const auto rings = rings_of(g);
            return std::all_of(rings.begin(), rings.end(), finite_coordinates);
        }
        default: {
            const int n = GEOSGetNumGeometries_r(h(), g);
            if (n < 0) {
                fail("number of parts");
            }
            for (int i = 0; i < n; ++i) {
                const GEOSGeometry* part = GEOSGetGeometryN_r(h(), g, i);
                if (part == nullptr) {
                    fail("part");
                }
                if (!finite_part(part)) {
                    return false;
                }
            }
            return true;
        }
    }
}

} // namespace

bool all_finite(const Geometry& g) { return finite_part(g.get()); }

std::vector<std::vector<Ring>> polygon_rings(const Geometry& g) {
    std::vector<std::vector<Ring>> out;
    const std::size_t n = num_geometries(g);
    for (std::size_t i = 0; i < n; ++i) {
        const GEOSGeometry* p = geometry_n(g, i);
        if (GEOSGeomTypeId_r(h(), p) == GEOS_POLYGON && GEOSisEmpty_r(h(), p) == 0) {
            add_polygon(p, out);
        }
    }
    return out;
}

std::vector<Ring> line_vertices(const Geometry& g) {
    std::vector<Ring> out;
    const std::size_t n = num_geometries(g);
    for (std::size_t i = 0; i < n; ++i) {
        const GEOSGeometry* p = geometry_n(g, i);
        if (GEOSGeomTypeId_r(h(), p) == GEOS_LINESTRING && GEOSisEmpty_r(h(), p) == 0) {
            out.push_back(ring_coordinates(p));
        }
    }
    return out;
}

} // namespace buurt::geos

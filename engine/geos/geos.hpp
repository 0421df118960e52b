#pragma once
// The one wrapper of the GEOS C API. Each thread gets its own GEOS context (GEOS handles are not
// thread-safe); geometries are move-only owners; every GEOS result is checked (NULL, and the
// predicate error value 2) and turns into buurt::geometry_error with GEOS's own message.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

typedef struct GEOSContextHandle_HS* GEOSContextHandle_t;
typedef struct GEOSGeom_t GEOSGeometry;
typedef struct GEOSPrepGeom_t GEOSPreparedGeometry;

namespace buurt::geos {

struct Envelope {
    double min_x = 0, min_y = 0, max_x = 0, max_y = 0;
};

inline Envelope merge(const Envelope& a, const Envelope& b) {
    return {std::min(a.min_x, b.min_x), std::min(a.min_y, b.min_y), std::max(a.max_x, b.max_x), std::max(a.max_y, b.max_y)};
}

class Geometry {
public:
    Geometry() = default;
    explicit Geometry(GEOSGeometry* owned) noexcept : m_ptr(owned) {}
    ~Geometry();
    Geometry(Geometry&& other) noexcept : m_ptr(other.release()) {}
    Geometry& operator=(Geometry&& other) noexcept;
    Geometry(const Geometry&) = delete;
    Geometry& operator=(const Geometry&) = delete;

    const GEOSGeometry* get() const noexcept { return m_ptr; }
    GEOSGeometry* release() noexcept {
        GEOSGeometry* p = m_ptr;
        m_ptr = nullptr;
        return p;
    }
    explicit operator bool() const noexcept { return m_ptr != nullptr; }

    Geometry clone() const;

private:
    GEOSGeometry* m_ptr = nullptr;
};

// A prepared geometry borrows its source: keep the source alive and unmoved as long as this lives.
class Prepared {
public:
    explicit Prepared(const Geometry& source);
    ~Prepared();
    Prepared(Prepared&& other) noexcept : m_ptr(other.m_ptr) { other.m_ptr = nullptr; }
    Prepared& operator=(Prepared&&) = delete;
    Prepared(const Prepared&) = delete;
    Prepared& operator=(const Prepared&) = delete;

    bool covers(const Geometry& g) const;
    bool contains(const Geometry& g) const;
    bool intersects(const Geometry& g) const;

private:
    const GEOSPreparedGeometry* m_ptr = nullptr;
};

enum class Type { point, line_string, linear_ring, polygon, multi_point, multi_line_string, multi_polygon, collection };

Geometry from_wkb(const unsigned char* data, std::size_t size);
Geometry from_wkt(std::string_view wkt);
std::vector<unsigned char> to_wkb(const Geometry& g);
std::string to_wkt(const Geometry& g, int decimals = 3);
Geometry point(double x, double y);
Geometry line_string(const std::vector<std::pair<double, double>>& vertices);
Geometry centroid(const Geometry& g);
Geometry point_on_surface(const Geometry& g);  // a point on a line, inside an area: where a marker belongs
Geometry polygon_from_envelope(const Envelope& e);

Type type(const Geometry& g);
// Every coordinate a finite number. The envelope cannot tell: NaN drops out of min and max, and GEOS
// operations (MakeValid in 3.11) crash on NaN coordinates instead of failing.
bool all_finite(const Geometry& g);
int dimension(const Geometry& g);  // 0 point, 1 line, 2 area
bool is_empty(const Geometry& g);
bool is_valid(const Geometry& g);
std::string invalid_reason(const Geometry& g);  // "" when valid
// Repairs keep the dimension of the input: areas stay areas (GEOS "structure" method), lines stay lines.
Geometry make_valid(const Geometry& g);
// Keeps only the parts of dimension `dim` (MakeValid may leave collapsed lines or points beside areas).
Geometry extract_dimension(const Geometry& g, int dim);

double area(const Geometry& g);
double length(const Geometry& g);
double distance(const Geometry& a, const Geometry& b);
std::size_t num_coordinates(const Geometry& g);
std::size_t num_geometries(const Geometry& g);
const GEOSGeometry* geometry_n(const Geometry& g, std::size_t i);  // borrowed part
Geometry part(const Geometry& g, std::size_t i);                      // owned copy of a part
Envelope envelope(const Geometry& g);
void xy(const Geometry& point, double& x, double& y);

Geometry intersection(const Geometry& a, const Geometry& b);
Geometry difference(const Geometry& a, const Geometry& b);
Geometry unary_union(const std::vector<const Geometry*>& parts);
bool intersects(const Geometry& a, const Geometry& b);
bool covers(const Geometry& a, const Geometry& b);
// Which side of the line a->b the point p lies on: 1 left, -1 right, 0 on it. Exact (GEOS's
// double-double arithmetic); callers filter the clear cases in plain doubles first.
int orientation(double ax, double ay, double bx, double by, double px, double py);

using Ring = std::vector<std::pair<double, double>>;
// The rings of each polygon of a (multi)polygon, shell first then holes: the bridge to Boost.Geometry.
std::vector<std::vector<Ring>> polygon_rings(const Geometry& g);
// The vertices of each linestring of a (multi)linestring.
std::vector<Ring> line_vertices(const Geometry& g);

namespace detail {
GEOSContextHandle_t handle();
} // namespace detail

} // namespace buurt::geos

#pragma once
// Point in (multi)polygon in one pass over the rings, telling the interior from the boundary.
//
// The join asks this a million times per run, mostly of blocks of a few dozen vertices: a flat copy of
// the rings and a crossing count beat Boost.Geometry's covered_by + within (two passes over rings of
// boxed points). Orientation is decided in plain doubles when the error bound allows and by GEOS's exact
// predicate otherwise, so a point on an edge is on it, as GEOS (and PostGIS) would say.

#include <cstdint>
#include <vector>

#include "engine/geos/geos.hpp"

namespace buurt {

enum class Where { outside, boundary, interior };

// The rings of every area of one level in a few flat arrays, so that locating a point touches a handful
// of neighbouring cache lines rather than four allocations per area.
class AreaRings {
public:
    // Adds an area (polygon or multipolygon, valid); areas are numbered in the order they are added.
    void add(const geos::Geometry& area);
    // Adds an area that is not scanned (too many vertices: GEOS prepared geometry answers for it).
    void add_unscanned();

    bool scanned(std::size_t area) const { return m_area_part[area + 1] > m_area_part[area]; }
    Where locate(std::size_t area, double x, double y) const;  // outside for an unscanned area

private:
    struct Part {
        geos::Envelope box;
        std::uint32_t first_ring;  // into m_ring_start
        std::uint32_t end_ring;
    };
    std::vector<std::uint32_t> m_area_part{0};  // per area, its first part; one past the end last
    std::vector<Part> m_parts;
    std::vector<std::uint32_t> m_ring_start{0};  // per ring, its first vertex; one past the end last
    std::vector<double> m_xy;                    // vertices, x and y interleaved
};

} // namespace buurt

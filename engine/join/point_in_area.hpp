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

class AreaRings {
public:
    AreaRings() = default;
    explicit AreaRings(const geos::Geometry& area);  // polygon or multipolygon, valid

    Where locate(double x, double y) const;
    bool empty() const { return m_parts.empty(); }

private:
    struct Part {
        geos::Envelope box;
        std::uint32_t first_ring;  // into m_ring_start
        std::uint32_t end_ring;
    };
    std::vector<Part> m_parts;
    std::vector<std::uint32_t> m_ring_start;  // per ring, index of its first vertex in m_x/m_y; one past the end last
    std::vector<double> m_x;
    std::vector<double> m_y;
};

} // namespace buurt

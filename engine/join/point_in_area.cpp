#include "engine/join/point_in_area.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace buurt {

namespace {

// Side of p to a->b: 1 left, -1 right, 0 on the line. Plain doubles decide when the result is farther
// from zero than their rounding error can reach (Shewchuk's first error bound for orient2d); GEOS's
// exact predicate decides the rest: points on or within a rounding error of an edge.
int side(double ax, double ay, double bx, double by, double px, double py) {
    constexpr double error_bound = (3.0 + 16.0 * std::numeric_limits<double>::epsilon() / 2) * std::numeric_limits<double>::epsilon() / 2;
    const double left = (bx - ax) * (py - ay);
    const double right = (by - ay) * (px - ax);
    const double det = left - right;
    const double bound = error_bound * (std::abs(left) + std::abs(right));
    if (det > bound) {
        return 1;
    }
    if (det < -bound) {
        return -1;
    }
    return geos::orientation(ax, ay, bx, by, px, py);
}

} // namespace

void AreaRings::add(const geos::Geometry& area) {
    for (const auto& rings : geos::polygon_rings(area)) {
        constexpr double inf = std::numeric_limits<double>::infinity();
        Part part{{inf, inf, -inf, -inf}, static_cast<std::uint32_t>(m_ring_start.size() - 1), 0};
        for (const auto& ring : rings) {
            for (const auto& [x, y] : ring) {
                m_xy.push_back(x);
                m_xy.push_back(y);
                part.box = geos::merge(part.box, {x, y, x, y});
            }
            m_ring_start.push_back(static_cast<std::uint32_t>(m_xy.size() / 2));
        }
        part.end_ring = static_cast<std::uint32_t>(m_ring_start.size() - 1);
        m_parts.push_back(part);
    }
    m_area_part.push_back(static_cast<std::uint32_t>(m_parts.size()));
}

void AreaRings::add_unscanned() {
    m_area_part.push_back(static_cast<std::uint32_t>(m_parts.size()));
}

Where AreaRings::locate(std::size_t area, double x, double y) const {
    bool boundary = false;
    for (std::uint32_t p = m_area_part[area]; p < m_area_part[area + 1]; ++p) {
        const Part& part = m_parts[p];
        if (x < part.box.min_x || x > part.box.max_x || y < part.box.min_y || y > part.box.max_y) {
            continue;
        }
        // Crossings of the ray from the point towards +x; an edge counts when one end lies above the
        // ray and the other on or below it, so a vertex on the ray is counted once.
        bool inside = false;
        bool on_edge = false;
        for (std::uint32_t r = part.first_ring; r < part.end_ring && !on_edge; ++r) {
            const std::uint32_t end = m_ring_start[r + 1] - 1;  // rings are closed: the last vertex repeats the first
            for (std::uint32_t i = m_ring_start[r]; i < end; ++i) {
                const double ax = m_xy[2 * i], ay = m_xy[2 * i + 1], bx = m_xy[2 * i + 2], by = m_xy[2 * i + 3];
                if ((ay > y) != (by > y)) {
                    if (x < ax && x < bx) {
                        inside = !inside;
                        continue;
                    }
                    if (x > ax && x > bx) {
                        continue;
                    }
                    const int s = side(ax, ay, bx, by, x, y);
                    if (s == 0) {
                        on_edge = true;
                        break;
                    }
                    if ((s > 0) == (by > ay)) {
                        inside = !inside;
                    }
                } else if (ay == y && (ax == x || (by == y && x >= std::min(ax, bx) && x <= std::max(ax, bx)))) {
                    on_edge = true;  // on a vertex, or on an edge along the ray
                    break;
                }
            }
        }
        if (on_edge) {
            boundary = true;
        } else if (inside) {
            return Where::interior;
        }
    }
    return boundary ? Where::boundary : Where::outside;
}

} // namespace buurt

#include "engine/index/segment_grid.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/core/planar.hpp"

namespace buurt::index {

namespace {

// Whether segment a-b meets the closed box (Liang-Barsky clipping).
bool meets(const SegmentGrid::Segment& s, const geos::Envelope& box) {
    double t0 = 0;
    double t1 = 1;
    // The part of the segment with p * t <= q.
    auto clip = [&](double p, double q) {
        if (p == 0) {
            return q >= 0;
        }
        const double t = q / p;
        if (p < 0) {
            t0 = std::max(t0, t);
        } else {
            t1 = std::min(t1, t);
        }
        return t0 <= t1;
    };
    const double dx = s.x2 - s.x1;
    const double dy = s.y2 - s.y1;
    return clip(-dx, s.x1 - box.min_x) && clip(dx, box.max_x - s.x1) && clip(-dy, s.y1 - box.min_y) && clip(dy, box.max_y - s.y1);
}

double squared_distance_to_box(double x, double y, const geos::Envelope& box) {
    const double dx = std::max({box.min_x - x, 0.0, x - box.max_x});
    const double dy = std::max({box.min_y - y, 0.0, y - box.max_y});
    return dx * dx + dy * dy;
}

struct Range {
    double least;     // of the distances between the segment and the points of the box
    double greatest;
};

Range distance_range(const SegmentGrid::Segment& s, const geos::Envelope& box) {
    const double corners[4][2] = {{box.min_x, box.min_y}, {box.max_x, box.min_y}, {box.min_x, box.max_y}, {box.max_x, box.max_y}};
    double least2 = std::numeric_limits<double>::infinity();
    double greatest2 = 0;
    // Distance to a segment is convex: over the box it is greatest at a corner. Between a box and a
    // segment that miss each other it is least at a corner or an end of the segment.
    for (const auto& c : corners) {
        const double d2 = planar::squared_distance_to_segment(c[0], c[1], s.x1, s.y1, s.x2, s.y2);
        least2 = std::min(least2, d2);
        greatest2 = std::max(greatest2, d2);
    }
    if (meets(s, box)) {
        least2 = 0;
    } else {
        least2 = std::min({least2, squared_distance_to_box(s.x1, s.y1, box), squared_distance_to_box(s.x2, s.y2, box)});
    }
    return {std::sqrt(least2), std::sqrt(greatest2)};
}

} // namespace

SegmentGrid::SegmentGrid(const std::vector<Segment>& segments, double max_distance) {
    std::vector<geos::Envelope> env;
    env.reserve(segments.size());
    for (const auto& s : segments) {
        env.push_back({std::min(s.x1, s.x2), std::min(s.y1, s.y2), std::max(s.x1, s.x2), std::max(s.y1, s.y2)});
    }
    // Cells as wide as the distance: finer ones keep fewer candidates but cost more to build and hold.
    m_grid = CellGrid(env, max_distance, {max_distance, 32});
    std::vector<Range> ranges;
    m_grid.retain([&](const geos::Envelope& cell, std::uint32_t* ids, std::size_t count) {
        // Distances as the join computes them differ from these by rounding, some 1e-11 m at Dutch
        // coordinates: a segment is dropped only when it is farther by more than this.
        const double slack = 1e-6 * (cell.max_x - cell.min_x);
        ranges.resize(count);
        double bound = max_distance;
        for (std::size_t i = 0; i < count; ++i) {
            ranges[i] = distance_range(segments[ids[i]], cell);
            bound = std::min(bound, ranges[i].greatest);
        }
        std::size_t kept = 0;
        for (std::size_t i = 0; i < count; ++i) {
            if (ranges[i].least <= bound + slack) {
                ids[kept++] = ids[i];
            }
        }
        return kept;
    });
}

} // namespace buurt::index

#pragma once
// Candidates for "the nearest segment within a distance of a point" (a million nearest-street searches
// a run). A CellGrid of the segments widened by the distance would hand every point all segments
// within reach of its cell, some twenty on a city's street grid; here each cell keeps only those that
// can be nearest to some point of it: a segment whose least distance to the cell exceeds the greatest
// distance of another is dropped. Typically two or three remain.

#include <cstddef>
#include <vector>

#include "engine/index/cell_grid.hpp"

namespace buurt::index {

class SegmentGrid {
public:
    struct Segment {
        double x1, y1, x2, y2;
    };

    SegmentGrid() = default;
    SegmentGrid(const std::vector<Segment>& segments, double max_distance);

    // Indices of segments, ascending. Among them is every segment within `max_distance` of (x, y) that
    // no other segment is nearer than: the nearest one and all that tie with it, exactly as a scan of
    // every segment would compute the distances. Empty when no segment is within reach.
    CellGrid::Span candidates(double x, double y) const { return m_grid.candidates(x, y); }

    std::size_t entries() const { return m_grid.entries(); }

private:
    CellGrid m_grid;
};

} // namespace buurt::index

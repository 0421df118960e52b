#pragma once
// A uniform grid of envelopes for point queries: every cell lists the envelopes that reach into it, so
// the candidates for a point are one division and one slice away, where an R-tree walks its levels.
// The join asks this for a million points a run; the R-tree (box_index.hpp) stays for box queries.

#include <cstdint>
#include <functional>
#include <vector>

#include "engine/geos/geos.hpp"

namespace buurt::index {

struct GridSizing {
    double cell = 0;  // the finest cell wanted; 0: about one envelope a cell
    double entries_per_envelope = 8;  // cells grow coarser while the lists would hold more than this
};

class CellGrid {
public:
    struct Span {
        const std::uint32_t* first = nullptr;
        const std::uint32_t* last = nullptr;
        const std::uint32_t* begin() const { return first; }
        const std::uint32_t* end() const { return last; }
        std::size_t size() const { return static_cast<std::size_t>(last - first); }
    };

    CellGrid() = default;
    // `grow` widens every envelope on all sides: street segments widened by the search distance answer
    // "which segments may lie within that distance of a point" from the point's own cell.
    explicit CellGrid(const std::vector<geos::Envelope>& envelopes, double grow = 0, GridSizing sizing = {});

    // Lets `keep` shorten every cell's list. It gets a rectangle holding every point the cell answers
    // for and the cell's ids; it moves the ids it keeps to the front, in order, and returns how many.
    using Keep = std::function<std::size_t(const geos::Envelope& cell, std::uint32_t* ids, std::size_t count)>;
    void retain(const Keep& keep);

    // Indices of the envelopes (widened) that reach into the cell of (x, y), ascending: every envelope
    // that contains the point is among them. Empty outside the grid.
    Span candidates(double x, double y) const;

    std::size_t cells() const { return m_start.empty() ? 0 : m_start.size() - 1; }
    std::size_t entries() const { return m_ids.size(); }

private:
    double m_min_x = 0, m_min_y = 0, m_max_x = -1, m_max_y = -1;
    double m_cell = 1;
    std::int64_t m_cols = 0, m_rows = 0;
    std::vector<std::uint32_t> m_start;  // per cell, the first of its ids in m_ids; one more at the end
    std::vector<std::uint32_t> m_ids;
};

} // namespace buurt::index

#pragma once
// A hexagon grid (pointy-top) over an extent: equal-area cells without the edge effects of squares.

#include <cstdint>
#include <utility>
#include <vector>

#include "engine/geos/geos.hpp"

namespace buurt::hotspot {

class HexGrid {
public:
    // `width`: distance between the centres of neighbouring cells (flat side to flat side).
    HexGrid(const geos::Envelope& extent, double width);

    std::size_t size() const { return m_centres.size(); }
    int cell_of(double x, double y) const;  // -1 outside the grid
    const std::pair<double, double>& centre(std::size_t i) const { return m_centres[i]; }
    geos::Geometry polygon(std::size_t i) const;
    double width() const { return m_width; }

private:
    double m_width;
    double m_radius;  // centre to corner
    double m_x0, m_y0;
    int m_cols = 0, m_rows = 0;
    std::vector<std::pair<double, double>> m_centres;  // row-major
};

} // namespace buurt::hotspot

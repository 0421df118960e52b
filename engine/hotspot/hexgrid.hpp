#pragma once
// A hexagon grid (pointy-top) over an extent: equal-area cells without the edge effects of squares.
// Only the cells that touch the study area are cells: the sea between two far-apart buurten holds no
// observations by construction, and counting it as zeros would drag the Gi* mean towards nothing.

#include <cstdint>
#include <utility>
#include <vector>

#include "engine/geos/geos.hpp"

namespace buurt::hotspot {

class HexGrid {
public:
    // `width`: distance between the centres of neighbouring cells (flat side to flat side). With no
    // `study_area`, every cell over the extent is kept.
    HexGrid(const geos::Envelope& extent, double width, const std::vector<const geos::Geometry*>& study_area = {});

    std::size_t size() const { return m_centres.size(); }
    int cell_of(double x, double y) const;  // -1 outside the grid or in a cell not kept
    const std::pair<double, double>& centre(std::size_t i) const { return m_centres[i]; }
    geos::Geometry polygon(std::size_t i) const;
    double width() const { return m_width; }

private:
    std::pair<double, double> slot_centre(int row, int col) const;
    geos::Geometry hexagon(std::pair<double, double> centre) const;

    double m_width;
    double m_radius;  // centre to corner
    double m_x0, m_y0;
    int m_cols = 0, m_rows = 0;
    std::vector<std::pair<double, double>> m_centres;  // kept cells, row-major
    std::vector<int> m_cell_of_slot;                   // slot (row * cols + col) -> kept cell, or -1
};

} // namespace buurt::hotspot

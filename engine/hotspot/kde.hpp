#pragma once
// Heat map: kernel density with the quartic (biweight) kernel, raw values as QGIS's heatmap writes them
// by default: each point adds (1 - (d/r)^2)^2 to every cell whose centre lies within r.

#include <utility>
#include <vector>

namespace buurt::hotspot {

struct Raster {
    double min_x = 0;   // west edge
    double max_y = 0;   // north edge (row 0 is the northernmost)
    double cell = 1;
    int cols = 0;
    int rows = 0;
    std::vector<float> values;  // rows * cols, row-major from the north-west corner

    double centre_x(int col) const { return min_x + (col + 0.5) * cell; }
    double centre_y(int row) const { return max_y - (row + 0.5) * cell; }
};

// An empty grid (zeros) over `extent` buffered by the radius, in whole cells.
Raster empty_raster(double min_x, double min_y, double max_x, double max_y, double radius, double cell);
// Adds one point's kernel to the grid.
void add_quartic(Raster& r, double x, double y, double radius);
// The grid covers the points' extent buffered by the radius (QGIS's rule), in whole cells.
Raster quartic_kde(const std::vector<std::pair<double, double>>& points, double radius, double cell);

} // namespace buurt::hotspot

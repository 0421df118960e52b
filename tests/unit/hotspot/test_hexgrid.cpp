// HexGrid::cell_of against the cells' own polygons, checked with GEOS.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "engine/hotspot/hexgrid.hpp"

using namespace buurt;
using namespace buurt::hotspot;

TEST_CASE("cell_of puts a point in the hexagon whose polygon covers it", "[hotspot][hexgrid]") {
    // An RD-sized extent that is not a whole number of cells, and a width that is not a round number, so
    // rows and columns do not line up with the extent.
    const geos::Envelope extent{115012.3, 486501.7, 116987.9, 487893.2};
    const double width = 97.3;
    const HexGrid grid(extent, width);
    REQUIRE(grid.size() > 0);

    std::mt19937 rng(6);
    std::uniform_real_distribution<double> ux(extent.min_x, extent.max_x);
    std::uniform_real_distribution<double> uy(extent.min_y, extent.max_y);
    // The hexagon's inradius: a covering cell's centre is never farther than its circumradius, and a
    // point within the inradius of a centre must be in that centre's cell.
    const double circumradius = width / std::sqrt(3.0);
    int wrong = 0;
    for (int i = 0; i < 10'000; ++i) {
        const double x = ux(rng);
        const double y = uy(rng);
        const int c = grid.cell_of(x, y);
        REQUIRE(c >= 0);  // the grid covers its extent
        const auto [cx, cy] = grid.centre(static_cast<std::size_t>(c));
        REQUIRE(std::hypot(x - cx, y - cy) <= circumradius + 1e-6);
        if (!geos::covers(grid.polygon(static_cast<std::size_t>(c)), geos::point(x, y))) {
            ++wrong;
            UNSCOPED_INFO("point " << x << " " << y << " put in cell " << c << " at " << cx << " " << cy);
        }
    }
    CHECK(wrong == 0);
}

TEST_CASE("hexagon polygons are regular, of the given width, and tile without overlap", "[hotspot][hexgrid]") {
    const HexGrid grid(geos::Envelope{0, 0, 500, 400}, 100.0);
    // Area of a regular hexagon with flat-to-flat width w: sqrt(3) / 2 * w^2.
    const double expected = std::sqrt(3.0) / 2.0 * 100.0 * 100.0;
    for (std::size_t i = 0; i < grid.size(); ++i) {
        CHECK(geos::area(grid.polygon(i)) == Approx(expected).epsilon(1e-6));
    }
    // Neighbouring cells share an edge but no area (the grid is a tiling, so counts per cell add up).
    const std::size_t a = grid.size() / 2;
    const auto [ax, ay] = grid.centre(a);
    for (std::size_t b = 0; b < grid.size(); ++b) {
        const auto [bx, by] = grid.centre(b);
        const double d = std::hypot(ax - bx, ay - by);
        if (b != a && d < 100.0 + 1e-6) {
            CHECK(d == Approx(100.0));  // six neighbours at exactly the width
            CHECK(geos::area(geos::intersection(grid.polygon(a), grid.polygon(b))) < 1e-3);
        }
    }
}

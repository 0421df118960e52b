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

TEST_CASE("with a study area, the cells are the hexagons that touch it, and nothing between far-apart areas", "[hotspot][hexgrid]") {
    // Two squares 20 km apart: the full grid has thousands of cells, the kept ones only those near the squares.
    const geos::Geometry west = geos::from_wkt("POLYGON((0 0, 300 0, 300 300, 0 300, 0 0))");
    const geos::Geometry east = geos::from_wkt("POLYGON((20000 5000, 20250 5000, 20250 5400, 20000 5400, 20000 5000))");
    const geos::Envelope extent{0, 0, 20250, 5400};
    const double width = 100.0;
    const HexGrid full(extent, width);
    const HexGrid kept(extent, width, {&west, &east});

    // The reference: every cell of the full grid whose hexagon intersects either square, by plain GEOS.
    std::vector<std::pair<double, double>> expected;
    for (std::size_t i = 0; i < full.size(); ++i) {
        const geos::Geometry hex = full.polygon(i);
        if (geos::intersects(hex, west) || geos::intersects(hex, east)) {
            expected.push_back(full.centre(i));
        }
    }
    REQUIRE(full.size() > 5000);
    REQUIRE(kept.size() == expected.size());
    for (std::size_t i = 0; i < kept.size(); ++i) {
        CHECK(kept.centre(i) == expected[i]);
    }
    // A point in a square lands in a kept cell whose hexagon covers it; a point in between lands nowhere.
    const int c = kept.cell_of(150, 150);
    REQUIRE(c >= 0);
    CHECK(geos::covers(kept.polygon(static_cast<std::size_t>(c)), geos::point(150, 150)));
    CHECK(kept.cell_of(20100, 5200) >= 0);
    CHECK(kept.cell_of(10000, 2500) == -1);
    CHECK(full.cell_of(10000, 2500) >= 0);
}

// AreaRings: the join's point-in-polygon, against GEOS's covers and contains (the predicates PostGIS uses)
// on hand-made cases and on many points placed where mistakes hide: vertices, edges, a rounding away.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <utility>
#include <string>
#include <vector>

#include "engine/join/point_in_area.hpp"

using namespace buurt;

namespace {

Where by_geos(const geos::Geometry& area, double x, double y) {
    const geos::Prepared prepared(area);
    const geos::Geometry p = geos::point(x, y);
    if (!prepared.covers(p)) {
        return Where::outside;
    }
    return prepared.contains(p) ? Where::interior : Where::boundary;
}

std::string name(Where w) { return w == Where::interior ? "interior" : w == Where::boundary ? "boundary" : "outside"; }

} // namespace

TEST_CASE("point in area: hand-made cases", "[join][pip]") {
    // A 10 x 10 square with a 2 x 2 hole, and a second part: a triangle touching the square at (10, 10).
    const geos::Geometry area = geos::from_wkt(
        "MULTIPOLYGON(((0 0, 10 0, 10 10, 0 10, 0 0), (4 4, 6 4, 6 6, 4 6, 4 4)), ((10 10, 14 10, 10 13, 10 10)))");
    AreaRings rings;
    rings.add(area);
    struct Case {
        double x, y;
        Where want;
        const char* what;
    };
    const std::vector<Case> cases{
        {1, 1, Where::interior, "inside the square"},
        {5, 5, Where::outside, "in the hole"},
        {4, 5, Where::boundary, "on the hole's edge"},
        {6, 6, Where::boundary, "on a vertex of the hole"},
        {0, 5, Where::boundary, "on the shell's left edge"},
        {5, 0, Where::boundary, "on the shell's bottom edge (along the ray)"},
        {0, 0, Where::boundary, "on a vertex of the shell"},
        {10, 10, Where::boundary, "where the two parts touch"},
        {11, 11, Where::interior, "inside the triangle"},
        {12, 11.5, Where::boundary, "on the triangle's slanted edge (exactly: 14 - 4/3 * 1.5)"},
        {-1, 5, Where::outside, "left of the square"},
        {11, 5, Where::outside, "right of the square, below the triangle"},
        {3, 4, Where::interior, "level with the hole's bottom edge, left of it"},
        {7, 6, Where::interior, "level with a vertex of the hole, right of it"},
    };
    for (const auto& c : cases) {
        INFO(c.what << " (" << c.x << ", " << c.y << ")");
        CHECK(name(rings.locate(0, c.x, c.y)) == name(c.want));
        CHECK(name(by_geos(area, c.x, c.y)) == name(c.want));  // the expectation itself, by GEOS
    }
}

namespace {

// A closed wavy ring around (cx, cy): slanted edges of every direction, coordinates that are not round.
std::string wavy_ring(double cx, double cy, double radius, double wave, bool clockwise) {
    std::string out = "(";
    for (int i = 0; i <= 40; ++i) {
        const double a = 2 * M_PI * (i % 40) / 40 * (clockwise ? -1 : 1);
        const double r = radius + wave * std::sin(5 * a);
        out += (i ? ", " : "") + std::to_string(cx + r * std::cos(a)) + " " + std::to_string(cy + r * std::sin(a));
    }
    return out + ")";
}

} // namespace

TEST_CASE("point in area: agrees with GEOS on vertices, edges and points a rounding off them", "[join][pip]") {
    // A wavy shell with a wavy hole, and a second part: a square whose corner touches nothing.
    const geos::Geometry area = geos::make_valid(geos::from_wkt(
        "MULTIPOLYGON((" + wavy_ring(120200, 120200, 150, 40, false) + ", " + wavy_ring(120200, 120200, 50, 10, true) +
        "), ((120500 120500, 120600 120500, 120600 120600, 120500 120600, 120500 120500)))"));
    AreaRings rings;
    rings.add(area);
    std::vector<std::pair<double, double>> points;
    for (const auto& polygon : geos::polygon_rings(area)) {
        for (const auto& r : polygon) {
            for (std::size_t i = 0; i + 1 < r.size(); ++i) {
                const auto [ax, ay] = r[i];
                const auto [bx, by] = r[i + 1];
                points.emplace_back(ax, ay);                                        // a vertex
                points.emplace_back((ax + bx) / 2, (ay + by) / 2);                  // on the edge, or a rounding off it
                points.emplace_back(ax + (bx - ax) * 0.25, ay + (by - ay) * 0.25);  // likewise
                points.emplace_back(std::nextafter(ax, bx), ay);                    // a rounding off the vertex
                points.emplace_back(ax, std::nextafter(ay, by));
            }
        }
    }
    std::mt19937_64 rng(20261207);
    std::uniform_real_distribution<double> any(119950.0, 120650.0);
    for (int i = 0; i < 5000; ++i) {
        points.emplace_back(any(rng), any(rng));
    }
    int counts[3] = {0, 0, 0};
    for (const auto& [x, y] : points) {
        const Where want = by_geos(area, x, y);
        ++counts[static_cast<int>(want)];
        INFO("point (" << std::to_string(x) << ", " << std::to_string(y) << ")");
        REQUIRE(name(rings.locate(0, x, y)) == name(want));
    }
    // The test reached every answer, the boundary included.
    CHECK(counts[static_cast<int>(Where::outside)] > 100);
    CHECK(counts[static_cast<int>(Where::boundary)] > 80);
    CHECK(counts[static_cast<int>(Where::interior)] > 100);
}

TEST_CASE("point in area: a level's table keeps each area's own rings, unscanned areas in between", "[join][pip]") {
    AreaRings rings;
    rings.add(geos::from_wkt("POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))"));
    rings.add_unscanned();
    rings.add(geos::from_wkt("MULTIPOLYGON(((20 0, 30 0, 30 10, 20 10, 20 0)), ((40 0, 50 0, 45 5, 40 0)))"));
    CHECK(rings.scanned(0));
    CHECK_FALSE(rings.scanned(1));
    CHECK(rings.scanned(2));
    CHECK(name(rings.locate(0, 5, 5)) == "interior");
    CHECK(name(rings.locate(0, 25, 5)) == "outside");   // the third area's point is not the first's
    CHECK(name(rings.locate(1, 5, 5)) == "outside");    // an unscanned area answers nothing
    CHECK(name(rings.locate(2, 25, 5)) == "interior");
    CHECK(name(rings.locate(2, 45, 2)) == "interior");  // its second part
    CHECK(name(rings.locate(2, 45, 5)) == "boundary");  // the triangle's apex
    CHECK(name(rings.locate(2, 5, 5)) == "outside");
}

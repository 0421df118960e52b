// The GEOS wrapper (engine/geos/geos.hpp). Test cases are few and sections many: ctest runs every
// test case in a process of its own, and starting one costs more than the tests inside it.
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "engine/core/error.hpp"
#include "engine/geos/geos.hpp"

using namespace buurt;
using Catch::Matchers::Contains;

TEST_CASE("GEOS: WKT and WKB are read and written", "[geos]") {
    SECTION("WKT is read and written back unchanged") {
        for (const std::string wkt : {"POINT (1 2)", "LINESTRING (0 0, 3 4)",
                                      "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 4 2, 4 4, 2 4, 2 2))",
                                      "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 1, 0 0)), ((5 5, 6 5, 6 6, 5 6, 5 5)))"}) {
            CHECK(geos::to_wkt(geos::from_wkt(wkt)) == wkt);
        }
    }
    SECTION("WKT output is rounded to the requested decimals") {
        // 1.23456 to 3 decimals is 1.235; trailing zeros are trimmed, so 2.0 prints as 2.
        CHECK(geos::to_wkt(geos::from_wkt("POINT (1.23456 2)"), 3) == "POINT (1.235 2)");
    }
    SECTION("a WKB round trip keeps the geometry") {
        const auto g = geos::from_wkt("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))");
        const auto wkb = geos::to_wkb(g);
        // byte order 1 + type 4 + ring count 4 + point count 4 + 5 points of 2 x 8 bytes = 93 bytes.
        CHECK(wkb.size() == 93);
        CHECK(geos::to_wkt(geos::from_wkb(wkb.data(), wkb.size())) == "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))");
    }
    SECTION("broken WKT is a geometry_error with GEOS's message") {
        CHECK_THROWS_AS(geos::from_wkt("POLYGON((0 0"), geometry_error);
        CHECK_THROWS_WITH(geos::from_wkt("POLYGON((0 0"), Contains("GEOS WKT read"));
        CHECK_THROWS_AS(geos::from_wkt("NOT A GEOMETRY"), geometry_error);
    }
}

TEST_CASE("GEOS: measures, types and envelopes of known shapes", "[geos]") {
    SECTION("area and length") {
        // 10 x 10 square: area 100, perimeter 4 * 10 = 40.
        const auto square = geos::from_wkt("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))");
        CHECK(geos::area(square) == Approx(100.0));
        CHECK(geos::length(square) == Approx(40.0));
        // The same square with a 2 x 2 hole: 100 - 4 = 96; the perimeter adds the hole's 4 * 2 = 8.
        const auto holed = geos::from_wkt("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 4 2, 4 4, 2 4, 2 2))");
        CHECK(geos::area(holed) == Approx(96.0));
        CHECK(geos::length(holed) == Approx(48.0));
        // Right triangle with legs 3 and 4: area 3 * 4 / 2 = 6.
        CHECK(geos::area(geos::from_wkt("POLYGON ((0 0, 3 0, 0 4, 0 0))")) == Approx(6.0));
        // The 3-4-5 line: length 5; a line has no area.
        const auto line = geos::from_wkt("LINESTRING (0 0, 3 4)");
        CHECK(geos::length(line) == Approx(5.0));
        CHECK(geos::area(line) == 0.0);
        // Two-part line: 5 + 10 = 15.
        CHECK(geos::length(geos::from_wkt("MULTILINESTRING ((0 0, 3 4), (0 0, 10 0))")) == Approx(15.0));
    }
    SECTION("types, dimensions, counts and envelopes") {
        const auto mp = geos::from_wkt("MULTIPOLYGON (((0 0, 1 0, 1 1, 0 1, 0 0)), ((5 5, 6 5, 6 7, 5 7, 5 5)))");
        CHECK(geos::type(mp) == geos::Type::multi_polygon);
        CHECK(geos::dimension(mp) == 2);
        CHECK(geos::num_geometries(mp) == 2);
        CHECK(geos::num_coordinates(mp) == 10);  // two closed rings of 5 coordinates
        const auto e = geos::envelope(mp);
        CHECK(e.min_x == 0.0);
        CHECK(e.min_y == 0.0);
        CHECK(e.max_x == 6.0);
        CHECK(e.max_y == 7.0);
        CHECK(geos::area(geos::part(mp, 1)) == Approx(2.0));  // the second part alone: 1 x 2

        CHECK(geos::type(geos::from_wkt("POINT (1 2)")) == geos::Type::point);
        CHECK(geos::dimension(geos::from_wkt("POINT (1 2)")) == 0);
        CHECK(geos::dimension(geos::from_wkt("LINESTRING (0 0, 1 1)")) == 1);
        CHECK(geos::type(geos::from_wkt("MULTIPOINT ((1 2), (3 4))")) == geos::Type::multi_point);
        CHECK(geos::is_empty(geos::from_wkt("POLYGON EMPTY")));
        CHECK_FALSE(geos::is_empty(mp));
    }
    SECTION("a point's coordinates") {
        double x = 0;
        double y = 0;
        geos::xy(geos::point(155000.5, 463000.25), x, y);
        CHECK(x == 155000.5);
        CHECK(y == 463000.25);
    }
    SECTION("a clone is independent of its source, a moved-from geometry is empty") {
        geos::Geometry a = geos::from_wkt("POINT (1 2)");
        geos::Geometry c = a.clone();
        a = geos::from_wkt("POINT (3 4)");
        CHECK(geos::to_wkt(c) == "POINT (1 2)");
        geos::Geometry moved = std::move(c);
        CHECK_FALSE(static_cast<bool>(c));  // NOLINT(bugprone-use-after-move): empty by contract
        CHECK(geos::to_wkt(moved) == "POINT (1 2)");
    }
}

TEST_CASE("GEOS: invalid geometries are explained and repaired", "[geos]") {
    SECTION("make_valid splits a bow-tie into its two triangles") {
        // The edges (0 0)-(10 10) and (10 0)-(0 10) cross at (5 5). The triangles are (0 0),(5 5),(0 10):
        // base 10 on x = 0, height 5 -> 25, and (10 10),(10 0),(5 5): also 25. Together 50.
        const auto bowtie = geos::from_wkt("POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))");
        CHECK_FALSE(geos::is_valid(bowtie));
        const std::string reason = geos::invalid_reason(bowtie);
        CHECK_FALSE(reason.empty());
        CHECK_THAT(reason, Contains("Self-intersection") && Contains("(5.000 5.000)"));
        const auto fixed = geos::make_valid(bowtie);
        CHECK(geos::is_valid(fixed));
        CHECK(geos::dimension(fixed) == 2);
        CHECK(geos::area(fixed) == Approx(50.0));
        CHECK(geos::num_geometries(geos::extract_dimension(fixed, 2)) == 2);
    }
    SECTION("a valid polygon has no invalid reason and make_valid leaves it as it is") {
        // 10 x 10 square with a 2 x 2 hole: 100 - 4 = 96 before and after.
        const auto holed = geos::from_wkt("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 4 2, 4 4, 2 4, 2 2))");
        CHECK(geos::is_valid(holed));
        CHECK(geos::invalid_reason(holed).empty());
        const auto fixed = geos::make_valid(holed);
        CHECK(geos::area(fixed) == Approx(96.0));
        CHECK(geos::type(fixed) == geos::Type::polygon);
    }
    SECTION("extract_dimension keeps only the parts of the asked dimension") {
        const auto mixed = geos::from_wkt(
            "GEOMETRYCOLLECTION (POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0)), LINESTRING (5 5, 8 9), POINT (9 9), "
            "POLYGON ((10 10, 11 10, 11 11, 10 11, 10 10)))");
        const auto areas = geos::extract_dimension(mixed, 2);
        CHECK(geos::dimension(areas) == 2);
        CHECK(geos::area(areas) == Approx(4.0 + 1.0));  // 2 x 2 + 1 x 1
        CHECK(geos::num_geometries(areas) == 2);
        const auto lines = geos::extract_dimension(mixed, 1);
        CHECK(geos::dimension(lines) == 1);
        CHECK(geos::length(lines) == Approx(5.0));  // (5 5)-(8 9): dx 3, dy 4
        const auto points = geos::extract_dimension(mixed, 0);
        CHECK(geos::to_wkt(points) == "POINT (9 9)");
        // A single geometry: itself when the dimension matches, else empty.
        const auto square = geos::from_wkt("POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0))");
        CHECK(geos::area(geos::extract_dimension(square, 2)) == Approx(4.0));
        CHECK(geos::is_empty(geos::extract_dimension(square, 1)));
        // No part of the dimension at all: empty.
        CHECK(geos::is_empty(geos::extract_dimension(geos::from_wkt("GEOMETRYCOLLECTION (POINT (1 1))"), 2)));
    }
}

TEST_CASE("GEOS: overlays, predicates and plain coordinates", "[geos]") {
    SECTION("overlays, distance and predicates") {
        const auto a = geos::from_wkt("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))");
        const auto b = geos::from_wkt("POLYGON ((5 0, 15 0, 15 10, 5 10, 5 0))");
        // Overlap x 5..10, y 0..10 = 50; a minus b = x 0..5 = 50; union = x 0..15 = 150.
        CHECK(geos::area(geos::intersection(a, b)) == Approx(50.0));
        CHECK(geos::area(geos::difference(a, b)) == Approx(50.0));
        CHECK(geos::area(geos::unary_union({&a, &b})) == Approx(150.0));
        CHECK(geos::intersects(a, b));
        CHECK_FALSE(geos::intersects(a, geos::point(20, 20)));
        // From (13 4) to a's right edge x = 10: 3.
        CHECK(geos::distance(a, geos::point(13, 4)) == Approx(3.0));
        // covers includes the boundary, contains does not.
        const auto edge = geos::point(10, 5);
        CHECK(geos::covers(a, edge));
        const geos::Prepared prepared(a);
        CHECK(prepared.covers(edge));
        CHECK_FALSE(prepared.contains(edge));
        CHECK(prepared.contains(geos::point(5, 5)));
        CHECK(prepared.intersects(b));
        CHECK_FALSE(prepared.covers(geos::point(11, 5)));
    }
    SECTION("polygon rings and line vertices") {
        const auto holed = geos::from_wkt("MULTIPOLYGON (((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 4 2, 4 4, 2 4, 2 2)), ((20 0, 21 0, 21 1, 20 0)))");
        const auto rings = geos::polygon_rings(holed);
        REQUIRE(rings.size() == 2);
        REQUIRE(rings[0].size() == 2);  // shell and one hole
        CHECK(rings[0][0].size() == 5);
        CHECK(rings[0][1][1] == std::make_pair(4.0, 2.0));
        CHECK(rings[1].size() == 1);
        CHECK(rings[1][0][0] == std::make_pair(20.0, 0.0));
        const auto lines = geos::line_vertices(geos::from_wkt("MULTILINESTRING ((0 0, 1 1, 2 0), (5 5, 6 6))"));
        REQUIRE(lines.size() == 2);
        CHECK(lines[0].size() == 3);
        CHECK(lines[1][1] == std::make_pair(6.0, 6.0));
    }
}

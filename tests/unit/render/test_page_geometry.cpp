#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include "engine/render/page_geometry.hpp"

using namespace buurt::render;

TEST_CASE("render: the pole of inaccessibility is the roomiest point of an area", "[render][labels]") {
    SECTION("a square: its centre, half its side from the edges") {
        const auto pole = pole_of_inaccessibility({{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}}, 0.01);
        CHECK(pole.at.x == Approx(5).margin(0.05));
        CHECK(pole.at.y == Approx(5).margin(0.05));
        CHECK(pole.distance == Approx(5).margin(0.05));
    }
    // The best circle in a corner at (x, x) touches both outer walls and the inner corner vertex:
    // x = sqrt(2) (w - x) for arms w wide, so x = w sqrt(2) / (1 + sqrt(2)).
    const double corner = std::sqrt(2.0) / (1 + std::sqrt(2.0));
    SECTION("an L: where the arms meet, not at the centroid (which lies outside the L)") {
        const auto pole = pole_of_inaccessibility({{{0, 0}, {100, 0}, {100, 10}, {10, 10}, {10, 100}, {0, 100}, {0, 0}}}, 0.01);
        CHECK(pole.distance == Approx(10 * corner).margin(0.01));
        CHECK(pole.at.x < 10);
        CHECK(pole.at.y < 10);
    }
    SECTION("a courtyard is not room: the pole avoids the hole") {
        const auto pole = pole_of_inaccessibility({{{0, 0}, {30, 0}, {30, 30}, {0, 30}, {0, 0}}, {{5, 5}, {25, 5}, {25, 25}, {5, 25}, {5, 5}}}, 0.01);
        CHECK(pole.distance == Approx(5 * corner).margin(0.01));
        const bool in_ring = pole.at.x < 5 || pole.at.x > 25 || pole.at.y < 5 || pole.at.y > 25;
        CHECK(in_ring);
    }
}

TEST_CASE("render: street labels sit on the long straight stretches of a line", "[render][labels]") {
    // A street with a short kink, then a long straight run, then a right-angle turn.
    const std::vector<Point> line{{0, 0}, {10, 5}, {20, 5}, {60, 5.5}, {100, 5}, {100, 40}};
    const auto stretches = straight_stretches(line, 1.0);
    REQUIRE(stretches.size() >= 2);
    CHECK(stretches.front().from.x == Approx(10));
    CHECK(stretches.front().to.x == Approx(100));
    CHECK(stretches.front().length == Approx(90).margin(0.01));
    for (std::size_t i = 1; i < stretches.size(); ++i) {
        CHECK(stretches[i].length <= stretches[i - 1].length);
    }
    SECTION("a line that doubles back within the tolerance is not one stretch") {
        const auto back = straight_stretches({{0, 0}, {50, 0}, {20, 0.5}, {60, 0}}, 1.0);
        CHECK(back.front().length == Approx(50));
    }
}

TEST_CASE("render: the parts of a street are joined where exactly two meet", "[render][labels]") {
    const std::vector<std::vector<Point>> parts{{{10, 0}, {20, 0}}, {{0, 0}, {10, 0}}, {{30, 0}, {20, 0}}, {{20, 0}, {20, 10}}};
    // At (20,0) three parts meet: a junction; merging stops there.
    const auto merged = merge_lines(parts, 0.01);
    CHECK(merged.size() == 3);
    std::size_t longest = 0;
    for (const auto& m : merged) {
        longest = std::max(longest, m.size());
    }
    CHECK(longest == 3);  // (0,0)-(10,0)-(20,0)
    const auto chain = merge_lines({{{0, 0}, {1, 0}}, {{2, 0}, {1, 0}}, {{2, 0}, {3, 0}}}, 0.01);
    REQUIRE(chain.size() == 1);
    CHECK(chain.front().size() == 4);
}

TEST_CASE("render: text along a line is turned to read left to right", "[render][labels]") {
    const double deg = std::numbers::pi / 180;
    CHECK(upright(10 * deg) == Approx(10 * deg));
    CHECK(upright(170 * deg) == Approx(-10 * deg));
    CHECK(upright(-170 * deg) == Approx(10 * deg));
    CHECK(upright(90 * deg) == Approx(-90 * deg));   // straight down: read bottom to top
    CHECK(upright(-90 * deg) == Approx(-90 * deg));
    CHECK(upright(370 * deg) == Approx(10 * deg));
}

TEST_CASE("render: detail finer than the tolerance is dropped, corners are kept", "[render][geometry]") {
    const std::vector<Point> wobbly{{0, 0}, {10, 0.05}, {20, -0.05}, {30, 0}, {30, 10}, {30.05, 20}, {30, 30}};
    const auto out = simplify(wobbly, 0.15);
    REQUIRE(out.size() == 3);
    CHECK(out[1].x == 30);
    CHECK(out[1].y == 0);
    CHECK(simplify(wobbly, 0.01).size() == wobbly.size());
}

#include <catch2/catch.hpp>

#include <numbers>
#include <random>

#include "engine/render/label_placer.hpp"

using namespace buurt::render;

namespace {

bool inside(const Rect& outer, const Rect& r) { return r.x >= outer.x && r.y >= outer.y && r.right() <= outer.right() && r.bottom() <= outer.bottom(); }

} // namespace

TEST_CASE("render: turned label boxes overlap only when their shapes do", "[render][labels]") {
    const LabelBox a{{0, 0}, 10, 1, std::numbers::pi / 4};
    SECTION("boxes whose bounding boxes overlap but whose shapes do not") {
        // Two thin diagonal bars side by side: their axis-aligned boxes overlap almost entirely.
        const LabelBox b{{4, -4}, 10, 1, std::numbers::pi / 4};
        CHECK_FALSE(overlap(a, b));
        CHECK(a.bounds().x < b.bounds().right());
    }
    SECTION("crossing bars") {
        const LabelBox b{{0, 0}, 10, 1, -std::numbers::pi / 4};
        CHECK(overlap(a, b));
    }
    SECTION("touching edges are not an overlap") {
        const LabelBox left{{0, 0}, 5, 2, 0};
        const LabelBox right{{10, 0}, 5, 2, 0};
        CHECK_FALSE(overlap(left, right));
    }
}

TEST_CASE("render: the label placer never overlaps labels and drops those without room", "[render][labels]") {
    const Rect frame{0, 0, 400, 300};
    LabelPlacer placer(frame);
    std::mt19937 rng(42);
    std::uniform_real_distribution<double> x(0, 400), y(0, 300), angle(-std::numbers::pi / 2, std::numbers::pi / 2), len(10, 60);
    const int offered = 3000;  // far more than fit: the frame fills up
    for (int i = 0; i < offered; ++i) {
        const LabelBox box{{x(rng), y(rng)}, len(rng), 4, angle(rng)};
        const LabelBox shifted{{box.c.x, box.c.y + 9}, box.hw, box.hh, box.angle};
        placer.place_first({box, shifted});
    }
    CHECK(placer.overlaps() == 0);
    CHECK(placer.dropped() > 0);
    CHECK(placer.placed().size() + placer.dropped() == static_cast<std::size_t>(offered));
    CHECK(placer.placed().size() > 50);
    for (const auto& b : placer.placed()) {
        CHECK(inside(frame, b.bounds()));
    }
    // Brute force over every pair: the same answer as the placer's own sweep.
    std::size_t pairs = 0;
    const auto& p = placer.placed();
    for (std::size_t i = 0; i < p.size(); ++i) {
        for (std::size_t j = i + 1; j < p.size(); ++j) {
            pairs += overlap(p[i], p[j]) ? 1 : 0;
        }
    }
    CHECK(pairs == 0);
}

TEST_CASE("render: the label placer keeps clear of obstacles and reports overlaps it did not cause", "[render][labels]") {
    LabelPlacer placer({0, 0, 100, 100});
    placer.add_obstacle({{50, 50}, 20, 20, 0});
    CHECK_FALSE(placer.place({{50, 50}, 5, 2, 0}));
    CHECK(placer.dropped() == 1);
    placer.drop();  // a label with no candidate at all
    CHECK(placer.dropped() == 2);
    CHECK(placer.place({{10, 10}, 5, 2, 0}));
    CHECK(placer.overlaps() == 0);
    SECTION("outside the frame is no room") { CHECK_FALSE(placer.place({{98, 50}, 5, 2, 0})); }
    SECTION("the second candidate is taken when the first collides") {
        CHECK(placer.place_first({{{50, 50}, 5, 2, 0}, {{50, 85}, 5, 2, 0}}));
        CHECK(placer.placed().back().c.y == 85);
    }
    SECTION("an obstacle added over a placed label is found by the check") {
        placer.add_obstacle({{10, 10}, 3, 3, 0});
        CHECK(placer.overlaps() == 1);
    }
}

// Joiner: points, lines, polygons and multi-points to areas of every level, and to the nearest street.
// Every expected number is worked out by hand on the small world (support/small_world.hpp).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "engine/join/joiner.hpp"
#include "unit/support/small_world.hpp"

using namespace buurt;
using namespace buurt::test;

namespace {

// Shares are ratios of small whole numbers: exact to well below 1e-12.
Approx exactly(double v) { return Approx(v).epsilon(0).margin(1e-12); }

struct Expected {
    int level;
    int area;
    double share;
};

void check_shares(const std::vector<Share>& got, const std::vector<Expected>& want) {
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        INFO("share " << i);
        CHECK(got[i].level == want[i].level);
        CHECK(got[i].area == want[i].area);
        CHECK(got[i].share == exactly(want[i].share));
    }
}

double sum(const std::vector<Share>& shares) {
    double s = 0;
    for (const auto& x : shares) {
        s += x.share;
    }
    return s;
}

// Both point-in-polygon paths: the ring scan (small areas) and GEOS prepared (areas above the vertex limit).
JoinOptions options_for_path() {
    const std::size_t limit = GENERATE(std::size_t{256}, std::size_t{0});
    JoinOptions o;
    o.street_distance = 30.0;
    o.scan_max_vertices = limit;
    return o;
}

} // namespace

TEST_CASE("join: a point goes to the finest area that covers it", "[join]") {
    const Areas areas = small_world_areas();
    const JoinOptions opt = options_for_path();  // every section runs on both point-in-polygon paths
    Joiner joiner(areas, nullptr, opt);
    Joiner::Worker worker(joiner);
    JoinResult r;
    SECTION("a point inside a block gets the block, its buurt and its wijk") {
        worker.join(point_observation(15, 15), r);
        CHECK(r.finest == L_BLOCK);
        CHECK(r.area[L_BLOCK] == A1);
        CHECK(r.area[L_BUURT] == BUURT_A);
        CHECK(r.area[L_WIJK] == WIJK_W);
        CHECK(r.area[3] == -1);  // levels that are not present
        CHECK(r.area[4] == -1);
        CHECK_FALSE(r.tie_broken);
        CHECK(r.street == -1);  // no streets given
        CHECK(r.pieces.empty());
        CHECK(r.level_shares.empty());
    }
    SECTION("a point in the hole of a block belongs to the buurt only") {
        worker.join(point_observation(25, 25), r);  // centre of the hole x 20..30, y 20..30
        CHECK(r.finest == L_BUURT);
        CHECK(r.area[L_BLOCK] == -1);
        CHECK(r.area[L_BUURT] == BUURT_A);
        CHECK(r.area[L_WIJK] == WIJK_W);
        CHECK_FALSE(r.tie_broken);
    }
    SECTION("a point on the edge of a block or of its hole belongs to the block") {
        SECTION("outer edge x = 10") {
            worker.join(point_observation(10, 25), r);
        }
        SECTION("hole edge x = 20") {
            worker.join(point_observation(20, 25), r);
        }
        CHECK(r.finest == L_BLOCK);
        CHECK(r.area[L_BLOCK] == A1);
        CHECK(r.area[L_BUURT] == BUURT_A);
        CHECK_FALSE(r.tie_broken);  // only one block covers it
    }
    SECTION("a point on the shared edge of two buurten goes to the smallest code") {
        SECTION("on the edge x = 100") {
            worker.join(point_observation(100, 60), r);
        }
        SECTION("on the vertex (100 100) shared by A and B") {
            worker.join(point_observation(100, 100), r);
        }
        SECTION("on the vertex (100 0) shared by A and B") {
            worker.join(point_observation(100, 0), r);
        }
        // In no block; covered by A and B; "A" < "B" in byte order.
        CHECK(r.finest == L_BUURT);
        CHECK(r.area[L_BLOCK] == -1);
        CHECK(r.area[L_BUURT] == BUURT_A);
        CHECK(r.area[L_WIJK] == WIJK_W);
        CHECK(r.tie_broken);
    }
    SECTION("a point outside every area is kept with no area") {
        worker.join(point_observation(300, 300), r);
        CHECK(r.finest == -1);
        for (int l = 0; l < JoinResult::max_levels; ++l) {
            CHECK(r.area[l] == -1);
        }
        CHECK_FALSE(r.tie_broken);
    }
    SECTION("a point in the second part of a multipolygon block gets that block") {
        worker.join(point_observation(175, 25), r);  // part 2 of b1: x 160..190
        CHECK(r.finest == L_BLOCK);
        CHECK(r.area[L_BLOCK] == B1);
        CHECK(r.area[L_BUURT] == BUURT_B);
        CHECK(r.area[L_WIJK] == WIJK_W);
        // Between the two parts (x 140..160) is street space in B: no block.
        worker.join(point_observation(150, 25), r);
        CHECK(r.finest == L_BUURT);
        CHECK(r.area[L_BLOCK] == -1);
        CHECK(r.area[L_BUURT] == BUURT_B);
    }
    SECTION("the smallest-code rule is by code, not by the order of the areas") {
        // The same two buurten, with B listed first: the point on x = 100 still goes to A.
        Areas order;
        order.levels.push_back(make_level(Level::buurt, make_area("B", "POLYGON ((100 0, 200 0, 200 100, 100 100, 100 0))"),
                                                         make_area("A", "POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0))")));
        Joiner other(order, nullptr, opt);
        Joiner::Worker other_worker(other);
        other_worker.join(point_observation(100, 50), r);
        CHECK(r.area[0] == 1);  // index of "A"
        CHECK(r.tie_broken);
    }
}

TEST_CASE("join: lines and polygons are shared by length and area", "[join]") {
    const Areas areas = small_world_areas();
    const Streets streets = small_world_streets();
    Joiner joiner(areas, &streets, JoinOptions{});
    Joiner::Worker worker(joiner);
    JoinResult r;
    SECTION("a polygon over three blocks and the street between is shared by area") {
        // P = x 30..170, y 20..35: 140 x 15 = 2100 m².
        //   a1: x 30..40 (the hole x 20..30 only touches P along x = 30) -> 10 x 15 = 150
        //   a2: x 60..90 -> 30 x 15 = 450
        //   b1: x 110..140 and x 160..170 -> 450 + 150 = 600
        //   A: x 30..100 -> 70 x 15 = 1050; beyond its blocks: 1050 - 150 - 450 = 450
        //   B: x 100..170 -> 1050; beyond its block: 1050 - 600 = 450
        //   W: 2100; beyond its buurten: 2100 - 1050 - 1050 = 0 (no piece)
        // pieces / 2100: a1 1/14, a2 3/14, b1 4/14, A 3/14, B 3/14 -> 14/14.
        worker.join(shape_observation("POLYGON ((30 20, 170 20, 170 35, 30 35, 30 20))"), r);
        check_shares(r.pieces, {{L_BLOCK, A1, 1.0 / 14},
                                {L_BLOCK, A2, 3.0 / 14},
                                {L_BLOCK, B1, 4.0 / 14},
                                {L_BUURT, BUURT_A, 3.0 / 14},
                                {L_BUURT, BUURT_B, 3.0 / 14}});
        CHECK(sum(r.pieces) == exactly(1.0));
        check_shares(r.level_shares, {{L_BLOCK, A1, 150.0 / 2100},
                                      {L_BLOCK, A2, 450.0 / 2100},
                                      {L_BLOCK, B1, 600.0 / 2100},
                                      {L_BUURT, BUURT_A, 0.5},
                                      {L_BUURT, BUURT_B, 0.5},
                                      {L_WIJK, WIJK_W, 1.0}});
        CHECK(r.finest == L_BLOCK);
        CHECK(r.area[L_BLOCK] == B1);         // the largest block share (600)
        CHECK(r.area[L_BUURT] == BUURT_A);    // A and B tie at 1050: the lower index
        CHECK(r.area[L_WIJK] == WIJK_W);
        CHECK_FALSE(r.tie_broken);
        // P crosses Astraat (x = 50): distance 0; Bstraat (y = 50) is 50 - 35 = 15 away.
        CHECK(r.street == ASTRAAT);
        CHECK(r.piece == ASTRAAT);  // one piece per street in the small world
        CHECK(r.street_distance == 0.0);
    }
    SECTION("a line across two buurten is shared by length") {
        // (50 50)-(150 50): 100 m, x 50..100 in A (50), x 100..150 in B (50); no block at y = 50.
        worker.join(shape_observation("LINESTRING (50 50, 150 50)"), r);
        check_shares(r.pieces, {{L_BUURT, BUURT_A, 0.5}, {L_BUURT, BUURT_B, 0.5}});
        check_shares(r.level_shares, {{L_BUURT, BUURT_A, 0.5}, {L_BUURT, BUURT_B, 0.5}, {L_WIJK, WIJK_W, 1.0}});
        CHECK(r.finest == L_BUURT);
        CHECK(r.area[L_BLOCK] == -1);
        CHECK(r.area[L_BUURT] == BUURT_A);
    }
    SECTION("a line through blocks, a hole and streets") {
        // y = 25 from x 0 to 200: 200 m.
        //   a1: x 10..20 and 30..40 (the hole x 20..30 is not a1) -> 20; a2: x 60..90 -> 30;
        //   b1: x 110..140 and 160..190 -> 60.
        //   A: 100, beyond blocks 100 - 20 - 30 = 50; B: 100 - 60 = 40; W: 200 - 200 = 0.
        // pieces / 200: a1 0.1, a2 0.15, b1 0.3, A 0.25, B 0.2 -> 1.
        worker.join(shape_observation("LINESTRING (0 25, 200 25)"), r);
        check_shares(r.pieces, {{L_BLOCK, A1, 0.1}, {L_BLOCK, A2, 0.15}, {L_BLOCK, B1, 0.3}, {L_BUURT, BUURT_A, 0.25}, {L_BUURT, BUURT_B, 0.2}});
        CHECK(sum(r.pieces) == exactly(1.0));
        CHECK(r.area[L_BLOCK] == B1);
    }
    SECTION("the part of a line outside every area is a level -1 piece") {
        // (150 50)-(250 50): 100 m; x 150..200 in B and W (50), x 200..250 outside (50).
        worker.join(shape_observation("LINESTRING (150 50, 250 50)"), r);
        check_shares(r.pieces, {{L_BUURT, BUURT_B, 0.5}, {-1, -1, 0.5}});
        CHECK(sum(r.pieces) == exactly(1.0));
        check_shares(r.level_shares, {{L_BUURT, BUURT_B, 0.5}, {L_WIJK, WIJK_W, 0.5}});
        CHECK(r.finest == L_BUURT);
    }
    SECTION("a polygon wholly outside every area is one outside piece") {
        worker.join(shape_observation("POLYGON ((300 0, 310 0, 310 10, 300 10, 300 0))"), r);
        check_shares(r.pieces, {{-1, -1, 1.0}});
        CHECK(r.level_shares.empty());
        CHECK(r.finest == -1);
        CHECK(r.area[L_BUURT] == -1);
    }
    SECTION("a multi-point shares itself equally over its places") {
        // (25 15) in a1, (175 25) in b1, (300 300) outside: a third each.
        worker.join(shape_observation("MULTIPOINT ((25 15), (175 25), (300 300))"), r);
        check_shares(r.pieces, {{L_BLOCK, A1, 1.0 / 3}, {L_BLOCK, B1, 1.0 / 3}, {-1, -1, 1.0 / 3}});
        check_shares(r.level_shares, {{L_BLOCK, A1, 1.0 / 3},
                                      {L_BLOCK, B1, 1.0 / 3},
                                      {L_BUURT, BUURT_A, 1.0 / 3},
                                      {L_BUURT, BUURT_B, 1.0 / 3},
                                      {L_WIJK, WIJK_W, 2.0 / 3}});
        CHECK(r.finest == L_BLOCK);
        CHECK(r.area[L_BLOCK] == A1);  // a1 and b1 tie at 1/3: the first found
        CHECK(r.area[L_WIJK] == WIJK_W);
    }
}

TEST_CASE("join: a line along the shared edge of two buurten is counted once", "[join]") {
    // Both closed polygons cover a line on the boundary x = 100, so a naive join credits it twice.
    // DESIGN: "shares sum to 1 over the areas it touches"; the smallest-code rule (as for points)
    // gives the whole line to A.
    const Areas areas = small_world_areas();
    Joiner joiner(areas, nullptr, JoinOptions{});
    Joiner::Worker worker(joiner);
    JoinResult r;
    worker.join(shape_observation("LINESTRING (100 60, 100 90)"), r);
    CHECK(sum(r.pieces) == exactly(1.0));
    double buurt_shares = 0;
    for (const auto& s : r.level_shares) {
        buurt_shares += s.level == L_BUURT ? s.share : 0.0;
    }
    CHECK(buurt_shares == exactly(1.0));
    CHECK(r.area[L_BUURT] == BUURT_A);
}

TEST_CASE("join: the nearest named street within the distance", "[join]") {
    // Xstraat y = 0 and Ystraat y = 30, both x 0..100. Ystraat's segment is listed first, so a tie
    // that went to the first segment seen would pick Ystraat: the rule says the smaller index (Xstraat).
    Streets streets = make_streets({{"Xstraat", "LINESTRING (0 0, 100 0)"}, {"Ystraat", "LINESTRING (0 30, 100 30)"}});
    add_segments(streets, 1);
    add_segments(streets, 0);
    REQUIRE(streets.segments[0].street == 1);
    const Areas areas = small_world_areas();
    JoinOptions opt;
    opt.street_distance = 30.0;
    Joiner joiner(areas, &streets, opt);
    Joiner::Worker worker(joiner);
    JoinResult r;

    SECTION("10 m from X, 20 m from Y") {
        worker.join(point_observation(50, 10), r);
        CHECK(r.street == 0);
        CHECK(r.piece == 0);
        CHECK(r.street_distance == Approx(10.0));
    }
    SECTION("40 m from X, 70 m from Y: beyond 30 m, no street") {
        worker.join(point_observation(50, -40), r);
        CHECK(r.street == -1);
        CHECK(r.piece == -1);
        CHECK(r.street_distance == 0.0);
    }
    SECTION("exactly 30 m from Y (and 60 m from X) is within the distance") {
        worker.join(point_observation(50, 60), r);
        CHECK(r.street == 1);
        CHECK(r.street_distance == Approx(30.0));
    }
    SECTION("15 m from both: the smaller index") {
        worker.join(point_observation(50, 15), r);
        CHECK(r.street == 0);
        CHECK(r.street_distance == Approx(15.0));
    }
    SECTION("beyond the end of X: the distance to its end point") {
        // (120 0) to X's end (100 0): 20; to Y's end (100 30): sqrt(20² + 30²) = 36.06.
        worker.join(point_observation(120, 0), r);
        CHECK(r.street == 0);
        CHECK(r.street_distance == Approx(20.0));
    }
    SECTION("a line 15 m from both: the smaller index") {
        worker.join(shape_observation("LINESTRING (10 15, 90 15)"), r);
        CHECK(r.street == 0);
        CHECK(r.street_distance == Approx(15.0));
    }
    SECTION("a polygon 5 m from X and 18 m from Y") {
        worker.join(shape_observation("POLYGON ((40 5, 60 5, 60 12, 40 12, 40 5))"), r);
        CHECK(r.street == 0);
        CHECK(r.street_distance == Approx(5.0));
    }
}

TEST_CASE("join: the locality order runs through the areas' extent quadrant by quadrant", "[join]") {
    // The small world's areas span x 0..200, y 0..100: the Z-order runs through the square x, y 0..200.
    const Areas areas = small_world_areas();
    Joiner joiner(areas, nullptr, JoinOptions{});
    const auto key = [&](double x, double y) { return joiner.locality(point_observation(x, y)); };
    // Z order: lower left, lower right, upper left, upper right; the same within each quadrant
    CHECK(key(10, 10) < key(60, 10));
    CHECK(key(60, 10) < key(10, 60));
    CHECK(key(10, 60) < key(60, 60));
    CHECK(key(60, 60) < key(110, 10));
    CHECK(key(110, 10) < key(10, 110));
    CHECK(key(1, 1) < key(99, 99));
    CHECK(key(100, 50) == key(100, 50));
    // outside the extent: clamped to its edge, still ordered
    CHECK(key(-50, 0) == key(0, 0));
    CHECK(key(500, 500) == key(200, 200));
    // lines and polygons come after every point
    CHECK(joiner.locality(shape_observation("LINESTRING (0 0, 10 10)")) > key(200, 200));
}

// Aggregator: per-area and per-street tallies from join results, worked out by hand on the small world.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "engine/aggregate/tally.hpp"
#include "engine/join/joiner.hpp"
#include "unit/support/small_world.hpp"

using namespace buurt;
using namespace buurt::test;

namespace {

Approx exactly(double v) { return Approx(v).epsilon(0).margin(1e-12); }

Observation with(Observation o, const std::string& theme, int valence, const std::string& source) {
    o.theme = theme;
    o.valence = valence;
    o.source = source;
    return o;
}

// Default project themes: groen 0, spelen 1, overlast 2, veiligheid 3, vuil 4, verkeer 5, wonen 6,
// voorzieningen 7, ontmoeten 8, other 9.
const std::vector<std::string> themes{"groen", "spelen", "overlast", "veiligheid", "vuil", "verkeer", "wonen", "voorzieningen", "ontmoeten"};
constexpr int GROEN = 0, SPELEN = 1, VUIL = 4, VERKEER = 5, OTHER = 9;
constexpr int BEWONER = 0, PROFESSIONAL = 1, CIJFERS = 2, OTHER_SOURCE = 3;

} // namespace

TEST_CASE("aggregate: points count whole, shapes by share, streets once each", "[aggregate]") {
    const Areas areas = small_world_areas();
    const Streets streets = small_world_streets();
    Joiner joiner(areas, &streets, JoinOptions{});
    Joiner::Worker worker(joiner);
    Aggregator agg(areas, streets.streets.size(), streets.pieces.size(), themes);

    std::vector<Observation> obs;
    obs.push_back(with(point_observation(25, 15), "groen", 1, "bewoner"));        // o1: a1
    obs.push_back(with(point_observation(35, 35), "vuil", -1, "professional"));   // o2: a1
    obs.push_back(with(point_observation(25, 25), "fietsen", 0, "buurman"));      // o3: hole of a1 -> A
    obs.push_back(with(point_observation(100, 50), "spelen", 1, "cijfers"));      // o4: edge A|B -> A, tie
    obs.push_back(with(point_observation(300, 300), "groen", 1, "bewoner"));      // o5: outside
    obs.push_back(with(shape_observation("POLYGON ((30 20, 170 20, 170 35, 30 35, 30 20))"), "spelen", -1, "bewoner"));  // o6
    obs.push_back(with(shape_observation("LINESTRING (150 50, 250 50)"), "verkeer", 1, "bewoner"));                    // o7
    JoinResult r;
    for (const auto& o : obs) {
        worker.join(o, r);
        agg.add(o, r);
    }

    // Run counts. Finest level: o1, o2, o6 block; o3, o4, o7 buurt; o5 outside.
    CHECK(agg.outside() == 1);
    CHECK(agg.per_level(L_BLOCK) == 3);
    CHECK(agg.per_level(L_BUURT) == 3);
    CHECK(agg.per_level(L_WIJK) == 0);
    CHECK(agg.tie_broken() == 1);      // o4
    CHECK(agg.partly_outside() == 1);  // o7: half of it beyond x = 200

    // a1: points o1 (+1, groen, bewoner), o2 (-1, vuil, professional); o6 with share 150/2100 = 1/14.
    const Tally& a1 = agg.area(L_BLOCK, A1);
    CHECK(a1.n_points == 2);
    CHECK(a1.n_shapes == 1);
    CHECK(a1.w_shapes == exactly(1.0 / 14));
    CHECK(a1.total() == exactly(2.0 + 1.0 / 14));
    CHECK(a1.observations() == 3);
    CHECK(a1.strength == exactly(1.0));
    CHECK(a1.concern == exactly(1.0 + 1.0 / 14));
    CHECK(a1.neutral == exactly(0.0));
    CHECK(a1.themes[GROEN] == exactly(1.0));
    CHECK(a1.themes[VUIL] == exactly(1.0));
    CHECK(a1.themes[SPELEN] == exactly(1.0 / 14));
    CHECK(a1.sources[BEWONER] == exactly(1.0 + 1.0 / 14));
    CHECK(a1.sources[PROFESSIONAL] == exactly(1.0));
    CHECK(a1.sources_heard() == 2);
    // balance = (1 - 15/14) / (1 + 15/14) = (-1/14) / (29/14) = -1/29
    CHECK(a1.balance() == exactly(-1.0 / 29));

    // a2 and b1 only hold parts of o6: 450/2100 = 3/14 and 600/2100 = 4/14.
    CHECK(agg.area(L_BLOCK, A2).n_points == 0);
    CHECK(agg.area(L_BLOCK, A2).w_shapes == exactly(3.0 / 14));
    CHECK(agg.area(L_BLOCK, B1).w_shapes == exactly(4.0 / 14));
    CHECK(agg.area(L_BLOCK, B1).concern == exactly(4.0 / 14));

    // A: points o1, o2, o3, o4; o6 with share 1050/2100 = 0.5.
    const Tally& a = agg.area(L_BUURT, BUURT_A);
    CHECK(a.n_points == 4);
    CHECK(a.n_shapes == 1);
    CHECK(a.w_shapes == exactly(0.5));
    CHECK(a.strength == exactly(2.0));         // o1 + o4
    CHECK(a.concern == exactly(1.5));          // o2 + 0.5 of o6
    CHECK(a.neutral == exactly(1.0));          // o3
    CHECK(a.themes[SPELEN] == exactly(1.5));   // o4 + 0.5 of o6
    CHECK(a.themes[OTHER] == exactly(1.0));    // o3 "fietsen"
    CHECK(a.sources[BEWONER] == exactly(1.5));
    CHECK(a.sources[CIJFERS] == exactly(1.0));
    CHECK(a.sources[OTHER_SOURCE] == exactly(1.0));
    CHECK(a.sources_heard() == 3);
    CHECK(a.balance() == exactly((2.0 - 1.5) / (2.0 + 1.5)));  // 1/7

    // B: no points; o6 share 0.5 (-1, spelen) and o7 share 0.5 (+1, verkeer).
    const Tally& b = agg.area(L_BUURT, BUURT_B);
    CHECK(b.n_points == 0);
    CHECK(b.n_shapes == 2);
    CHECK(b.w_shapes == exactly(1.0));
    CHECK(b.strength == exactly(0.5));
    CHECK(b.concern == exactly(0.5));
    CHECK(b.balance() == exactly(0.0));
    CHECK(b.themes[VERKEER] == exactly(0.5));

    // W: points o1..o4; o6 whole (1.0), o7 half (0.5).
    const Tally& w = agg.area(L_WIJK, WIJK_W);
    CHECK(w.n_points == 4);
    CHECK(w.n_shapes == 2);
    CHECK(w.w_shapes == exactly(1.5));
    CHECK(w.total() == exactly(5.5));

    // Streets, each observation counted once (weight 1):
    //   o1 (25 15): Astraat 25 m, Bstraat 35 m -> Astraat.  o2 (35 35): 15 m from both -> Astraat (index 0).
    //   o3 (25 25): 25 m from both -> Astraat.  o4 (100 50): on Bstraat.  o5: none within 30 m.
    //   o6 crosses Astraat (0 m).  o7 runs along Bstraat from x 150 to 200 (0 m).
    CHECK(agg.with_street() == 6);
    const Tally& as = agg.street(ASTRAAT);
    CHECK(as.n_points == 3);
    CHECK(as.n_shapes == 1);
    CHECK(as.w_shapes == exactly(1.0));
    CHECK(as.strength == exactly(1.0));  // o1
    CHECK(as.concern == exactly(2.0));   // o2, o6
    CHECK(as.neutral == exactly(1.0));   // o3
    const Tally& bs = agg.street(BSTRAAT);
    CHECK(bs.n_points == 1);
    CHECK(bs.n_shapes == 1);
    CHECK(bs.strength == exactly(2.0));  // o4, o7
    // Each street is one piece here, so the piece tallies are the street tallies.
    CHECK(agg.piece(ASTRAAT).n_points == 3);
    CHECK(agg.piece(BSTRAAT).n_points == 1);
    CHECK(agg.piece(BSTRAAT).n_shapes == 1);
}

TEST_CASE("aggregate: with no piece tallies asked for, streets are still counted", "[aggregate]") {
    const Areas areas = small_world_areas();
    const Streets streets = small_world_streets();
    Joiner joiner(areas, &streets, JoinOptions{});
    Joiner::Worker worker(joiner);
    Aggregator agg(areas, streets.streets.size(), 0, themes);
    const Observation o = with(point_observation(25, 15), "groen", 1, "bewoner");  // Astraat, 25 m
    JoinResult r;
    worker.join(o, r);
    REQUIRE(r.piece == ASTRAAT);  // the join still names the piece; only its tally is not kept
    agg.add(o, r);
    CHECK(agg.with_street() == 1);
    CHECK(agg.street(ASTRAAT).n_points == 1);
    CHECK(agg.street(ASTRAAT).strength == exactly(1.0));
}

TEST_CASE("aggregate: balance, and theme and source indices", "[aggregate]") {
    SECTION("an area nobody spoke about has no balance, not a neutral one") {
        Tally t;
        CHECK(std::isnan(t.balance()));
        CHECK(t.sources_heard() == 0);
        t.strength = 3;
        CHECK(t.balance() == exactly(1.0));
        t.concern = 1;
        CHECK(t.balance() == exactly(0.5));  // (3 - 1) / (3 + 1)
    }
    SECTION("theme and source indices") {
        const Areas areas = small_world_areas();
        Aggregator agg(areas, 0, 0, themes);
        CHECK(agg.theme_index("groen") == 0);
        CHECK(agg.theme_index("ontmoeten") == 8);
        CHECK(agg.theme_index("fietsen") == 9);  // other
        CHECK(Aggregator::source_index("bewoner") == 0);
        CHECK(Aggregator::source_index("cijfers") == 2);
        CHECK(Aggregator::source_index("Bewoner") == 3);  // already normalised by the reader: exact match only
    }
}


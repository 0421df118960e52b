// Rounds: the exact test of two counts and the change classes, against values computed independently.
#include <catch2/catch.hpp>

#include "engine/knowledge/rounds.hpp"

using namespace buurt;
using knowledge::Change;

// Reference p-values from Python's exact integers, not from this code:
//   from math import comb
//   p = lambda k1, k2: min(1, 2 * sum(comb(k1 + k2, j) for j in range(min(k1, k2) + 1)) / 2 ** (k1 + k2))
TEST_CASE("change_p_value is the two-sided exact binomial test of k1 given k1 + k2", "[knowledge][rounds]") {
    CHECK(knowledge::change_p_value(0, 0) == Approx(1.0));
    CHECK(knowledge::change_p_value(3, 3) == Approx(1.0));  // 2 * 42/64 > 1: capped
    CHECK(knowledge::change_p_value(0, 5) == Approx(0.0625));
    CHECK(knowledge::change_p_value(0, 6) == Approx(0.03125));
    CHECK(knowledge::change_p_value(2, 10) == Approx(0.03857421875));
    CHECK(knowledge::change_p_value(10, 2) == Approx(0.03857421875));
    CHECK(knowledge::change_p_value(5, 12) == Approx(0.143463134765625));
    CHECK(knowledge::change_p_value(7, 1) == Approx(0.0703125));
    CHECK(knowledge::change_p_value(20, 40) == Approx(0.01348929373119186));
    CHECK(knowledge::change_p_value(100, 130) == Approx(0.055613577781392386));
    CHECK(knowledge::change_p_value(1000, 1100) == Approx(0.030720707864242296));
}

TEST_CASE("change classes: nothing said unless the counts can carry it", "[knowledge][rounds]") {
    const int min_total = 5;
    CHECK(knowledge::classify_change(0, 0, min_total) == Change::too_few);
    CHECK(knowledge::classify_change(1, 3, min_total) == Change::too_few);  // 4 < 5
    CHECK(knowledge::classify_change(0, 5, min_total) == Change::appeared);
    CHECK(knowledge::classify_change(6, 0, min_total) == Change::gone);
    CHECK(knowledge::classify_change(7, 1, min_total) == Change::persistent);    // p = 0.070
    CHECK(knowledge::classify_change(2, 10, min_total) == Change::increased);    // p = 0.039
    CHECK(knowledge::classify_change(10, 2, min_total) == Change::decreased);
    CHECK(knowledge::classify_change(100, 130, min_total) == Change::persistent);  // p = 0.056
    CHECK(knowledge::classify_change(1000, 1100, min_total) == Change::increased);  // p = 0.031
    CHECK(knowledge::classify_change(2, 10, 20) == Change::too_few);
    CHECK(knowledge::change_name(Change::too_few) == "te weinig om iets te zeggen");
    CHECK(knowledge::change_name(Change::decreased) == "afgenomen");
}

TEST_CASE("change_p_value stays finite and right for a city's counts", "[knowledge][rounds]") {
    // Equal counts: p = 1; a 1 % rise on a million is far beyond chance (normal approximation z = 7.1).
    CHECK(knowledge::change_p_value(1000000, 1000000) == Approx(1.0));
    CHECK(knowledge::change_p_value(1000000, 1010000) < 1e-10);
}

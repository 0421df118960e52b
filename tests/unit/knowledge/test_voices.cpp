// Who spoke where: agreement per theme, blind spots and problem flags on tallies made by hand.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "engine/core/error.hpp"
#include "engine/knowledge/voices.hpp"

using namespace buurt;

namespace {

const std::vector<std::string> themes{"groen", "overlast", "vuil"};

Tally empty_tally() {
    Tally t;
    t.themes.assign(themes.size() + 1, 0.0);
    t.voices.assign(themes.size() + 1, {});
    return t;
}

// One observation of `source` (0 bewoner, 1 professional, 2 cijfers) about theme k, weight w.
void say(Tally& t, int source, std::size_t k, int valence, double w = 1.0) {
    ++t.n_points;
    t.sources[source] += w;
    (valence > 0 ? t.strength : valence < 0 ? t.concern : t.neutral) += w;
    if (source < 2 && valence != 0) {
        (valence > 0 ? t.voices[k][source].strength : t.voices[k][source].concern) += w;
    }
}

constexpr double unknown_population = std::numeric_limits<double>::quiet_NaN();

} // namespace

TEST_CASE("residents and professionals agree or differ per theme by the sign of strengths - concerns", "[knowledge][voices]") {
    Tally t = empty_tally();
    say(t, 0, 0, +1);  // groen: residents +1 ...
    say(t, 1, 0, +1);  // ... professionals +1: agree
    say(t, 0, 1, -1);  // overlast: residents -2 + 1 = -1 ...
    say(t, 0, 1, -1);
    say(t, 0, 1, +1);
    say(t, 1, 1, +1);  // ... professionals +1: differ
    say(t, 0, 2, -1);  // vuil: residents only, not compared
    const knowledge::Views v = knowledge::compare_views(t, themes, 0.0);
    CHECK(v.sources_spoke == "bewoner+professional");
    CHECK(v.agree_themes == 1);
    CHECK(v.differ_themes == 1);
    CHECK(v.differ_list == "overlast");
    CHECK(v.views == "verschil");

    // Published with threshold 3: groen rests on 1 + 1 and is not compared; overlast's professionals have 1.
    const knowledge::Views published = knowledge::compare_views(t, themes, 3.0);
    CHECK(published.agree_themes == 0);
    CHECK(published.differ_themes == 0);
    CHECK(published.views == "onbekend");
}

TEST_CASE("views when only one side spoke, or nobody", "[knowledge][voices]") {
    Tally residents = empty_tally();
    say(residents, 0, 0, -1);
    CHECK(knowledge::compare_views(residents, themes, 0.0).views == "alleen bewoners");
    Tally professionals = empty_tally();
    say(professionals, 1, 2, 0);
    say(professionals, 2, 2, -1);
    CHECK(knowledge::compare_views(professionals, themes, 0.0).views == "alleen professionals");
    CHECK(knowledge::compare_views(professionals, themes, 0.0).sources_spoke == "professional+cijfers");
    CHECK(knowledge::compare_views(empty_tally(), themes, 0.0).views == "onbekend");
    CHECK(knowledge::compare_views(empty_tally(), themes, 0.0).sources_spoke.empty());
    // A balanced theme (+1 -1) on both sides is agreement: neither leans either way.
    Tally balanced = empty_tally();
    for (int s : {0, 1}) {
        say(balanced, s, 1, +1, 0.5);
        say(balanced, s, 1, -1, 0.5);
    }
    CHECK(knowledge::compare_views(balanced, themes, 0.0).views == "eens");
}

TEST_CASE("blind spots: nobody, figures without a signal, one source", "[knowledge][voices]") {
    CHECK(knowledge::blind_spot(empty_tally(), 120.0, false) == "niemand");
    CHECK(knowledge::blind_spot(empty_tally(), unknown_population, true) == "niemand");
    CHECK(knowledge::blind_spot(empty_tally(), 0.0, false) == "onbewoond");
    Tally praise = empty_tally();
    say(praise, 0, 0, +1);
    say(praise, 1, 0, +1);
    CHECK(knowledge::blind_spot(praise, 120.0, true) == "cijfers zonder signaal");
    CHECK(knowledge::blind_spot(praise, 120.0, false) == "meer bronnen");
    Tally one = empty_tally();
    say(one, 0, 1, -1);
    CHECK(knowledge::blind_spot(one, 120.0, true) == "één bron");  // a concern was heard: not silent
}

TEST_CASE("problem flags: beyond a threshold, or in the worst fifth of the level", "[knowledge][voices]") {
    AreaLevel level;
    IndicatorTable table;
    table.fields = {"inkomen", "overlast_meldingen"};
    // Ten areas; A9 has no figures.
    for (int a = 0; a < 10; ++a) {
        Area area;
        area.code = "A" + std::to_string(a);
        level.areas.push_back(std::move(area));
        if (a < 9) {
            table.by_code["A" + std::to_string(a)] = {100.0 + a, 10.0 * a};
        }
    }
    // inkomen, low is worse, 9 values: A0 (100) and A1 (101) have 0 and 1 worse; 1 * 5 < 9 but 2 * 5 > 9.
    // overlast_meldingen above 65: A7 (70) and A8 (80).
    std::vector<ProblemIndicator> rules{{"inkomen", false, std::nullopt}, {"overlast_meldingen", true, 65.0}, {"elders", true, std::nullopt}};
    const auto flags = knowledge::problem_flags(rules, table, level);
    CHECK(flags[0] == "inkomen");
    CHECK(flags[1] == "inkomen");
    CHECK(flags[2].empty());
    CHECK(flags[7] == "overlast_meldingen");
    CHECK(flags[8] == "overlast_meldingen");
    CHECK(flags[9].empty());

    Project p;
    p.origin = "test.toml";
    p.knowledge.problem_indicators = {{"elders", true, std::nullopt}};
    CHECK_THROWS_WITH(knowledge::check_problem_indicators(p, {table}), Catch::Contains("test.toml") && Catch::Contains("'elders'") &&
                                                                            Catch::Contains("inkomen"));
    p.knowledge.problem_indicators = {{"inkomen", false, std::nullopt}};
    CHECK_NOTHROW(knowledge::check_problem_indicators(p, {table}));
}

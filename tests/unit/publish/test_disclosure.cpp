// Disclosure control: the counts a published output may show, worked out by hand.
#include <catch2/catch.hpp>

#include <cmath>

#include "engine/core/error.hpp"
#include "engine/project/project.hpp"
#include "engine/publish/disclosure.hpp"

using namespace buurt;

namespace {

publish::Control control(DisclosureMethod method, int threshold = 5) {
    PublishSpec s;
    s.enabled = true;
    s.threshold = threshold;
    s.method = method;
    return publish::Control(s);
}

Tally tally(long long points, double strength, double concern, double neutral) {
    Tally t;
    t.n_points = points;
    t.strength = strength;
    t.concern = concern;
    t.neutral = neutral;
    t.themes = {strength + concern + neutral, 0.0};  // every observation under the first theme
    t.sources = {static_cast<double>(points), 0, 0, 0};
    return t;
}

} // namespace

TEST_CASE("publish: one count is hidden below the threshold, zero stays, rounding to multiples", "[publish]") {
    const auto suppress = control(DisclosureMethod::suppress);
    CHECK(suppress.count(0) == 0);
    CHECK(std::isnan(suppress.count(1)));
    CHECK(std::isnan(suppress.count(4.99)));
    CHECK(suppress.count(5) == 5);
    CHECK(suppress.count(7.25) == 7.25);

    const auto round = control(DisclosureMethod::round);
    CHECK(std::isnan(round.count(3)));
    CHECK(round.count(7) == 5);
    CHECK(round.count(7.5) == 10);  // half away from zero
    CHECK(round.count(12) == 10);
    CHECK(round.count(0) == 0);

    const publish::Control off(PublishSpec{});
    CHECK_FALSE(off.active());
    CHECK(off.count(1) == 1);
}

TEST_CASE("publish: a lone hidden cell takes the smallest other one with it", "[publish]") {
    const auto c = control(DisclosureMethod::suppress);
    // 12 points: 2 strengths (hidden), 6 concerns, 4 neutral (hidden): two hidden, nothing more to do.
    {
        const publish::CountRow r = c.row(tally(12, 2, 6, 4));
        CHECK(std::isnan(r.strength));
        CHECK(r.concern == 6);
        CHECK(std::isnan(r.neutral));
        CHECK(r.w_total == 12);
        CHECK(std::isnan(r.balance()));  // from a hidden strength count
    }
    // 15 points: 3 strengths (hidden), 5 concerns, 7 neutral: 15 - 5 - 7 would give 3 back, so the
    // smallest other non-zero cell (5 concerns) is hidden too.
    {
        const publish::CountRow r = c.row(tally(15, 3, 5, 7));
        CHECK(std::isnan(r.strength));
        CHECK(std::isnan(r.concern));
        CHECK(r.neutral == 7);
    }
    // 9 points, all concerns: nothing is hidden, the balance is -1.
    {
        const publish::CountRow r = c.row(tally(9, 0, 9, 0));
        CHECK(r.strength == 0);
        CHECK(r.concern == 9);
        CHECK(r.balance() == -1);
    }
    // 3 points: everything below the threshold is hidden; zeros stay zeros.
    {
        const publish::CountRow r = c.row(tally(3, 1, 2, 0));
        CHECK(std::isnan(r.n_obs));
        CHECK(std::isnan(r.w_total));
        CHECK(std::isnan(r.strength));
        CHECK(r.neutral == 0);
        CHECK(r.themes[1] == 0);
    }
}

TEST_CASE("publish: a hexagon's unpublished neutral points count as the second hidden cell", "[publish]") {
    const auto c = control(DisclosureMethod::suppress);
    double concern = 2, strength = 6, neutral = 3;  // of 11
    c.group(11, {&concern, &strength, &neutral});
    CHECK(std::isnan(concern));
    CHECK(strength == 6);  // 11 - 6 = 5 is concern + neutral together: neither alone
    CHECK(std::isnan(neutral));

    double concern2 = 2, strength2 = 9, neutral2 = 0;  // of 11: 11 - 9 - 0 gives the 2 back
    c.group(11, {&concern2, &strength2, &neutral2});
    CHECK(std::isnan(concern2));
    CHECK(std::isnan(strength2));
}

TEST_CASE("publish: project settings and flags are checked", "[publish][project]") {
    const std::string areas = "[areas.buurt]\nsource = \"a\"\ncode = \"c\"\n";
    const Project p = parse_project(areas + "[publish]\nenabled = true\nthreshold = 10\nmethod = \"round\"\n", "p.toml", "/");
    CHECK(p.publish.enabled);
    CHECK(p.publish.threshold == 10);
    CHECK(p.publish.method == DisclosureMethod::round);
    CHECK_FALSE(parse_project(areas, "p.toml", "/").publish.enabled);
    CHECK(parse_project(areas, "p.toml", "/").publish.threshold == 5);

    CHECK_THROWS_WITH(parse_project(areas + "[publish]\nthreshold = 0\n", "p.toml", "/"),
                      Catch::Contains("p.toml") && Catch::Contains("threshold") && Catch::Contains("from 2"));
    CHECK_THROWS_WITH(parse_project(areas + "[publish]\nmethod = \"blur\"\n", "p.toml", "/"), Catch::Contains("'blur'") && Catch::Contains("line 5"));
    CHECK_THROWS_WITH(parse_project(areas + "[publish]\nthreshhold = 3\n", "p.toml", "/"), Catch::Contains("threshhold"));

    FlagSettings s;
    s.areas = {"buurt=a.gpkg,code=c"};
    s.publish = true;
    s.publish_threshold = "3";
    const Project f = project_from_settings(s);
    CHECK(f.publish.enabled);
    CHECK(f.publish.threshold == 3);
    CHECK(f.publish.method == DisclosureMethod::suppress);
    s.publish_threshold = "1";
    CHECK_THROWS_AS(project_from_settings(s), config_error);
}

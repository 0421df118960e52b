// The crosswalk on squares whose overlaps are known by hand: halves and quarters of 2 x 2 squares.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "engine/core/error.hpp"
#include "engine/crosswalk/crosswalk.hpp"
#include "engine/io/read_indicators.hpp"
#include "engine/project/project.hpp"
#include "engine/report/report.hpp"
#include "unit/support/unit_support.hpp"

using namespace buurt;
using Catch::Matchers::Contains;

namespace {

// Sources S1 = [0,2]x[0,2], S2 = [2,4]x[0,2] (4 m2 each). Targets: T1 the left half of S1, T2 the right
// half of S1 with the left half of S2, T3 the lower right quarter of S2, T4 beside S2 (touching only).
std::vector<Area> sources() {
    std::vector<Area> v;
    v.push_back(test::make_area("S1", "POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0))"));
    v.push_back(test::make_area("S2", "POLYGON ((2 0, 4 0, 4 2, 2 2, 2 0))"));
    return v;
}

std::vector<Area> targets() {
    std::vector<Area> v;
    v.push_back(test::make_area("T1", "POLYGON ((0 0, 1 0, 1 2, 0 2, 0 0))"));
    v.push_back(test::make_area("T2", "POLYGON ((1 0, 3 0, 3 2, 1 2, 1 0))"));
    v.push_back(test::make_area("T3", "POLYGON ((3 0, 4 0, 4 1, 3 1, 3 0))"));
    v.push_back(test::make_area("T4", "POLYGON ((4 0, 5 0, 5 2, 4 2, 4 0))"));
    return v;
}

using V = crosswalk::Values;

} // namespace

TEST_CASE("crosswalk: overlaps of halves and quarters", "[crosswalk]") {
    const auto s = sources();
    const auto t = targets();
    const auto links = crosswalk::overlaps(s, t);
    // T4 only touches S2 along x = 4: a shared edge is no overlap.
    REQUIRE(links.size() == 4);
    CHECK((links[0].source == 0 && links[0].target == 0));
    CHECK(links[0].overlap_m2 == Approx(2.0));
    CHECK((links[1].source == 0 && links[1].target == 1));
    CHECK(links[1].overlap_m2 == Approx(2.0));
    CHECK((links[2].source == 1 && links[2].target == 1));
    CHECK(links[2].overlap_m2 == Approx(2.0));
    CHECK((links[3].source == 1 && links[3].target == 2));
    CHECK(links[3].overlap_m2 == Approx(1.0));
}

TEST_CASE("crosswalk: counts apportioned by share of the source, means weighted", "[crosswalk]") {
    const auto s = sources();
    const auto t = targets();
    const auto links = crosswalk::overlaps(s, t);
    const V s1{100.0, 10.0};  // inhabitants, percentage
    const V s2{300.0, 30.0};

    SECTION("means weighted by the apportioned inhabitants") {
        const auto c = crosswalk::carry_over(links, s, {&s1, &s2}, t, {{true, false}, 0});
        REQUIRE(c.by_code.size() == 3);
        CHECK(*c.by_code.at("T1")[0] == Approx(50.0));   // half of S1
        CHECK(*c.by_code.at("T1")[1] == Approx(10.0));
        CHECK(*c.by_code.at("T2")[0] == Approx(200.0));  // half of S1 + half of S2
        CHECK(*c.by_code.at("T2")[1] == Approx(25.0));   // (50 x 10 + 150 x 30) / 200
        CHECK(*c.by_code.at("T3")[0] == Approx(75.0));   // a quarter of S2
        CHECK(*c.by_code.at("T3")[1] == Approx(30.0));
        CHECK(c.by_code.count("T4") == 0);
        CHECK(c.covered_m2 == std::vector<double>{2.0, 4.0, 1.0, 0.0});
    }
    SECTION("without a population field the means are weighted by overlap area") {
        const auto c = crosswalk::carry_over(links, s, {&s1, &s2}, t, {{true, false}, -1});
        CHECK(*c.by_code.at("T2")[1] == Approx(20.0));  // (2 x 10 + 2 x 30) / 4
        CHECK(*c.by_code.at("T2")[0] == Approx(200.0));
    }
    SECTION("a source without figures leaves its part uncovered and out of the values") {
        const auto c = crosswalk::carry_over(links, s, {&s1, nullptr}, t, {{true, false}, 0});
        CHECK(c.covered_m2 == std::vector<double>{2.0, 2.0, 0.0, 0.0});
        CHECK(*c.by_code.at("T2")[0] == Approx(50.0));
        CHECK(*c.by_code.at("T2")[1] == Approx(10.0));
        CHECK(c.by_code.count("T3") == 0);
    }
    SECTION("a missing value is left out, and a mean over nobody is no value") {
        const V s1_no_rate{100.0, std::nullopt};
        const V s2_empty{0.0, 30.0};
        const auto c = crosswalk::carry_over(links, s, {&s1_no_rate, &s2_empty}, t, {{true, false}, 0});
        CHECK(*c.by_code.at("T2")[0] == Approx(50.0));
        CHECK_FALSE(c.by_code.at("T1")[1].has_value());  // S1 has no rate
        CHECK_FALSE(c.by_code.at("T3")[1].has_value());  // S2 has a rate but nobody lives there
        CHECK(*c.by_code.at("T3")[0] == Approx(0.0));
    }
}

TEST_CASE("indicators from another scheme: read, carried over, reported", "[crosswalk][io][indicators]") {
    const auto dir = test::scratch_dir("crosswalk-read");
    test::write_text(dir / "cijfers.csv", "code,inwoners,pct\nS1,100,10\nS2,300,30\n");
    const std::string squares = "code,wkt\nS1,\"POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0))\"\nS2,\"POLYGON ((2 0, 4 0, 4 2, 2 2, 2 0))\"\n";
    test::write_text(dir / "oud.csv", squares);
    Areas areas;
    areas.levels.push_back(test::make_level(Level::buurt, test::make_area("T1", "POLYGON ((0 0, 1 0, 1 2, 0 2, 0 0))"),
                                            test::make_area("T2", "POLYGON ((1 0, 3 0, 3 2, 1 2, 1 0))"),
                                            test::make_area("T3", "POLYGON ((3 0, 4 0, 4 1, 3 1, 3 0))")));
    const std::string project = R"([[indicators]]
source = "cijfers.csv"
code = "code"
population = "inwoners"
[indicators.areas]
source = "oud.csv"
wkt = "wkt"
crs = "EPSG:28992"
code = "code"
)";

    SECTION("figures keyed by the scheme's codes arrive on the run's areas, with the crosswalk in the report") {
        const Project p = parse_project(project, "t.toml", dir.string());
        Report report;
        const IndicatorTable t = io::read_indicators(p.indicators[0], areas, "EPSG:28992", report);
        CHECK(t.fields == std::vector<std::string>{"inwoners", "pct"});
        CHECK(*t.by_code.at("T2")[0] == Approx(200.0));
        CHECK(*t.by_code.at("T2")[1] == Approx(25.0));
        CHECK(t.by_code.count("S1") == 0);
        REQUIRE(report.crosswalks.size() == 1);
        const CrosswalkReport& c = report.crosswalks[0];
        CHECK(c.input == "cijfers.csv");
        CHECK(c.level == "buurt");
        REQUIRE(c.links.size() == 4);
        CHECK(c.links[1].source_code == "S1");
        CHECK(c.links[1].target_code == "T2");
        CHECK(c.links[1].share_of_source == Approx(0.5));
        CHECK(c.links[1].share_of_target == Approx(0.5));
        CHECK(c.links[3].share_of_source == Approx(0.25));
        CHECK(c.links[3].share_of_target == Approx(1.0));
        REQUIRE(c.coverage.size() == 3);
        CHECK(c.coverage[1].coverage == Approx(1.0));
        CHECK_FALSE(c.coverage[1].low);
    }
    SECTION("a scheme area without figures is reported and its targets flagged below min_coverage") {
        test::write_text(dir / "cijfers.csv", "code,inwoners,pct\nS1,100,10\n");
        const Project p = parse_project(project + "min_coverage = 0.6\n", "t.toml", dir.string());
        Report report;
        io::read_indicators(p.indicators[0], areas, "EPSG:28992", report);
        const InputReport& scheme = report.inputs[1];
        REQUIRE(scheme.skipped.size() == 1);
        CHECK(scheme.skipped[0].id == "S2");
        CHECK_THAT(scheme.skipped[0].detail, Contains("field 'code'") && Contains("cijfers.csv") && Contains("not covered"));
        const auto& cov = report.crosswalks[0].coverage;
        CHECK(cov[0].coverage == Approx(1.0));
        CHECK(cov[1].coverage == Approx(0.5));
        CHECK(cov[1].low);
        CHECK(cov[2].coverage == Approx(0.0));
        CHECK(cov[2].low);
        CHECK_FALSE(cov[0].low);
    }
    SECTION("a scheme code that appears twice is an input error naming file, feature and field") {
        test::write_text(dir / "oud.csv", squares + "S1,\"POLYGON ((5 5, 6 5, 6 6, 5 6, 5 5))\"\n");
        const Project p = parse_project(project, "t.toml", dir.string());
        Report report;
        CHECK_THROWS_AS(io::read_indicators(p.indicators[0], areas, "EPSG:28992", report), input_error);
        CHECK_THROWS_WITH(io::read_indicators(p.indicators[0], areas, "EPSG:28992", report),
                          Contains("oud.csv") && Contains("S1") && Contains("code") && Contains("twice"));
    }
    SECTION("a scheme source without the code field is an input error naming the field") {
        std::string wrong = project;
        wrong.replace(wrong.rfind("code = \"code\""), 13, "code = \"buurtcode\"");
        const Project p = parse_project(wrong, "t.toml", dir.string());
        Report report;
        CHECK_THROWS_AS(io::read_indicators(p.indicators[0], areas, "EPSG:28992", report), input_error);
        CHECK_THROWS_WITH(io::read_indicators(p.indicators[0], areas, "EPSG:28992", report), Contains("oud.csv") && Contains("buurtcode"));
    }
    SECTION("a count that is not a column of the table is an input error") {
        std::string with_counts = project;
        with_counts.replace(with_counts.find("[indicators.areas]"), 0, "counts = [\"woningen\"]\n");
        const Project p = parse_project(with_counts, "t.toml", dir.string());
        Report report;
        CHECK_THROWS_WITH(io::read_indicators(p.indicators[0], areas, "EPSG:28992", report), Contains("woningen") && Contains("counts"));
    }
}

// link_hierarchy: parents from code fields or largest overlap, and the problems it reports.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "engine/hierarchy/hierarchy.hpp"
#include "engine/project/project.hpp"
#include "engine/report/report.hpp"
#include "unit/support/unit_support.hpp"

using namespace buurt;
using test::make_area;
using test::make_level;

namespace {

// Buurt A = x 0..100, buurt B = x 100..200, both y 0..100; they share the edge x = 100.
const char* wkt_a = "POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0))";
const char* wkt_b = "POLYGON ((100 0, 200 0, 200 100, 100 100, 100 0))";

Project project(bool block_parent_field) {
    std::string toml = "[areas.block]\nsource = \"blocks.gpkg\"\ncode = \"code\"\n";
    if (block_parent_field) {
        toml += "parent = \"buurt_code\"\n";
    }
    toml += "[areas.buurt]\nsource = \"buurten.gpkg\"\ncode = \"code\"\n";
    return parse_project(toml, "test.toml", "/data");
}

template <typename... Blocks>
Areas blocks_in_buurten(Blocks&&... blocks) {
    Areas areas;
    areas.levels.push_back(make_level(Level::block, std::forward<Blocks>(blocks)...));
    areas.levels.push_back(make_level(Level::buurt, make_area("A", wkt_a), make_area("B", wkt_b)));
    return areas;
}

std::vector<HierarchyProblem> problems(const Report& r, const std::string& kind) {
    std::vector<HierarchyProblem> out;
    for (const auto& p : r.hierarchy) {
        if (p.kind == kind) {
            out.push_back(p);
        }
    }
    return out;
}

} // namespace

TEST_CASE("hierarchy: parents from the code field", "[hierarchy]") {
    SECTION("parents come from the code field") {
        Areas areas = blocks_in_buurten(make_area("a1", "POLYGON ((10 10, 40 10, 40 40, 10 40, 10 10))", "A"),
                                         make_area("b1", "POLYGON ((110 10, 140 10, 140 40, 110 40, 110 10))", "B"));
        Report report;
        link_hierarchy(areas, project(true), report).finish(report);
        CHECK(areas.levels[0].areas[0].parent == 0);
        CHECK(areas.levels[0].areas[1].parent == 1);
        CHECK(areas.levels[1].areas[0].parent == -1);  // the coarsest level has no parents
        CHECK(report.hierarchy.empty());
        REQUIRE(report.levels.size() == 2);
        CHECK(report.levels[0].level == "block");
        CHECK(report.levels[0].areas == 2);
        CHECK(report.levels[0].parent_link == "code field 'buurt_code'");
        CHECK(report.levels[1].level == "buurt");
        CHECK(report.levels[1].parent_link.empty());
    }
    SECTION("the code field wins over geography, and the mismatch is reported") {
        // x1 lies wholly in A (x 10..40) but its code field says B: parent B, 100 % outside it.
        Areas areas = blocks_in_buurten(make_area("x1", "POLYGON ((10 10, 40 10, 40 40, 10 40, 10 10))", "B"));
        Report report;
        link_hierarchy(areas, project(true), report).finish(report);
        CHECK(areas.levels[0].areas[0].parent == 1);
        const auto out = problems(report, "outside_parent");
        REQUIRE(out.size() == 1);
        CHECK(out[0].code == "x1");
        CHECK(out[0].detail == "100.0 % of its area lies outside its parent B");
    }
    SECTION("an unknown or empty parent code is reported and the overlap decides") {
        Areas areas = blocks_in_buurten(make_area("g1", "POLYGON ((110 10, 140 10, 140 40, 110 40, 110 10))", "Q"),
                                         make_area("g2", "POLYGON ((10 10, 40 10, 40 40, 10 40, 10 10))", ""));
        Report report;
        link_hierarchy(areas, project(true), report).finish(report);
        CHECK(areas.levels[0].areas[0].parent == 1);  // g1 lies in B
        CHECK(areas.levels[0].areas[1].parent == 0);  // g2 lies in A
        const auto unknown = problems(report, "unknown_parent_code");
        REQUIRE(unknown.size() == 1);
        CHECK(unknown[0].code == "g1");
        CHECK(unknown[0].detail == "parent code 'Q' is not a buurt; using the largest overlap instead");
        const auto empty = problems(report, "no_parent_code");
        REQUIRE(empty.size() == 1);
        CHECK(empty[0].code == "g2");
        CHECK(report.hierarchy.size() == 2);
    }
    SECTION("three levels are linked step by step") {
        Areas areas;
        areas.levels.push_back(make_level(Level::block, make_area("a1", "POLYGON ((10 10, 40 10, 40 40, 10 40, 10 10))"),
                                                         make_area("b1", "POLYGON ((110 10, 140 10, 140 40, 110 40, 110 10))")));
        areas.levels.push_back(make_level(Level::buurt, make_area("A", wkt_a, "W"), make_area("B", wkt_b, "W")));
        areas.levels.push_back(make_level(Level::wijk, make_area("V", "POLYGON ((0 200, 200 200, 200 300, 0 300, 0 200))"),
                                                        make_area("W", "POLYGON ((0 0, 200 0, 200 100, 0 100, 0 0))")));
        const Project p = parse_project(R"(
[areas.block]
source = "x.gpkg"
code = "code"
[areas.buurt]
source = "x.gpkg"
code = "code"
parent = "wijk"
[areas.wijk]
source = "x.gpkg"
code = "code"
)",
                                        "t.toml", "/data");
        Report report;
        link_hierarchy(areas, p, report).finish(report);
        CHECK(report.hierarchy.empty());
        CHECK(areas.levels[0].areas[0].parent == 0);
        CHECK(areas.levels[0].areas[1].parent == 1);
        CHECK(areas.levels[1].areas[0].parent == 1);  // W is index 1 in the wijk level
        CHECK(areas.levels[1].areas[1].parent == 1);
        REQUIRE(report.levels.size() == 3);
        CHECK(report.levels[0].parent_link == "largest overlap");
        CHECK(report.levels[1].parent_link == "code field 'wijk'");
        CHECK(report.levels[2].parent_link.empty());
    }
}

TEST_CASE("hierarchy: parents by largest overlap, and blocks sticking out", "[hierarchy]") {
    SECTION("without a code field the parent is the largest overlap") {
        // c1 = x 10..40 lies in A. c2 = x 90..130, y 10..40: 10 x 30 = 300 in A, 30 x 30 = 900 in B,
        // so B is the parent (900 / 1200 = 75 %), A holds 300 / 1200 = 25 %: more than 1 %, ambiguous,
        // and 25 % outside its parent.
        Areas areas = blocks_in_buurten(make_area("c1", "POLYGON ((10 10, 40 10, 40 40, 10 40, 10 10))"),
                                         make_area("c2", "POLYGON ((90 10, 130 10, 130 40, 90 40, 90 10))"));
        Report report;
        link_hierarchy(areas, project(false), report).finish(report);
        CHECK(areas.levels[0].areas[0].parent == 0);
        CHECK(areas.levels[0].areas[1].parent == 1);
        CHECK(report.levels[0].parent_link == "largest overlap");
        const auto amb = problems(report, "ambiguous_parent");
        REQUIRE(amb.size() == 1);
        CHECK(amb[0].code == "c2");
        CHECK(amb[0].level == "block");
        CHECK(amb[0].detail == "lies in several buurten; B holds 75.0 %, another 25.0 %");
        const auto out = problems(report, "outside_parent");
        REQUIRE(out.size() == 1);
        CHECK(out[0].code == "c2");
        CHECK(out[0].detail == "25.0 % of its area lies outside its parent B");
        CHECK(report.hierarchy.size() == 2);
    }
    SECTION("a block half in two parents is ambiguous and goes to the first") {
        // e1 = x 90..110, y 10..40: 300 m² in A, 300 m² in B. The first strictly larger overlap wins,
        // so with a tie A (index 0) is the parent; 50 % lies outside it.
        Areas areas = blocks_in_buurten(make_area("e1", "POLYGON ((90 10, 110 10, 110 40, 90 40, 90 10))"));
        Report report;
        link_hierarchy(areas, project(false), report).finish(report);
        CHECK(areas.levels[0].areas[0].parent == 0);
        const auto amb = problems(report, "ambiguous_parent");
        REQUIRE(amb.size() == 1);
        CHECK(amb[0].detail == "lies in several buurten; A holds 50.0 %, another 50.0 %");
        const auto out = problems(report, "outside_parent");
        REQUIRE(out.size() == 1);
        CHECK(out[0].detail == "50.0 % of its area lies outside its parent A");
    }
    SECTION("a block outside every parent has none") {
        // f1 = x 300..310: no overlap with A or B. f2 touches B only along x = 200: overlap 0, no parent either.
        Areas areas = blocks_in_buurten(make_area("f1", "POLYGON ((300 300, 310 300, 310 310, 300 310, 300 300))"),
                                         make_area("f2", "POLYGON ((200 10, 210 10, 210 20, 200 20, 200 10))"));
        Report report;
        link_hierarchy(areas, project(false), report).finish(report);
        CHECK(areas.levels[0].areas[0].parent == -1);
        CHECK(areas.levels[0].areas[1].parent == -1);
        const auto none = problems(report, "no_parent");
        REQUIRE(none.size() == 2);
        CHECK(none[0].code == "f1");
        CHECK(none[0].detail == "lies in no buurt");
        CHECK(none[1].code == "f2");
        CHECK(report.hierarchy.size() == 2);
    }
    SECTION("a block 5 % outside its parent is reported, 0.5 % is tolerated") {
        // d1 = x 81..101, y 10..60: 20 x 50 = 1000 m², of which x 100..101: 1 x 50 = 50 m² = 5 % outside A.
        // d2 = x 10..60, y 80..100.1: 50 x 20.1 = 1005 m², of which 50 x 0.1 = 5 m² = 0.4975 % lies above
        // A (in no buurt at all): under the 1 % tolerance. (d1 and d2 do not overlap each other.)
        Areas areas = blocks_in_buurten(make_area("d1", "POLYGON ((81 10, 101 10, 101 60, 81 60, 81 10))", "A"),
                                         make_area("d2", "POLYGON ((10 80, 60 80, 60 100.1, 10 100.1, 10 80))", "A"));
        Report report;
        link_hierarchy(areas, project(true), report).finish(report);
        CHECK(areas.levels[0].areas[0].parent == 0);
        CHECK(areas.levels[0].areas[1].parent == 0);
        REQUIRE(report.hierarchy.size() == 1);
        CHECK(report.hierarchy[0].kind == "outside_parent");
        CHECK(report.hierarchy[0].code == "d1");
        CHECK(report.hierarchy[0].detail == "5.0 % of its area lies outside its parent A");
    }
}

TEST_CASE("hierarchy: problems within one level", "[hierarchy]") {
    SECTION("duplicate codes in a level are reported") {
        Areas areas;
        areas.levels.push_back(make_level(Level::buurt, make_area("A", wkt_a, "", 1), make_area("A", wkt_b, "", 2)));
        const Project p = parse_project("[areas.buurt]\nsource = \"b.gpkg\"\ncode = \"code\"\n", "t.toml", "/data");
        Report report;
        link_hierarchy(areas, p, report).finish(report);
        REQUIRE(report.hierarchy.size() == 1);
        CHECK(report.hierarchy[0].kind == "duplicate_code");
        CHECK(report.hierarchy[0].level == "buurt");
        CHECK(report.hierarchy[0].code == "A");
        CHECK(report.hierarchy[0].detail == "code also used by FID 1; lookups by code use the first");
    }
    SECTION("overlapping areas in one level are reported, touching ones are not") {
        // What link_hierarchy says about two buurten (and nothing else) in one level.
        auto problems_of = [](const char* code_1, const char* wkt_1, const char* code_2, const char* wkt_2) {
            const Project p = parse_project("[areas.buurt]\nsource = \"b.gpkg\"\ncode = \"code\"\n", "t.toml", "/data");
            Areas areas;
            areas.levels.push_back(make_level(Level::buurt, make_area(code_1, wkt_1), make_area(code_2, wkt_2)));
            Report report;
            link_hierarchy(areas, p, report).finish(report);
            return report.hierarchy;
        };
        SECTION("overlap of 10 x 100 = 1000 m²") {
            const auto found = problems_of("A", wkt_a, "C", "POLYGON ((90 0, 190 0, 190 100, 90 100, 90 0))");
            REQUIRE(found.size() == 1);
            CHECK(found[0].kind == "overlap");
            CHECK(found[0].code == "A");
            CHECK(found[0].detail == "overlaps C by 1000 m²");
        }
        SECTION("touching along x = 100: no overlap") {
            CHECK(problems_of("A", wkt_a, "B", wkt_b).empty());
        }
        SECTION("a hole is not an overlap") {
            // A with hole x 40..60, y 40..60; D = x 50..150, y 50..150: 50 x 50 minus the hole's 10 x 10
            const auto found = problems_of("A", "POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0), (40 40, 60 40, 60 60, 40 60, 40 40))", "D",
                                           "POLYGON ((50 50, 150 50, 150 150, 50 150, 50 50))");
            REQUIRE(found.size() == 1);
            CHECK(found[0].detail == "overlaps D by 2400 m²");
        }
        SECTION("an overlap of 0.005 x 100 = 0.5 m² is digitising noise (under 1 m²)") {
            CHECK(problems_of("A", wkt_a, "B", "POLYGON ((99.995 0, 200 0, 200 100, 99.995 100, 99.995 0))").empty());
        }
    }
}


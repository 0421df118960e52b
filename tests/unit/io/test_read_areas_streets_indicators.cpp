// read_areas, read_streets and read_indicators on small files written by the test.
#include <catch2/catch.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <optional>
#include <string>
#include <vector>

#include "engine/core/error.hpp"
#include "engine/gdal/gdal.hpp"
#include "engine/geos/geos.hpp"
#include "engine/io/read_areas.hpp"
#include "engine/io/read_indicators.hpp"
#include "engine/io/read_streets.hpp"
#include "engine/project/project.hpp"
#include "engine/report/report.hpp"
#include "unit/support/gdal_layer.hpp"
#include "unit/support/unit_support.hpp"

using namespace buurt;
using Catch::Matchers::Contains;

namespace {

// A GeoPackage with one layer of blocks, made with the GDAL C++ API, in RD New.
void write_blocks_gpkg(const std::string& path) {
    test::write_layer("GPKG", path, "bouwblokken", 28992, wkbMultiPolygon, {"code", "buurt_code"},
                      {{"a1", "A", "MULTIPOLYGON (((10 10, 40 10, 40 40, 10 40, 10 10), (20 20, 30 20, 30 30, 20 30, 20 20)))"},
                       {"b1", "B", "MULTIPOLYGON (((110 10, 140 10, 140 40, 110 40, 110 10)), ((160 10, 190 10, 190 40, 160 40, 160 10)))"}});
}

Areas two_buurten() {
    Areas areas;
    areas.levels.push_back(test::make_level(Level::buurt, test::make_area("A", "POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0))"),
                                                           test::make_area("B", "POLYGON ((100 0, 200 0, 200 100, 100 100, 100 0))")));
    return areas;
}

} // namespace

TEST_CASE("reading areas: codes, names, parents and sizes, bad rows skipped or repaired", "[io][areas]") {
    SECTION("areas of two levels are read with codes, names, parents and sizes") {
        const auto dir = test::scratch_dir("areas-read");
        write_blocks_gpkg((dir / "blokken.gpkg").string());
        test::write_text(dir / "buurten.csv",
                         "code,naam,wkt\n"
                         "A,Noord,\"POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0))\"\n"
                         "B,Zuid,\"POLYGON ((100 0, 200 0, 200 100, 100 100, 100 0))\"\n");
        const Project p = parse_project(R"(
[areas.buurt]
source = "buurten.csv"
wkt = "wkt"
crs = "EPSG:28992"
code = "code"
name = "naam"
[areas.bouwblok]
source = "blokken.gpkg"
code = "code"
parent = "buurt_code"
)",
                                        "t.toml", dir.string());
        Report report;
        const Areas areas = io::read_areas(p, report);
        REQUIRE(areas.levels.size() == 2);
        CHECK(areas.index_of(Level::block) == 0);
        CHECK(areas.index_of(Level::buurt) == 1);
        CHECK(areas.index_of(Level::wijk) == -1);

        const AreaLevel& blocks = areas.levels[0];
        REQUIRE(blocks.areas.size() == 2);
        CHECK(blocks.areas[0].code == "a1");
        CHECK(blocks.areas[0].parent_code == "A");
        // a1: 30 x 30 = 900 minus the 10 x 10 hole = 800; 5 + 5 ring coordinates.
        CHECK(blocks.areas[0].area_m2 == Approx(800.0));
        CHECK(blocks.areas[0].vertices == 10);
        // b1: two parts of 30 x 30: 1800; envelope x 110..190, y 10..40.
        CHECK(blocks.areas[1].area_m2 == Approx(1800.0));
        CHECK(blocks.areas[1].envelope.min_x == 110.0);
        CHECK(blocks.areas[1].envelope.max_x == 190.0);
        CHECK(blocks.areas[1].envelope.max_y == 40.0);
        CHECK(blocks.find("b1") == 1);
        CHECK(blocks.find("zz") == -1);

        const AreaLevel& buurten = areas.levels[1];
        REQUIRE(buurten.areas.size() == 2);
        CHECK(buurten.areas[1].code == "B");
        CHECK(buurten.areas[1].name == "Zuid");
        CHECK(buurten.areas[1].area_m2 == Approx(10000.0));  // 100 x 100
        CHECK(buurten.areas[0].parent == -1);                // links are made by link_hierarchy, not here

        REQUIRE(report.inputs.size() == 2);
        CHECK(report.inputs[0].role == "areas.block");
        CHECK(report.inputs[0].source.driver == "GPKG");
        CHECK(report.inputs[0].source.layer == "bouwblokken");
        CHECK(report.inputs[0].mapping.at("parent") == "buurt_code");
        CHECK(report.inputs[0].geometry_types.at("Multi Polygon") == 2);
        CHECK(report.inputs[1].role == "areas.buurt");
        CHECK(report.inputs[1].source.driver == "CSV");
        CHECK(report.inputs[1].mapping.at("name") == "naam");
    }
    SECTION("areas without a code or a polygon are skipped, invalid ones repaired") {
        const auto dir = test::scratch_dir("areas-bad");
        test::write_text(dir / "buurten.csv",
                         "code,wkt\n"
                         "A,\"POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0))\"\n"
                         ",\"POLYGON ((200 0, 300 0, 300 100, 200 100, 200 0))\"\n"
                         "L,\"LINESTRING (0 0, 10 10)\"\n"
                         "X,\"POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))\"\n"
                         "A,\"POLYGON ((500 0, 510 0, 510 10, 500 10, 500 0))\"\n");
        const Project p = parse_project("[areas.buurt]\nsource = \"buurten.csv\"\nwkt = \"wkt\"\ncrs = \"EPSG:28992\"\ncode = \"code\"\n", "t.toml",
                                        dir.string());
        Report report;
        const Areas areas = io::read_areas(p, report);
        const AreaLevel& level = areas.levels[0];
        // A, X (repaired) and the second A are kept; the code-less row and the line are skipped.
        REQUIRE(level.areas.size() == 3);
        CHECK(level.areas[1].code == "X");
        CHECK(level.areas[1].area_m2 == Approx(50.0));  // bow-tie -> two triangles of 25
        CHECK(level.find("A") == 0);                    // the first of a duplicate code
        const InputReport& r = report.inputs[0];
        CHECK(r.read == 5);
        CHECK(r.used == 3);
        CHECK(r.skipped_count == 2);
        REQUIRE(r.skipped.size() == 2);
        CHECK(r.skipped[0].id == "FID 2");  // CSV feature ids count from 1: the second data row
        CHECK_THAT(r.skipped[0].detail, Contains("'code' is empty"));
        CHECK(r.skipped[1].id == "L");
        CHECK(r.skipped[1].detail == "is a line, expected a polygon");
        REQUIRE(r.repaired.size() == 1);
        CHECK(r.repaired[0].id == "X");
    }
    SECTION("an area code field that does not exist is an input error") {
        const auto dir = test::scratch_dir("areas-nocode");
        test::write_text(dir / "buurten.csv", "naam,wkt\nNoord,\"POLYGON ((0 0, 1 0, 1 1, 0 0))\"\n");
        const Project p = parse_project("[areas.buurt]\nsource = \"buurten.csv\"\nwkt = \"wkt\"\ncrs = \"EPSG:28992\"\ncode = \"code\"\n", "t.toml",
                                        dir.string());
        Report report;
        CHECK_THROWS_WITH(io::read_areas(p, report), Contains("'code'") && Contains("the fields are: naam, wkt"));
    }
}

TEST_CASE("reading streets: named centre lines or surfaces, cut into pieces", "[io][streets]") {
    const auto dir = test::scratch_dir("streets-read");
    const std::string table = "[streets]\nsource = \"straten.csv\"\nwkt = \"wkt\"\ncrs = \"EPSG:28992\"\nname = \"naam\"\n";

    SECTION("centre lines: one street per name, sorted by name, cut into pieces of about 50 m") {
        test::write_text(dir / "straten.csv",
                         "naam,wkt\n"
                         "Bstraat,\"LINESTRING (0 0, 10 0)\"\n"
                         "Astraat,\"LINESTRING (0 10, 0 20)\"\n"
                         "Bstraat,\"LINESTRING (10 0, 20 0)\"\n"
                         ",\"LINESTRING (50 50, 60 60)\"\n"
                         "Cweg,\"LINESTRING (0 100, 120 100)\"\n"
                         "Dpunt,\"POINT (5 5)\"\n");
        const Project p = parse_project(table + "max_distance = 25\n", "t.toml", dir.string());
        REQUIRE(p.streets);
        CHECK(p.streets->max_distance == 25.0);
        CHECK(p.streets->segment_length == 50.0);
        Report report;
        const Streets s = io::read_streets(*p.streets, p.crs, report);
        CHECK_FALSE(s.surfaces);
        REQUIRE(s.streets.size() == 3);
        CHECK(s.streets[0].name == "Astraat");
        CHECK(s.streets[0].length_m == Approx(10.0));         // (0 10)-(0 20)
        CHECK(s.streets[1].name == "Bstraat");
        CHECK(s.streets[1].length_m == Approx(10.0 + 10.0));  // two lines of 10
        CHECK(s.streets[2].name == "Cweg");
        CHECK(s.streets[2].length_m == Approx(120.0));

        // Pieces: a 10 m line is round(10 / 50) = 0 -> at least 1 piece; Cweg's 120 m is
        // round(120 / 50) = round(2.4) = 2 pieces of 60 m. So Astraat 1, Bstraat 1 + 1, Cweg 2.
        REQUIRE(s.pieces.size() == 5);
        CHECK(s.pieces[0].street == 0);
        CHECK(s.pieces[0].number == 1);
        CHECK(s.pieces[0].mid_x == Approx(0.0));
        CHECK(s.pieces[0].mid_y == Approx(15.0));  // halfway (0 10)-(0 20)
        CHECK(s.pieces[1].street == 1);
        CHECK(s.pieces[2].street == 1);
        CHECK(s.pieces[2].number == 2);
        CHECK(s.pieces[3].street == 2);
        CHECK(s.pieces[3].length_m == Approx(60.0));
        CHECK(s.pieces[3].x0 == Approx(0.0));
        CHECK(s.pieces[3].x1 == Approx(60.0));
        CHECK(s.pieces[3].mid_x == Approx(30.0));
        CHECK(s.pieces[4].x0 == Approx(60.0));
        CHECK(s.pieces[4].x1 == Approx(120.0));
        CHECK(s.pieces[4].mid_x == Approx(90.0));
        CHECK(s.pieces[4].mid_y == Approx(100.0));

        // Every piece here is straight: one segment each, pointing back to its street and piece.
        REQUIRE(s.segments.size() == 5);
        for (const auto& seg : s.segments) {
            REQUIRE(seg.piece >= 0);
            REQUIRE(seg.piece < 5);
            CHECK(seg.street == s.pieces[seg.piece].street);
        }

        const InputReport& r = report.inputs[0];
        CHECK(r.role == "streets");
        CHECK(r.read == 6);
        CHECK(r.used == 4);
        REQUIRE(r.skipped.size() == 2);
        CHECK(r.skipped[0].id == "FID 4");  // CSV rows count from 1
        CHECK_THAT(r.skipped[0].detail, Contains("no street name"));
        CHECK(r.skipped[1].id == "FID 6");
        CHECK_THAT(r.skipped[1].detail, Contains("is a point"));
    }

    SECTION("street surfaces: each polygon is a piece, half its perimeter its length") {
        test::write_text(dir / "straten.csv",
                         "naam,wkt\n"
                         "Cplein,\"POLYGON ((0 0, 20 0, 20 10, 0 10, 0 0))\"\n"
                         "Aplein,\"MULTIPOLYGON (((100 0, 110 0, 110 10, 100 10, 100 0)), ((200 0, 210 0, 210 10, 200 10, 200 0)))\"\n");
        const Project p = parse_project(table, "t.toml", dir.string());
        Report report;
        const Streets s = io::read_streets(*p.streets, p.crs, report);
        CHECK(s.surfaces);
        CHECK(s.segments.empty());
        REQUIRE(s.streets.size() == 2);
        CHECK(s.streets[0].name == "Aplein");
        CHECK(s.streets[1].name == "Cplein");
        REQUIRE(s.pieces.size() == 3);
        // Aplein: two 10 x 10 squares, perimeter 40 each -> 20 each, 40 for the street.
        CHECK(s.pieces[0].street == 0);
        CHECK(s.pieces[1].street == 0);
        CHECK(s.pieces[1].number == 2);
        CHECK(s.pieces[0].length_m == Approx(20.0));
        CHECK(s.streets[0].length_m == Approx(40.0));
        // Cplein: 20 x 10, perimeter 60 -> 30; centroid (10 5).
        CHECK(s.pieces[2].street == 1);
        CHECK(s.pieces[2].length_m == Approx(30.0));
        CHECK(s.pieces[2].mid_x == Approx(10.0));
        CHECK(s.pieces[2].mid_y == Approx(5.0));
    }

    SECTION("a layer mixing centre lines and surfaces is an input error") {
        const std::string path = test::write_text(dir / "straten.csv",
                                                  "naam,wkt\n"
                                                  "Astraat,\"LINESTRING (0 0, 10 0)\"\n"
                                                  "Bplein,\"POLYGON ((0 0, 1 0, 1 1, 0 0))\"\n");
        const Project p = parse_project(table, "t.toml", dir.string());
        Report report;
        CHECK_THROWS_WITH(io::read_streets(*p.streets, p.crs, report), Contains(path) && Contains("FID 2") && Contains("mixes centre lines and street surfaces"));
    }

    SECTION("cut_line cuts a polyline into round(length / target) equal pieces") {
        // (0 0)-(100 0)-(100 20): 120 m; round(120 / 50) = 2 pieces of 60 m, the cut at (60 0).
        const auto two = io::cut_line({{0, 0}, {100, 0}, {100, 20}}, 50.0);
        REQUIRE(two.size() == 2);
        CHECK(two[0] == geos::Ring{{0, 0}, {60, 0}});
        CHECK(two[1] == geos::Ring{{60, 0}, {100, 0}, {100, 20}});
        // 10 m: round(0.2) = 0, but never fewer than one piece: the line itself.
        const auto one = io::cut_line({{0, 0}, {10, 0}}, 50.0);
        REQUIRE(one.size() == 1);
        CHECK(one[0] == geos::Ring{{0, 0}, {10, 0}});
        // 125 m: round(2.5) = 3 (half away from zero) pieces of 125 / 3 = 41.67 m.
        const auto three = io::cut_line({{0, 0}, {125, 0}}, 50.0);
        REQUIRE(three.size() == 3);
        CHECK(three[0].back().first == Approx(125.0 / 3));
        CHECK(three[1].back().first == Approx(250.0 / 3));
        CHECK(three[2].back().first == 125.0);
    }
}

TEST_CASE("reading indicators: numbers, unknown codes, text columns and population", "[io][indicators]") {
    SECTION("indicators: numbers with decimal commas, unknown codes and text columns") {
        const auto dir = test::scratch_dir("indicators-read");
        test::write_text(dir / "cbs.csv",
                         "code;inwoners;naam;pct\n"
                         "A;1200;Noord;12,5\n"
                         "B;800;Zuid;onbekend\n"
                         "X;5;Elders;1\n");
        const Project p = parse_project("[[indicators]]\nsource = \"cbs.csv\"\ncode = \"code\"\npopulation = \"inwoners\"\n", "t.toml", dir.string());
        REQUIRE(p.indicators.size() == 1);
        const Areas areas = two_buurten();
        Report report;
        const IndicatorTable t = io::read_indicators(p.indicators[0], areas, "EPSG:28992", report);
        CHECK(t.level == Level::buurt);
        // naam is text in every used row (2 of 2), so it is not an indicator; pct has one number.
        CHECK(t.fields == std::vector<std::string>{"inwoners", "pct"});
        CHECK(t.population == 0);
        REQUIRE(t.by_code.size() == 2);
        const auto& a = t.by_code.at("A");
        REQUIRE(a.size() == 2);
        CHECK(a[0] == std::optional<double>(1200.0));
        CHECK(a[1] == std::optional<double>(12.5));  // "12,5"
        const auto& b = t.by_code.at("B");
        CHECK(b[0] == std::optional<double>(800.0));
        CHECK_FALSE(b[1].has_value());  // "onbekend"
        CHECK(t.by_code.count("X") == 0);

        const InputReport& r = report.inputs[0];
        CHECK(r.role == "indicators (buurt)");
        CHECK(r.read == 3);
        CHECK(r.used == 2);
        CHECK(r.unknown_values.at("code").at("X") == 1);
        CHECK(r.unknown_values.at("pct").at("onbekend") == 1);
        CHECK(r.unknown_values.count("naam") == 0);
        CHECK(r.mapping.at("population") == "inwoners");
    }
    SECTION("indicators: named fields, population appended, duplicate codes skipped") {
        const auto dir = test::scratch_dir("indicators-fields");
        test::write_text(dir / "cbs.csv",
                         "code,inwoners,pct\n"
                         "A,1200,3.5\n"
                         "A,999,4.5\n"
                         "B,800,7\n");
        const Project p = parse_project("[[indicators]]\nsource = \"cbs.csv\"\ncode = \"code\"\nfields = [\"pct\"]\npopulation = \"inwoners\"\n", "t.toml",
                                        dir.string());
        const Areas areas = two_buurten();
        Report report;
        const IndicatorTable t = io::read_indicators(p.indicators[0], areas, "EPSG:28992", report);
        CHECK(t.fields == std::vector<std::string>{"pct", "inwoners"});
        CHECK(t.population == 1);
        CHECK(t.by_code.at("A")[0] == std::optional<double>(3.5));     // the first row of A
        CHECK(t.by_code.at("A")[1] == std::optional<double>(1200.0));
        CHECK(t.by_code.at("B")[0] == std::optional<double>(7.0));
        const InputReport& r = report.inputs[0];
        CHECK(r.used == 2);
        REQUIRE(r.skipped.size() == 1);
        CHECK(r.skipped[0].id == "A");
        CHECK_THAT(r.skipped[0].detail, Contains("twice"));
    }
    SECTION("indicators for a level the project does not have are an input error") {
        const auto dir = test::scratch_dir("indicators-level");
        test::write_text(dir / "cbs.csv", "code,inwoners\nW,10\n");
        const Project p = parse_project("[[indicators]]\nsource = \"cbs.csv\"\nlevel = \"wijk\"\ncode = \"code\"\n", "t.toml", dir.string());
        const Areas areas = two_buurten();
        Report report;
        CHECK_THROWS_WITH(io::read_indicators(p.indicators[0], areas, "EPSG:28992", report), Contains("wijk") && Contains("no such level"));
    }
}

TEST_CASE("indicators: a text value in a skipped duplicate row does not drop a numeric column", "[io][indicators]") {
    // Bug: read_indicators counts non-numeric values (all_text) and unknown values before it finds
    // out that the row's code is a duplicate and skips it. Here pct has the number 12.5 for A, text
    // for B, and text in the skipped duplicate A row: all_text[pct] = 2 == used = 2, so pct is
    // dropped as a "text only" column although A has a number.
    const auto dir = test::scratch_dir("indicators-dup-text");
    test::write_text(dir / "cbs.csv",
                     "code;pct\n"
                     "A;12,5\n"
                     "B;onbekend\n"
                     "A;n.v.t.\n");
    const Project p = parse_project("[[indicators]]\nsource = \"cbs.csv\"\ncode = \"code\"\n", "t.toml", dir.string());
    const Areas areas = two_buurten();
    Report report;
    const IndicatorTable t = io::read_indicators(p.indicators[0], areas, "EPSG:28992", report);
    REQUIRE(t.fields == std::vector<std::string>{"pct"});
    CHECK(t.by_code.at("A")[0] == std::optional<double>(12.5));
    // The skipped row's value should not be reported as an unknown value of the table either.
    CHECK(report.inputs[0].unknown_values.at("pct").count("n.v.t.") == 0);
}

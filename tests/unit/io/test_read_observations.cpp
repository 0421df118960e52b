// ObservationReader: normalised themes, valences and sources, defaults, geometry checks, multi-points.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "engine/core/error.hpp"
#include "engine/geos/geos.hpp"
#include "engine/io/read_observations.hpp"
#include "engine/project/project.hpp"
#include "engine/report/report.hpp"
#include "unit/support/unit_support.hpp"

using namespace buurt;
using Catch::Matchers::Contains;

namespace {

std::vector<Observation> read_all(const Project& p, Report& report, int input = 0) {
    io::ObservationReader reader(p, input, report);
    std::vector<Observation> out;
    Observation o;
    while (reader.next(o)) {
        out.push_back(std::move(o));
    }
    return out;
}

} // namespace

TEST_CASE("observations are normalised through the project map, then the built-in words", "[io]") {
    const auto dir = test::scratch_dir("obs-values");
    test::write_text(dir / "obs.csv",
                     "id,thema,soort,wie,wkt\n"
                     "1,Groen ,Heel goed,Bewoners,POINT (1 1)\n"    // map exact; theme trimmed + lower case
                     "2,speeltuin,  SLECHT ,prof,POINT (2 2)\n"     // map after canonical(); theme mapped
                     "3,vuil,Kans,resident,POINT (3 3)\n"           // built-in kans -> +1
                     "4,vuil,zorg,cijfers,POINT (4 4)\n"            // built-in zorg -> -1
                     "5,vuil,neutraal,professional,POINT (5 5)\n"   // built-in neutraal -> 0
                     "6,fietsen,misschien,buurman,POINT (6 6)\n"    // unknown everywhere
                     "7,fietsen,,,POINT (7 7)\n");                 // empty: the defaults
    const Project p = parse_project(std::string(test::rd_csv_observations) + R"(
[observations.fields]
theme = "thema"
valence = "soort"
source = "wie"
[observations.values.valence]
"Heel goed" = 1
slecht = "-1"
[observations.values.theme]
speeltuin = "spelen"
[observations.defaults]
valence = "neutraal"
source = "bewoner"
)",
                                    "test.toml", dir.string());
    Report report;
    const auto obs = read_all(p, report);
    REQUIRE(obs.size() == 7);

    CHECK(obs[0].theme == "groen");
    CHECK(obs[0].valence == 1);
    CHECK(obs[0].source == "bewoner");

    CHECK(obs[1].theme == "spelen");
    CHECK(obs[1].valence == -1);
    CHECK(obs[1].source == "professional");

    CHECK(obs[2].valence == 1);
    CHECK(obs[2].source == "bewoner");
    CHECK(obs[3].valence == -1);
    CHECK(obs[3].source == "cijfers");
    CHECK(obs[4].valence == 0);
    CHECK(obs[4].source == "professional");

    // Unknown values are kept (canonical) and counted, never dropped.
    CHECK(obs[5].theme == "fietsen");
    CHECK(obs[5].valence == 0);
    CHECK(obs[5].source == "buurman");

    // Empty (null) values fall back to the defaults: neutraal -> 0, bewoner.
    CHECK(obs[6].valence == 0);
    CHECK(obs[6].source == "bewoner");

    REQUIRE(report.inputs.size() == 1);
    const InputReport& r = report.inputs[0];
    CHECK(r.role == "observations: obs");
    CHECK(r.read == 7);
    CHECK(r.used == 7);
    CHECK(r.geometry_types.at("Point") == 7);
    // fietsen twice (rows 6 and 7); misschien and buurman once each; nothing else unknown.
    CHECK(r.unknown_values.at("theme").at("fietsen") == 2);
    CHECK(r.unknown_values.at("theme").size() == 1);
    CHECK(r.unknown_values.at("valence").at("misschien") == 1);
    CHECK(r.unknown_values.at("valence").size() == 1);
    CHECK(r.unknown_values.at("source").at("buurman") == 1);
    CHECK(r.unknown_values.at("source").size() == 1);
    CHECK(r.mapping.at("theme") == "thema");
    CHECK(r.mapping.at("id") == "id");
}

TEST_CASE("observations keep their id, place, attributes and kind", "[io]") {
    SECTION("an observation keeps its id, place, attributes and free fields") {
        const auto dir = test::scratch_dir("obs-fields");
        test::write_text(dir / "obs.csv",
                         "id,thema,ronde,datum,tekst,wkt\n"
                         "w17,spelen,2024-09,2024-09-12,Te weinig bankjes,POINT (120000.5 487000.25)\n");
        const Project p = parse_project(std::string(test::rd_csv_observations) + R"(
[observations.fields]
theme = "thema"
round = "ronde"
date = "datum"
text = "tekst"
[observations.defaults]
session = "sessie 1"
)",
                                        "test.toml", dir.string());
        Report report;
        const auto obs = read_all(p, report);
        REQUIRE(obs.size() == 1);
        const Observation& o = obs[0];
        CHECK(o.id == "w17");
        CHECK(o.input == 0);
        CHECK(o.kind == Kind::point);
        CHECK(o.x == 120000.5);
        CHECK(o.y == 487000.25);
        CHECK(o.round == "2024-09");
        CHECK(o.date == "2024-09-12");
        CHECK(o.text == "Te weinig bankjes");  // free text is not lower-cased
        CHECK(o.session == "sessie 1");        // the default, no field mapped
        CHECK_FALSE(o.repaired);
        CHECK(o.attributes.size() == 6);
        CHECK(o.attributes[0] == "w17");
        CHECK(report.inputs[0].mapping.at("session") == "default 'sessie 1'");
    }
    SECTION("without an id field the feature id names an observation") {
        const auto dir = test::scratch_dir("obs-fid");
        test::write_text(dir / "obs.geojson", R"({"type": "FeatureCollection", "features": [
     {"type": "Feature", "properties": {"thema": "groen"}, "geometry": {"type": "Point", "coordinates": [5.38720621, 52.15517440]}}]})");
        const Project p = parse_project("[[observations]]\nsource = \"obs.geojson\"\n[observations.fields]\ntheme = \"thema\"\n", "t.toml", dir.string());
        Report report;
        const auto obs = read_all(p, report);
        REQUIRE(obs.size() == 1);
        CHECK(obs[0].id == "FID 0");
        // The WGS 84 position of the RD origin (see test_vector_source.cpp) lands on x 155000, y 463000,
        // to about 1 m (PROJ without the RDNAPTRANS grid).
        CHECK(obs[0].x == Approx(155000).epsilon(0).margin(1.0));
        CHECK(obs[0].y == Approx(463000).epsilon(0).margin(1.0));
    }
    SECTION("lines and polygons get their kind from their dimension") {
        const auto dir = test::scratch_dir("obs-kinds");
        test::write_text(dir / "obs.csv",
                         "id,wkt\n"
                         "l,\"LINESTRING (0 0, 3 4)\"\n"
                         "ml,\"MULTILINESTRING ((0 0, 1 0), (5 5, 5 6))\"\n"
                         "mp,\"MULTIPOLYGON (((0 0, 1 0, 1 1, 0 1, 0 0)), ((5 5, 6 5, 6 6, 5 6, 5 5)))\"\n");
        const Project p = parse_project(test::rd_csv_observations, "t.toml", dir.string());
        Report report;
        const auto obs = read_all(p, report);
        REQUIRE(obs.size() == 3);
        CHECK(obs[0].kind == Kind::line);
        CHECK(geos::length(obs[0].geometry) == Approx(5.0));
        CHECK(obs[1].kind == Kind::line);
        CHECK(obs[2].kind == Kind::polygon);
        CHECK(geos::area(obs[2].geometry) == Approx(2.0));
        CHECK(kind_name(obs[2].kind) == "polygon");
    }
    SECTION("canonical trims and lower-cases") {
        CHECK(io::canonical("  Groen\t") == "groen");
        CHECK(io::canonical("KANS") == "kans");
        CHECK(io::canonical("   ").empty());
        CHECK(io::canonical("").empty());
    }
}

TEST_CASE("observation geometry problems are reported by id, missing fields are errors", "[io]") {
    SECTION("null geometries are skipped and invalid polygons repaired, both reported by id") {
        const auto dir = test::scratch_dir("obs-geometry");
        test::write_text(dir / "obs.csv",
                         "id,thema,wkt\n"
                         "p1,groen,\"POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))\"\n"
                         "p2,groen,\n"
                         "p3,groen,\"POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))\"\n"
                         "p4,groen,\"POLYGON ((0 0, 10 0, 20 0, 0 0))\"\n");
        const Project p = parse_project(std::string(test::rd_csv_observations) + "[observations.fields]\ntheme = \"thema\"\n", "t.toml", dir.string());
        Report report;
        const auto obs = read_all(p, report);
        // p1 repaired, p2 (no geometry) skipped, p3 fine, p4 (all on one line: no area at all) skipped.
        REQUIRE(obs.size() == 2);
        CHECK(obs[0].id == "p1");
        CHECK(obs[0].kind == Kind::polygon);
        CHECK(obs[0].repaired);
        CHECK(geos::is_valid(obs[0].geometry));
        CHECK(geos::area(obs[0].geometry) == Approx(50.0));  // bow-tie: two triangles of 10 * 5 / 2 = 25
        CHECK(obs[1].id == "p3");
        CHECK_FALSE(obs[1].repaired);

        const InputReport& r = report.inputs[0];
        CHECK(r.read == 4);
        CHECK(r.used == 2);
        CHECK(r.repaired_count == 1);
        REQUIRE(r.repaired.size() == 1);
        CHECK(r.repaired[0].id == "p1");
        CHECK_THAT(r.repaired[0].detail, Contains("Self-intersection") && Contains("MakeValid"));
        CHECK(r.skipped_count == 2);
        REQUIRE(r.skipped.size() == 2);
        CHECK(r.skipped[0].id == "p2");
        CHECK(r.skipped[0].detail == "no geometry: field 'wkt' is empty");  // an empty WKT cell, named
        CHECK(r.skipped[1].id == "p4");
        CHECK(r.geometry_types.at("Polygon") == 3);
        CHECK(r.geometry_types.at("none") == 1);
    }
    SECTION("a GeoJSON feature with a null geometry is skipped with the reason") {
        const auto dir = test::scratch_dir("obs-null");
        test::write_text(dir / "obs.geojson", R"({"type": "FeatureCollection", "features": [
     {"type": "Feature", "properties": {"id": "a", "thema": "groen"}, "geometry": null},
     {"type": "Feature", "properties": {"id": "b", "thema": "groen"}, "geometry": {"type": "Point", "coordinates": [5.0, 52.0]}}]})");
        const Project p = parse_project("[[observations]]\nsource = \"obs.geojson\"\nid = \"id\"\n", "t.toml", dir.string());
        Report report;
        const auto obs = read_all(p, report);
        REQUIRE(obs.size() == 1);
        CHECK(obs[0].id == "b");
        const InputReport& r = report.inputs[0];
        REQUIRE(r.skipped.size() == 1);
        CHECK(r.skipped[0].id == "a");
        CHECK(r.skipped[0].detail == "no geometry");
    }
    SECTION("a mapped field that the source lacks is an input error naming it and the fields") {
        const auto dir = test::scratch_dir("obs-missing-field");
        const std::string path = test::write_text(dir / "obs.csv", "id,thema,wkt\n1,groen,POINT (1 1)\n");
        const Project p = parse_project(std::string(test::rd_csv_observations) + "[observations.fields]\ntheme = \"thema\"\nvalence = \"soort\"\n", "t.toml",
                                        dir.string());
        Report report;
        try {
            io::ObservationReader reader(p, 0, report);
            FAIL("the reader must refuse a mapping to a field that does not exist");
        } catch (const input_error& e) {
            CHECK_THAT(std::string(e.what()), Contains(path) && Contains("'soort'") && Contains("valence") && Contains("id, thema, wkt"));
            CHECK(e.where().field == "soort");
        }
    }
}

TEST_CASE("a multi-point is one observation unless the project splits it", "[io]") {
    const auto dir = test::scratch_dir("obs-multipoint");
    test::write_text(dir / "obs.csv",
                     "id,thema,soort,wkt\n"
                     "m1,groen,kans,\"MULTIPOINT ((1 2), (3 4))\"\n"
                     "m2,vuil,zorg,\"MULTIPOINT ((5 6))\"\n");
    const std::string fields = "[observations.fields]\ntheme = \"thema\"\nvalence = \"soort\"\n";

    SECTION("kept together") {
        const Project p = parse_project(std::string(test::rd_csv_observations) + fields, "t.toml", dir.string());
        Report report;
        const auto obs = read_all(p, report);
        REQUIRE(obs.size() == 2);
        CHECK(obs[0].id == "m1");
        CHECK(obs[0].kind == Kind::multipoint);
        CHECK(geos::num_geometries(obs[0].geometry) == 2);
        // A multi-point of one point is simply a point.
        CHECK(obs[1].id == "m2");
        CHECK(obs[1].kind == Kind::point);
        CHECK(obs[1].x == 5.0);
        CHECK(obs[1].y == 6.0);
        CHECK(report.inputs[0].used == 2);
    }
    SECTION("split into points with ids id#1, id#2") {
        const Project p = parse_project(std::string(test::rd_csv_observations) + "split_multipoint = true\n" + fields, "t.toml", dir.string());
        Report report;
        const auto obs = read_all(p, report);
        REQUIRE(obs.size() == 3);
        CHECK(obs[0].id == "m1#1");
        CHECK(obs[0].kind == Kind::point);
        CHECK(obs[0].x == 1.0);
        CHECK(obs[0].y == 2.0);
        CHECK(obs[0].theme == "groen");
        CHECK(obs[0].valence == 1);
        CHECK(obs[1].id == "m1#2");
        CHECK(obs[1].x == 3.0);
        CHECK(obs[1].y == 4.0);
        CHECK(obs[1].valence == 1);
        CHECK(geos::type(obs[1].geometry) == geos::Type::point);
        CHECK(obs[2].id == "m2");
        CHECK(obs[2].kind == Kind::point);
        // Read 2 features, used as 2 + 1 = 3 observations.
        CHECK(report.inputs[0].read == 2);
        CHECK(report.inputs[0].used == 3);
    }
}


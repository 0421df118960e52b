#include <catch2/catch.hpp>

#include "engine/core/error.hpp"
#include "engine/project/project.hpp"
#include "test_config.hpp"

using namespace buurt;

TEST_CASE("a project file is read with its defaults and relative paths", "[project]") {
    const Project p = parse_project(R"(
name = "Test"
[areas.buurt]
source = "buurten.gpkg"
code = "code"
[[observations]]
source = "obs.geojson"
[observations.fields]
theme = "thema"
[observations.values.valence]
kans = 1
zorg = "-1"
)",
                                    "test.toml", "/data/project");
    CHECK(p.name == "Test");
    CHECK(p.crs == "EPSG:28992");
    REQUIRE(p.levels.size() == 1);
    CHECK(p.levels[0].level == Level::buurt);
    CHECK(p.levels[0].source.path == "/data/project/buurten.gpkg");
    REQUIRE(p.observations.size() == 1);
    CHECK(p.observations[0].name == "obs");
    CHECK(p.observations[0].fields.at(Role::theme) == "thema");
    CHECK(p.observations[0].values.at(Role::valence).at("kans") == "1");
    CHECK(p.observations[0].values.at(Role::valence).at("zorg") == "-1");
    CHECK(p.themes.size() == 9);
}

TEST_CASE("areas are sorted finest first whatever the file order", "[project]") {
    const Project p = parse_project(R"(
[areas.stadsdeel]
source = "a.gpkg"
code = "c"
[areas.bouwblok]
source = "b.gpkg"
code = "c"
[areas.wijk]
source = "c.gpkg"
code = "c"
)",
                                    "t.toml", "/x");
    REQUIRE(p.levels.size() == 3);
    CHECK(p.levels[0].level == Level::block);
    CHECK(p.levels[1].level == Level::wijk);
    CHECK(p.levels[2].level == Level::stadsdeel);
}

TEST_CASE("project file mistakes are errors that name the key and the line", "[project]") {
    SECTION("unknown key") {
        CHECK_THROWS_WITH(parse_project("[areas.buurt]\nsource = \"a\"\ncode = \"c\"\ncolour = \"red\"\n", "p.toml", "/"),
                          Catch::Contains("p.toml") && Catch::Contains("unknown key 'colour'") && Catch::Contains("line 4"));
    }
    SECTION("wrong type") {
        CHECK_THROWS_WITH(parse_project("[areas.buurt]\nsource = 3\ncode = \"c\"\n", "p.toml", "/"),
                          Catch::Contains("'source' must be a string") && Catch::Contains("line 2"));
    }
    SECTION("unknown level") {
        CHECK_THROWS_WITH(parse_project("[areas.straat]\nsource = \"a\"\ncode = \"c\"\n", "p.toml", "/"), Catch::Contains("unknown level 'straat'"));
    }
    SECTION("missing required key") {
        CHECK_THROWS_WITH(parse_project("[areas.buurt]\nsource = \"a\"\n", "p.toml", "/"), Catch::Contains("'code' is required"));
    }
    SECTION("unknown role") {
        CHECK_THROWS_AS(parse_project("[[observations]]\nsource = \"a\"\n[observations.fields]\nmood = \"x\"\n", "p.toml", "/"), config_error);
    }
    SECTION("not TOML at all") {
        CHECK_THROWS_AS(parse_project("[areas.buurt\nsource = ", "p.toml", "/"), config_error);
    }
    SECTION("half a point column pair") {
        CHECK_THROWS_WITH(parse_project("[[observations]]\nsource = \"a.csv\"\nx = \"lon\"\n", "p.toml", "/"), Catch::Contains("both 'x' and 'y'"));
    }
}

TEST_CASE("command-line flags build the same project as a file", "[project]") {
    FlagSettings s;
    s.areas = {"buurt=/d/buurten.gpkg,code=code,name=naam,layer=buurten", "block=/d/blocks.gpkg,code=code,parent=buurt_code"};
    s.streets = "/d/streets.gpkg,name=naam,max_distance=25";
    s.observations = {"/d/obs.csv,crs=EPSG:4326,x=lon,y=lat,fields.theme=thema,values.valence.kans=1,defaults.source=bewoner"};
    s.indicators = {"/d/cbs.csv,level=buurt,code=code,population=inw"};
    s.output = "/tmp/out.gpkg";
    const Project p = project_from_settings(s);
    REQUIRE(p.levels.size() == 2);
    CHECK(p.levels[0].level == Level::block);
    CHECK(p.levels[0].parent_field == "buurt_code");
    CHECK(p.levels[1].source.layer == "buurten");
    REQUIRE(p.streets);
    CHECK(p.streets->max_distance == 25.0);
    REQUIRE(p.observations.size() == 1);
    const auto& o = p.observations[0];
    CHECK(o.source.crs == "EPSG:4326");
    CHECK(o.source.x_field == "lon");
    CHECK(o.fields.at(Role::theme) == "thema");
    CHECK(o.values.at(Role::valence).at("kans") == "1");
    CHECK(o.defaults.at(Role::source) == "bewoner");
    CHECK(p.indicators[0].population_field == "inw");
    CHECK(p.output.gpkg == "/tmp/out.gpkg");
}

TEST_CASE("flags are checked like the file", "[project]") {
    FlagSettings s;
    s.areas = {"buurt=/d/b.gpkg,code=code,colour=red"};
    CHECK_THROWS_WITH(project_from_settings(s), Catch::Contains("unknown key 'colour'"));
    s.areas = {"/d/b.gpkg,code=code"};
    CHECK_THROWS_AS(project_from_settings(s), config_error);
    s.areas = {};
    CHECK_THROWS_WITH(project_from_settings(s), Catch::Contains("no area levels"));
}

TEST_CASE("flags add to a project file and replace its levels", "[project]") {
    FlagSettings s;
    s.project_file = test::sample("geuzenveld.toml");
    s.areas = {"buurt=/other/buurten.gpkg,code=CODE"};
    s.crs = "EPSG:3857";
    const Project p = project_from_settings(s);
    CHECK(p.crs == "EPSG:3857");
    CHECK(p.levels.size() == 5);
    CHECK(p.level(Level::buurt)->source.path == "/other/buurten.gpkg");
    CHECK(p.level(Level::block)->source.path == test::sample("geuzenveld_bouwblokken_straten.gpkg"));
}

TEST_CASE("[knowledge]: problem indicators and the rounds' minimum, from the file and as flags", "[project][knowledge]") {
    const std::string areas = "[areas.buurt]\nsource = \"a\"\ncode = \"c\"\n";
    const Project p = parse_project(areas + "[knowledge]\nrounds_min_total = 8\nproblem_indicators = [{field = \"inkomen\", worse = \"low\"}, "
                                            "{field = \"meldingen\", worse = \"high\", threshold = 40}]\n",
                                    "p.toml", "/");
    CHECK(p.knowledge.rounds_min_total == 8);
    REQUIRE(p.knowledge.problem_indicators.size() == 2);
    CHECK(p.knowledge.problem_indicators[0].field == "inkomen");
    CHECK_FALSE(p.knowledge.problem_indicators[0].high_is_worse);
    CHECK_FALSE(p.knowledge.problem_indicators[0].threshold);
    CHECK(p.knowledge.problem_indicators[1].threshold == Approx(40.0));
    CHECK(parse_project(areas, "p.toml", "/").knowledge.rounds_min_total == 5);

    CHECK_THROWS_WITH(parse_project(areas + "[knowledge]\nproblem_indicators = [{field = \"x\", worse = \"bad\"}]\n", "p.toml", "/"),
                      Catch::Contains("problem_indicators #1") && Catch::Contains("'worse'") && Catch::Contains("line 5"));
    CHECK_THROWS_WITH(parse_project(areas + "[knowledge]\nproblem_indicators = [{field = \"x\", worse = \"high\", treshold = 3}]\n", "p.toml", "/"),
                      Catch::Contains("unknown key 'treshold'"));
    CHECK_THROWS_WITH(parse_project(areas + "[knowledge]\nrounds_min = 3\n", "p.toml", "/"), Catch::Contains("unknown key 'rounds_min'"));

    FlagSettings s;
    s.project_file = test::sample("geuzenveld.toml");
    const std::size_t in_file = project_from_settings(s).knowledge.problem_indicators.size();
    s.problem_indicators = {"meldingen,worse=high,threshold=40"};
    s.rounds_min_total = "12";
    const Project f = project_from_settings(s);
    REQUIRE(f.knowledge.problem_indicators.size() == in_file + 1);
    CHECK(f.knowledge.problem_indicators.back().field == "meldingen");
    CHECK(f.knowledge.problem_indicators.back().threshold == Approx(40.0));
    CHECK(f.knowledge.rounds_min_total == 12);
    s.problem_indicators = {"meldingen,worse=up"};
    CHECK_THROWS_AS(project_from_settings(s), config_error);
    s.problem_indicators = {};
    s.rounds_min_total = "0";
    CHECK_THROWS_WITH(project_from_settings(s), Catch::Contains("rounds_min_total"));
}

TEST_CASE("[indicators.areas]: figures of another area scheme, from the file and as flags", "[project][crosswalk]") {
    const std::string file = R"([[indicators]]
source = "cbs.csv"
code = "buurtcode"
counts = ["aantal_inwoners", "woningvoorraad"]
[indicators.areas]
source = "buurten_2015.gpkg"
layer = "buurten_2015"
code = "cbs_code"
min_coverage = 0.9
)";
    SECTION("from the file, paths resolved against the project folder") {
        const Project p = parse_project(file, "p.toml", "/d");
        REQUIRE(p.indicators.size() == 1);
        const IndicatorSpec& i = p.indicators[0];
        REQUIRE(i.areas);
        CHECK(i.areas->source.path == "/d/buurten_2015.gpkg");
        CHECK(i.areas->source.layer == "buurten_2015");
        CHECK(i.areas->code_field == "cbs_code");
        CHECK(i.areas->min_coverage == 0.9);
        CHECK(i.counts == std::vector<std::string>{"aantal_inwoners", "woningvoorraad"});
    }
    SECTION("the same as a flag") {
        FlagSettings s;
        s.areas = {"buurt=/d/b.gpkg,code=code"};
        s.indicators = {"/d/cbs.csv,code=buurtcode,counts=aantal_inwoners;woningvoorraad,areas.source=/d/buurten_2015.gpkg,"
                        "areas.layer=buurten_2015,areas.code=cbs_code,areas.min_coverage=0.9"};
        const Project p = project_from_settings(s);
        const IndicatorSpec& i = p.indicators[0];
        REQUIRE(i.areas);
        CHECK(i.areas->source.path == "/d/buurten_2015.gpkg");
        CHECK(i.areas->code_field == "cbs_code");
        CHECK(i.areas->min_coverage == 0.9);
        CHECK(i.counts == std::vector<std::string>{"aantal_inwoners", "woningvoorraad"});
    }
    SECTION("without areas the figures are keyed by the level and the default coverage is not used") {
        const Project p = parse_project("[[indicators]]\nsource = \"k.csv\"\ncode = \"code\"\n", "p.toml", "/d");
        CHECK_FALSE(p.indicators[0].areas);
    }
    SECTION("mistakes name the key and the line") {
        CHECK_THROWS_WITH(parse_project(file + "colour = \"red\"\n", "p.toml", "/d"), Catch::Contains("unknown key 'colour'") && Catch::Contains("indicators"));
        CHECK_THROWS_WITH(parse_project("[[indicators]]\nsource = \"k.csv\"\ncode = \"c\"\ncounts = [\"n\"]\n", "p.toml", "/d"),
                          Catch::Contains("'counts' needs [indicators.areas]") && Catch::Contains("line 4"));
        CHECK_THROWS_WITH(parse_project("[[indicators]]\nsource = \"k.csv\"\ncode = \"c\"\n[indicators.areas]\nsource = \"a.gpkg\"\n", "p.toml", "/d"),
                          Catch::Contains("'code' is required"));
        std::string over = file;
        over.replace(over.find("0.9"), 3, "1.5");
        CHECK_THROWS_WITH(parse_project(over, "p.toml", "/d"), Catch::Contains("min_coverage") && Catch::Contains("line 9"));
    }
}

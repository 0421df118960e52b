// VectorSource: drivers, layers, fields, CRS handling and reprojection to the project CRS.
// Few test cases, many sections: ctest starts a process per test case, and that costs more than the tests.
#include <catch2/catch.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/core/error.hpp"
#include "engine/gdal/gdal.hpp"
#include "engine/geos/geos.hpp"
#include "engine/io/vector_source.hpp"
#include "unit/support/gdal_layer.hpp"
#include "unit/support/unit_support.hpp"

using namespace buurt;
using Catch::Matchers::Contains;

namespace {

// The origin of the Dutch RD grid (Amersfoort, Onze Lieve Vrouwetoren) is x = 155000, y = 463000 in
// EPSG:28992 by definition.
//  - On RD's own datum (Amersfoort, Bessel ellipsoid, EPSG:4289) it is at 52°09'22.178" N, 5°23'15.500" E,
//    i.e. lat 52.1561605555556, lon 5.38763888888889: the projection centre, so the answer is exact.
//  - In ETRS89 / WGS 84 (EPSG:4326, what GeoJSON, KML and GPX use) the same tower is about 100 m away
//    from those numbers: lat 52.15517440, lon 5.38720621 (the reference point of the published RD <->
//    WGS 84 approximation formulas, Schreutelkamp & Strang van Hees). PROJ without the RDNAPTRANS
//    correction grid (not packaged in Debian) uses a Helmert datum shift that is about 1 m accurate,
//    so 1 m is the tolerance for WGS 84 input.
constexpr double wgs84_origin_lon = 5.38720621;
constexpr double wgs84_origin_lat = 52.15517440;
constexpr double rd_origin_x = 155000.0;
constexpr double rd_origin_y = 463000.0;
constexpr double proj_accuracy_m = 1.0;

const std::string geojson_origin = R"({"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"id": "o1", "thema": "groen"},
  "geometry": {"type": "Point", "coordinates": [5.38720621, 52.15517440]}},
 {"type": "Feature", "properties": {"id": "o2", "thema": "vuil"}, "geometry": null}
]})";

// Catch's Approx also allows a relative 1.2e-5 by default, which is 5 m at y = 463000: switch it off.
Approx near(double value, double margin) { return Approx(value).epsilon(0).margin(margin); }

SourceSpec spec_for(const std::string& path) {
    SourceSpec s;
    s.path = path;
    return s;
}

void check_rd_origin(const geos::Geometry& g, double tolerance = proj_accuracy_m) {
    double x = 0;
    double y = 0;
    geos::xy(g, x, y);
    // Axis order: x must be the easting (~155 km), y the northing (~463 km). Swapped lat/lon axes
    // would put the point hundreds of kilometres away.
    CHECK(x == near(rd_origin_x, tolerance));
    CHECK(y == near(rd_origin_y, tolerance));
}

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

// Two 100 x 100 buurten side by side, written with the GDAL C++ API.
void write_buurten(const std::string& driver, const std::string& path, bool with_crs) {
    test::write_layer(driver, path, "buurten", with_crs ? 28992 : 0, wkbPolygon, {"code", "naam"},
                      {{"A", "Noord", "POLYGON ((155000 463000, 155100 463000, 155100 463100, 155000 463100, 155000 463000))"},
                       {"B", "Zuid", "POLYGON ((155100 463000, 155200 463000, 155200 463100, 155100 463100, 155100 463000))"}});
}

} // namespace

TEST_CASE("reading GeoJSON, KML and GPX in lon/lat, reprojected to RD New", "[io]") {
    const auto dir = test::scratch_dir("vs-lonlat");

    SECTION("GeoJSON: driver, layer, fields, a point and a null geometry") {
        const std::string path = test::write_text(dir / "obs.geojson", geojson_origin);
        io::VectorSource src(spec_for(path), "EPSG:28992");
        const io::SourceInfo& info = src.info();
        CHECK(info.driver == "GeoJSON");
        CHECK(info.layer == "obs");
        CHECK(info.feature_count == 2);
        CHECK(info.fields == std::vector<std::string>{"id", "thema"});
        CHECK_THAT(info.crs, Contains("4326"));
        CHECK_FALSE(info.crs_assumed);
        CHECK(src.field_index("thema") == 1);
        CHECK(src.field_index("nope") == -1);

        io::RawFeature f;
        REQUIRE(src.next(f));
        CHECK(f.values == std::vector<std::string>{"o1", "groen"});
        CHECK(f.geometry_type == "Point");
        REQUIRE(f.geometry);
        check_rd_origin(*f.geometry);
        // A null geometry: still a feature, with the reason.
        REQUIRE(src.next(f));
        CHECK(f.values[0] == "o2");
        CHECK_FALSE(f.geometry);
        CHECK(f.geometry_type == "none");
        CHECK(f.problem == "no geometry");
        CHECK_FALSE(src.next(f));
        // rewind starts over.
        src.rewind();
        REQUIRE(src.next(f));
        CHECK(f.values[0] == "o1");
    }

    SECTION("KML: placemarks with a point and a line") {
        const std::string path = test::write_text(dir / "kaart.kml", R"(<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>k1</name><description>groen</description><Point><coordinates>5.38720621,52.15517440</coordinates></Point></Placemark>
<Placemark><name>k2</name><description>vuil</description><LineString><coordinates>5.38720621,52.15517440 5.39,52.16</coordinates></LineString></Placemark>
</Document></kml>
)");
        io::VectorSource src(spec_for(path), "EPSG:28992");
        // GDAL registers LIBKML ahead of the plain KML driver, and Debian's GDAL has LIBKML.
        CHECK(src.info().driver == "LIBKML");
        CHECK(src.info().feature_count == 2);
        CHECK(has(src.info().fields, "Name"));
        CHECK(has(src.info().fields, "description"));
        io::RawFeature f;
        REQUIRE(src.next(f));
        CHECK(f.values[src.field_index("Name")] == "k1");
        CHECK(f.geometry_type == "Point");
        REQUIRE(f.geometry);
        check_rd_origin(*f.geometry);
        REQUIRE(src.next(f));
        CHECK(f.geometry_type == "Line String");  // OGR's readable type name
        REQUIRE(f.geometry);
        CHECK(geos::dimension(*f.geometry) == 1);
    }

    SECTION("GPX: several layers, one must be named") {
        const std::string path = test::write_text(dir / "route.gpx", R"(<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="buurtbalans test" xmlns="http://www.topografix.com/GPX/1/1">
<wpt lat="52.15517440" lon="5.38720621"><name>w1</name><desc>kans</desc></wpt>
<wpt lat="52.16" lon="5.39"><name>w2</name><desc>zorg</desc></wpt>
</gpx>
)");
        SECTION("without a layer name") {
            CHECK_THROWS_WITH(io::VectorSource(spec_for(path), "EPSG:28992"),
                              Contains(path) && Contains("has several layers") && Contains("waypoints") && Contains("tracks"));
        }
        SECTION("an unknown layer name") {
            SourceSpec spec = spec_for(path);
            spec.layer = "punten";
            CHECK_THROWS_WITH(io::VectorSource(spec, "EPSG:28992"), Contains("layer 'punten'") && Contains("no such layer") && Contains("waypoints"));
        }
        SECTION("the waypoints layer") {
            SourceSpec spec = spec_for(path);
            spec.layer = "waypoints";
            io::VectorSource src(spec, "EPSG:28992");
            CHECK(src.info().driver == "GPX");
            CHECK(src.info().layer == "waypoints");
            CHECK(has(src.info().fields, "name"));
            CHECK(has(src.info().fields, "desc"));
            io::RawFeature f;
            REQUIRE(src.next(f));
            CHECK(f.values[src.field_index("name")] == "w1");
            CHECK(f.values[src.field_index("desc")] == "kans");
            REQUIRE(f.geometry);
            check_rd_origin(*f.geometry);
            REQUIRE(src.next(f));
            CHECK(f.values[src.field_index("name")] == "w2");
            CHECK_FALSE(src.next(f));  // two waypoints (GPX cannot count without reading: feature_count is -1)
        }
    }
}

TEST_CASE("reading CSV tables with point columns or a WKT column", "[io]") {
    const auto dir = test::scratch_dir("vs-csv");

    SECTION("lon/lat columns, ';' separated, need a CRS") {
        // A Dutch spreadsheet export: ';' separates, ',' is the decimal mark in the second row.
        const std::string path = test::write_text(dir / "punten.csv",
                                                  "id;lon;lat;thema\n"
                                                  "1;5.38720621;52.15517440;groen\n"
                                                  "2;5,38720621;52,15517440;vuil\n");
        SourceSpec spec = spec_for(path);
        spec.x_field = "lon";
        spec.y_field = "lat";

        SECTION("without a crs setting it is an input error naming the file") {
            try {
                io::VectorSource src(spec, "EPSG:28992");
                FAIL("a CSV without a CRS and without a crs setting must not be read");
            } catch (const input_error& e) {
                CHECK_THAT(std::string(e.what()), Contains(path) && Contains("declares no CRS"));
                CHECK(e.where().file == path);
            }
        }
        SECTION("with crs = EPSG:4326 the CRS is assumed and both rows land on the RD origin") {
            spec.crs = "EPSG:4326";
            io::VectorSource src(spec, "EPSG:28992");
            CHECK(src.info().driver == "CSV");
            CHECK(src.info().crs_assumed);
            CHECK_THAT(src.info().crs, Contains("assumed") && Contains("EPSG:4326"));
            CHECK(src.info().fields == std::vector<std::string>{"id", "lon", "lat", "thema"});
            io::RawFeature f;
            REQUIRE(src.next(f));
            CHECK(f.values[0] == "1");
            REQUIRE(f.geometry);
            check_rd_origin(*f.geometry);
            REQUIRE(src.next(f));  // decimal commas
            REQUIRE(f.geometry);
            check_rd_origin(*f.geometry);
        }
    }

    SECTION("Bessel lon/lat (EPSG:4289, RD's own datum) hit the projection centre exactly") {
        const std::string path = test::write_text(dir / "bessel.csv", "id;lon;lat\n1;5.38763888888889;52.1561605555556\n");
        SourceSpec spec = spec_for(path);
        spec.x_field = "lon";
        spec.y_field = "lat";
        spec.crs = "EPSG:4289";
        io::VectorSource src(spec, "EPSG:28992");
        io::RawFeature f;
        REQUIRE(src.next(f));
        REQUIRE(f.geometry);
        check_rd_origin(*f.geometry, 0.01);  // no datum shift: only the projection, exact to the mm
    }

    SECTION("a WKT column, ',' separated, keeps codes as text and reads any geometry") {
        const std::string path = test::write_text(dir / "vormen.csv",
                                                  "id,code,wkt\n"
                                                  "1,0363,\"POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))\"\n"
                                                  "2,0001,\"LINESTRING (0 0, 3 4)\"\n");
        SourceSpec spec = spec_for(path);
        spec.wkt_field = "wkt";
        spec.crs = "EPSG:28992";
        io::VectorSource src(spec, "EPSG:28992");
        CHECK(src.info().driver == "CSV");
        CHECK(src.info().fields == std::vector<std::string>{"id", "code", "wkt"});
        io::RawFeature f;
        REQUIRE(src.next(f));
        CHECK(f.fid == 1);              // the CSV driver numbers rows from 1
        CHECK(f.values[1] == "0363");  // no type guessing: the leading zero survives
        CHECK(f.geometry_type == "Polygon");
        REQUIRE(f.geometry);
        CHECK(geos::area(*f.geometry) == Approx(100.0));  // same CRS, no reprojection: 10 x 10
        REQUIRE(src.next(f));
        CHECK(f.geometry_type == "Line String");
        REQUIRE(f.geometry);
        CHECK(geos::length(*f.geometry) == Approx(5.0));
    }
}

TEST_CASE("reading Shapefile, FlatGeobuf and GeoPackage written with the GDAL API", "[io]") {
    const auto dir = test::scratch_dir("vs-formats");

    SECTION("each format is read with its driver, fields and CRS") {
        struct Format {
            std::string driver;
            std::string file;
        };
        for (const Format& fmt : {Format{"ESRI Shapefile", "buurten.shp"}, Format{"FlatGeobuf", "buurten.fgb"}, Format{"GPKG", "buurten.gpkg"}}) {
            INFO(fmt.driver);
            const std::string path = (dir / fmt.file).string();
            write_buurten(fmt.driver, path, true);
            io::VectorSource src(spec_for(path), "EPSG:28992");
            CHECK(src.info().driver == fmt.driver);
            CHECK(src.info().layer == "buurten");
            CHECK(src.info().feature_count == 2);
            CHECK(src.info().fields == std::vector<std::string>{"code", "naam"});
            CHECK_THAT(src.info().crs, Contains("28992"));
            io::RawFeature f;
            std::vector<std::string> codes;
            while (src.next(f)) {
                codes.push_back(f.values[0]);
                REQUIRE(f.geometry);
                CHECK(geos::area(*f.geometry) == Approx(100.0 * 100.0));  // each 100 m x 100 m
            }
            std::sort(codes.begin(), codes.end());  // FlatGeobuf stores features in spatial-index order
            CHECK(codes == std::vector<std::string>{"A", "B"});
        }
    }

    SECTION("a Shapefile without a .prj needs a crs setting") {
        const std::string path = (dir / "zonder_prj.shp").string();
        write_buurten("ESRI Shapefile", path, false);
        CHECK_THROWS_WITH(io::VectorSource(spec_for(path), "EPSG:28992"), Contains(path) && Contains("declares no CRS"));
        SourceSpec spec = spec_for(path);
        spec.crs = "EPSG:28992";
        io::VectorSource src(spec, "EPSG:28992");
        CHECK(src.info().crs_assumed);
        io::RawFeature f;
        std::vector<double> min_x;
        while (src.next(f)) {
            REQUIRE(f.geometry);
            min_x.push_back(geos::envelope(*f.geometry).min_x);  // assumed = the project CRS: untouched
        }
        std::sort(min_x.begin(), min_x.end());
        CHECK(min_x == std::vector<double>{155000.0, 155100.0});
    }
}

TEST_CASE("dates and times are read as ISO 8601 text; read_only skips the other fields", "[io]") {
    const auto dir = test::scratch_dir("vs-dates");
    const std::string path = test::write_text(dir / "dates.geojson", R"({"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"d": "2024-09-17", "dt": "2024-09-17T19:30:05Z", "t": "07:05:09", "keep": "a", "skip": "b"},
  "geometry": {"type": "Point", "coordinates": [5.3872, 52.1552]}},
 {"type": "Feature", "properties": {"d": "0999-01-02", "dt": "2024-09-17T19:30:05+02:00", "t": "23:59:59", "keep": "c", "skip": "d"},
  "geometry": {"type": "Point", "coordinates": [5.3872, 52.1552]}},
 {"type": "Feature", "properties": {"d": "2024-12-31", "dt": "2024-09-17T19:30:05-03:30", "t": "00:00:00", "keep": "e", "skip": "f"},
  "geometry": {"type": "Point", "coordinates": [5.3872, 52.1552]}},
 {"type": "Feature", "properties": {"d": "2024-12-31", "dt": "2024-09-17T19:30:05", "t": "00:00:00", "keep": "g", "skip": "h"},
  "geometry": {"type": "Point", "coordinates": [5.3872, 52.1552]}}]})");
    io::VectorSource src(spec_for(path), "EPSG:28992");
    REQUIRE(src.info().fields == std::vector<std::string>{"d", "dt", "t", "keep", "skip"});
    // As the input says it, in ISO 8601: UTC as Z, offsets as +hh:mm / -hh:mm, local time without suffix.
    const std::vector<std::vector<std::string>> expected{{"2024-09-17", "2024-09-17T19:30:05Z", "07:05:09", "a", "b"},
                                                         {"0999-01-02", "2024-09-17T19:30:05+02:00", "23:59:59", "c", "d"},
                                                         {"2024-12-31", "2024-09-17T19:30:05-03:30", "00:00:00", "e", "f"},
                                                         {"2024-12-31", "2024-09-17T19:30:05", "00:00:00", "g", "h"}};
    io::RawFeature f;
    for (const auto& row : expected) {
        REQUIRE(src.next(f));
        CHECK(f.values == row);
    }
    CHECK_FALSE(src.next(f));

    src.rewind();
    src.read_only({1, 3});
    REQUIRE(src.next(f));
    CHECK(f.values == std::vector<std::string>{"", "2024-09-17T19:30:05Z", "", "a", ""});
    CHECK(f.null == std::vector<bool>{true, false, true, false, true});
    REQUIRE(f.geometry);
}

TEST_CASE("input errors name the file, the layer and the field", "[io]") {
    const auto dir = test::scratch_dir("vs-errors");

    SECTION("a missing field is named, with the fields that exist") {
        const std::string path = test::write_text(dir / "obs.geojson", geojson_origin);
        io::VectorSource src(spec_for(path), "EPSG:28992");
        CHECK(src.require_field("thema", "theme") == 1);
        try {
            src.require_field("soort", "valence");
            FAIL("require_field must throw for a missing field");
        } catch (const input_error& e) {
            CHECK_THAT(std::string(e.what()), Contains(path) && Contains("'soort'") && Contains("valence") && Contains("the fields are: id, thema"));
            CHECK(e.where().field == "soort");
            CHECK(e.where().layer == "obs");
        }
    }
    SECTION("a CSV point column that does not exist is reported when the source opens") {
        const std::string path = test::write_text(dir / "p.csv", "id;x;y\n1;1;2\n");
        SourceSpec spec = spec_for(path);
        spec.x_field = "lon";
        spec.y_field = "lat";
        spec.crs = "EPSG:4326";
        CHECK_THROWS_WITH(io::VectorSource(spec, "EPSG:28992"), Contains("'lon'") && Contains("the fields are: id, x, y"));
    }
    SECTION("a file that does not exist") {
        const std::string path = (dir / "nergens.gpkg").string();
        CHECK_THROWS_AS(io::VectorSource(spec_for(path), "EPSG:28992"), input_error);
        CHECK_THROWS_WITH(io::VectorSource(spec_for(path), "EPSG:28992"), Contains(path) && Contains("cannot open"));
    }
    SECTION("remote sources are refused before GDAL is asked") {
        CHECK_THROWS_WITH(io::VectorSource(spec_for("/vsicurl/https://example.org/a.gpkg"), "EPSG:28992"), Contains("remote sources are switched off"));
    }
}

// Hostile inputs (issue 8): each engine fix found by the corpus in tests/hostile/ has its test here.
// Broken geometries are repaired or skipped and reported; damaged files, wrong CRSs and refused sources
// are input errors naming file, layer and feature; nothing reaches the network or writes beside an input.
#include <catch2/catch.hpp>

#include <cpl_http.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "engine/core/error.hpp"
#include "engine/gdal/gdal.hpp"
#include "engine/geos/geos.hpp"
#include "engine/io/geometry_check.hpp"
#include "engine/io/read_areas.hpp"
#include "engine/io/read_observations.hpp"
#include "engine/io/vector_source.hpp"
#include "engine/project/project.hpp"
#include "engine/report/report.hpp"
#include "engine/style/style.hpp"
#include "unit/support/unit_support.hpp"

using namespace buurt;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

SourceSpec spec_for(const std::string& path, const std::string& crs = "") {
    SourceSpec s;
    s.path = path;
    s.crs = crs;
    return s;
}

std::vector<io::RawFeature> read_raw(io::VectorSource& src) {
    std::vector<io::RawFeature> out;
    io::RawFeature f;
    while (src.next(f)) {
        out.push_back(std::move(f));
        f = io::RawFeature{};
    }
    return out;
}

// A one-layer GeoPackage in RD New: (id, WKT or an OGRGeometry) rows, written with the GDAL API.
struct Row {
    std::string id;
    std::string wkt;
    OGRGeometry* geometry = nullptr;  // taken over when set
    std::string text;
};

void write_gpkg(const std::string& path, const std::vector<Row>& rows) {
    gdal::initialise();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    REQUIRE(drv != nullptr);
    GDALDataset* ds = drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    REQUIRE(ds != nullptr);
    OGRSpatialReference srs;
    srs.importFromEPSG(28992);
    OGRLayer* layer = ds->CreateLayer("obs", &srs, wkbUnknown, nullptr);
    REQUIRE(layer != nullptr);
    OGRFieldDefn id("id", OFTString);
    OGRFieldDefn text("tekst", OFTString);
    REQUIRE(layer->CreateField(&id) == OGRERR_NONE);
    REQUIRE(layer->CreateField(&text) == OGRERR_NONE);
    REQUIRE(ds->StartTransaction() == OGRERR_NONE);
    for (const Row& r : rows) {
        OGRFeature* f = OGRFeature::CreateFeature(layer->GetLayerDefn());
        f->SetField("id", r.id.c_str());
        f->SetField("tekst", r.text.c_str());
        OGRGeometry* g = r.geometry;
        if (g == nullptr && !r.wkt.empty()) {
            REQUIRE(OGRGeometryFactory::createFromWkt(r.wkt.c_str(), nullptr, &g) == OGRERR_NONE);
        }
        f->SetGeometryDirectly(g);
        REQUIRE(layer->CreateFeature(f) == OGRERR_NONE);
        OGRFeature::DestroyFeature(f);
    }
    REQUIRE(ds->CommitTransaction() == OGRERR_NONE);
    GDALClose(ds);
}

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::string& data) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << data;
}

std::vector<std::string> files_in(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) {
        out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

TEST_CASE("hostile geometries are repaired or skipped with the reason, never thrown", "[io][hostile]") {
    const auto dir = test::scratch_dir("hostile-geometry");

    SECTION("an unclosed ring (GeoJSON by hand) is closed and reported as a repair of that feature") {
        const std::string path = test::write_text(dir / "open.geojson", R"({"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"id": "open-1"},
  "geometry": {"type": "Polygon", "coordinates": [[[4.80, 52.37], [4.81, 52.37], [4.81, 52.38], [4.80, 52.38]]]}}]})");
        io::VectorSource src(spec_for(path), "EPSG:28992");
        auto rows = read_raw(src);  // GEOS used to throw here ("do not form a closed linestring"): exit 10
        REQUIRE(rows.size() == 1);
        REQUIRE(rows[0].geometry);
        CHECK(rows[0].geometry_repaired);
        InputReport rep;
        bool repaired = false;
        const auto g = io::checked_geometry(rows[0], "open-1", 2, rep, &repaired);
        REQUIRE(g);
        CHECK(repaired);
        CHECK(geos::area(*g) > 0);
        REQUIRE(rep.repaired.size() == 1);
        CHECK(rep.repaired[0].id == "open-1");
        CHECK_THAT(rep.repaired[0].detail, Contains("ring was not closed"));
    }

    SECTION("a line of one point is skipped with GEOS's reason instead of throwing") {
        const std::string path = test::write_text(dir / "short.geojson", R"({"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"id": "short-2"}, "geometry": {"type": "LineString", "coordinates": [[4.80, 52.37]]}},
 {"type": "Feature", "properties": {"id": "ok"}, "geometry": {"type": "Point", "coordinates": [4.80, 52.37]}}]})");
        io::VectorSource src(spec_for(path), "EPSG:28992");
        auto rows = read_raw(src);
        REQUIRE(rows.size() == 2);
        CHECK_FALSE(rows[0].geometry);
        CHECK_THAT(rows[0].problem, Contains("not a usable geometry"));
        CHECK(rows[1].geometry);
    }

    SECTION("NaN inside a stored geometry and infinity from a table are not finite numbers") {
        auto* poly = new OGRPolygon();
        auto* ring = new OGRLinearRing();
        ring->addPoint(117050, 487050);
        ring->addPoint(std::numeric_limits<double>::quiet_NaN(), 487050);
        ring->addPoint(117200, 487200);
        ring->addPoint(117050, 487050);
        poly->addRingDirectly(ring);
        write_gpkg((dir / "nan.gpkg").string(), {{"nan-1", "", poly, ""}, {"ok", "POINT (117100 487100)", nullptr, ""}});
        io::VectorSource src(spec_for((dir / "nan.gpkg").string()), "EPSG:28992");
        auto rows = read_raw(src);
        REQUIRE(rows.size() == 2);
        CHECK_FALSE(rows[0].geometry);
        CHECK_THAT(rows[0].problem, Contains("not finite numbers"));

        const std::string csv = test::write_text(dir / "inf.csv", "id;lon;lat\ninf-1;1e999;52.38\nnan-1;nan;52.38\n");
        SourceSpec spec = spec_for(csv, "EPSG:4326");
        spec.x_field = "lon";
        spec.y_field = "lat";
        io::VectorSource table(spec, "EPSG:28992");
        auto trows = read_raw(table);
        REQUIRE(trows.size() == 2);
        // Infinity used to get "cannot be reprojected"; a cell GDAL cannot read as a number names the columns.
        CHECK_THAT(trows[0].problem, Contains("not finite numbers"));
        CHECK_THAT(trows[1].problem, Contains("'lon'") && Contains("'lat'") && Contains("not both finite numbers"));
    }

    SECTION("NaN reaching the checks as GEOS geometry is skipped: the envelope hides it, MakeValid crashed on it") {
        // The fuzzer's case (tests/fuzz/corpus/geometry/crash-geos-makevalid-nan-polygon), by hand: an
        // invalid (self-crossing) ring with a NaN vertex. NaN drops out of the envelope's min and max.
        const double nan = std::numeric_limits<double>::quiet_NaN();
        OGRPolygon poly;
        auto* ring = new OGRLinearRing();
        for (const auto& [x, y] : std::vector<std::pair<double, double>>{{0, 0}, {10, 10}, {nan, 5}, {10, 0}, {0, 10}, {0, 0}}) {
            ring->addPoint(x, y);
        }
        poly.addRingDirectly(ring);
        std::vector<unsigned char> wkb(poly.WkbSize());
        poly.exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
        io::RawFeature f;
        f.geometry_type = "Polygon";
        f.geometry = geos::from_wkb(wkb.data(), wkb.size());
        const geos::Envelope e = geos::envelope(*f.geometry);
        CHECK((std::isfinite(e.min_x) && std::isfinite(e.max_x)));  // why the envelope cannot be the test
        CHECK_FALSE(geos::all_finite(*f.geometry));
        CHECK(geos::all_finite(geos::from_wkt("GEOMETRYCOLLECTION (POINT EMPTY, POLYGON ((0 0, 1 0, 1 1, 0 0), (0.1 0.05, 0.9 0.05, 0.9 0.8, 0.1 0.05)))")));
        InputReport rep;
        CHECK_FALSE(io::checked_geometry(f, "nan-ring", 2, rep));
        REQUIRE(rep.skipped.size() == 1);
        CHECK_THAT(rep.skipped[0].detail, Contains("not finite numbers"));
    }

    SECTION("a geometry collection mixing a point and a line keeps the line, reported") {
        io::RawFeature f;
        f.geometry_type = "Geometry Collection";
        f.geometry = geos::from_wkt("GEOMETRYCOLLECTION (POINT (0 0), LINESTRING (0 0, 10 0))");
        InputReport rep;
        const auto g = io::checked_geometry(f, "gc", -1, rep);
        REQUIRE(g);
        CHECK(geos::dimension(*g) == 1);
        CHECK(geos::type(*g) != geos::Type::collection);  // one geometry type per output layer
        CHECK(geos::length(*g) == Approx(10.0));
        REQUIRE(rep.repaired.size() == 1);
        CHECK_THAT(rep.repaired[0].detail, Contains("geometry collection") && Contains("kept only its lines"));
    }
}

TEST_CASE("coordinates far outside their CRS are skipped; when nothing else is left the CRS is wrong", "[io][hostile]") {
    const auto dir = test::scratch_dir("hostile-crs");

    SECTION("RD x = 10^12 is skipped, the feature beside it is read") {
        write_gpkg((dir / "far.gpkg").string(), {{"ok", "POINT (117100 487100)", nullptr, ""}, {"far", "POINT (1000000000000 487100)", nullptr, ""}});
        io::VectorSource src(spec_for((dir / "far.gpkg").string()), "EPSG:28992");
        auto rows = read_raw(src);
        REQUIRE(rows.size() == 2);
        CHECK(rows[0].geometry);
        CHECK_FALSE(rows[1].geometry);
        CHECK(rows[1].outside_crs);
        CHECK_THAT(rows[1].problem, Contains("1e+12") && Contains("far outside") && Contains("Netherlands") && Contains("EPSG:28992"));
        CHECK(src.outside_crs() == 1);
        CHECK_NOTHROW(src.require_plausible_crs(1));
    }

    SECTION("RD metres in a GeoJSON (WGS 84 degrees): an input error naming the file and the first feature") {
        const std::string path = test::write_text(dir / "rd.geojson", R"({"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [117100, 487100]}},
 {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [117300, 487300]}}]})");
        io::VectorSource src(spec_for(path), "EPSG:28992");
        auto rows = read_raw(src);
        REQUIRE(rows.size() == 2);
        CHECK_THAT(rows[0].problem, Contains("not longitude/latitude degrees"));
        CHECK(src.outside_crs() == 2);
        CHECK_THROWS_WITH(src.require_plausible_crs(0), Contains(path) && Contains("no feature is usable") && Contains("(117100, 487100)") &&
                                                            Contains("another CRS"));
    }

    SECTION("lon/lat swapped are valid degrees: read, to land outside every area (the join reports them)") {
        const std::string csv = test::write_text(dir / "swapped.csv", "id;lon;lat\ns1;52.37;4.80\n");
        SourceSpec spec = spec_for(csv, "EPSG:4326");
        spec.x_field = "lon";
        spec.y_field = "lat";
        io::VectorSource src(spec, "EPSG:28992");
        auto rows = read_raw(src);
        REQUIRE(rows.size() == 1);
        CHECK(rows[0].geometry);
    }
}

TEST_CASE("damaged and unreadable files are input errors, never a quiet end of the data", "[io][hostile]") {
    const auto dir = test::scratch_dir("hostile-files");

    SECTION("random bytes in the middle of a GeoPackage stop reading with an input error") {
        std::vector<Row> rows;
        for (int i = 0; i < 3000; ++i) {
            rows.push_back({"o" + std::to_string(i), "POINT (" + std::to_string(117000 + i % 100) + " 487100)", nullptr, std::string(120, 't')});
        }
        const std::string path = (dir / "corrupt.gpkg").string();
        write_gpkg(path, rows);
        std::string data = read_bytes(path);
        const std::size_t page = 4096;
        const std::size_t pages = data.size() / page;
        REQUIRE(pages > 150);
        // The table's pages follow GeoPackage's system tables; its middle is well inside the file's first half.
        std::mt19937 rnd(8);
        for (std::size_t p = pages * 35 / 100; p < pages * 45 / 100; ++p) {
            for (std::size_t k = 0; k < page; ++k) {
                data[p * page + k] = static_cast<char>(rnd() & 0xFF);
            }
        }
        write_bytes(path, data);
        bool threw = false;
        long long read = 0;
        try {
            io::VectorSource src(spec_for(path), "EPSG:28992");
            io::RawFeature f;
            while (src.next(f)) {
                ++read;
            }
        } catch (const input_error& e) {
            threw = true;
            CHECK_THAT(std::string(e.what()), Contains(path) && (Contains("damaged or cut short") || Contains("malformed")));
        }
        CHECK(threw);  // before the fix: exit 0 with about half the features
        CHECK(read < 3000);
    }

    SECTION("a GeoPackage geometry blob of random bytes is skipped with GDAL's reason") {
        const std::string path = (dir / "blob.gpkg").string();
        write_gpkg(path, {{"ok", "POINT (117100 487100)", nullptr, ""}, {"bad", "POINT (117200 487200)", nullptr, ""}});
        GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE));
        REQUIRE(ds);
        ds->ExecuteSQL("UPDATE obs SET geom = X'47500001DEADBEEF0102030405060708' WHERE id = 'bad'", nullptr, nullptr);
        ds.reset();
        io::VectorSource src(spec_for(path), "EPSG:28992");
        auto rows = read_raw(src);
        REQUIRE(rows.size() == 2);
        CHECK_FALSE(rows[1].geometry);
        CHECK_THAT(rows[1].problem, Contains("the geometry cannot be read"));
    }

    SECTION("a NUL byte in a CSV is refused with its line") {
        write_bytes((dir / "nul.csv").string(), std::string("id;x;y\n1;1;2\n2;gro\0en;3\n3;4;5\n", 30));
        SourceSpec spec = spec_for((dir / "nul.csv").string(), "EPSG:28992");
        spec.x_field = "x";
        spec.y_field = "y";
        CHECK_THROWS_WITH(io::VectorSource(spec, "EPSG:28992"), Contains("nul.csv") && Contains("line 3") && Contains("NUL byte"));
    }

    SECTION("an empty file, a folder, a Shapefile without its .dbf") {
        write_bytes((dir / "leeg.geojson").string(), "");
        CHECK_THROWS_WITH(io::VectorSource(spec_for((dir / "leeg.geojson").string()), "EPSG:28992"), Contains("is an empty file (0 bytes)"));
        fs::create_directories(dir / "map");
        CHECK_THROWS_WITH(io::VectorSource(spec_for((dir / "map").string()), "EPSG:28992"), Contains("is a folder"));

        gdal::initialise();
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
        const std::string shp = (dir / "punten.shp").string();
        GDALDataset* ds = drv->Create(shp.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
        OGRSpatialReference srs;
        srs.importFromEPSG(28992);
        OGRLayer* layer = ds->CreateLayer("punten", &srs, wkbPoint, nullptr);
        OGRFieldDefn id("id", OFTString);
        layer->CreateField(&id);
        OGRFeature* f = OGRFeature::CreateFeature(layer->GetLayerDefn());
        f->SetField("id", "p1");
        OGRPoint pt(117100, 487100);
        f->SetGeometry(&pt);
        REQUIRE(layer->CreateFeature(f) == OGRERR_NONE);
        OGRFeature::DestroyFeature(f);
        GDALClose(ds);
        fs::remove(dir / "punten.dbf");
        io::VectorSource src(spec_for(shp), "EPSG:28992");
        CHECK_THROWS_WITH(src.require_field("id", "id"), Contains("field 'id'") && Contains(".dbf file") && Contains("is missing"));
    }
}

TEST_CASE("text that is not UTF-8 is read as Windows-1252 and reported per feature", "[io][hostile]") {
    const auto dir = test::scratch_dir("hostile-text");
    // "Café €" and a header "één" in Windows-1252 bytes, as Excel saves "CSV" on Windows.
    write_bytes((dir / "latin1.csv").string(), "id,tekst,\xe9\xe9n,wkt\nl1,Caf\xe9 \x80,\xe9\xe9n,POINT (117100 487100)\nl2,gewoon,x,POINT (117200 487200)\n");
    const Project p = parse_project(R"(
[[observations]]
source = "latin1.csv"
wkt = "wkt"
crs = "EPSG:28992"
id = "id"
[observations.fields]
text = "tekst"
)",
                                    "t.toml", dir.string());
    Report report;
    io::ObservationReader reader(p, 0, report);
    CHECK(reader.info().fields == std::vector<std::string>{"id", "tekst", "\xc3\xa9\xc3\xa9n", "wkt"});
    Observation o;
    REQUIRE(reader.next(o));
    CHECK(o.text == "Caf\xc3\xa9 \xe2\x82\xac");  // é and the euro sign, in UTF-8
    CHECK_FALSE(o.repaired);                      // the geometry was not touched
    REQUIRE(reader.next(o));
    CHECK(o.text == "gewoon");
    CHECK_FALSE(reader.next(o));
    const InputReport& r = report.inputs[0];
    REQUIRE(r.repaired.size() == 1);
    CHECK(r.repaired[0].id == "l1");
    CHECK_THAT(r.repaired[0].detail, Contains("field 'tekst'") && Contains("Windows-1252"));
}

TEST_CASE("observation ids used twice are renamed and reported; long unknown values are cut in the report", "[io][hostile]") {
    const auto dir = test::scratch_dir("hostile-ids");
    test::write_text(dir / "obs.csv", "id,thema,wkt\na,groen,POINT (1 1)\na,groen,POINT (2 2)\nb," + std::string(1000, 'x') +
                                          ",POINT (3 3)\na,groen,POINT (4 4)\n");
    const Project p = parse_project(R"(
[[observations]]
source = "obs.csv"
wkt = "wkt"
crs = "EPSG:28992"
id = "id"
[observations.fields]
theme = "thema"
)",
                                    "t.toml", dir.string());
    Report report;
    io::ObservationReader reader(p, 0, report);
    std::vector<std::string> ids;
    Observation o;
    while (reader.next(o)) {
        ids.push_back(o.id);
    }
    CHECK(ids == std::vector<std::string>{"a", "a (2)", "b", "a (3)"});
    const InputReport& r = report.inputs[0];
    REQUIRE(r.repaired.size() == 2);
    CHECK(r.repaired[0].id == "a (2)");
    CHECK_THAT(r.repaired[0].detail, Contains("id 'a' was used by an earlier feature"));
    const auto& themes = r.unknown_values.at("theme");
    REQUIRE(themes.size() == 1);
    CHECK(themes.begin()->first.size() < 120);
    CHECK_THAT(themes.begin()->first, Contains("(1000 bytes)"));
}

TEST_CASE("an area level with no usable area is an input error", "[io][hostile]") {
    const auto dir = test::scratch_dir("hostile-areas");
    test::write_text(dir / "buurten.csv", "code,wkt\nA,\nB,\"POINT (1 1)\"\n");
    const Project p = parse_project(R"(
[areas.buurt]
source = "buurten.csv"
wkt = "wkt"
crs = "EPSG:28992"
code = "code"
)",
                                    "t.toml", dir.string());
    Report report;
    CHECK_THROWS_WITH(io::read_areas(p, report), Contains("buurten.csv") && Contains("has no usable buurt areas") && Contains("2 features read, 2 skipped") &&
                                                     Contains("first skipped: A"));
}

TEST_CASE("nothing reaches out: remote paths in any case, VRT files, HTTP inside drivers, sidecar files", "[io][hostile]") {
    const auto dir = test::scratch_dir("hostile-remote");

    SECTION("remote paths are refused whatever their case or driver prefix") {
        for (const std::string path : {"HTTP://127.0.0.1:9/a.geojson", "GeoJSON:HtTp://127.0.0.1:9/a.geojson", "/VSICURL/http://x/a.gpkg", "ftps://x/a.csv"}) {
            CHECK_THROWS_WITH(io::VectorSource(spec_for(path), "EPSG:28992"), Contains("remote sources are switched off"));
        }
    }

    SECTION("an OGR VRT file is refused: it could read any file or URL") {
        const std::string vrt = test::write_text(dir / "x.vrt", "<OGRVRTDataSource><OGRVRTLayer name=\"p\"><SrcDataSource>CSV:/etc/passwd</SrcDataSource>"
                                                                 "</OGRVRTLayer></OGRVRTDataSource>");
        CHECK_THROWS_WITH(io::VectorSource(spec_for(vrt), "EPSG:28992"), Contains("OGR VRT files are refused"));
        gdal::initialise();
        CHECK(GetGDALDriverManager()->GetDriverByName("OGR_VRT") == nullptr);
    }

    SECTION("HTTP requests GDAL makes on its own (a GeoJSON crs link) fail without a connection") {
        gdal::initialise();
        gdal::ErrorCapture capture;
        CPLHTTPResult* r = CPLHTTPFetch("http://127.0.0.1:9/crs.wkt", nullptr);
        REQUIRE(r != nullptr);
        CHECK(r->nStatus != 0);
        CHECK_THAT(std::string(r->pszErrBuf != nullptr ? r->pszErrBuf : ""), Contains("network access is switched off"));
        CPLHTTPDestroyResult(r);
    }

    SECTION("reading a GML writes no .gfs file beside it") {
        const std::string gml = test::write_text(dir / "obs.gml", R"(<?xml version="1.0" encoding="UTF-8"?>
<ogr:FeatureCollection xmlns:ogr="http://ogr.maptools.org/" xmlns:gml="http://www.opengis.net/gml">
  <gml:featureMember><ogr:obs fid="obs.0"><ogr:geometryProperty><gml:Point srsName="EPSG:28992"><gml:coordinates>117100,487100</gml:coordinates></gml:Point></ogr:geometryProperty>
  <ogr:id>ok-1</ogr:id></ogr:obs></gml:featureMember>
</ogr:FeatureCollection>
)");
        const auto before = files_in(dir);
        {
            io::VectorSource src(spec_for(gml), "EPSG:28992");
            CHECK(read_raw(src).size() == 1);
        }
        CHECK(files_in(dir) == before);
    }
}

TEST_CASE("hostile project files: a folder, numbers that do not fit, CRSs checked where they are written", "[io][hostile][project]") {
    const auto dir = test::scratch_dir("hostile-project");
    // A folder "opened" as a file read garbage sizes on Linux: std::bad_alloc, exit 10.
    CHECK_THROWS_AS(load_project(dir.string()), config_error);
    CHECK_THROWS_WITH(load_project(dir.string()), Contains("is a folder, not a project file"));

    // 1e30 converted to int was undefined behaviour; a million threads made a million join workers.
    CHECK_THROWS_WITH(parse_project("threads = 1e30\n", "p.toml", dir.string()), Contains("'threads' must be a whole number from 0 to 1024") && Contains("line 1"));
    CHECK_THROWS_WITH(parse_project("threads = 1000000\n", "p.toml", dir.string()), Contains("'threads' must be a whole number"));
    CHECK_THROWS_WITH(parse_project("threads = 2.5\n", "p.toml", dir.string()), Contains("'threads' must be a whole number"));
    CHECK(parse_project("threads = 4\n", "p.toml", dir.string()).threads == 4);
    CHECK_THROWS_WITH(parse_project("[hotspots]\nmin_features = 1e300\n", "p.toml", dir.string()), Contains("'min_features' must be a whole number"));

    // An unknown CRS names the key and the line (it used to surface only when the input was opened).
    CHECK_THROWS_WITH(parse_project("name = \"x\"\ncrs = \"EPSG:999999\"\n", "p.toml", dir.string()),
                      Contains("p.toml") && Contains("key 'crs'") && Contains("unknown CRS 'EPSG:999999'") && Contains("line 2"));
    CHECK_THROWS_WITH(parse_project("[[observations]]\nsource = \"a.csv\"\ncrs = \"nonsense\"\n", "p.toml", dir.string()),
                      Contains("[observations] #1") && Contains("key 'crs'") && Contains("line 3"));

    // The output may not be an input: by the same path, by another spelling, or through a link.
    const std::string areas = test::write_text(dir / "buurten.csv", "code,wkt\nA,\"POLYGON ((0 0, 1 0, 1 1, 0 0))\"\n");
    fs::create_symlink(dir / "buurten.csv", dir / "link.csv");
    for (const std::string& out : {areas, (dir / "." / "buurten.csv").string(), (dir / "link.csv").string()}) {
        FlagSettings s;
        s.areas = {"buurt=" + areas + ",code=code,wkt=wkt,crs=EPSG:28992"};
        s.output = out;
        s.overwrite = true;
        CHECK_THROWS_WITH(project_from_settings(s), Contains("is also an input") && Contains("buurten.csv"));
    }
    FlagSettings ok;
    ok.areas = {"buurt=" + areas + ",code=code,wkt=wkt,crs=EPSG:28992"};
    ok.output = (dir / "uit.gpkg").string();
    CHECK_NOTHROW(project_from_settings(ok));

    // Found by fuzzing: toml11 3.7 read past its buffer reporting a bad byte inside a literal string.
    const std::string latin1("[areas.buurt]\nsource = 'Caf\xe9.csv'\n");
    CHECK_THROWS_WITH(parse_project(latin1, "p.toml", dir.string()), Contains("p.toml: line 2") && Contains("not UTF-8 (byte 28)"));
    fs::create_directories(dir / "styles");
    test::write_text(dir / "styles" / "ramps.toml", "# kleuren\n[ramps.r\xe9" "d]\n");
    CHECK_THROWS_WITH(style::load_library((dir / "styles").string(), dir.string()), Contains("ramps.toml: line 2") && Contains("not UTF-8"));

    // An input's default name is its file name, which need not be UTF-8 (caf\xe9.csv from a Windows share).
    ok.observations = {(dir / "caf\xe9.csv").string() + ",crs=EPSG:4326,x=lon,y=lat"};
    CHECK(project_from_settings(ok).observations.at(0).name == "caf\xc3\xa9");
}

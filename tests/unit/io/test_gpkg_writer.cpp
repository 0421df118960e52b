// Value counts kept while rows are written (GpkgWriter::count_values) give exactly what SQLite's
// GROUP BY over the written table gives: the reference is the same rows in a layer nobody counted.
// Rows go into SQLite past OGR: values land with their field's type and OGR's conversions, geometries
// as GeoPackage blobs that OGR reads back as written (a single polygon on a multi layer as a multi).
#include <catch2/catch.hpp>
#include <ogrsf_frmts.h>
#include <sqlite3.h>

#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/gdal/gdal.hpp"
#include "engine/io/gpkg_writer.hpp"
#include "unit/support/unit_support.hpp"

using namespace buurt;

namespace {

struct Row {
    std::optional<std::string> text;
    std::optional<long long> number;
    double real;
};

void write_rows(io::GpkgWriter& w, const std::string& name, const std::vector<Row>& rows) {
    io::LayerWriter lw = w.layer(name, io::GeometryType::point, {{"t", io::FieldType::text}, {"i", io::FieldType::integer}, {"r", io::FieldType::real}}, "");
    for (const Row& row : rows) {
        if (row.text) {
            lw.set(0, *row.text);
        }
        if (row.number) {
            lw.set(1, *row.number);
        }
        lw.set(2, row.real);
        lw.set_point(row.real, 1.0);
        lw.write();
    }
}

} // namespace

TEST_CASE("counted values equal SQLite's GROUP BY over the written rows") {
    const std::vector<std::string> texts = {"water", "Water", "zorg", "éénrichting", "", "a b", "10", "9", "ß"};
    const std::vector<long long> numbers = {-1, 0, 1, 10, -20, 9, 2, 1LL << 40};
    std::vector<Row> rows;
    for (int k = 0; k < 300; ++k) {
        Row r;
        if (k % 7 != 3) {
            r.text = texts[static_cast<std::size_t>(k * k + 3 * k) % texts.size()];
        }
        if (k % 11 != 5) {
            r.number = numbers[static_cast<std::size_t>(k * 5 + k / 3) % numbers.size()];
        }
        r.real = k % 4 == 0 ? 0.5 : k * 0.25;
        rows.push_back(r);
    }
    const auto dir = test::scratch_dir("gpkg_writer_counts");
    io::GpkgWriter w((dir / "out.gpkg").string(), true, "EPSG:28992");
    for (const char* field : {"t", "i", "r"}) {
        w.count_values("counted", field);
    }
    write_rows(w, "counted", rows);
    write_rows(w, "plain", rows);
    w.count_values("plain", "t");  // too late: the rows are written, so SQL answers

    for (const char* field : {"t", "i", "r"}) {
        INFO(field);
        const auto expected = w.column_histogram("plain", field, "");
        CHECK(expected.size() > 2);
        CHECK(w.column_histogram("counted", field, "") == expected);
        CHECK(w.column_histogram("counted", field, "i > 0") == w.column_histogram("plain", field, "i > 0"));
    }
    // Hand-counted: rows with k % 7 == 3 have no text.
    const auto t = w.column_histogram("counted", "t", "");
    CHECK(t.front() == std::make_pair(std::optional<std::string>{}, 43LL));
}

TEST_CASE("values land with their field's type, converted as OGR converts them") {
    const auto dir = test::scratch_dir("gpkg_writer_values");
    const std::string path = (dir / "out.gpkg").string();
    {
        io::GpkgWriter w(path, true, "EPSG:28992");
        io::LayerWriter lw = w.layer("v", io::GeometryType::none, {{"t", io::FieldType::text}, {"i", io::FieldType::integer}, {"r", io::FieldType::real}}, "");
        lw.set(0, 0.1 + 0.2);  // hand-written expectations below
        lw.set(1, 2.7);
        lw.set(2, std::string("1.5e3"));
        lw.write();
        lw.set(0, 42LL);
        lw.set(1, std::string("12"));
        lw.set(2, 7LL);
        lw.write();
        lw.set(0, std::string("a\0b", 3));  // up to the NUL, as OGR takes a C string
        lw.set(2, std::nan(""));
        lw.write();
        w.commit();
    }
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT quote(t), typeof(t), quote(i), typeof(i), quote(r), typeof(r) FROM v ORDER BY fid", -1, &st, nullptr) == SQLITE_OK);
    std::vector<std::string> rows;
    while (sqlite3_step(st) == SQLITE_ROW) {
        std::string row;
        for (int c = 0; c < 6; ++c) {
            row += std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, c))) + (c < 5 ? " " : "");
        }
        rows.push_back(row);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    CHECK(rows == std::vector<std::string>{"'0.3' text 2 integer 1500.0 real", "'42' text 12 integer 7.0 real", "'a' text NULL null NULL null"});
}

TEST_CASE("geometries as GeoPackage blobs: OGR reads back what was written") {
    const auto dir = test::scratch_dir("gpkg_writer_geometry");
    const std::string path = (dir / "out.gpkg").string();
    const char* polygon = "POLYGON ((0 0, 10 0, 10 5, 0 5, 0 0))";
    {
        io::GpkgWriter w(path, true, "EPSG:28992");
        io::LayerWriter multi = w.layer("multi", io::GeometryType::multi_polygon, {{"n", io::FieldType::integer}}, "");
        multi.set_geometry(geos::from_wkt(polygon));
        multi.write();
        multi.set_geometry(geos::from_wkt("MULTIPOLYGON (((20 20, 30 20, 30 30, 20 20)), ((40 40, 50 40, 50 50, 40 40)))"));
        multi.write();
        multi.set_geometry(geos::from_wkt("GEOMETRYCOLLECTION (POLYGON ((1 1, 2 1, 2 2, 1 1)))"));
        multi.write();
        multi.set(0, 7LL);  // no geometry: NULL
        multi.write();
        multi.set_geometry(geos::from_wkt("POLYGON EMPTY"));
        multi.write();
        io::LayerWriter points = w.layer("points", io::GeometryType::point, {}, "");
        points.set_point(121000.25, 487000.5);
        points.write();
        w.commit();
    }
    gdal::initialise();
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    REQUIRE(ds);
    OGRLayer* layer = ds->GetLayerByName("multi");
    REQUIRE(layer != nullptr);
    std::vector<std::string> wkt;
    for (auto& f : *layer) {
        const OGRGeometry* g = f->GetGeometryRef();
        wkt.push_back(g == nullptr ? "NULL" : g->exportToWkt());
    }
    CHECK(wkt == std::vector<std::string>{"MULTIPOLYGON (((0 0,10 0,10 5,0 5,0 0)))", "MULTIPOLYGON (((20 20,30 20,30 30,20 20)),((40 40,50 40,50 50,40 40)))",
                                          "MULTIPOLYGON (((1 1,2 1,2 2,1 1)))", "NULL", "MULTIPOLYGON EMPTY"});
    CHECK(layer->GetFeatureCount(FALSE) == 5);
    OGRLayer* pts = ds->GetLayerByName("points");
    REQUIRE(pts != nullptr);
    OGRFeatureUniquePtr p(pts->GetNextFeature());
    REQUIRE(p);
    CHECK(p->GetGeometryRef()->exportToWkt() == "POINT (121000.25 487000.5)");
    CHECK(pts->GetSpatialRef() != nullptr);
    CHECK(std::string(pts->GetSpatialRef()->GetAuthorityCode(nullptr)) == "28992");
    ds.reset();

    // The blobs by hand (GeoPackage 1.2, 2.1.3): the polygon with its envelope, the point without one.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    auto blob = [&](const char* sql) {
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK);
        REQUIRE(sqlite3_step(st) == SQLITE_ROW);
        const auto* b = static_cast<const unsigned char*>(sqlite3_column_blob(st, 0));
        std::vector<unsigned char> out(b, b + sqlite3_column_bytes(st, 0));
        sqlite3_finalize(st);
        return out;
    };
    const auto srs = blob("SELECT CAST(srs_id AS BLOB) FROM gpkg_geometry_columns WHERE table_name = 'multi'");
    const auto poly = blob("SELECT geom FROM multi WHERE fid = 1");
    REQUIRE(poly.size() > 40);
    CHECK(std::string(poly.begin(), poly.begin() + 2) == "GP");
    CHECK(poly[2] == 0);
    CHECK(poly[3] == 0x03);  // little-endian, envelope [min x, max x, min y, max y]
    std::int32_t srs_id = 0;
    std::memcpy(&srs_id, poly.data() + 4, 4);
    CHECK(std::to_string(srs_id) == std::string(srs.begin(), srs.end()));
    double env[4];
    std::memcpy(env, poly.data() + 8, sizeof env);
    CHECK(env[0] == 0);
    CHECK(env[1] == 10);
    CHECK(env[2] == 0);
    CHECK(env[3] == 5);
    const auto point = blob("SELECT geom FROM points");
    CHECK(point.size() == 8 + 21);
    CHECK(point[3] == 0x01);
    const auto empty = blob("SELECT geom FROM multi WHERE fid = 5");
    CHECK((empty[3] & 0x10) != 0);  // the empty flag
    sqlite3_close(db);
}

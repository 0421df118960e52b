// The packed spatial index (io/gpkg_rtree.*) is an ordinary SQLite R*Tree: SQLite's own rtreecheck()
// finds nothing wrong, a window query on it returns exactly the boxes a brute-force scan in the test
// finds, GDAL's spatial filter uses it, GDAL's triggers keep it right through later edits, and those
// triggers are word for word the ones GDAL's CreateSpatialIndex makes.
#include <catch2/catch.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine/gdal/gdal.hpp"
#include "engine/geos/geos.hpp"
#include "engine/io/gpkg_writer.hpp"
#include "unit/support/unit_support.hpp"

using namespace buurt;

namespace {

struct Box {
    long long fid;
    int min_x, min_y, max_x, max_y;  // integers: exact as the R*Tree's floats, so no rounding blurs the answer
};

// Rectangles and points (every fifth) at integer coordinates, plus a row without geometry and one
// with an empty geometry, neither of which may be indexed.
std::vector<Box> write_boxes(const std::string& path, int n, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> at(0, 100000), size(0, 800);
    io::GpkgWriter w(path, true, "EPSG:28992");
    io::LayerWriter lw = w.layer("boxes", io::GeometryType::any, {{"n", io::FieldType::integer}}, "");
    std::vector<Box> boxes;
    long long fid = 0;
    for (int i = 0; i < n; ++i) {
        Box b{++fid, at(rng), at(rng), 0, 0};
        if (i % 5 == 0) {
            b.max_x = b.min_x;
            b.max_y = b.min_y;
            lw.set_geometry(geos::point(b.min_x, b.min_y));
        } else {
            b.max_x = b.min_x + 1 + size(rng);
            b.max_y = b.min_y + 1 + size(rng);
            lw.set_geometry(geos::polygon_from_envelope({double(b.min_x), double(b.min_y), double(b.max_x), double(b.max_y)}));
        }
        lw.set(0, static_cast<long long>(i));
        lw.write();
        boxes.push_back(b);
        if (i == n / 2) {
            lw.set(0, -1LL);  // no geometry
            lw.write();
            lw.set_geometry(geos::from_wkt("POINT EMPTY"));
            lw.write();
            fid += 2;
        }
    }
    w.commit();
    return boxes;
}

std::vector<std::string> column_text(GDALDataset& ds, const std::string& sql) {
    OGRLayer* result = ds.ExecuteSQL(sql.c_str(), nullptr, "SQLITE");
    REQUIRE(result != nullptr);
    std::vector<std::string> out;
    for (OGRFeatureUniquePtr f(result->GetNextFeature()); f; f.reset(result->GetNextFeature())) {
        out.emplace_back(f->GetFieldAsString(0));
    }
    ds.ReleaseResultSet(result);
    return out;
}

std::set<long long> index_hits(GDALDataset& ds, int x1, int y1, int x2, int y2) {
    const std::string sql = "SELECT id FROM rtree_boxes_geom WHERE minx <= " + std::to_string(x2) + " AND maxx >= " + std::to_string(x1) +
                            " AND miny <= " + std::to_string(y2) + " AND maxy >= " + std::to_string(y1);
    std::set<long long> out;
    for (const auto& id : column_text(ds, sql)) {
        out.insert(std::stoll(id));
    }
    return out;
}

GDALDatasetUniquePtr open(const std::string& path, bool update) {
    gdal::initialise();
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | (update ? GDAL_OF_UPDATE : GDAL_OF_READONLY)));
    REQUIRE(ds);
    return ds;
}

} // namespace

TEST_CASE("the packed spatial index answers window queries like a scan of the boxes") {
    // 0 rows; a root that is a leaf; exactly one full node; two leaves; three levels; many.
    const int n = GENERATE(0, 1, 51, 52, 2602, 30000);
    const auto dir = test::scratch_dir("gpkg_rtree");
    const std::string path = (dir / "boxes.gpkg").string();
    const std::vector<Box> boxes = write_boxes(path, n, static_cast<unsigned>(n) + 7);

    GDALDatasetUniquePtr ds = open(path, false);
    CHECK(column_text(*ds, "SELECT rtreecheck('rtree_boxes_geom')") == std::vector<std::string>{"ok"});
    CHECK(column_text(*ds, "SELECT count(*) FROM rtree_boxes_geom") == std::vector<std::string>{std::to_string(n)});
    CHECK(column_text(*ds, "SELECT scope FROM gpkg_extensions WHERE table_name = 'boxes' AND column_name = 'geom' AND extension_name = "
                           "'gpkg_rtree_index'") == std::vector<std::string>{"write-only"});

    std::mt19937 rng(42);
    std::uniform_int_distribution<int> at(-2000, 102000), size(0, 20000);
    OGRLayer* layer = ds->GetLayerByName("boxes");
    REQUIRE(layer != nullptr);
    for (int q = 0; q < 40; ++q) {
        const int x1 = at(rng), y1 = at(rng), x2 = x1 + size(rng), y2 = y1 + size(rng);
        std::set<long long> expected;
        for (const Box& b : boxes) {
            if (b.min_x <= x2 && b.max_x >= x1 && b.min_y <= y2 && b.max_y >= y1) {
                expected.insert(b.fid);
            }
        }
        CHECK(index_hits(*ds, x1, y1, x2, y2) == expected);
        layer->SetSpatialFilterRect(x1, y1, x2, y2);
        CHECK(layer->GetFeatureCount(TRUE) == static_cast<GIntBig>(expected.size()));
    }
}

TEST_CASE("the packed spatial index stays right through edits made by GDAL's triggers") {
    const auto dir = test::scratch_dir("gpkg_rtree_edit");
    const std::string path = (dir / "boxes.gpkg").string();
    write_boxes(path, 3000, 3);
    {
        GDALDatasetUniquePtr ds = open(path, true);
        OGRLayer* layer = ds->GetLayerByName("boxes");
        REQUIRE(layer != nullptr);
        OGRFeatureUniquePtr added(OGRFeature::CreateFeature(layer->GetLayerDefn()));
        added->SetGeometryDirectly(new OGRPoint(500000, 500000));
        REQUIRE(layer->CreateFeature(added.get()) == OGRERR_NONE);
        REQUIRE(layer->DeleteFeature(1) == OGRERR_NONE);
        OGRFeatureUniquePtr moved(layer->GetFeature(2));
        REQUIRE(moved);
        moved->SetGeometryDirectly(new OGRPoint(600000, 600000));
        REQUIRE(layer->SetFeature(moved.get()) == OGRERR_NONE);
        CHECK(index_hits(*ds, 499999, 499999, 500001, 500001) == std::set<long long>{added->GetFID()});
        CHECK(index_hits(*ds, 599999, 599999, 600001, 600001) == std::set<long long>{2});
        CHECK(column_text(*ds, "SELECT count(*) FROM rtree_boxes_geom WHERE id IN (1, 2)") == std::vector<std::string>{"1"});
        CHECK(column_text(*ds, "SELECT count(*) FROM rtree_boxes_geom") == std::vector<std::string>{"3000"});
        CHECK(column_text(*ds, "SELECT rtreecheck('rtree_boxes_geom')") == std::vector<std::string>{"ok"});
    }
}

TEST_CASE("the packed spatial index has the triggers GDAL's CreateSpatialIndex makes") {
    const auto dir = test::scratch_dir("gpkg_rtree_triggers");
    const std::string ours = (dir / "ours.gpkg").string();
    const std::string gdals = (dir / "gdal.gpkg").string();
    write_boxes(ours, 10, 1);
    {
        gdal::initialise();
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
        GDALDatasetUniquePtr ds(drv->Create(gdals.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
        REQUIRE(ds);
        OGRSpatialReference srs;
        srs.importFromEPSG(28992);
        const char* options[] = {"SPATIAL_INDEX=YES", "GEOMETRY_NAME=geom", "FID=fid", nullptr};
        OGRLayer* layer = ds->CreateLayer("boxes", &srs, wkbUnknown, const_cast<char**>(options));
        REQUIRE(layer != nullptr);
        OGRFeatureUniquePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
        f->SetGeometryDirectly(new OGRPoint(1, 2));
        REQUIRE(layer->CreateFeature(f.get()) == OGRERR_NONE);
    }
    const std::string sql = "SELECT name || ': ' || sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rtree%' ORDER BY name";
    const std::vector<std::string> expected = column_text(*open(gdals, false), sql);
    CHECK(expected.size() == 6);
    CHECK(column_text(*open(ours, false), sql) == expected);
}

// GeoPackage layers read through GDAL's Arrow stream give exactly what OGR's own features give: the
// reference here is OGRLayer::GetNextFeature with GetFieldAsString, read in the test itself.
#include <catch2/catch.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "engine/gdal/gdal.hpp"
#include "engine/geos/geos.hpp"
#include "engine/io/arrow_rows.hpp"
#include "engine/io/vector_source.hpp"
#include "unit/support/unit_support.hpp"

using namespace buurt;

namespace {

struct Row {
    const char* text;  // nullptr: NULL
    const int* small;
    const long long* big;
    double real;
    const char* wkt;  // nullptr: no geometry; "" : POINT EMPTY
};

// Fields t (text), i (32-bit), big (64-bit), r (real); geometry of any type, EPSG:28992.
void write_gpkg(const std::string& path, const std::vector<Row>& rows) {
    gdal::initialise();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    REQUIRE(drv != nullptr);
    std::unique_ptr<GDALDataset> ds(drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    REQUIRE(ds);
    OGRSpatialReference srs;
    srs.importFromEPSG(28992);
    OGRLayer* layer = ds->CreateLayer("obs", &srs, wkbUnknown, nullptr);
    REQUIRE(layer != nullptr);
    for (const auto& [name, type] : std::vector<std::pair<const char*, OGRFieldType>>{{"t", OFTString}, {"i", OFTInteger}, {"big", OFTInteger64}, {"r", OFTReal}}) {
        OGRFieldDefn defn(name, type);
        REQUIRE(layer->CreateField(&defn) == OGRERR_NONE);
    }
    for (const Row& r : rows) {
        OGRFeatureUniquePtr f(OGRFeature::CreateFeature(layer->GetLayerDefn()));
        r.text ? f->SetField(0, r.text) : f->SetFieldNull(0);
        r.small ? f->SetField(1, *r.small) : f->SetFieldNull(1);
        r.big ? f->SetField(2, static_cast<GIntBig>(*r.big)) : f->SetFieldNull(2);
        f->SetField(3, r.real);
        if (r.wkt != nullptr) {
            OGRGeometry* g = nullptr;
            if (r.wkt[0] == '\0') {
                g = new OGRPoint();
            } else {
                REQUIRE(OGRGeometryFactory::createFromWkt(r.wkt, nullptr, &g) == OGRERR_NONE);
            }
            f->SetGeometryDirectly(g);
        }
        REQUIRE(layer->CreateFeature(f.get()) == OGRERR_NONE);
    }
}

struct Expected {
    long long fid;
    std::vector<bool> null;
    std::vector<std::string> values;
};

// What OGR's features say, for the fields `wanted` (1) of the layer.
std::vector<Expected> by_features(const std::string& path, const std::vector<char>& wanted) {
    GDALDatasetUniquePtr ds = gdal::open_vector(path, {});
    OGRLayer* layer = ds->GetLayer(0);
    std::vector<Expected> out;
    OGRFeatureUniquePtr f;
    while ((f = OGRFeatureUniquePtr(layer->GetNextFeature()))) {
        Expected e{f->GetFID(), {}, {}};
        for (int i = 0; i < f->GetFieldCount(); ++i) {
            const bool null = wanted[i] == 0 || !f->IsFieldSetAndNotNull(i);
            e.null.push_back(null);
            e.values.emplace_back(null ? "" : f->GetFieldAsString(i));
        }
        out.push_back(std::move(e));
    }
    return out;
}

} // namespace

TEST_CASE("GeoPackage rows through the Arrow stream equal OGR's features", "[io][arrow]") {
    const auto dir = test::scratch_dir("arrow-rows");
    const std::string path = (dir / "obs.gpkg").string();
    const int seven = 7, minus = -2147483647;
    const long long large = 9007199254740993LL, negative = -5;
    write_gpkg(path, {
                         {"groen", &seven, &large, 1.5, "POINT (120000.25 487000.5)"},
                         {nullptr, nullptr, nullptr, 0.1, "POINT Z (120001 487001 3)"},
                         {"", &minus, &negative, -2, ""},                     // empty text, POINT EMPTY
                         {"café ☕", &seven, &large, 3, nullptr},              // no geometry
                         {"vlak", &seven, &large, 4, "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))"},
                         {"veel", &seven, &large, 5, "MULTIPOINT ((1 1), (2 2))"},
                         {"ver", &seven, &large, 6, "POINT (9000000 9000000)"},  // far outside RD New's area
                     });

    SECTION("the stream serves text and integer fields, not reals") {
        GDALDatasetUniquePtr ds = gdal::open_vector(path, {});
        OGRLayer* layer = ds->GetLayer(0);
        CHECK(io::ArrowRows::open(*layer, {1, 1, 1, 0}) != nullptr);
        CHECK(io::ArrowRows::open(*layer, {1, 0, 0, 1}) == nullptr);
        CHECK(io::ArrowRows::open(*layer, {}) == nullptr);  // all fields, the real among them
    }

    // The first reads through the stream, the second feature by feature: both must match the reference.
    for (const std::vector<int>& fields : {std::vector<int>{0, 1, 2}, std::vector<int>{0, 1, 2, 3}}) {
        INFO("fields read: " << fields.size());
        std::vector<char> wanted(4, 0);
        for (const int i : fields) {
            wanted[static_cast<std::size_t>(i)] = 1;
        }
        const std::vector<Expected> want = by_features(path, wanted);
        REQUIRE(want.size() == 7);
        SourceSpec spec;
        spec.path = path;
        io::VectorSource src(spec, "EPSG:28992");
        src.read_only(fields);
        src.points_as_xy();
        io::RawFeature f;
        for (std::size_t k = 0; k < want.size(); ++k) {
            INFO("feature " << k);
            REQUIRE(src.next(f));
            CHECK(f.fid == want[k].fid);
            CHECK(f.null == want[k].null);
            CHECK(f.values == want[k].values);
            CHECK(f.repairs.empty());
            switch (k) {
                case 0:
                case 1:  // Z dropped
                    REQUIRE(f.is_point);
                    CHECK(f.x == 120000.25 + static_cast<double>(k) * 0.75);
                    CHECK(f.y == 487000.5 + static_cast<double>(k) * 0.5);
                    CHECK(f.geometry_type == "Point");
                    break;
                case 2:
                    CHECK_FALSE(f.is_point);
                    CHECK_FALSE(f.geometry);
                    CHECK(f.problem == "empty geometry");
                    break;
                case 3:
                    CHECK_FALSE(f.geometry);
                    CHECK(f.geometry_type == "none");
                    CHECK(f.problem == "no geometry");
                    break;
                case 4:
                    REQUIRE(f.geometry);
                    CHECK(geos::area(*f.geometry) == 100.0);
                    break;
                case 5:
                    REQUIRE(f.geometry);
                    CHECK(geos::num_geometries(*f.geometry) == 2);
                    break;
                default:
                    CHECK(f.outside_crs);
                    CHECK_FALSE(f.is_point);
                    break;
            }
        }
        CHECK_FALSE(src.next(f));
    }
}

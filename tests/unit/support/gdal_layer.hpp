#pragma once
// Writing a small vector layer with the GDAL C++ API, for the reader tests: text fields and a WKT
// geometry per row, in the format a driver name says.

#include <catch2/catch.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <string>
#include <vector>

#include "engine/gdal/gdal.hpp"

namespace buurt::test {

// Each row holds one value per field, then the geometry as WKT. epsg 0: the layer declares no CRS.
inline void write_layer(const std::string& driver, const std::string& path, const std::string& name, int epsg, OGRwkbGeometryType type,
                        const std::vector<std::string>& fields, const std::vector<std::vector<std::string>>& rows) {
    gdal::initialise();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(driver.c_str());
    REQUIRE(drv != nullptr);
    GDALDataset* ds = drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    REQUIRE(ds != nullptr);
    OGRSpatialReference srs;
    srs.importFromEPSG(epsg > 0 ? epsg : 28992);
    OGRLayer* layer = ds->CreateLayer(name.c_str(), epsg > 0 ? &srs : nullptr, type, nullptr);
    REQUIRE(layer != nullptr);
    for (const auto& f : fields) {
        OGRFieldDefn defn(f.c_str(), OFTString);
        REQUIRE(layer->CreateField(&defn) == OGRERR_NONE);
    }
    for (const auto& row : rows) {
        REQUIRE(row.size() == fields.size() + 1);
        OGRFeature* f = OGRFeature::CreateFeature(layer->GetLayerDefn());
        for (std::size_t i = 0; i < fields.size(); ++i) {
            f->SetField(fields[i].c_str(), row[i].c_str());
        }
        OGRGeometry* g = nullptr;
        REQUIRE(OGRGeometryFactory::createFromWkt(row.back().c_str(), nullptr, &g) == OGRERR_NONE);
        f->SetGeometryDirectly(g);
        REQUIRE(layer->CreateFeature(f) == OGRERR_NONE);
        OGRFeature::DestroyFeature(f);
    }
    GDALClose(ds);
}

} // namespace buurt::test

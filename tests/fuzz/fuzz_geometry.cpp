// libFuzzer target: geometry ingestion. The first byte picks the path: a GeoJSON document read through
// GDAL like any observation input, or WKB straight into GEOS; both then go through the same checks
// (finite coordinates, validity, MakeValid repair) that every input feature gets.

#include <cpl_vsi.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/core/error.hpp"
#include "engine/io/geometry_check.hpp"
#include "engine/io/vector_source.hpp"

namespace {

void check_all(buurt::io::VectorSource& src, buurt::InputReport& report) {
    buurt::io::RawFeature f;
    while (src.next(f)) {
        buurt::io::checked_geometry(f, "fuzz", -1, report);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    buurt::InputReport report;
    try {
        if (data[0] % 2 == 0) {
            const std::string path = "/vsimem/fuzz.geojson";
            VSILFILE* fp = VSIFileFromMemBuffer(path.c_str(), const_cast<GByte*>(data + 1), size - 1, FALSE);
            VSIFCloseL(fp);
            buurt::SourceSpec spec;
            spec.path = path;
            spec.crs = "EPSG:4326";
            try {
                buurt::io::VectorSource src(spec, "EPSG:28992");
                check_all(src, report);
            } catch (const buurt::error&) {
            }
            VSIUnlink(path.c_str());
        } else {
            buurt::io::RawFeature f;
            f.geometry_type = "wkb";
            f.geometry = buurt::geos::from_wkb(data + 1, size - 1);
            buurt::io::checked_geometry(f, "fuzz", -1, report);
        }
    } catch (const buurt::error&) {
    }
    return 0;
}

#pragma once
// The one place that talks to GDAL/OGR directly (with io/). GDAL's own RAII types are used for
// datasets, features and geometries; errors are collected per call and turned into exceptions.

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <memory>
#include <string>
#include <vector>

namespace buurt::gdal {

// Registers drivers once and switches off everything that could reach the network.
void initialise();

// Collects GDAL's errors and warnings while alive, instead of letting GDAL print them.
class ErrorCapture {
public:
    ErrorCapture();
    ~ErrorCapture();
    ErrorCapture(const ErrorCapture&) = delete;
    ErrorCapture& operator=(const ErrorCapture&) = delete;

    const std::vector<std::string>& errors() const { return m_errors; }
    const std::vector<std::string>& warnings() const { return m_warnings; }
    std::string last_error() const { return m_errors.empty() ? std::string("unknown GDAL error") : m_errors.back(); }

private:
    static void CPL_STDCALL handler(CPLErr level, CPLErrorNum no, const char* message);
    std::vector<std::string> m_errors;
    std::vector<std::string> m_warnings;
};

// Opens read-only. Refuses remote sources and OGR VRT files; a failure is an input_error naming the
// path. `said` (optional) receives what GDAL reported while opening a dataset it did open.
GDALDatasetUniquePtr open_vector(const std::string& path, const std::vector<std::string>& open_options,
                                 std::vector<std::string>* said = nullptr);

struct CoordinateTransformDeleter {
    void operator()(OGRCoordinateTransformation* ct) const noexcept { OGRCoordinateTransformation::DestroyCT(ct); }
};
using CoordinateTransformPtr = std::unique_ptr<OGRCoordinateTransformation, CoordinateTransformDeleter>;

// A CRS from user text ("EPSG:28992", WKT, PROJ string) with x = easting/longitude axis order.
OGRSpatialReference srs_from_user(const std::string& text);
std::string srs_label(const OGRSpatialReference& srs);  // "EPSG:28992 (Amersfoort / RD New)"

} // namespace buurt::gdal

#include "engine/gdal/gdal.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>

#include <mutex>

#include "engine/core/error.hpp"

namespace buurt::gdal {

void initialise() {
    static std::once_flag once;
    std::call_once(once, [] {
        // Nothing an input says may make us fetch from the network (issue: no reaching out).
        CPLSetConfigOption("GDAL_HTTP_TIMEOUT", "1");
        CPLSetConfigOption("CPL_VSIL_CURL_ALLOWED_EXTENSIONS", "none");
        CPLSetConfigOption("GDAL_DISABLE_READDIR_ON_OPEN", "EMPTY_DIR");
        CPLSetConfigOption("OSR_USE_NON_DEPRECATED", "NO");
        CPLSetConfigOption("PROJ_NETWORK", "OFF");
        GDALAllRegister();
    });
}

ErrorCapture::ErrorCapture() { CPLPushErrorHandlerEx(&ErrorCapture::handler, this); }
ErrorCapture::~ErrorCapture() { CPLPopErrorHandler(); }

void CPL_STDCALL ErrorCapture::handler(CPLErr level, CPLErrorNum, const char* message) {
    auto* self = static_cast<ErrorCapture*>(CPLGetErrorHandlerUserData());
    if (level >= CE_Failure) {
        self->m_errors.emplace_back(message);
    } else if (level == CE_Warning) {
        self->m_warnings.emplace_back(message);
    }
}

GDALDatasetUniquePtr open_vector(const std::string& path, const std::vector<std::string>& open_options) {
    initialise();
    for (const char* remote : {"/vsicurl", "/vsis3", "/vsigs", "/vsiaz", "/vsioss", "/vsiswift", "/vsiadls", "/vsihdfs", "/vsiwebhdfs", "http://", "https://", "ftp://"}) {
        if (path.find(remote) != std::string::npos) {
            throw input_error({path, "", "", ""}, "remote sources are switched off: the engine reads only local files and databases");
        }
    }
    CPLStringList options;
    for (const auto& o : open_options) {
        options.AddString(o.c_str());
    }
    ErrorCapture capture;
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR,
                                              nullptr, options.List(), nullptr));
    if (!ds) {
        throw input_error({path, "", "", ""}, "cannot open as a vector dataset: " + capture.last_error());
    }
    return ds;
}

OGRSpatialReference srs_from_user(const std::string& text) {
    OGRSpatialReference srs;
    if (srs.SetFromUserInput(text.c_str(), OGRSpatialReference::SET_FROM_USER_INPUT_LIMITATIONS) != OGRERR_NONE) {
        throw config_error("unknown CRS '" + text + "' (use e.g. EPSG:28992 or EPSG:4326)");
    }
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

std::string srs_label(const OGRSpatialReference& srs) {
    std::string out;
    const char* auth = srs.GetAuthorityName(nullptr);
    const char* code = srs.GetAuthorityCode(nullptr);
    if (auth != nullptr && code != nullptr) {
        out = std::string(auth) + ":" + code;
    }
    const char* name = srs.GetName();
    if (name != nullptr) {
        out += out.empty() ? name : std::string(" (") + name + ")";
    }
    return out.empty() ? std::string("unnamed CRS") : out;
}

} // namespace buurt::gdal

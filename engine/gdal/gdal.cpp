#include "engine/gdal/gdal.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_http.h>
#include <cpl_vsi.h>

#include <algorithm>
#include <cctype>
#include <mutex>

#include "engine/core/conninfo.hpp"
#include "engine/core/error.hpp"
#include "engine/sqlite/sqlite.hpp"

namespace buurt::gdal {

namespace {

// Drivers whose files name other files, URLs or programs to read: an OGR VRT can point at any local
// file (/etc/passwd as CSV) or at /vsicurl/; GPSBabel runs an external program.
constexpr const char* refused_drivers[] = {"OGR_VRT", "GPSBabel"};

// Every HTTP request GDAL makes through CPLHTTPFetch (GeoJSON "crs" links, remote XML schemas, WFS...)
// ends here and fails: the engine reads local files and databases only.
CPLHTTPResult* refuse_http(const char* url, CSLConstList, GDALProgressFunc, void*, CPLHTTPFetchWriteFunc, void*, void*) {
    auto* result = static_cast<CPLHTTPResult*>(CPLCalloc(1, sizeof(CPLHTTPResult)));
    result->nStatus = 1;
    const std::string message = std::string("network access is switched off (refused ") + (url != nullptr ? url : "a URL") + ")";
    result->pszErrBuf = CPLStrdup(message.c_str());
    CPLError(CE_Failure, CPLE_AppDefined, "%s", message.c_str());
    return result;
}

// Drivers that connect to a server. A database is read only when the project names it with an explicit
// "PG:" connection string; no file or other spelling may make the engine connect anywhere.
constexpr const char* server_drivers[] = {"PostgreSQL", "MySQL", "OCI", "MSSQLSpatial", "ODBC", "HANA", "MongoDBv3", "Elasticsearch",
                                          "CouchDB", "WFS", "OAPIF", "CARTO", "AmigoCloud", "NGW", "PLScenes", "EEDA", "GPSBabel"};

// GDAL's messages about a connection span lines ("connection to server ... failed:\n\tIs the server
// running..."); a report line is one line.
std::string one_line(std::string s) {
    for (char& c : s) {
        if (c == '\n' || c == '\t' || c == '\r') {
            c = ' ';
        }
    }
    std::string out;
    for (const char c : s) {
        if (!(c == ' ' && !out.empty() && out.back() == ' ')) {
            out += c;
        }
    }
    while (!out.empty() && out.back() == ' ') {
        out.pop_back();
    }
    return out;
}

GDALDatasetUniquePtr open_postgresql(const std::string& path) {
    ErrorCapture capture;
    const char* const allowed[] = {"PostgreSQL", nullptr};
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR, allowed, nullptr, nullptr));
    if (!ds) {
        throw input_error({path, "", "", ""}, "cannot connect to the database: " + one_line(capture.last_error()));
    }
    return ds;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// The first bytes of a local file ("" when it cannot be read).
std::string file_head(const std::string& path, std::size_t n) {
    VSILFILE* fp = VSIFOpenL(path.c_str(), "rb");
    if (fp == nullptr) {
        return {};
    }
    std::string head(n, '\0');
    head.resize(VSIFReadL(head.data(), 1, n, fp));
    VSIFCloseL(fp);
    return head;
}

} // namespace

void initialise() {
    static std::once_flag once;
    std::call_once(once, [] {
        // Nothing an input says may make us fetch from the network (issue 8: no reaching out).
        CPLSetConfigOption("GDAL_HTTP_TIMEOUT", "1");
        CPLSetConfigOption("CPL_VSIL_CURL_ALLOWED_EXTENSIONS", "none");
        CPLSetConfigOption("GDAL_DISABLE_READDIR_ON_OPEN", "EMPTY_DIR");
        CPLSetConfigOption("OSR_USE_NON_DEPRECATED", "NO");
        CPLSetConfigOption("PROJ_NETWORK", "OFF");
        CPLSetConfigOption("GML_DOWNLOAD_WFS_SCHEMA", "NO");
        CPLSetConfigOption("GDAL_PAM_ENABLED", "NO");  // no .aux.xml beside inputs
        CPLSetConfigOption("GDAL_SKIP", "OGR_VRT GPSBabel");
        CPLHTTPSetFetchCallback(&refuse_http, nullptr);
        sqlite::configure_process();  // before GDAL opens any SQLite file
        GDALAllRegister();
        // GDAL_SKIP only works before the first GDALAllRegister; someone may have called it already.
        GDALDriverManager* drivers = GetGDALDriverManager();
        for (const char* name : refused_drivers) {
            if (GDALDriver* d = drivers->GetDriverByName(name); d != nullptr) {
                drivers->DeregisterDriver(d);
                delete d;
            }
        }
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

GDALDatasetUniquePtr open_vector(const std::string& path, const std::vector<std::string>& open_options, std::vector<std::string>* said) {
    initialise();
    // Case does not matter to GDAL's drivers ("HTTP://", "GeoJSON:HtTp://"), so it does not matter here.
    const std::string lowered = lower(path);
    for (const char* remote : {"/vsicurl", "/vsis3", "/vsigs", "/vsiaz", "/vsioss", "/vsiswift", "/vsiadls", "/vsihdfs", "/vsiwebhdfs",
                               "http://", "https://", "ftp://", "ftps://"}) {
        if (lowered.find(remote) != std::string::npos) {
            throw input_error({path, "", "", ""}, "remote sources are switched off: the engine reads only local files and databases");
        }
    }
    if (is_pg_source(path)) {
        return open_postgresql(path);
    }
    if (GDALDriverH d = GDALIdentifyDriverEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr); d != nullptr) {
        const std::string name = GDALGetDescription(d);
        for (const char* server : server_drivers) {
            if (name == server) {
                throw input_error({path, "", "", ""}, "is a connection to a server (" + name +
                                                          "); the engine connects only to PostgreSQL, named as PG:host=... dbname=...");
            }
        }
    }
    const std::string head = file_head(path, 1024);
    if (lower(head).find("<ogrvrtdatasource") != std::string::npos) {
        throw input_error({path, "", "", ""}, "OGR VRT files are refused: a VRT can make the engine read other files or the network; "
                                              "give the file the VRT points at instead");
    }
    CPLStringList options;
    for (const auto& o : open_options) {
        options.AddString(o.c_str());
    }
    // Inputs are never written to, nor anything beside them: GDAL's GML reader would save the schema it
    // guessed as a .gfs file next to the input.
    if (GDALDriverH d = GDALIdentifyDriverEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr);
        d != nullptr && std::string(GDALGetDescription(d)) == "GML") {
        options.SetNameValue("WRITE_GFS", "NO");
    }
    ErrorCapture capture;
    GDALDatasetUniquePtr ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR,
                                              nullptr, options.List(), nullptr));
    if (!ds) {
        VSIStatBufL st;
        if (VSIStatL(path.c_str(), &st) == 0 && VSI_ISDIR(st.st_mode)) {
            throw input_error({path, "", "", ""}, "is a folder that GDAL cannot read as a vector dataset; give the file itself");
        }
        if (VSIStatL(path.c_str(), &st) == 0 && VSI_ISREG(st.st_mode) && st.st_size == 0) {
            throw input_error({path, "", "", ""}, "is an empty file (0 bytes)");
        }
        throw input_error({path, "", "", ""}, "cannot open as a vector dataset: " + capture.last_error());
    }
    if (said != nullptr) {
        said->insert(said->end(), capture.errors().begin(), capture.errors().end());
        said->insert(said->end(), capture.warnings().begin(), capture.warnings().end());
    }
    return ds;
}

OGRSpatialReference srs_from_user(const std::string& text) {
    initialise();
    OGRSpatialReference srs;
    ErrorCapture capture;  // PROJ's "crs not found" goes into the message below, not to the terminal
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

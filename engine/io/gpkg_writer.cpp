#include "engine/io/gpkg_writer.hpp"

#include <fcntl.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <map>
#include <string_view>

#include "engine/core/error.hpp"
#include "engine/core/interrupt.hpp"
#include "engine/gdal/gdal.hpp"
#include "engine/io/gpkg_rtree.hpp"
#include "engine/sqlite/sqlite.hpp"

namespace fs = std::filesystem;

namespace buurt::io {

namespace {

constexpr long long rows_per_transaction = 100000;

OGRwkbGeometryType ogr_type(GeometryType t) {
    switch (t) {
        case GeometryType::none: return wkbNone;
        case GeometryType::point: return wkbPoint;
        case GeometryType::multi_point: return wkbMultiPoint;
        case GeometryType::line: return wkbLineString;
        case GeometryType::polygon: return wkbPolygon;
        case GeometryType::multi_line: return wkbMultiLineString;
        case GeometryType::multi_polygon: return wkbMultiPolygon;
        case GeometryType::any: return wkbUnknown;
    }
    return wkbUnknown;
}

// A run that was killed leaves its hidden temporary file; the next run removes it, but never one of
// a run that is still going (its process id still exists).
void remove_stale_temporaries(const fs::path& dir, const std::string& prefix) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind(prefix, 0) != 0) {
            continue;
        }
        std::string pid = name.substr(prefix.size());
        pid = pid.substr(0, pid.find('-'));  // journal files: .x.gpkg.tmp-123-journal
        if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        if (::kill(std::stoi(pid), 0) != 0 && errno == ESRCH) {
            fs::remove(entry.path(), ec);
        }
    }
}

void fsync_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

} // namespace

struct PendingRaster {
    std::string name, description;
    double min_x, max_y, cell;
    int cols, rows;
    std::vector<float> values;
};

// The boxes of a layer's rows, kept for its spatial index: built once at commit, not row by row.
struct SpatialLayer {
    std::string name;
    std::vector<RTreeBox> boxes;
};

// The values of one field counted as rows are written (GpkgWriter::count_values).
struct ValueCounts {
    int field = -1;  // -1: its layer is not created yet
    bool integer = false;
    long long nulls = 0;
    std::map<std::string, long long, std::less<>> texts;
    std::map<long long, long long> integers;

    void count(const OGRFeature& f) {
        if (!f.IsFieldSetAndNotNull(field)) {
            ++nulls;
        } else if (integer) {
            ++integers[f.GetFieldAsInteger64(field)];
        } else {
            const std::string_view value = f.GetFieldAsString(field);
            const auto it = texts.find(value);
            if (it == texts.end()) {
                texts.emplace(value, 1);
            } else {
                ++it->second;
            }
        }
    }

    std::vector<std::pair<std::optional<std::string>, long long>> histogram() const {
        std::vector<std::pair<std::optional<std::string>, long long>> out;
        if (nulls > 0) {
            out.emplace_back(std::nullopt, nulls);
        }
        for (const auto& [value, n] : integers) {
            out.emplace_back(std::to_string(value), n);
        }
        for (const auto& [value, n] : texts) {
            out.emplace_back(value, n);
        }
        return out;
    }
};

struct GpkgWriter::Impl {
    std::vector<PendingRaster> rasters;
    std::map<std::string, std::map<std::string, ValueCounts>> counted;  // table -> field -> counts
    std::string target;
    std::string temp;
    GDALDatasetUniquePtr ds;
    OGRSpatialReference srs;
    std::deque<SpatialLayer> spatial_layers;  // a deque: each LayerWriter holds on to its own
    long long rows_in_transaction = 0;
    bool in_transaction = false;
    bool committed = false;

    const ValueCounts* counts_of(const std::string& table, const std::string& field) const {
        const auto t = counted.find(table);
        if (t == counted.end()) {
            return nullptr;
        }
        const auto f = t->second.find(field);
        return f == t->second.end() || f->second.field < 0 ? nullptr : &f->second;
    }

    void begin() {
        if (!in_transaction) {
            if (ds->StartTransaction() != OGRERR_NONE) {
                throw output_error(temp + ": cannot start a transaction");
            }
            in_transaction = true;
        }
    }
    void end() {
        if (in_transaction) {
            in_transaction = false;
            if (ds->CommitTransaction() != OGRERR_NONE) {
                throw output_error(temp + ": cannot commit: " + std::string(CPLGetLastErrorMsg()));
            }
        }
    }
    void row_written() {
        if (++rows_in_transaction >= rows_per_transaction) {
            end();
            begin();
            rows_in_transaction = 0;
        }
    }
};

struct LayerWriter::Impl {
    GpkgWriter::Impl* owner;
    OGRLayer* layer;
    OGRFeatureUniquePtr feature;
    std::vector<RTreeBox>* boxes;  // null for a table without geometry
    std::vector<ValueCounts*> counts;
};

LayerWriter::LayerWriter(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
LayerWriter::~LayerWriter() = default;
LayerWriter::LayerWriter(LayerWriter&&) noexcept = default;

void LayerWriter::set(int field, long long value) { m_impl->feature->SetField(field, static_cast<GIntBig>(value)); }
void LayerWriter::set(int field, double value) {
    if (std::isnan(value)) {
        m_impl->feature->SetFieldNull(field);
    } else {
        m_impl->feature->SetField(field, value);
    }
}
void LayerWriter::set(int field, const std::string& value) { m_impl->feature->SetField(field, value.c_str()); }

void LayerWriter::set_geometry(const geos::Geometry& g) {
    const std::vector<unsigned char> wkb = geos::to_wkb(g);
    OGRGeometry* out = nullptr;
    if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &out, wkb.size()) != OGRERR_NONE) {
        throw output_error("cannot convert a geometry for layer " + std::string(m_impl->layer->GetName()));
    }
    const OGRwkbGeometryType want = m_impl->layer->GetGeomType();
    if (want == wkbMultiPolygon || want == wkbMultiLineString || want == wkbMultiPoint) {
        out = OGRGeometryFactory::forceTo(out, want);
    }
    m_impl->feature->SetGeometryDirectly(out);
}

void LayerWriter::set_point(double x, double y) { m_impl->feature->SetGeometryDirectly(new OGRPoint(x, y)); }

void LayerWriter::write() {
    check_interrupt();
    m_impl->owner->begin();
    if (m_impl->layer->CreateFeature(m_impl->feature.get()) != OGRERR_NONE) {
        throw output_error(m_impl->owner->temp + ": cannot write to layer " + m_impl->layer->GetName() + ": " + CPLGetLastErrorMsg());
    }
    for (ValueCounts* c : m_impl->counts) {
        c->count(*m_impl->feature);
    }
    const OGRGeometry* g = m_impl->feature->GetGeometryRef();
    if (m_impl->boxes != nullptr && g != nullptr && !g->IsEmpty()) {
        OGREnvelope e;
        g->getEnvelope(&e);
        m_impl->boxes->push_back(rtree_box(m_impl->feature->GetFID(), e.MinX, e.MinY, e.MaxX, e.MaxY));
    }
    m_impl->feature.reset(OGRFeature::CreateFeature(m_impl->layer->GetLayerDefn()));
    m_impl->owner->row_written();
}

GpkgWriter::GpkgWriter(const std::string& target, bool overwrite, const std::string& crs) : m_impl(std::make_unique<Impl>()) {
    gdal::initialise();
    Impl& m = *m_impl;
    m.target = fs::absolute(target).lexically_normal().string();
    const fs::path dir = fs::path(m.target).parent_path();
    if (fs::exists(m.target) && !overwrite) {
        throw output_error(m.target + " exists; use --overwrite to replace it");
    }
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        throw output_error("cannot create folder " + dir.string() + ": " + ec.message());
    }
    // A hidden name in the same folder, so the final rename stays on one file system (atomic).
    const std::string prefix = "." + fs::path(m.target).filename().string() + ".tmp-";
    remove_stale_temporaries(dir, prefix);
    m.temp = (dir / (prefix + std::to_string(::getpid()))).string();
    fs::remove(m.temp, ec);
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (driver == nullptr) {
        throw output_error("GDAL has no GPKG driver");
    }
    gdal::ErrorCapture capture;
    m.ds.reset(driver->Create(m.temp.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!m.ds) {
        throw output_error("cannot create " + m.temp + ": " + capture.last_error());
    }
    // SQLite's default page cache is 2 MB: building the spatial index of a million observations and the
    // style classes' GROUP BYs then read the file back from the kernel page by page (measured: 62 CPU
    // s, 16 of them in the kernel, against 38 with 512 MB). A ceiling, taken only as the file grows;
    // only for the output, which is read back: inputs are read once, front to back (a 512 MB cache
    // on them too cost 500 MB of memory at 10M points for nothing). A user's OGR_SQLITE_CACHE wins.
    if (CPLGetConfigOption("OGR_SQLITE_CACHE", nullptr) == nullptr) {
        execute_sql("PRAGMA cache_size = -524288");  // negative: KiB
    }
    m.srs = gdal::srs_from_user(crs);
}

GpkgWriter::~GpkgWriter() {
    if (!m_impl->committed) {
        m_impl->ds.reset();
        std::error_code ec;
        for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
            fs::remove(m_impl->temp + suffix, ec);
        }
    }
}

const std::string& GpkgWriter::temporary_path() const { return m_impl->temp; }

LayerWriter GpkgWriter::layer(const std::string& name, GeometryType geometry, const std::vector<FieldDef>& fields, const std::string& description) {
    Impl& m = *m_impl;
    m.end();  // GDAL creates tables outside our transaction
    CPLStringList options;
    options.AddString("SPATIAL_INDEX=NO");  // packed once at commit (gpkg_rtree.hpp)
    options.AddString("GEOMETRY_NAME=geom");
    options.AddString("FID=fid");
    if (!description.empty()) {
        options.AddString(("DESCRIPTION=" + description).c_str());
    }
    gdal::ErrorCapture capture;
    OGRLayer* layer = m.ds->CreateLayer(name.c_str(), geometry == GeometryType::none ? nullptr : &m.srs, ogr_type(geometry), options.List());
    if (layer == nullptr) {
        throw output_error(m.temp + ": cannot create layer " + name + ": " + capture.last_error());
    }
    for (const auto& f : fields) {
        const OGRFieldType t = f.type == FieldType::integer ? OFTInteger64 : f.type == FieldType::real ? OFTReal : OFTString;
        OGRFieldDefn defn(f.name.c_str(), t);
        if (layer->CreateField(&defn) != OGRERR_NONE) {
            throw output_error(m.temp + ": cannot create field " + f.name + " in layer " + name + ": " + capture.last_error());
        }
    }
    auto impl = std::make_unique<LayerWriter::Impl>();
    impl->owner = &m;
    impl->layer = layer;
    impl->boxes = geometry == GeometryType::none ? nullptr : &m.spatial_layers.emplace_back(SpatialLayer{name, {}}).boxes;
    if (const auto wanted = m.counted.find(name); wanted != m.counted.end()) {
        for (auto it = wanted->second.begin(); it != wanted->second.end();) {
            const auto f = std::find_if(fields.begin(), fields.end(), [&](const FieldDef& d) { return d.name == it->first; });
            if (f == fields.end() || f->type == FieldType::real) {
                it = wanted->second.erase(it);
                continue;
            }
            it->second.field = static_cast<int>(f - fields.begin());
            it->second.integer = f->type == FieldType::integer;
            impl->counts.push_back(&it->second);
            ++it;
        }
    }
    impl->feature.reset(OGRFeature::CreateFeature(layer->GetLayerDefn()));
    return LayerWriter(std::move(impl));
}

void GpkgWriter::metadata(const std::string& key, const std::string& value) { m_impl->ds->SetMetadataItem(key.c_str(), value.c_str()); }

void GpkgWriter::execute_sql(const std::string& sql) {
    m_impl->end();
    gdal::ErrorCapture capture;
    OGRLayer* result = m_impl->ds->ExecuteSQL(sql.c_str(), nullptr, "SQLITE");
    if (result != nullptr) {
        m_impl->ds->ReleaseResultSet(result);
    }
    if (!capture.errors().empty()) {
        throw output_error(m_impl->temp + ": SQL failed: " + capture.last_error());
    }
}

std::vector<std::pair<std::optional<std::string>, long long>> GpkgWriter::column_histogram(const std::string& table, const std::string& field,
                                                                                         const std::string& where) {
    if (const ValueCounts* counts = where.empty() ? m_impl->counts_of(table, field) : nullptr) {
        return counts->histogram();
    }
    m_impl->end();
    // Counted in SQLite: a table of millions of observations has a handful of distinct themes.
    const std::string sql = "SELECT \"" + field + "\", count(*) FROM \"" + table + "\"" + (where.empty() ? "" : " WHERE " + where) + " GROUP BY 1 ORDER BY 1";
    gdal::ErrorCapture capture;
    OGRLayer* result = m_impl->ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (result == nullptr) {
        throw config_error("cannot read " + table + "." + field + (where.empty() ? "" : " where " + where) + ": " + capture.last_error());
    }
    std::vector<std::pair<std::optional<std::string>, long long>> out;
    for (OGRFeatureUniquePtr f(result->GetNextFeature()); f; f.reset(result->GetNextFeature())) {
        out.emplace_back(f->IsFieldSetAndNotNull(0) ? std::optional<std::string>(f->GetFieldAsString(0)) : std::nullopt, f->GetFieldAsInteger64(1));
    }
    m_impl->ds->ReleaseResultSet(result);
    return out;
}

void GpkgWriter::count_values(const std::string& table, const std::string& field) {
    if (!has_table(table)) {
        m_impl->counted[table].try_emplace(field);
    }
}

bool GpkgWriter::has_table(const std::string& table) const { return m_impl->ds->GetLayerByName(table.c_str()) != nullptr; }

void GpkgWriter::raster(const std::string& name, double min_x, double max_y, double cell, int cols, int rows, std::vector<float> values,
                        const std::string& description) {
    m_impl->rasters.push_back({name, description, min_x, max_y, cell, cols, rows, std::move(values)});
}

namespace {

// GDAL writes a Float32 GeoPackage raster as TIFF tiles with the gridded-coverage extension.
void write_raster(const std::string& path, const PendingRaster& r, const OGRSpatialReference& srs) {
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    CPLStringList options;
    options.AddString("APPEND_SUBDATASET=YES");
    options.AddString(("RASTER_TABLE=" + r.name).c_str());
    options.AddString(("RASTER_DESCRIPTION=" + r.description).c_str());
    options.AddString("TILE_FORMAT=TIFF");
    gdal::ErrorCapture capture;
    GDALDatasetUniquePtr ds(driver->Create(path.c_str(), r.cols, r.rows, 1, GDT_Float32, options.List()));
    if (!ds) {
        throw output_error("cannot add raster " + r.name + " to " + path + ": " + capture.last_error());
    }
    double transform[6] = {r.min_x, r.cell, 0, r.max_y, 0, -r.cell};
    ds->SetGeoTransform(transform);
    ds->SetSpatialRef(&srs);
    if (ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, r.cols, r.rows, const_cast<float*>(r.values.data()), r.cols, r.rows, GDT_Float32, 0, 0,
                                       nullptr) != CE_None) {
        throw output_error("cannot write raster " + r.name + ": " + capture.last_error());
    }
    ds.reset();
    if (!capture.errors().empty()) {
        throw output_error("cannot finish raster " + r.name + ": " + capture.last_error());
    }
}

} // namespace

void GpkgWriter::commit() {
    Impl& m = *m_impl;
    m.end();
    gdal::ErrorCapture capture;
    m.ds.reset();  // GDAL 3.6: GDALClose returns nothing; errors show up in the capture
    if (!capture.errors().empty()) {
        throw output_error("cannot finish " + m.temp + ": " + capture.last_error());
    }
    {
        sqlite::Database db(m.temp);
        // No journal: the file is still the temporary, which a failure discards whole.
        db.execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; BEGIN");
        for (auto& layer : m.spatial_layers) {
            write_rtree(db, layer.name, "geom", "fid", std::move(layer.boxes));
        }
        db.execute("COMMIT");
    }
    for (const auto& r : m.rasters) {
        if (r.cols > 0 && r.rows > 0) {
            write_raster(m.temp, r, m.srs);
        }
    }
    fsync_file(m.temp);
    std::error_code ec;
    fs::rename(m.temp, m.target, ec);
    if (ec) {
        throw output_error("cannot move " + m.temp + " to " + m.target + ": " + ec.message());
    }
    fsync_file(fs::path(m.target).parent_path().string());
    m.committed = true;
}

} // namespace buurt::io

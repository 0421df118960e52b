#include "engine/io/gpkg_writer.hpp"

#include <fcntl.h>
#include <signal.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <map>
#include <string_view>

#include "engine/core/error.hpp"
#include "engine/core/interrupt.hpp"
#include "engine/core/text.hpp"
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

// A layer's table as LayerWriter fills it: one prepared INSERT on GDAL's own connection. Through
// OGR's CreateFeature a row of 25 fields cost ~7 µs (every value through OGRFeature, 64-bit integers
// formatted as text for SQLite to parse back), past it ~4 µs, what SQLite itself needs; the thread
// writing the full run's million observations is the one the others wait for. GDAL created the table
// and still owns the file; what it would have kept up to date per row (the feature count, the extent,
// the spatial index) is written at commit from what is kept here.
struct LayerTable {
    std::string name;
    GeometryType geometry = GeometryType::none;
    std::int32_t srs_id = 0;
    std::optional<sqlite::Statement> insert;
    long long rows = 0;
    std::vector<RTreeBox> boxes;  // for the spatial index, built once at commit, not row by row
    std::optional<geos::Envelope> extent;
};

// One value of a row about to be written, already of its field's type.
struct FieldValue {
    enum class Kind : unsigned char { null, integer, real, text };
    Kind kind = Kind::null;
    long long integer = 0;
    double real = 0;
    std::string text;
};

// The values of one field counted as rows are written (GpkgWriter::count_values).
struct ValueCounts {
    int field = -1;  // -1: its layer is not created yet
    bool integer = false;
    long long nulls = 0;
    std::map<std::string, long long, std::less<>> texts;
    std::map<long long, long long> integers;

    void count(const FieldValue& v) {
        if (v.kind == FieldValue::Kind::null) {
            ++nulls;
        } else if (integer) {
            ++integers[v.integer];
        } else {
            const std::string_view value = v.text;
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
    std::optional<sqlite::Database> db;  // GDAL's connection to `temp`, borrowed
    OGRSpatialReference srs;
    std::deque<LayerTable> tables;  // a deque: each LayerWriter holds on to its own
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
    LayerTable* table;
    std::vector<FieldType> types;
    std::vector<FieldValue> values;
    std::vector<unsigned char> geometry;  // the GeoPackage blob; empty: NULL
    geos::Envelope envelope{};
    bool empty_geometry = false;
    std::vector<ValueCounts*> counts;
    // OGR's conversions, for a value set on a field of another type (a number on a text field...):
    // the output is what OGR would have written.
    OGRFeatureUniquePtr converter;

    FieldValue& value(int field, FieldValue::Kind kind) {
        FieldValue& v = values.at(static_cast<std::size_t>(field));
        v.kind = kind;
        return v;
    }
    void convert(int field) {
        FieldValue& v = values[static_cast<std::size_t>(field)];
        switch (types[static_cast<std::size_t>(field)]) {
            case FieldType::integer: v = {FieldValue::Kind::integer, converter->GetFieldAsInteger64(field), 0, {}}; break;
            case FieldType::real: v = {FieldValue::Kind::real, 0, converter->GetFieldAsDouble(field), {}}; break;
            case FieldType::text: v = {FieldValue::Kind::text, 0, 0, converter->GetFieldAsString(field)}; break;
        }
    }
    void set_blob(const std::vector<unsigned char>& wkb, const geos::Envelope& e, bool empty, bool with_envelope);
};

namespace {

// GeoPackage geometry blob (GeoPackage 1.2, 2.1.3): "GP", version 0, flags, srs id, an optional
// envelope [min x, max x, min y, max y], then standard WKB. Little-endian throughout, as the flags say.
static_assert(std::endian::native == std::endian::little, "the GeoPackage blob is written in the machine's byte order");

template <class T>
void append(std::vector<unsigned char>& out, T value) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(&value);
    out.insert(out.end(), bytes, bytes + sizeof(T));
}

// WKB type codes of the multi geometries, by the single type they hold.
std::uint32_t multi_code(GeometryType layer) {
    switch (layer) {
        case GeometryType::multi_point: return 4;
        case GeometryType::multi_line: return 5;
        case GeometryType::multi_polygon: return 6;
        default: return 0;
    }
}

std::uint32_t wkb_type(const std::vector<unsigned char>& wkb) {
    std::uint32_t t = 0;
    std::memcpy(&t, wkb.data() + 1, sizeof t);
    return wkb[0] == 1 ? t : __builtin_bswap32(t);
}

} // namespace

void LayerWriter::Impl::set_blob(const std::vector<unsigned char>& wkb, const geos::Envelope& e, bool empty, bool with_envelope) {
    geometry.clear();
    geometry.push_back('G');
    geometry.push_back('P');
    geometry.push_back(0);
    geometry.push_back(static_cast<unsigned char>(0x01 | (with_envelope ? 0x02 : 0) | (empty ? 0x10 : 0)));
    append(geometry, table->srs_id);
    if (with_envelope) {
        append(geometry, e.min_x);
        append(geometry, e.max_x);
        append(geometry, e.min_y);
        append(geometry, e.max_y);
    }
    // A single geometry on a layer of multi geometries becomes a collection of one, as OGR's forceTo
    // would make it: the multi header, then the WKB as it was.
    const std::uint32_t multi = multi_code(table->geometry);
    if (multi != 0 && wkb_type(wkb) == multi - 3) {
        geometry.push_back(1);
        append(geometry, multi);
        append(geometry, std::uint32_t{1});
    }
    geometry.insert(geometry.end(), wkb.begin(), wkb.end());
    envelope = e;
    empty_geometry = empty;
}

LayerWriter::LayerWriter(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
LayerWriter::~LayerWriter() = default;
LayerWriter::LayerWriter(LayerWriter&&) noexcept = default;

void LayerWriter::set(int field, long long value) {
    if (m_impl->types.at(static_cast<std::size_t>(field)) == FieldType::integer) {
        m_impl->value(field, FieldValue::Kind::integer).integer = value;
    } else {
        m_impl->converter->SetField(field, static_cast<GIntBig>(value));
        m_impl->convert(field);
    }
}

void LayerWriter::set(int field, double value) {
    if (std::isnan(value)) {
        m_impl->value(field, FieldValue::Kind::null);
    } else if (m_impl->types.at(static_cast<std::size_t>(field)) == FieldType::real) {
        m_impl->value(field, FieldValue::Kind::real).real = value;
    } else {
        m_impl->converter->SetField(field, value);
        m_impl->convert(field);
    }
}

void LayerWriter::set(int field, const std::string& value) {
    if (m_impl->types.at(static_cast<std::size_t>(field)) == FieldType::text) {
        m_impl->value(field, FieldValue::Kind::text).text.assign(value.c_str());  // up to a NUL, as OGR takes it
    } else {
        m_impl->converter->SetField(field, value.c_str());
        m_impl->convert(field);
    }
}

void LayerWriter::set_geometry(const geos::Geometry& g) {
    std::vector<unsigned char> wkb = geos::to_wkb(g);
    const std::uint32_t multi = multi_code(m_impl->table->geometry);
    const std::uint32_t type = wkb_type(wkb);
    if (multi != 0 && type != multi && type != multi - 3) {
        // Anything else on a multi layer (a collection of polygons...) goes through OGR's forceTo.
        OGRGeometry* ogr = nullptr;
        if (OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &ogr, wkb.size()) != OGRERR_NONE) {
            throw output_error("cannot convert a geometry for layer " + m_impl->table->name);
        }
        std::unique_ptr<OGRGeometry> forced(OGRGeometryFactory::forceTo(ogr, ogr_type(m_impl->table->geometry)));
        wkb.resize(static_cast<std::size_t>(forced->WkbSize()));
        forced->exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    }
    const bool empty = geos::is_empty(g);
    m_impl->set_blob(wkb, empty ? geos::Envelope{} : geos::envelope(g), empty, !empty);
}

void LayerWriter::set_point(double x, double y) {
    std::vector<unsigned char> wkb;
    wkb.push_back(1);
    append(wkb, std::uint32_t{1});
    append(wkb, x);
    append(wkb, y);
    m_impl->set_blob(wkb, {x, y, x, y}, false, false);  // a point is its own envelope: GDAL writes none either
}

void LayerWriter::write() {
    check_interrupt();
    Impl& m = *m_impl;
    LayerTable& t = *m.table;
    if (!t.insert) {
        throw output_error(m.owner->temp + ": layer " + t.name + " written after the GeoPackage was closed");
    }
    m.owner->begin();
    sqlite::Statement& insert = *t.insert;
    int column = 1;
    if (t.geometry != GeometryType::none) {
        if (m.geometry.empty()) {
            insert.bind_null(column++);
        } else {
            insert.bind_unowned_blob(column++, m.geometry.data(), static_cast<int>(m.geometry.size()));
        }
    }
    for (const FieldValue& v : m.values) {
        switch (v.kind) {
            case FieldValue::Kind::null: insert.bind_null(column++); break;
            case FieldValue::Kind::integer: insert.bind(column++, static_cast<std::int64_t>(v.integer)); break;
            case FieldValue::Kind::real: insert.bind(column++, v.real); break;
            case FieldValue::Kind::text: insert.bind_unowned(column++, v.text); break;
        }
    }
    insert.run();
    for (ValueCounts* c : m.counts) {
        c->count(m.values[static_cast<std::size_t>(c->field)]);
    }
    if (!m.geometry.empty() && !m.empty_geometry) {
        const geos::Envelope& e = m.envelope;
        t.boxes.push_back(rtree_box(m.owner->db->last_insert_rowid(), e.min_x, e.min_y, e.max_x, e.max_y));
        t.extent = t.extent ? geos::merge(*t.extent, e) : e;
    }
    ++t.rows;
    for (FieldValue& v : m.values) {
        v.kind = FieldValue::Kind::null;
    }
    m.geometry.clear();
    m.owner->row_written();
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
    auto* handle = static_cast<sqlite3*>(m.ds->GetInternalHandle("SQLITE_HANDLE"));
    if (handle == nullptr) {
        throw output_error("GDAL gives no SQLite connection to " + m.temp);
    }
    m.db.emplace(sqlite::Database::borrow(handle, m.temp));
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
        for (LayerTable& t : m_impl->tables) {
            t.insert.reset();
        }
        m_impl->db.reset();
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
    // GDAL defers the CREATE TABLE to the first feature; the rows go in past it.
    if (layer->SyncToDisk() != OGRERR_NONE) {
        throw output_error(m.temp + ": cannot create layer " + name + ": " + capture.last_error());
    }
    LayerTable& table = m.tables.emplace_back();
    table.name = name;
    table.geometry = geometry;
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    std::string columns;
    std::string params;
    if (geometry != GeometryType::none) {
        sqlite::Statement srs(*m.db, "SELECT srs_id FROM gpkg_geometry_columns WHERE lower(table_name) = lower(?)");
        srs.bind(1, name);
        if (!srs.step()) {
            throw output_error(m.temp + ": layer " + name + " has no row in gpkg_geometry_columns");
        }
        table.srs_id = static_cast<std::int32_t>(srs.column_int64(0));
        columns = enquote(layer->GetGeometryColumn(), '"');
        params = "?";
    }
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        columns += (columns.empty() ? "" : ", ") + enquote(defn->GetFieldDefn(i)->GetNameRef(), '"');
        params += params.empty() ? "?" : ", ?";
    }
    table.insert.emplace(*m.db, "INSERT INTO " + enquote(name, '"') + " (" + columns + ") VALUES (" + params + ")");

    auto impl = std::make_unique<LayerWriter::Impl>();
    impl->owner = &m;
    impl->table = &table;
    for (const auto& f : fields) {
        impl->types.push_back(f.type);
    }
    impl->values.resize(fields.size());
    impl->converter.reset(OGRFeature::CreateFeature(defn));
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
    for (LayerTable& t : m.tables) {
        t.insert.reset();  // SQLite closes no connection that still has statements
    }
    m.db.reset();
    gdal::ErrorCapture capture;
    m.ds.reset();  // GDAL 3.6: GDALClose returns nothing; errors show up in the capture
    if (!capture.errors().empty()) {
        throw output_error("cannot finish " + m.temp + ": " + capture.last_error());
    }
    {
        sqlite::Database db(m.temp);
        // No journal: the file is still the temporary, which a failure discards whole.
        db.execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; BEGIN");
        sqlite::Statement count(db, "UPDATE gpkg_ogr_contents SET feature_count = ? WHERE lower(table_name) = lower(?)");
        sqlite::Statement extent(db, "UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE lower(table_name) = lower(?)");
        for (LayerTable& t : m.tables) {
            count.bind(1, static_cast<std::int64_t>(t.rows)).bind(2, t.name).run();
            if (t.extent) {
                extent.bind(1, t.extent->min_x).bind(2, t.extent->min_y).bind(3, t.extent->max_x).bind(4, t.extent->max_y).bind(5, t.name).run();
            }
            if (t.geometry != GeometryType::none) {
                write_rtree(db, t.name, "geom", "fid", std::move(t.boxes));
            }
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

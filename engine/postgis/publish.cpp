#include "engine/postgis/publish.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>

#include "engine/core/conninfo.hpp"
#include "engine/core/error.hpp"
#include "engine/core/interrupt.hpp"
#include "engine/gdal/gdal.hpp"
#include "engine/postgis/pg.hpp"

namespace buurt::postgis {

namespace {

// Every run takes this lock (with the schema's name) for its whole transaction: two runs into one
// schema queue, runs into different schemas do not meet. The number is "buurtbal" in ASCII.
constexpr long long lock_space = 0x6275757274626174LL >> 32;
// A separate lock (the one-number form, which never meets the two-number one) for creating the shared
// layer_styles table: two CREATE TABLE IF NOT EXISTS at once can collide in the catalogue.
constexpr const char* styles_table_lock = "SELECT pg_advisory_xact_lock(1651864946::bigint)";

constexpr const char* marker = "buurtbalans output";

// The DDL of QGIS 3.22's PostgreSQL provider (QgsPostgresProvider's saveStyle), checked against the
// table QGIS itself creates in tests/e2e/test_postgis.py. QGIS adds `type` to older tables the same way.
constexpr const char* layer_styles_ddl =
    "CREATE TABLE IF NOT EXISTS layer_styles(id SERIAL PRIMARY KEY,f_table_catalog varchar,f_table_schema varchar,f_table_name varchar,"
    "f_geometry_column varchar,styleName text,styleQML xml,styleSLD xml,useAsDefault boolean,description text,owner varchar(63) DEFAULT CURRENT_USER,"
    "ui xml,update_time timestamp DEFAULT CURRENT_TIMESTAMP,type varchar)";

std::string pg_geometry_type(OGRwkbGeometryType t) {
    switch (wkbFlatten(t)) {
    case wkbPoint: return "Point";
    case wkbMultiPoint: return "MultiPoint";
    case wkbLineString: return "LineString";
    case wkbMultiLineString: return "MultiLineString";
    case wkbPolygon: return "Polygon";
    case wkbMultiPolygon: return "MultiPolygon";
    default: return "Geometry";
    }
}

std::string pg_field_type(OGRFieldType t) {
    switch (t) {
    case OFTInteger: return "integer";
    case OFTInteger64: return "bigint";
    case OFTReal: return "double precision";
    default: return "text";
    }
}

// The geometry as hex EWKB: ISO WKB with the SRID flag and the SRID after the type, which is what a
// geometry(Type, SRID) column takes in COPY's text format.
void append_hex_ewkb(std::string& out, const OGRGeometry& g, int srid) {
    std::vector<unsigned char> wkb(g.WkbSize());
    g.exportToWkb(wkbNDR, wkb.data(), wkbVariantIso);
    std::vector<unsigned char> ewkb;
    ewkb.reserve(wkb.size() + 4);
    ewkb.insert(ewkb.end(), wkb.begin(), wkb.begin() + 5);
    if (srid > 0) {
        std::uint32_t type = 0;
        std::memcpy(&type, ewkb.data() + 1, 4);  // little-endian on every machine we build for, as asked
        type |= 0x20000000U;
        std::memcpy(ewkb.data() + 1, &type, 4);
        const auto s = static_cast<std::uint32_t>(srid);
        const unsigned char bytes[4] = {static_cast<unsigned char>(s), static_cast<unsigned char>(s >> 8), static_cast<unsigned char>(s >> 16),
                                        static_cast<unsigned char>(s >> 24)};
        ewkb.insert(ewkb.end(), bytes, bytes + 4);
    }
    ewkb.insert(ewkb.end(), wkb.begin() + 5, wkb.end());
    static constexpr char digits[] = "0123456789ABCDEF";
    for (const unsigned char b : ewkb) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
}

void append_number(std::string& out, double v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest text that reads back to the same double
    out.append(buf, r.ptr);
}

int layer_srid(OGRLayer& layer) {
    const OGRSpatialReference* srs = layer.GetSpatialRef();
    if (srs == nullptr) {
        return 0;
    }
    const char* auth = srs->GetAuthorityName(nullptr);
    const char* code = srs->GetAuthorityCode(nullptr);
    return auth != nullptr && code != nullptr && std::string(auth) == "EPSG" ? std::atoi(code) : 0;
}

long long copy_layer(pg::Connection& db, OGRLayer& layer, const std::string& schema_q) {
    const std::string name = layer.GetName();
    const std::string table_q = schema_q + "." + db.identifier(name);
    OGRFeatureDefn* defn = layer.GetLayerDefn();
    const bool has_geometry = defn->GetGeomFieldCount() > 0;
    const int srid = has_geometry ? layer_srid(layer) : 0;
    std::string columns = "fid";
    std::string ddl = "CREATE TABLE " + table_q + " (fid bigint PRIMARY KEY";
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        const OGRFieldDefn* f = defn->GetFieldDefn(i);
        columns += ", " + db.identifier(f->GetNameRef());
        ddl += ", " + db.identifier(f->GetNameRef()) + " " + pg_field_type(f->GetType());
    }
    if (has_geometry) {
        columns += ", geom";
        ddl += ", geom geometry(" + pg_geometry_type(layer.GetGeomType()) + (srid > 0 ? ", " + std::to_string(srid) : std::string()) + ")";
    }
    ddl += ")";
    db.exec(ddl, "creating table " + name);
    if (const char* description = layer.GetMetadataItem("DESCRIPTION"); description != nullptr && *description != '\0') {
        db.exec("COMMENT ON TABLE " + table_q + " IS " + db.literal(description), "describing table " + name);
    }

    db.copy_start("COPY " + table_q + " (" + columns + ") FROM STDIN", "copying table " + name);
    std::string chunk;
    long long rows = 0;
    layer.ResetReading();
    for (OGRFeatureUniquePtr f(layer.GetNextFeature()); f; f.reset(layer.GetNextFeature())) {
        check_interrupt();  // the transaction is rolled back when the connection closes
        chunk += std::to_string(f->GetFID());
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            chunk += '\t';
            if (!f->IsFieldSetAndNotNull(i)) {
                chunk += "\\N";
                continue;
            }
            switch (defn->GetFieldDefn(i)->GetType()) {
            case OFTInteger:
            case OFTInteger64: chunk += std::to_string(f->GetFieldAsInteger64(i)); break;
            case OFTReal: append_number(chunk, f->GetFieldAsDouble(i)); break;
            default: pg::append_copy_text(chunk, f->GetFieldAsString(i));
            }
        }
        if (has_geometry) {
            chunk += '\t';
            const OGRGeometry* g = f->GetGeometryRef();
            if (g == nullptr || g->IsEmpty()) {
                chunk += "\\N";
            } else {
                append_hex_ewkb(chunk, *g, srid);
            }
        }
        chunk += '\n';
        ++rows;
        if (chunk.size() > (1U << 20)) {
            db.copy_data(chunk);
            chunk.clear();
        }
    }
    if (!chunk.empty()) {
        db.copy_data(chunk);
    }
    db.copy_end();
    if (has_geometry) {
        db.exec("CREATE INDEX ON " + table_q + " USING gist (geom)", "indexing table " + name);
    }
    return rows;
}

// A run replaces the whole schema, so it replaces only what a run made: a schema that buurtbalans did not
// create (its comment says so) is refused, whatever `overwrite` says.
bool check_existing(pg::Connection& db, const Target& t) {
    const pg::Result r = db.exec("SELECT coalesce(obj_description(oid, 'pg_namespace'), '') FROM pg_namespace WHERE nspname = $1", {t.schema},
                                 "looking for schema " + t.schema);
    if (r.rows() == 0) {
        return false;
    }
    if (r.value(0, 0).rfind(marker, 0) != 0) {
        throw output_error(db.shown() + ": schema " + t.schema + " exists and was not written by buurtbalans; a run replaces its schema as a " +
                           "whole, so it is left alone: choose another schema (--schema NAME)");
    }
    if (!t.overwrite) {
        throw output_error(db.shown() + ": schema " + t.schema + " exists (use --overwrite, or overwrite = true in [output], to replace it)");
    }
    return true;
}

// Drops the previous result table by table and then the schema, all without CASCADE: a view a user made
// on one of our tables, or anything a user put into the schema, makes the run fail (and change nothing)
// instead of vanishing with the old result.
void drop_previous(pg::Connection& db, const std::string& schema) {
    const std::string schema_q = db.identifier(schema);
    const pg::Result tables = db.exec("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                      "WHERE n.nspname = $1 AND c.relkind = 'r' ORDER BY 1",
                                      {schema}, "listing the tables of schema " + schema);
    for (int i = 0; i < tables.rows(); ++i) {
        db.exec("DROP TABLE " + schema_q + "." + db.identifier(tables.value(i, 0)), "replacing schema " + schema + " (dropping its table " + tables.value(i, 0) + ")");
    }
    db.exec("DROP SCHEMA " + schema_q, "replacing schema " + schema);
}

} // namespace

std::map<std::string, std::string> geometry_types(const std::string& gpkg) {
    std::map<std::string, std::string> out;
    GDALDatasetUniquePtr ds = gdal::open_vector(gpkg, {});
    for (int i = 0; i < ds->GetLayerCount(); ++i) {
        OGRLayer* l = ds->GetLayer(i);
        if (l->GetLayerDefn()->GetGeomFieldCount() > 0) {
            out.emplace(l->GetName(), pg_geometry_type(l->GetGeomType()));
        }
    }
    return out;
}

std::string qgis_connection(const std::string& connection) {
    auto pairs = parse_conninfo(connection);
    // QGIS defaults to sslmode=prefer and writes it into every layer; say what the user said, or libpq's default.
    if (!conninfo_value(connection, "sslmode")) {
        pairs.emplace_back("sslmode", "prefer");
    }
    return make_conninfo(pairs, {"password", "application_name", "connect_timeout"});
}

Published publish(const std::string& gpkg, const Target& t, const Publication& pub) {
    GDALDatasetUniquePtr src = gdal::open_vector(gpkg, {});
    pg::Connection db(t.connection);
    const std::string catalog = db.database();

    if (db.exec("SELECT 1 FROM pg_extension WHERE extname = 'postgis'", "checking for PostGIS").rows() == 0) {
        throw output_error(db.shown() + ": PostGIS is not installed in database " + catalog + " (CREATE EXTENSION postgis; needs a database owner)");
    }
    // layer_styles is shared by every schema and every QGIS user: it is created (if missing) on its own,
    // as QGIS would, so the run's transaction below only touches rows of its own schema.
    db.exec("BEGIN", "starting a transaction");
    db.exec(styles_table_lock, "locking the creation of layer_styles");
    // Looked up first: CREATE ... IF NOT EXISTS and ALTER need rights on public and the table that a user
    // who may only add rows (the usual grant on a shared layer_styles) does not have.
    if (db.exec("SELECT to_regclass('layer_styles') IS NULL", "looking for layer_styles").value(0, 0) == "t") {
        db.exec(layer_styles_ddl, "creating layer_styles");
    } else if (db.exec("SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('layer_styles') AND attname = 'type' AND NOT attisdropped",
                       "looking at layer_styles")
                   .rows() == 0) {
        db.exec("ALTER TABLE layer_styles ADD COLUMN type varchar NULL", "adding the column type to layer_styles (as QGIS 3.22 does)");
    }
    db.exec("COMMIT", "creating layer_styles");

    db.exec("BEGIN", "starting the transaction");
    db.exec("SELECT pg_advisory_xact_lock(" + std::to_string(lock_space) + "::int, hashtext($1))", {t.schema}, "locking schema " + t.schema);
    const bool replace = check_existing(db, t);
    const std::string staging = t.schema + "__buurtbalans_new";
    const std::string staging_q = db.identifier(staging);
    db.exec("CREATE SCHEMA " + staging_q, "creating the staging schema " + staging);

    Published published;
    for (int i = 0; i < src->GetLayerCount(); ++i) {
        OGRLayer* layer = src->GetLayer(i);
        const std::string name = layer->GetName();
        if (name == "layer_styles" || name == "qgis_projects") {
            continue;  // QGIS's own tables: written below the way QGIS keeps them in PostgreSQL
        }
        published.emplace_back(name, copy_layer(db, *layer, staging_q));
    }
    db.exec("CREATE TABLE " + staging_q + ".buurtbalans_metadata (key text PRIMARY KEY, value text)", "creating buurtbalans_metadata");
    for (const auto& [key, value] : pub.metadata) {
        db.exec("INSERT INTO " + staging_q + ".buurtbalans_metadata (key, value) VALUES ($1, $2)", {key, value}, "writing buurtbalans_metadata");
    }
    if (!pub.project_name.empty()) {
        // QgsPostgresProjectStorage's table (checked against what QGIS creates in the tests).
        db.exec("CREATE TABLE " + staging_q + ".qgis_projects(name TEXT PRIMARY KEY, metadata JSONB, content BYTEA)", "creating qgis_projects");
        db.exec("INSERT INTO " + staging_q + ".qgis_projects VALUES ($1, jsonb_build_object('last_modified_time', "
                "to_char(now(), 'YYYY-MM-DD HH24:MI:SS.US'), 'last_modified_user', current_user::text), decode($2, 'hex'))",
                {pub.project_name, pub.project_qgz_hex}, "storing the QGIS project");
    }

    if (replace) {
        drop_previous(db, t.schema);
    }
    db.exec("ALTER SCHEMA " + staging_q + " RENAME TO " + db.identifier(t.schema), "renaming the staging schema to " + t.schema);
    db.exec("COMMENT ON SCHEMA " + db.identifier(t.schema) + " IS " + db.literal(std::string(marker) + ": " + pub.comment), "marking schema " + t.schema);

    db.exec("DELETE FROM layer_styles WHERE f_table_catalog = $1 AND f_table_schema = $2", {catalog, t.schema}, "replacing the styles of " + t.schema);
    for (const Style& s : pub.styles) {
        db.exec("INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, styleSLD, "
                "useAsDefault, description, type) VALUES ($1, $2, $3, 'geom', $4, XMLPARSE(DOCUMENT $5), XMLPARSE(DOCUMENT $6), $7, $8, $9)",
                {catalog, t.schema, s.table, s.name, s.qml, s.sld, s.is_default ? "true" : "false", s.description, s.geometry_type},
                "storing the style of " + s.table);
    }
    db.exec("COMMIT", "committing");
    return published;
}

} // namespace buurt::postgis

#pragma once
// A run's GeoPackage, read back for printing: its tables as GEOS geometries with chosen fields as
// text (through io::VectorSource), its provenance and a few counts (through io's SQL queries). Maps are made from what a run wrote, never
// from the raw inputs, so a map always shows what the GeoPackage (and QGIS) shows.

#include <optional>
#include <string>
#include <vector>

#include "engine/geos/geos.hpp"

namespace buurt::render {

struct Provenance {
    std::string engine;   // "buurtbalans 0.1.0"
    std::string created;  // "2025-11-23T14:47:00Z": the run's time, used as the map's date
    std::string project;
    std::string crs;
    std::vector<std::string> themes;  // the project's themes: categories beyond the style's own
    int publish_threshold = 0;        // a published run (disclosure control): its threshold; else 0
    std::string publish_note;         // how it was protected, printed on every page
};

struct Row {
    long long fid = 0;
    geos::Geometry geometry;
    geos::Envelope envelope;
    std::vector<std::optional<std::string>> values;  // one per requested field; nullopt for NULL
};

struct Table {
    std::string name;
    std::vector<std::string> fields;  // as requested; a field the table lacks reads as NULL
    std::vector<Row> rows;            // rows with a geometry, in fid order

    int field(const std::string& field_name) const;  // index into values, -1 when not requested
    const std::optional<std::string>& value(const Row& r, const std::string& field_name) const;
};

class RunOutput {
public:
    // Throws input_error when the file is not a buurtbalans GeoPackage (no provenance).
    explicit RunOutput(const std::string& gpkg);

    const std::string& path() const { return m_path; }
    const Provenance& provenance() const { return m_provenance; }
    bool has_table(const std::string& table) const;
    // Rows of `table` matching the SQL `where` (empty: all), with `fields` as text.
    Table read(const std::string& table, const std::vector<std::string>& fields, const std::string& where = "") const;
    // Each value of a field with how many rows of `where` hold it, as `run` counted them for the
    // QGIS styles (GROUP BY), so a map's classes are built from exactly the same input.
    std::vector<std::pair<std::optional<std::string>, long long>> histogram(const std::string& table, const std::string& field,
                                                                            const std::string& where) const;
    // The distinct non-empty values of a field, sorted; empty when the table or field is missing.
    std::vector<std::string> distinct(const std::string& table, const std::string& field, const std::string& where = "") const;

private:
    std::string m_path;
    Provenance m_provenance;
};

} // namespace buurt::render

#pragma once
// Writes one GeoPackage atomically: everything goes to a temporary file beside the target, which is
// renamed over the target only by commit(). A run that fails or is killed leaves the old output as it was.

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/geos/geos.hpp"

namespace buurt::io {

enum class FieldType { integer, real, text };
enum class GeometryType { none, point, multi_point, line, polygon, multi_line, multi_polygon, any };

struct FieldDef {
    std::string name;
    FieldType type;
};

class GpkgWriter;

class LayerWriter {
public:
    void set(int field, long long value);
    void set(int field, double value);  // NaN is written as NULL
    void set(int field, const std::string& value);
    void set_geometry(const geos::Geometry& g);
    void set_point(double x, double y);
    void write();  // writes the row and clears it for the next
    ~LayerWriter();
    LayerWriter(LayerWriter&&) noexcept;
    LayerWriter(const LayerWriter&) = delete;
    LayerWriter& operator=(const LayerWriter&) = delete;

private:
    friend class GpkgWriter;
    struct Impl;
    explicit LayerWriter(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

class GpkgWriter {
public:
    // Throws output_error when the target exists and `overwrite` is false, or its folder is not writable.
    GpkgWriter(const std::string& target, bool overwrite, const std::string& crs);
    ~GpkgWriter();  // not committed: the temporary file is removed
    GpkgWriter(const GpkgWriter&) = delete;
    GpkgWriter& operator=(const GpkgWriter&) = delete;

    LayerWriter layer(const std::string& name, GeometryType geometry, const std::vector<FieldDef>& fields, const std::string& description);
    void metadata(const std::string& key, const std::string& value);
    // Runs SQL on the open GeoPackage (SQLite dialect): for tables GDAL has no API for (layer_styles...).
    // Never for rows of a layer LayerWriter fills: its feature count, extent and spatial index are written
    // at commit from the rows LayerWriter wrote.
    void execute_sql(const std::string& sql);

    // The distinct values of one column of a written table, as text (NULL as empty optional), with counts,
    // in SQLite's order (NULL first; integers by value, text by bytes).
    std::vector<std::pair<std::optional<std::string>, long long>> column_histogram(const std::string& table, const std::string& field,
                                                                                   const std::string& where);
    // Counts the values of a text or integer field as its rows are written, for column_histogram
    // without a `where`: a GROUP BY over a million observations scans and sorts them (~1 s each).
    // Only for a layer not created yet; a real field is left to SQL.
    void count_values(const std::string& table, const std::string& field);
    bool has_table(const std::string& table) const;

    // A single-band Float32 raster table, written into the same GeoPackage when it is committed.
    void raster(const std::string& name, double min_x, double max_y, double cell, int cols, int rows, std::vector<float> values,
                const std::string& description);

    // Builds the spatial indexes, closes, checks for errors, fsyncs and renames into place.
    void commit();
    const std::string& temporary_path() const;

    struct Impl;  // shared with LayerWriter, defined in the .cpp

private:
    std::unique_ptr<Impl> m_impl;
};

} // namespace buurt::io

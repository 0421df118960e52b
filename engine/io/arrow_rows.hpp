#pragma once
// A layer read through GDAL's Arrow stream (OGRLayer::GetArrowStream), row by row.
//
// GDAL hands over batches of columns instead of one OGRFeature per row: for 1M GeoPackage points with
// three fields 0.32 s instead of 0.58-0.68 s on this project's machine. The stream is only used where
// its rows mean exactly what OGR's features mean to VectorSource: fields of text and 32- or 64-bit
// integers (whose text GetFieldAsString gives as plain digits) and one geometry column as WKB.
// Anything else (dates, reals, lists, SQL results, CSV point columns) is read feature by feature.

#include <ogr_recordbatch.h>
#include <ogrsf_frmts.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace buurt::io {

class ArrowRows {
public:
    // The stream of `layer`, when every field whose `wanted` entry is set (all fields when `wanted` is
    // empty) can be read from it exactly; null otherwise (then the layer is as it was).
    static std::unique_ptr<ArrowRows> open(OGRLayer& layer, const std::vector<char>& wanted);
    ~ArrowRows();
    ArrowRows(const ArrowRows&) = delete;
    ArrowRows& operator=(const ArrowRows&) = delete;

    // Moves to the next row; false at the end. Throws buurt::error with GDAL's message when the
    // source cannot be read on (after the rows GDAL did read before the damage).
    bool next();

    long long fid() const;
    // `field`: an index into the layer's fields, one that was wanted.
    bool is_null(int field) const;
    void text(int field, std::string& out) const;
    // The row's geometry as WKB; false when it has none.
    bool geometry(const unsigned char*& wkb, std::size_t& size) const;

private:
    ArrowRows() = default;
    struct Column {
        const ArrowArray* array = nullptr;  // of the current batch
        char format = 0;                    // 'u' text, 'i' int32, 'l' int64, 'z' binary
    };
    bool valid(const Column& c) const;
    std::int64_t at(const Column& c) const;  // the row's index into the column's buffers

    ArrowArrayStream m_stream{};
    ArrowSchema m_schema{};
    ArrowArray m_batch{};
    std::int64_t m_row = -1;
    int m_fid_child = -1;
    int m_geometry_child = -1;
    std::vector<int> m_field_child;   // per layer field: its child in the stream, -1 when not read
    std::vector<char> m_child_format;  // per child
    std::vector<Column> m_columns;     // per child, pointing into m_batch
    std::string m_failure;             // what GDAL said went wrong while filling the current batch
    int m_empty_batches = 0;           // in a row
};

} // namespace buurt::io

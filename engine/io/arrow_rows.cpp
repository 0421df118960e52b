#include "engine/io/arrow_rows.hpp"

#include <cstring>

#include "engine/core/error.hpp"
#include "engine/gdal/gdal.hpp"

namespace buurt::io {

namespace {

bool one_char_format(const char* format, char c) { return format != nullptr && format[0] == c && format[1] == '\0'; }

} // namespace

std::unique_ptr<ArrowRows> ArrowRows::open(OGRLayer& layer, const std::vector<char>& wanted) {
    OGRFeatureDefn* defn = layer.GetLayerDefn();
    if (defn->GetGeomFieldCount() != 1) {
        return nullptr;
    }
    std::unique_ptr<ArrowRows> rows(new ArrowRows());
    auto give_up = [&layer, &rows]() -> std::unique_ptr<ArrowRows> {
        rows.reset();  // releases the stream before the layer is read feature by feature
        layer.ResetReading();
        return nullptr;
    };
    if (!layer.GetArrowStream(&rows->m_stream, nullptr)) {
        rows->m_stream.release = nullptr;
        return give_up();
    }
    if (rows->m_stream.get_schema(&rows->m_stream, &rows->m_schema) != 0 || rows->m_schema.format == nullptr ||
        std::strcmp(rows->m_schema.format, "+s") != 0) {
        return give_up();
    }
    const std::string fid_name = layer.GetFIDColumn()[0] != '\0' ? layer.GetFIDColumn() : "OGC_FID";
    rows->m_field_child.assign(static_cast<std::size_t>(defn->GetFieldCount()), -1);
    for (std::int64_t c = 0; c < rows->m_schema.n_children; ++c) {
        const ArrowSchema& child = *rows->m_schema.children[c];
        const char* format = child.format;
        rows->m_child_format.push_back(format != nullptr && format[0] != '\0' && format[1] == '\0' ? format[0] : '?');
        const int field = child.name != nullptr ? defn->GetFieldIndex(child.name) : -1;
        if (rows->m_fid_child < 0 && one_char_format(format, 'l') && child.name != nullptr && fid_name == child.name) {
            rows->m_fid_child = static_cast<int>(c);
        } else if (field >= 0 && rows->m_field_child[static_cast<std::size_t>(field)] < 0) {
            rows->m_field_child[static_cast<std::size_t>(field)] = static_cast<int>(c);
        } else if (rows->m_geometry_child < 0 && one_char_format(format, 'z')) {
            rows->m_geometry_child = static_cast<int>(c);
        } else {
            return give_up();  // a column this reader does not know what to make of
        }
    }
    if (rows->m_fid_child < 0 || rows->m_geometry_child < 0) {
        return give_up();
    }
    for (std::size_t i = 0; i < rows->m_field_child.size(); ++i) {
        if (!wanted.empty() && wanted[i] == 0) {
            continue;
        }
        const int c = rows->m_field_child[i];
        if (c < 0) {
            return give_up();
        }
        const char f = rows->m_child_format[static_cast<std::size_t>(c)];
        if (f != 'u' && f != 'i' && f != 'l') {
            return give_up();
        }
    }
    return rows;
}

ArrowRows::~ArrowRows() {
    if (m_batch.release != nullptr) {
        m_batch.release(&m_batch);
    }
    if (m_schema.release != nullptr) {
        m_schema.release(&m_schema);
    }
    if (m_stream.release != nullptr) {
        m_stream.release(&m_stream);
    }
}

bool ArrowRows::next() {
    ++m_row;
    while (m_batch.release == nullptr || m_row >= m_batch.length) {
        if (!m_failure.empty()) {
            throw error(m_failure);  // the rows before the damage were handed out first
        }
        if (m_batch.release != nullptr) {
            m_batch.release(&m_batch);
        }
        m_batch = ArrowArray{};
        // GDAL 3.6 reports a damaged table (SQLite: "database disk image is malformed") as an error
        // message beside a short batch, and then hands out empty batches forever instead of an end.
        gdal::ErrorCapture said;
        const int status = m_stream.get_next(&m_stream, &m_batch);
        if (status != 0) {
            const char* last = m_stream.get_last_error(&m_stream);
            throw error(last != nullptr && last[0] != '\0' ? last : std::strerror(status));
        }
        if (!said.errors().empty()) {
            m_failure = said.last_error();
        }
        if (m_batch.release == nullptr) {
            if (!m_failure.empty()) {
                throw error(m_failure);
            }
            return false;
        }
        if (m_batch.n_children != static_cast<std::int64_t>(m_child_format.size())) {
            throw error("a batch of the Arrow stream does not match its schema");
        }
        constexpr int max_empty_batches = 1000;
        m_empty_batches = m_batch.length == 0 ? m_empty_batches + 1 : 0;
        if (m_empty_batches > max_empty_batches) {
            throw error("the Arrow stream gives only empty batches");
        }
        m_columns.clear();
        for (std::int64_t c = 0; c < m_batch.n_children; ++c) {
            m_columns.push_back({m_batch.children[c], m_child_format[static_cast<std::size_t>(c)]});
        }
        m_row = 0;
    }
    return true;
}

std::int64_t ArrowRows::at(const Column& c) const { return m_batch.offset + c.array->offset + m_row; }

bool ArrowRows::valid(const Column& c) const {
    const auto* bitmap = static_cast<const std::uint8_t*>(c.array->buffers[0]);
    if (bitmap == nullptr) {
        return true;
    }
    const std::int64_t i = at(c);
    return ((bitmap[i >> 3] >> (i & 7)) & 1) != 0;
}

long long ArrowRows::fid() const {
    const Column& c = m_columns[static_cast<std::size_t>(m_fid_child)];
    return static_cast<const std::int64_t*>(c.array->buffers[1])[at(c)];
}

bool ArrowRows::is_null(int field) const { return !valid(m_columns[static_cast<std::size_t>(m_field_child[static_cast<std::size_t>(field)])]); }

void ArrowRows::text(int field, std::string& out) const {
    const Column& c = m_columns[static_cast<std::size_t>(m_field_child[static_cast<std::size_t>(field)])];
    const std::int64_t i = at(c);
    switch (c.format) {
        case 'u': {
            const auto* offsets = static_cast<const std::int32_t*>(c.array->buffers[1]);
            const auto* data = static_cast<const char*>(c.array->buffers[2]);
            out.assign(data + offsets[i], static_cast<std::size_t>(offsets[i + 1] - offsets[i]));
            break;
        }
        case 'i': out = std::to_string(static_cast<const std::int32_t*>(c.array->buffers[1])[i]); break;
        default: out = std::to_string(static_cast<const std::int64_t*>(c.array->buffers[1])[i]); break;
    }
}

bool ArrowRows::geometry(const unsigned char*& wkb, std::size_t& size) const {
    const Column& c = m_columns[static_cast<std::size_t>(m_geometry_child)];
    if (!valid(c)) {
        return false;
    }
    const std::int64_t i = at(c);
    const auto* offsets = static_cast<const std::int32_t*>(c.array->buffers[1]);
    wkb = static_cast<const unsigned char*>(c.array->buffers[2]) + offsets[i];
    size = static_cast<std::size_t>(offsets[i + 1] - offsets[i]);
    return true;
}

} // namespace buurt::io

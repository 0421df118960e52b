#include "engine/io/gpkg_rtree.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <utility>

#include "engine/core/error.hpp"
#include "engine/core/text.hpp"

namespace buurt::io {

namespace {

// SQLite's node layout (ext/rtree/rtree.c): a 2-byte tree depth (read from the root only), a 2-byte
// cell count, then cells of an 8-byte id and the coordinates as 4-byte floats, all big-endian.
constexpr std::size_t node_header_bytes = 4;
constexpr std::size_t cell_bytes = 8 + 4 * 4;
constexpr std::int64_t root_node = 1;

std::string quoted(const std::string& name) { return enquote(name, '"'); }

void put_u16(unsigned char* p, std::size_t v) {
    p[0] = static_cast<unsigned char>(v >> 8);
    p[1] = static_cast<unsigned char>(v);
}

void put_i64(unsigned char* p, std::int64_t v) {
    const auto u = static_cast<std::uint64_t>(v);
    for (int i = 0; i < 8; ++i) {
        p[i] = static_cast<unsigned char>(u >> (56 - 8 * i));
    }
}

void put_f32(unsigned char* p, float f) {
    std::uint32_t u = 0;
    std::memcpy(&u, &f, sizeof u);
    for (int i = 0; i < 4; ++i) {
        p[i] = static_cast<unsigned char>(u >> (24 - 8 * i));
    }
}

RTreeBox merged(std::int64_t id, const RTreeBox* first, const RTreeBox* last) {
    RTreeBox out{id, first->min_x, first->max_x, first->min_y, first->max_y};
    for (const RTreeBox* c = first + 1; c != last; ++c) {
        out.min_x = std::min(out.min_x, c->min_x);
        out.max_x = std::max(out.max_x, c->max_x);
        out.min_y = std::min(out.min_y, c->min_y);
        out.max_y = std::max(out.max_y, c->max_y);
    }
    return out;
}

// Sort-tile-recursive order: by centre x into vertical slices of about sqrt(nodes) nodes each, each
// slice by centre y, so that every run of `capacity` cells is one compact node.
void tile(std::vector<RTreeBox>& cells, std::size_t capacity) {
    const std::size_t nodes = (cells.size() + capacity - 1) / capacity;
    const auto slices = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(nodes))));
    const std::size_t per_slice = (nodes + slices - 1) / slices * capacity;
    std::sort(cells.begin(), cells.end(), [](const RTreeBox& a, const RTreeBox& b) { return a.min_x + a.max_x < b.min_x + b.max_x; });
    for (std::size_t start = 0; start < cells.size(); start += per_slice) {
        const auto end = cells.begin() + static_cast<std::ptrdiff_t>(std::min(cells.size(), start + per_slice));
        std::sort(cells.begin() + static_cast<std::ptrdiff_t>(start), end,
                  [](const RTreeBox& a, const RTreeBox& b) { return a.min_y + a.max_y < b.min_y + b.max_y; });
    }
}

std::string triggers_sql(const std::string& table, const std::string& column, const std::string& id_column) {
    const std::string t = quoted(table), c = quoted(column), i = quoted(id_column);
    const std::string r = quoted("rtree_" + table + "_" + column);
    const auto name = [&](const char* suffix) { return quoted("rtree_" + table + "_" + column + "_" + suffix); };
    const std::string insert = "INSERT OR REPLACE INTO " + r + " VALUES (NEW." + i + ",ST_MinX(NEW." + c + "), ST_MaxX(NEW." + c + "),ST_MinY(NEW." + c +
                               "), ST_MaxY(NEW." + c + ")); ";
    // The GeoPackage 1.2 definitions, word for word as GDAL writes them.
    return "CREATE TRIGGER " + name("insert") + " AFTER INSERT ON " + t + " WHEN (new." + c + " NOT NULL AND NOT ST_IsEmpty(NEW." + c + ")) BEGIN " +
           insert + "END;\n" +
           "CREATE TRIGGER " + name("update1") + " AFTER UPDATE OF " + c + " ON " + t + " WHEN OLD." + i + " = NEW." + i + " AND (NEW." + c +
           " NOTNULL AND NOT ST_IsEmpty(NEW." + c + ")) BEGIN " + insert + "END;\n" +
           "CREATE TRIGGER " + name("update2") + " AFTER UPDATE OF " + c + " ON " + t + " WHEN OLD." + i + " = NEW." + i + " AND (NEW." + c +
           " ISNULL OR ST_IsEmpty(NEW." + c + ")) BEGIN DELETE FROM " + r + " WHERE id = OLD." + i + "; END;\n" +
           "CREATE TRIGGER " + name("update3") + " AFTER UPDATE ON " + t + " WHEN OLD." + i + " != NEW." + i + " AND (NEW." + c +
           " NOTNULL AND NOT ST_IsEmpty(NEW." + c + ")) BEGIN DELETE FROM " + r + " WHERE id = OLD." + i + "; " + insert + "END;\n" +
           "CREATE TRIGGER " + name("update4") + " AFTER UPDATE ON " + t + " WHEN OLD." + i + " != NEW." + i + " AND (NEW." + c +
           " ISNULL OR ST_IsEmpty(NEW." + c + ")) BEGIN DELETE FROM " + r + " WHERE id IN (OLD." + i + ", NEW." + i + "); END;\n" +
           "CREATE TRIGGER " + name("delete") + " AFTER DELETE ON " + t + " WHEN old." + c + " NOT NULL BEGIN DELETE FROM " + r + " WHERE id = OLD." + i +
           "; END;\n";
}

} // namespace

RTreeBox rtree_box(std::int64_t id, double min_x, double min_y, double max_x, double max_y) {
    const auto down = [](double v) {
        const auto f = static_cast<float>(v);
        return f > v ? std::nextafter(f, -std::numeric_limits<float>::infinity()) : f;
    };
    const auto up = [](double v) {
        const auto f = static_cast<float>(v);
        return f < v ? std::nextafter(f, std::numeric_limits<float>::infinity()) : f;
    };
    return {id, down(min_x), up(max_x), down(min_y), up(max_y)};
}

void write_rtree(sqlite::Database& db, const std::string& table, const std::string& column, const std::string& id_column,
                 std::vector<RTreeBox> boxes) {
    const std::string rtree = "rtree_" + table + "_" + column;
    db.execute("CREATE VIRTUAL TABLE " + quoted(rtree) + " USING rtree(id, minx, maxx, miny, maxy)");
    // SQLite sizes nodes by the page size when it creates the table (and writes an empty root of that
    // size); a reader takes the size from the root, so ours must match it.
    std::size_t node_bytes = 0;
    {
        sqlite::Statement size(db, "SELECT length(data) FROM " + quoted(rtree + "_node") + " WHERE nodeno = 1");
        if (!size.step()) {
            db.fail("no root node in " + rtree);
        }
        node_bytes = static_cast<std::size_t>(size.column_int64(0));
    }
    const std::size_t capacity = (node_bytes - node_header_bytes) / cell_bytes;
    if (node_bytes < node_header_bytes || capacity < 2) {
        throw output_error(db.path() + ": unexpected R*Tree node size " + std::to_string(node_bytes) + " in " + rtree);
    }

    if (!boxes.empty()) {  // else the empty root SQLite wrote is the whole tree
        sqlite::Statement node(db, "INSERT OR REPLACE INTO " + quoted(rtree + "_node") + " (nodeno, data) VALUES (?, ?)");
        std::vector<unsigned char> blob(node_bytes);
        std::vector<std::pair<std::int64_t, std::int64_t>> leaf_of;  // (row id, leaf)
        std::vector<std::pair<std::int64_t, std::int64_t>> parent_of;  // (node, parent)
        leaf_of.reserve(boxes.size());

        std::vector<RTreeBox> cells = std::move(boxes);
        std::int64_t next_node = root_node + 1;
        for (std::size_t depth = 0;; ++depth) {
            tile(cells, capacity);
            const std::size_t nodes = (cells.size() + capacity - 1) / capacity;
            std::vector<RTreeBox> parents;
            parents.reserve(nodes);
            for (std::size_t n = 0; n < nodes; ++n) {
                const std::size_t first = n * capacity;
                const std::size_t count = std::min(capacity, cells.size() - first);
                const std::int64_t number = nodes == 1 ? root_node : next_node++;
                std::fill(blob.begin(), blob.end(), 0);
                put_u16(blob.data(), nodes == 1 ? depth : 0);
                put_u16(blob.data() + 2, count);
                for (std::size_t k = 0; k < count; ++k) {
                    const RTreeBox& c = cells[first + k];
                    unsigned char* p = blob.data() + node_header_bytes + k * cell_bytes;
                    put_i64(p, c.id);
                    put_f32(p + 8, c.min_x);
                    put_f32(p + 12, c.max_x);
                    put_f32(p + 16, c.min_y);
                    put_f32(p + 20, c.max_y);
                    (depth == 0 ? leaf_of : parent_of).emplace_back(c.id, number);
                }
                node.bind(1, number).bind_blob(2, blob.data(), static_cast<int>(blob.size())).run();
                parents.push_back(merged(number, cells.data() + first, cells.data() + first + count));
            }
            if (nodes == 1) {
                break;
            }
            cells = std::move(parents);
        }
        std::sort(leaf_of.begin(), leaf_of.end());
        std::sort(parent_of.begin(), parent_of.end());
        sqlite::Statement rowid(db, "INSERT INTO " + quoted(rtree + "_rowid") + " (rowid, nodeno) VALUES (?, ?)");
        for (const auto& [id, leaf] : leaf_of) {
            rowid.bind(1, id).bind(2, leaf).run();
        }
        sqlite::Statement parent(db, "INSERT INTO " + quoted(rtree + "_parent") + " (nodeno, parentnode) VALUES (?, ?)");
        for (const auto& [child, of] : parent_of) {
            parent.bind(1, child).bind(2, of).run();
        }
    }

    db.execute(triggers_sql(table, column, id_column));
    db.execute(
        "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL, "
        "scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))");
    sqlite::Statement extension(db,
                                "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES (?, ?, "
                                "'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')");
    extension.bind(1, table).bind(2, column).run();
}

} // namespace buurt::io

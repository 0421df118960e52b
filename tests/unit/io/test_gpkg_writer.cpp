// Value counts kept while rows are written (GpkgWriter::count_values) give exactly what SQLite's
// GROUP BY over the written table gives: the reference is the same rows in a layer nobody counted.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/io/gpkg_writer.hpp"
#include "unit/support/unit_support.hpp"

using namespace buurt;

namespace {

struct Row {
    std::optional<std::string> text;
    std::optional<long long> number;
    double real;
};

void write_rows(io::GpkgWriter& w, const std::string& name, const std::vector<Row>& rows) {
    io::LayerWriter lw = w.layer(name, io::GeometryType::point, {{"t", io::FieldType::text}, {"i", io::FieldType::integer}, {"r", io::FieldType::real}}, "");
    for (const Row& row : rows) {
        if (row.text) {
            lw.set(0, *row.text);
        }
        if (row.number) {
            lw.set(1, *row.number);
        }
        lw.set(2, row.real);
        lw.set_point(row.real, 1.0);
        lw.write();
    }
}

} // namespace

TEST_CASE("counted values equal SQLite's GROUP BY over the written rows") {
    const std::vector<std::string> texts = {"water", "Water", "zorg", "éénrichting", "", "a b", "10", "9", "ß"};
    const std::vector<long long> numbers = {-1, 0, 1, 10, -20, 9, 2, 1LL << 40};
    std::vector<Row> rows;
    for (int k = 0; k < 300; ++k) {
        Row r;
        if (k % 7 != 3) {
            r.text = texts[static_cast<std::size_t>(k * k + 3 * k) % texts.size()];
        }
        if (k % 11 != 5) {
            r.number = numbers[static_cast<std::size_t>(k * 5 + k / 3) % numbers.size()];
        }
        r.real = k % 4 == 0 ? 0.5 : k * 0.25;
        rows.push_back(r);
    }
    const auto dir = test::scratch_dir("gpkg_writer_counts");
    io::GpkgWriter w((dir / "out.gpkg").string(), true, "EPSG:28992");
    for (const char* field : {"t", "i", "r"}) {
        w.count_values("counted", field);
    }
    write_rows(w, "counted", rows);
    write_rows(w, "plain", rows);
    w.count_values("plain", "t");  // too late: the rows are written, so SQL answers

    for (const char* field : {"t", "i", "r"}) {
        INFO(field);
        const auto expected = w.column_histogram("plain", field, "");
        CHECK(expected.size() > 2);
        CHECK(w.column_histogram("counted", field, "") == expected);
        CHECK(w.column_histogram("counted", field, "i > 0") == w.column_histogram("plain", field, "i > 0"));
    }
    // Hand-counted: rows with k % 7 == 3 have no text.
    const auto t = w.column_histogram("counted", "t", "");
    CHECK(t.front() == std::make_pair(std::optional<std::string>{}, 43LL));
}

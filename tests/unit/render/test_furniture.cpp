#include <catch2/catch.hpp>

#include <cmath>

#include "engine/core/error.hpp"
#include "engine/render/furniture.hpp"

using namespace buurt::render;

namespace {

// 1, 2 or 5 times a power of ten.
bool round_length(double m) {
    const double decade = std::pow(10.0, std::floor(std::log10(m) + 1e-9));
    const double lead = m / decade;
    return std::fabs(lead - 1) < 1e-9 || std::fabs(lead - 2) < 1e-9 || std::fabs(lead - 5) < 1e-9;
}

} // namespace

TEST_CASE("render: paper sizes are the exact ISO 216 sizes in points", "[render][paper]") {
    const Paper a4 = paper("A4", false);
    CHECK(a4.width_pt == Approx(595.2756).epsilon(1e-6));
    CHECK(a4.height_pt == Approx(841.8898).epsilon(1e-6));
    const Paper a0 = paper("a0", true);
    CHECK(a0.name == "A0");
    CHECK(a0.width_pt == Approx(1189 * 72 / 25.4));
    CHECK(a0.height_pt == Approx(841 * 72 / 25.4));
    for (const char* name : {"A1", "A2", "A3"}) {
        const Paper portrait = paper(name, false);
        const Paper landscape = paper(name, true);
        CHECK(portrait.width_pt < portrait.height_pt);
        CHECK(landscape.width_pt == portrait.height_pt);
    }
    // Each A size is half the one before it.
    CHECK(paper("A3", false).width_pt * paper("A3", false).height_pt == Approx(2 * a4.width_pt * a4.height_pt).epsilon(0.01));
    CHECK_THROWS_AS(paper("B5", false), buurt::config_error);
}

TEST_CASE("render: the scale bar has a round length in round segments", "[render][scalebar]") {
    SECTION("1:5.000 with room for 100 pt: 100 m in five steps of 20 m") {
        const ScaleBar b = scale_bar(5000, 100);
        CHECK(b.length_m == Approx(100));
        CHECK(b.unit == "m");
        CHECK(b.tick_labels == std::vector<std::string>{"0", "20", "40", "60", "80", "100"});
        CHECK(b.length_pt == Approx(100 * 72 / 0.0254 / 5000));
    }
    SECTION("1:25.000 with room for 150 pt: 1 km in steps of 0,2 km") {
        const ScaleBar b = scale_bar(25000, 150);
        CHECK(b.length_m == Approx(1000));
        CHECK(b.unit == "km");
        CHECK(b.tick_labels == std::vector<std::string>{"0", "0,2", "0,4", "0,6", "0,8", "1"});
    }
    SECTION("a 2 km bar goes in four steps of 0,5 km") {
        const ScaleBar b = scale_bar(20000, 2000 * 72 / 0.0254 / 20000 + 1);
        CHECK(b.length_m == Approx(2000));
        CHECK(b.tick_labels == std::vector<std::string>{"0", "0,5", "1", "1,5", "2"});
    }
    SECTION("any scale and room: round, fits, and the next round length would not") {
        for (const double scale : {1000.0, 1250.0, 2500.0, 7500.0, 10000.0, 40000.0, 100000.0}) {
            for (const double room : {60.0, 100.0, 170.0, 300.0}) {
                const ScaleBar b = scale_bar(scale, room);
                CHECK(round_length(b.length_m));
                CHECK(b.length_pt <= room + 1e-9);
                CHECK(b.length_pt > room / 2.5);
                CHECK(b.ticks_m.front() == 0);
                CHECK(b.ticks_m.back() == Approx(b.length_m));
                CHECK(b.tick_labels.size() == b.ticks_m.size());
            }
        }
    }
}

TEST_CASE("render: map scales are rounded up to numbers people say", "[render][scale]") {
    CHECK(round_scale_up(4800) == Approx(5000));
    CHECK(round_scale_up(5000) == Approx(5000));
    CHECK(round_scale_up(5001) == Approx(6000));
    CHECK(round_scale_up(12345) == Approx(12500));
    CHECK(round_scale_up(76000) == Approx(100000));
    CHECK(format_scale(12500) == "1:12.500");
    CHECK(format_scale(1000000) == "1:1.000.000");
    CHECK(format_scale(750) == "1:750");
    SECTION("fitting an area picks the round scale that holds it, centred") {
        const Rect frame{10, 20, 500, 300};
        const MapTransform t = fit({1000, 2000, 3000, 2500}, frame);
        CHECK(round_scale_up(t.scale) == Approx(t.scale));
        CHECK(t.extent.max_x - t.extent.min_x >= 2000);
        CHECK(t.extent.max_y - t.extent.min_y >= 500);
        const Point centre = t.to_page(2000, 2250);
        CHECK(centre.x == Approx(frame.x + frame.w / 2));
        CHECK(centre.y == Approx(frame.y + frame.h / 2));
        const Point top_left = t.to_page(t.extent.min_x, t.extent.max_y);
        CHECK(top_left.x == Approx(frame.x));
        CHECK(top_left.y == Approx(frame.y));
    }
}

TEST_CASE("render: reference grid labels run A..Z, AA.. across and 1, 2, .. down", "[render][grid]") {
    CHECK(column_label(0) == "A");
    CHECK(column_label(2) == "C");
    CHECK(column_label(25) == "Z");
    CHECK(column_label(26) == "AA");
    CHECK(column_label(27) == "AB");
    CHECK(column_label(701) == "ZZ");
    CHECK(column_label(702) == "AAA");
    CHECK(row_label(0) == "1");
    CHECK(row_label(11) == "12");
    const ReferenceGrid g = reference_grid({100, 50, 500, 300}, 100);
    CHECK(g.columns == 5);
    CHECK(g.rows == 3);
    CHECK(g.cell_at({101, 51}) == "A1");
    CHECK(g.cell_at({350, 160}) == "C2");
    CHECK(g.cell_at({600, 350}) == "E3");  // the far corner belongs to the last cell
    CHECK(g.cell_at({99, 51}).empty());
    SECTION("cells stay near the target size and fill the frame exactly") {
        const ReferenceGrid h = reference_grid({0, 0, 1000, 640}, 150);
        CHECK(h.columns == 7);
        CHECK(h.rows == 4);
        CHECK(h.cell_w() * h.columns == Approx(1000));
    }
}

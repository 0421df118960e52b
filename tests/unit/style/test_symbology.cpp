// Graduated symbology from numbers (a raster's cells) against the text path and hand-computed classes.
#include <catch2/catch.hpp>

#include <string>

#include "engine/core/error.hpp"
#include "engine/style/style.hpp"
#include "engine/style/symbology.hpp"
#include "test_config.hpp"

using namespace buurt;

namespace {

style::Library repo_library() {
    const std::string repo = test::sample_data_dir + "/..";
    return style::load_library(repo + "/styles", repo + "/layers");
}

style::ThematicLayer layer_with(const std::string& style_name) {
    style::ThematicLayer l;
    l.id = "test";
    l.table = "heatmap";
    l.field = "value";
    l.style = style_name;
    return l;
}

} // namespace

TEST_CASE("symbology: numbers with counts are classified as their text would be", "[style]") {
    const style::Library lib = repo_library();
    const style::ThematicLayer layer = layer_with("heatmap");  // equal interval, five classes
    // Values 1, 1, 2, 6, 11: classes of width (11 - 1) / 5 = 2 from 1: [1, 3], (3, 5], (5, 7], (7, 9], (9, 11].
    const style::NumberCounts numbers{{1.0, 2}, {2.0, 1}, {6.0, 1}, {11.0, 1}};
    const style::Symbology sym = style::build_symbology_from_numbers(layer, lib, style::Geometry::polygon, numbers);
    REQUIRE(sym.rules.size() == 5);
    const double lower[] = {1, 3, 5, 7, 9};
    const long long count[] = {3, 0, 1, 0, 1};
    for (std::size_t i = 0; i < 5; ++i) {
        INFO("class " << i);
        CHECK(sym.rules[i].test == style::Rule::Test::range);
        CHECK(sym.rules[i].lower == Approx(lower[i]));
        CHECK(sym.rules[i].upper == Approx(lower[i] + 2));
        CHECK(sym.rules[i].include_lower == (i == 0));
        CHECK(sym.rules[i].count == count[i]);
    }
    const style::ValueCounts texts{{"1", 2}, {"2", 1}, {"6", 1}, {"11", 1}};
    const style::Symbology by_text = style::build_symbology_from_counts(layer, lib, style::Geometry::polygon, texts, {});
    REQUIRE(by_text.rules.size() == sym.rules.size());
    for (std::size_t i = 0; i < sym.rules.size(); ++i) {
        CHECK(by_text.rules[i].expression() == sym.rules[i].expression());
        CHECK(by_text.rules[i].label == sym.rules[i].label);
        CHECK(by_text.rules[i].count == sym.rules[i].count);
    }
}

TEST_CASE("symbology: numbers cannot fill a categorized style", "[style]") {
    const style::Library lib = repo_library();
    CHECK_THROWS_AS(style::build_symbology_from_numbers(layer_with("blind"), lib, style::Geometry::polygon, {{1.0, 1}}), config_error);
}

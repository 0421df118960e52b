#pragma once
// Style and thematic-layer definitions, read from styles/ and layers/ (TOML). One definition feeds
// the QGIS styles (QML, SLD) and the printed maps.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace buurt::style {

struct Color {
    std::uint8_t r = 0, g = 0, b = 0, a = 255;
    bool operator==(const Color&) const = default;
};
Color parse_color(std::string_view text);  // "#rrggbb" or "#rrggbbaa"; throws config_error
std::string hex(const Color& c);           // "#rrggbb"
std::string qgis_rgba(const Color& c);     // "r,g,b,a"

struct Ramp {
    std::string id;
    std::string kind;  // sequential, diverging, qualitative
    bool colorblind_safe = false;
    std::vector<Color> colors;
};
// n colours along the ramp (interpolated in sRGB between its anchors when n differs).
std::vector<Color> ramp_colors(const Ramp& ramp, int n);

enum class Classification { quantile, equal_interval, jenks, fixed };

struct CategoryDef {
    std::string value;
    std::string label;
    Color color;
    bool hatch = false;
};

struct Style {
    std::string id;
    std::string kind;  // graduated, categorized
    Classification classification = Classification::quantile;
    int classes = 5;
    std::vector<double> breaks;       // fixed classification: classes + 1 boundaries
    std::vector<std::string> labels;  // optional class labels (fixed classes)
    std::string ramp;
    int decimals = 1;
    Color outline{110, 110, 110, 255};
    double outline_width = 0.2;  // mm
    std::optional<CategoryDef> zero;     // a class of its own for value 0
    std::optional<CategoryDef> no_data;  // a class of its own for NULL
    std::vector<CategoryDef> categories;
    std::optional<CategoryDef> other;    // categorized: values not listed
    std::string field_type = "real";     // categorized: text or integer values
    double marker_size = 3.0;
    Color marker_outline{255, 255, 255, 255};
    double marker_outline_width = 0.3;
    bool shape_by_valence = false;
    double line_width = 0.8;
    double line_width_min = 0, line_width_max = 0;  // graduated line widths, 0: fixed
    double fill_opacity = 1.0;  // polygons of point-styled layers
    std::string label_field;
    double label_size = 8.0;
    double label_halo = 1.0;
};

struct ThematicLayer {
    std::string id;  // file name without .toml
    std::string title;
    std::string title_en;
    std::string legend;
    std::string table;
    std::string field;
    std::string filter;  // SQL / QGIS expression over the table's fields; empty: all rows
    std::string style;
    std::string group;
    int order = 100;
    bool is_default = false;  // the table's default style in layer_styles
    bool visible = true;
};

struct Library {
    std::map<std::string, Ramp> ramps;
    std::map<std::string, Style> styles;
    std::vector<ThematicLayer> layers;  // sorted by order, then id

    const Style& style(const std::string& id) const;
    const Ramp& ramp(const std::string& id) const;
};

// Reads styles_dir/ramps.toml, styles_dir/*.toml and layers_dir/*.toml; checks every reference.
Library load_library(const std::string& styles_dir, const std::string& layers_dir);

} // namespace buurt::style

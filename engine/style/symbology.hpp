#pragma once
// A thematic layer's symbology for one run: an ordered list of rules (filter + symbol + legend label),
// built from the layer's style and the run's data. The QGIS style (QML, SLD) and the printed map are
// both written from this one list, so they cannot disagree.

#include <optional>
#include <string>
#include <vector>

#include "engine/style/style.hpp"

namespace buurt::style {

enum class Geometry { polygon, line, point };

struct Symbol {
    Color fill;
    Color stroke;
    double stroke_width = 0.2;  // mm: outline of polygons and markers
    double line_width = 0.8;    // mm: lines
    double size = 3.0;          // mm: marker diameter
    bool hatch = false;
    double fill_opacity = 1.0;
};

struct Rule {
    enum class Test { range, equals, is_null, other };
    Test test = Test::other;
    std::string field;
    double lower = 0, upper = 0;
    bool include_lower = true;  // the first class includes its lower bound, later ones do not
    std::string value;          // equals: the value as text
    bool numeric = false;       // equals: compare as a number
    std::string label;
    Symbol symbol;
    long long count = 0;        // features of this run in the class

    std::string expression() const;  // the QGIS expression of the filter ("ELSE" for other)
    // Does a value match? (`other` is matched by the caller when no earlier rule did.)
    bool matches(const std::optional<std::string>& value) const;
    bool matches(double value) const;
};

struct Symbology {
    std::string layer_id;
    std::string table;
    std::string title;
    std::string legend;
    std::string field;
    std::string filter;
    Geometry geometry = Geometry::polygon;
    std::vector<Rule> rules;
    bool shape_by_valence = false;  // markers: triangle strength, circle concern, square neutral
    std::string label_field;
    double label_size = 8.0;
    double label_halo = 1.0;

    // The rule a value falls in (first match, else the `other` rule), or nullptr.
    const Rule* rule_for(const std::optional<std::string>& value) const;
    const Rule* rule_for(double value) const;
};

std::string marker_shape_for_valence(int valence);  // "triangle", "circle", "square"

// `values`: the layer field's value for every feature of the run (after the layer's filter), as text.
// `themes`: the project's themes, for categories taken from the data vocabulary.
Symbology build_symbology(const ThematicLayer& layer, const Library& lib, Geometry geometry,
                          const std::vector<std::optional<std::string>>& values, const std::vector<std::string>& themes);
// The same from distinct values with their counts (a GROUP BY), for tables too large to hold.
using ValueCounts = std::vector<std::pair<std::optional<std::string>, long long>>;
Symbology build_symbology_from_counts(const ThematicLayer& layer, const Library& lib, Geometry geometry, const ValueCounts& values,
                                      const std::vector<std::string>& themes);
// A graduated style from numbers with their counts: a raster's cells, too many distinct values for text.
using NumberCounts = std::vector<std::pair<double, long long>>;
Symbology build_symbology_from_numbers(const ThematicLayer& layer, const Library& lib, Geometry geometry, const NumberCounts& values);

// "1,5 – 3" in Dutch notation with the style's decimals.
std::string format_number(double v, int decimals);

} // namespace buurt::style

#include "engine/style/symbology.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "engine/core/error.hpp"
#include "engine/core/text.hpp"
#include "engine/style/classify.hpp"

namespace buurt::style {

namespace {

std::optional<double> number(const std::optional<std::string>& v) {
    if (!v || v->empty()) {
        return std::nullopt;
    }
    double d = 0;
    const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), d);
    if (ec != std::errc{} || end != v->data() + v->size()) {
        return std::nullopt;
    }
    return d;
}

std::string quote_field(const std::string& f) { return enquote(f, '"'); }
std::string quote_text(const std::string& s) { return enquote(s, '\''); }

std::string number_text(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

Symbol base_symbol(const Style& s, const Color& fill, Geometry g) {
    Symbol sym;
    sym.fill = fill;
    sym.stroke = g == Geometry::point ? s.marker_outline : g == Geometry::line ? fill : s.outline;
    sym.stroke_width = g == Geometry::point ? s.marker_outline_width : s.outline_width;
    sym.line_width = s.line_width;
    sym.size = s.marker_size;
    sym.fill_opacity = s.fill_opacity;
    if (g == Geometry::polygon && s.fill_opacity < 1.0) {
        sym.stroke = fill;  // drawn areas: a see-through fill outlined in the same colour
        sym.stroke_width = 0.5;
    }
    return sym;
}

Rule category_rule(const Style& s, const std::string& field, const CategoryDef& c, Geometry g, bool numeric) {
    Rule r;
    r.test = Rule::Test::equals;
    r.field = field;
    r.value = c.value;
    r.numeric = numeric;
    r.label = c.label;
    r.symbol = base_symbol(s, c.color, g);
    r.symbol.hatch = c.hatch;
    return r;
}

// Values (text or numbers) with their counts, added to the count of the rule each falls in.
template <typename Counts>
void count_features(Symbology& sym, const Counts& values) {
    for (const auto& [v, n] : values) {
        if (const Rule* r = sym.rule_for(v)) {
            sym.rules[static_cast<std::size_t>(r - sym.rules.data())].count += n;
        }
    }
}

// The values a graduated style classifies, each as often as features hold it. With a zero class,
// breaks are computed over the other values (most blocks have no concerns at all).
void add_classified(std::vector<double>& nums, const Style& s, double v, long long n) {
    if (!(s.zero && v == 0.0)) {
        nums.insert(nums.end(), static_cast<std::size_t>(n), v);
    }
}

void graduated(Symbology& out, const Style& s, const Library& lib, const std::vector<double>& nums) {
    if (s.no_data) {
        Rule r;
        r.test = Rule::Test::is_null;
        r.field = out.field;
        r.label = s.no_data->label;
        r.symbol = base_symbol(s, s.no_data->color, out.geometry);
        r.symbol.hatch = s.no_data->hatch;
        out.rules.push_back(r);
    }
    if (s.zero) {
        Rule r = category_rule(s, out.field, *s.zero, out.geometry, true);
        r.value = "0";
        out.rules.push_back(r);
    }
    const std::vector<double> breaks = class_breaks(s.classification, nums, s.classes, s.breaks);
    if (breaks.size() < 2) {
        return;  // no data: only the null / zero classes
    }
    const int n = static_cast<int>(breaks.size()) - 1;
    const std::vector<Color> colors = ramp_colors(lib.ramp(s.ramp), n);
    for (int i = 0; i < n; ++i) {
        Rule r;
        r.test = Rule::Test::range;
        r.field = out.field;
        r.lower = breaks[i];
        r.upper = breaks[i + 1];
        r.include_lower = i == 0;
        const std::string range = format_number(r.lower, s.decimals) + " – " + format_number(r.upper, s.decimals);
        r.label = static_cast<int>(s.labels.size()) == n ? s.labels[i] + " (" + range + ")" : range;
        r.symbol = base_symbol(s, colors[i], out.geometry);
        if (out.geometry == Geometry::line && s.line_width_max > 0) {
            r.symbol.line_width = s.line_width_min + (s.line_width_max - s.line_width_min) * (n == 1 ? 1.0 : static_cast<double>(i) / (n - 1));
        }
        out.rules.push_back(r);
    }
}

void categorized(Symbology& out, const Style& s, const Library& lib, const std::vector<std::string>& themes) {
    const bool numeric = s.field_type == "integer" || s.field_type == "real";
    for (const auto& c : s.categories) {
        out.rules.push_back(category_rule(s, out.field, c, out.geometry, numeric));
    }
    // Themes a project adds beyond the style's list get the ramp's colours, so they are not "other".
    if (!s.ramp.empty() && out.field == "theme") {
        const Ramp& ramp = lib.ramp(s.ramp);
        std::size_t next = s.categories.size();
        for (const auto& t : themes) {
            const bool listed = std::any_of(s.categories.begin(), s.categories.end(), [&](const auto& c) { return c.value == t; });
            if (!listed) {
                out.rules.push_back(category_rule(s, out.field, {t, t, ramp.colors[next++ % ramp.colors.size()], false}, out.geometry, numeric));
            }
        }
    }
    if (s.other) {
        Rule r;
        r.test = Rule::Test::other;
        r.field = out.field;
        r.label = s.other->label;
        r.symbol = base_symbol(s, s.other->color, out.geometry);
        out.rules.push_back(r);
    }
}

} // namespace

std::string format_number(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", std::max(0, decimals), v);
    std::string s = buf;
    if (s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) {
        s.erase(0, 1);  // "-0.0" is zero
    }
    std::replace(s.begin(), s.end(), '.', ',');
    if (s[0] == '-') {
        s = "−" + s.substr(1);  // a real minus sign reads better on a printed legend
    }
    return s;
}

std::string marker_shape_for_valence(int valence) { return valence > 0 ? "triangle" : valence < 0 ? "circle" : "square"; }

std::string Rule::expression() const {
    switch (test) {
        case Test::range:
            return quote_field(field) + (include_lower ? " >= " : " > ") + number_text(lower) + " AND " + quote_field(field) + " <= " + number_text(upper);
        case Test::equals: return quote_field(field) + " = " + (numeric ? value : quote_text(value));
        case Test::is_null: return quote_field(field) + " IS NULL";
        case Test::other: return "ELSE";
    }
    return "ELSE";
}

bool Rule::matches(const std::optional<std::string>& v) const {
    switch (test) {
        case Test::range: {
            const auto d = number(v);
            return d && matches(*d);
        }
        case Test::equals:
            if (numeric) {
                const auto d = number(v);
                return d && matches(*d);
            }
            return v && *v == value;
        case Test::is_null: return !v || v->empty();
        case Test::other: return false;
    }
    return false;
}

bool Rule::matches(double v) const {
    switch (test) {
        case Test::range: return (include_lower ? v >= lower : v > lower) && v <= upper;
        case Test::equals: {
            const auto want = numeric ? number(value) : std::nullopt;
            return want && v == *want;
        }
        case Test::is_null:
        case Test::other: return false;
    }
    return false;
}

namespace {

template <typename Value>
const Rule* first_rule(const std::vector<Rule>& rules, const Value& value) {
    const Rule* other = nullptr;
    for (const auto& r : rules) {
        if (r.test == Rule::Test::other) {
            other = &r;
        } else if (r.matches(value)) {
            return &r;
        }
    }
    return other;
}

} // namespace

const Rule* Symbology::rule_for(const std::optional<std::string>& value) const { return first_rule(rules, value); }
const Rule* Symbology::rule_for(double value) const { return first_rule(rules, value); }

Symbology build_symbology(const ThematicLayer& layer, const Library& lib, Geometry geometry,
                          const std::vector<std::optional<std::string>>& values, const std::vector<std::string>& themes) {
    ValueCounts counts;
    counts.reserve(values.size());
    for (const auto& v : values) {
        counts.emplace_back(v, 1);
    }
    return build_symbology_from_counts(layer, lib, geometry, counts, themes);
}

namespace {

Symbology symbology_of(const ThematicLayer& layer, const Style& s, Geometry geometry) {
    Symbology out;
    out.layer_id = layer.id;
    out.table = layer.table;
    out.title = layer.title;
    out.legend = layer.legend;
    out.field = layer.field;
    out.filter = layer.filter;
    out.geometry = geometry;
    out.shape_by_valence = s.shape_by_valence && geometry == Geometry::point;
    out.label_field = s.label_field;
    out.label_size = s.label_size;
    out.label_halo = s.label_halo;
    return out;
}

// A "geen", "niemand" or "overig" class that no feature falls in is only noise in a legend.
void drop_empty_special_rules(Symbology& out, bool graduated_style) {
    std::erase_if(out.rules, [&](const Rule& r) {
        const bool special = r.test == Rule::Test::is_null || r.test == Rule::Test::other || (graduated_style && r.test == Rule::Test::equals);
        return special && r.count == 0;
    });
}

} // namespace

Symbology build_symbology_from_counts(const ThematicLayer& layer, const Library& lib, Geometry geometry, const ValueCounts& values,
                                      const std::vector<std::string>& themes) {
    const Style& s = lib.style(layer.style);
    Symbology out = symbology_of(layer, s, geometry);
    const bool graduated_style = s.kind == "graduated";
    if (graduated_style) {
        std::vector<double> nums;
        for (const auto& [v, n] : values) {
            if (const auto d = number(v)) {
                add_classified(nums, s, *d, n);
            }
        }
        graduated(out, s, lib, nums);
    } else {
        categorized(out, s, lib, themes);
    }
    count_features(out, values);
    drop_empty_special_rules(out, graduated_style);
    return out;
}

Symbology build_symbology_from_numbers(const ThematicLayer& layer, const Library& lib, Geometry geometry, const NumberCounts& values) {
    const Style& s = lib.style(layer.style);
    if (s.kind != "graduated") {
        throw config_error("style '" + layer.style + "' of layer '" + layer.id + "' is not graduated: numbers without text cannot be put in categories");
    }
    Symbology out = symbology_of(layer, s, geometry);
    std::vector<double> nums;
    for (const auto& [v, n] : values) {
        add_classified(nums, s, v, n);
    }
    graduated(out, s, lib, nums);
    count_features(out, values);
    drop_empty_special_rules(out, true);
    return out;
}

} // namespace buurt::style

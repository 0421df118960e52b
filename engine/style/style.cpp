#include "engine/style/style.hpp"

#include <toml.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include "engine/core/error.hpp"
#include "engine/core/toml_read.hpp"

namespace fs = std::filesystem;

namespace buurt::style {

namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// Reads one TOML file as a table and refuses keys nobody asked for (a typo must not pass silently).
class Reader {
public:
    explicit Reader(const std::string& path) : m_path(path), m_root(read_toml_file(path, "style or layer file")) {}

    const toml::value& root() const { return m_root; }
    const std::string& path() const { return m_path; }

    [[noreturn]] void fail(const std::string& what) const { throw config_error(m_path + ": " + what); }

    template <typename T>
    T get(const toml::value& table, const std::string& key, const T& fallback) {
        m_used[&table].insert(key);
        if (!table.contains(key)) {
            return fallback;
        }
        try {
            return toml::get<T>(table.at(key));
        } catch (const toml::exception&) {
            fail("key '" + key + "' has the wrong type");
        }
    }

    const toml::value* sub(const toml::value& table, const std::string& key) {
        m_used[&table].insert(key);
        return table.contains(key) ? &table.at(key) : nullptr;
    }

    void check_keys(const toml::value& table, const std::string& where) const {
        const auto it = m_used.find(&table);
        for (const auto& [k, v] : table.as_table()) {
            if (it == m_used.end() || it->second.count(k) == 0) {
                fail(where + "unknown key '" + k + "'");
            }
        }
    }

private:
    std::string m_path;
    toml::value m_root;
    std::map<const toml::value*, std::set<std::string>> m_used;
};

std::vector<std::string> toml_files(const std::string& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        if (e.path().extension() == ".toml" && e.path().filename() != "ramps.toml") {
            out.push_back(e.path().string());
        }
    }
    if (ec) {
        throw config_error(dir + ": cannot read the folder: " + ec.message());
    }
    std::sort(out.begin(), out.end());
    return out;
}

CategoryDef read_category(Reader& r, const toml::value& t, const std::string& where) {
    CategoryDef c;
    c.value = r.get<std::string>(t, "value", "");
    c.label = r.get<std::string>(t, "label", c.value);
    c.color = parse_color(r.get<std::string>(t, "color", "#000000"));
    c.hatch = r.get<bool>(t, "hatch", false);
    r.check_keys(t, where);
    return c;
}

Style read_style(const std::string& path) {
    Reader r(path);
    const toml::value& t = r.root();
    Style s;
    s.id = fs::path(path).stem().string();
    s.kind = r.get<std::string>(t, "kind", "graduated");
    if (s.kind != "graduated" && s.kind != "categorized") {
        r.fail("kind must be graduated or categorized");
    }
    const std::string method = r.get<std::string>(t, "classification", "quantile");
    static const std::map<std::string, Classification> methods{{"quantile", Classification::quantile},
                                                               {"equal_interval", Classification::equal_interval},
                                                               {"jenks", Classification::jenks},
                                                               {"fixed", Classification::fixed}};
    if (methods.count(method) == 0) {
        r.fail("classification must be quantile, equal_interval, jenks or fixed");
    }
    s.classification = methods.at(method);
    s.classes = r.get<int>(t, "classes", 5);
    s.breaks = r.get<std::vector<double>>(t, "breaks", {});
    s.labels = r.get<std::vector<std::string>>(t, "labels", {});
    if (s.classification == Classification::fixed) {
        if (s.breaks.size() < 2 || !std::is_sorted(s.breaks.begin(), s.breaks.end())) {
            r.fail("fixed classification needs ascending breaks (classes + 1 values)");
        }
        s.classes = static_cast<int>(s.breaks.size()) - 1;
    }
    if (!s.labels.empty() && static_cast<int>(s.labels.size()) != s.classes) {
        r.fail("labels must have one entry per class");
    }
    if (s.classes < 1 || s.classes > 12) {
        r.fail("classes must be 1 to 12");
    }
    s.ramp = r.get<std::string>(t, "ramp", "");
    s.decimals = r.get<int>(t, "decimals", 1);
    s.field_type = r.get<std::string>(t, "field_type", "real");
    if (const toml::value* o = r.sub(t, "outline")) {
        s.outline = parse_color(r.get<std::string>(*o, "color", "#6e6e6e"));
        s.outline_width = r.get<double>(*o, "width", s.outline_width);
        r.check_keys(*o, "outline: ");
    }
    if (const toml::value* z = r.sub(t, "zero")) {
        s.zero = read_category(r, *z, "zero: ");
    }
    if (const toml::value* n = r.sub(t, "no_data")) {
        s.no_data = read_category(r, *n, "no_data: ");
    }
    if (const toml::value* o = r.sub(t, "other")) {
        s.other = read_category(r, *o, "other: ");
    }
    if (const toml::value* cats = r.sub(t, "categories")) {
        for (const auto& c : cats->as_array()) {
            s.categories.push_back(read_category(r, c, "categories: "));
        }
    }
    if (const toml::value* m = r.sub(t, "marker")) {
        s.marker_size = r.get<double>(*m, "size", s.marker_size);
        s.marker_outline = parse_color(r.get<std::string>(*m, "outline", "#ffffff"));
        s.marker_outline_width = r.get<double>(*m, "outline_width", s.marker_outline_width);
        r.check_keys(*m, "marker: ");
    }
    s.shape_by_valence = r.get<bool>(t, "shape_by_valence", false);
    if (const toml::value* lw = r.sub(t, "line_width")) {
        if (lw->is_table()) {
            s.line_width_min = r.get<double>(*lw, "min", 0.5);
            s.line_width_max = r.get<double>(*lw, "max", 2.0);
            s.line_width = s.line_width_min;
            r.check_keys(*lw, "line_width: ");
        } else {
            s.line_width = lw->is_floating() ? lw->as_floating() : static_cast<double>(lw->as_integer());
        }
    }
    s.fill_opacity = r.get<double>(t, "fill_opacity", 1.0);
    if (const toml::value* l = r.sub(t, "label")) {
        s.label_field = r.get<std::string>(*l, "field", "");
        s.label_size = r.get<double>(*l, "size", s.label_size);
        s.label_halo = r.get<double>(*l, "halo", s.label_halo);
        r.check_keys(*l, "label: ");
    }
    r.check_keys(t, "");
    if (s.kind == "graduated" && s.ramp.empty()) {
        r.fail("a graduated style needs a ramp");
    }
    return s;
}

ThematicLayer read_layer(const std::string& path) {
    Reader r(path);
    const toml::value& t = r.root();
    ThematicLayer l;
    l.id = fs::path(path).stem().string();
    l.title = r.get<std::string>(t, "title", l.id);
    l.title_en = r.get<std::string>(t, "title_en", l.title);
    l.legend = r.get<std::string>(t, "legend", l.title);
    l.table = r.get<std::string>(t, "table", "");
    l.field = r.get<std::string>(t, "field", "");
    l.filter = r.get<std::string>(t, "filter", "");
    l.style = r.get<std::string>(t, "style", "");
    l.group = r.get<std::string>(t, "group", "");
    l.order = r.get<int>(t, "order", 100);
    l.is_default = r.get<bool>(t, "default", false);
    l.visible = r.get<bool>(t, "visible", true);
    r.check_keys(t, "");
    if (l.table.empty() || l.field.empty() || l.style.empty()) {
        r.fail("a layer needs table, field and style");
    }
    return l;
}

} // namespace

Color parse_color(std::string_view text) {
    if ((text.size() != 7 && text.size() != 9) || text[0] != '#') {
        throw config_error("colour '" + std::string(text) + "' is not #rrggbb or #rrggbbaa");
    }
    std::uint8_t v[4] = {0, 0, 0, 255};
    for (std::size_t i = 1; i < text.size(); i += 2) {
        const int hi = hex_digit(text[i]);
        const int lo = hex_digit(text[i + 1]);
        if (hi < 0 || lo < 0) {
            throw config_error("colour '" + std::string(text) + "' has a non-hex digit");
        }
        v[(i - 1) / 2] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    return {v[0], v[1], v[2], v[3]};
}

std::string hex(const Color& c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c.r, c.g, c.b);
    return buf;
}

std::string qgis_rgba(const Color& c) {
    return std::to_string(c.r) + "," + std::to_string(c.g) + "," + std::to_string(c.b) + "," + std::to_string(c.a);
}

std::vector<Color> ramp_colors(const Ramp& ramp, int n) {
    const auto& a = ramp.colors;
    if (n <= 0 || a.empty()) {
        return {};
    }
    if (ramp.kind == "qualitative" || static_cast<int>(a.size()) == n) {
        std::vector<Color> out;
        for (int i = 0; i < n; ++i) {
            out.push_back(a[static_cast<std::size_t>(i) % a.size()]);
        }
        return out;
    }
    std::vector<Color> out;
    for (int i = 0; i < n; ++i) {
        const double pos = n == 1 ? 0.5 : static_cast<double>(i) / (n - 1) * static_cast<double>(a.size() - 1);
        const std::size_t k = std::min(static_cast<std::size_t>(pos), a.size() - 2);
        const double f = pos - static_cast<double>(k);
        auto mix = [f](std::uint8_t x, std::uint8_t y) { return static_cast<std::uint8_t>(std::lround(x + (y - x) * f)); };
        out.push_back({mix(a[k].r, a[k + 1].r), mix(a[k].g, a[k + 1].g), mix(a[k].b, a[k + 1].b), 255});
    }
    return out;
}

const Style& Library::style(const std::string& id) const {
    const auto it = styles.find(id);
    if (it == styles.end()) {
        throw config_error("no style '" + id + "' in styles/");
    }
    return it->second;
}

const Ramp& Library::ramp(const std::string& id) const {
    const auto it = ramps.find(id);
    if (it == ramps.end()) {
        throw config_error("no colour ramp '" + id + "' in styles/ramps.toml");
    }
    return it->second;
}

Library load_library(const std::string& styles_dir, const std::string& layers_dir) {
    Library lib;
    Reader r((fs::path(styles_dir) / "ramps.toml").string());
    const toml::value* ramps = r.sub(r.root(), "ramps");
    if (ramps == nullptr) {
        r.fail("no [ramps.*] tables");
    }
    for (const auto& [id, v] : ramps->as_table()) {
        Ramp ramp;
        ramp.id = id;
        ramp.kind = r.get<std::string>(v, "kind", "sequential");
        ramp.colorblind_safe = r.get<bool>(v, "colorblind_safe", false);
        for (const auto& c : r.get<std::vector<std::string>>(v, "colors", {})) {
            ramp.colors.push_back(parse_color(c));
        }
        r.check_keys(v, "ramps." + id + ": ");
        if (ramp.colors.size() < 2) {
            r.fail("ramp " + id + " needs at least two colours");
        }
        lib.ramps.emplace(id, std::move(ramp));
    }
    r.check_keys(r.root(), "");
    for (const auto& path : toml_files(styles_dir)) {
        Style s = read_style(path);
        if (!s.ramp.empty()) {
            lib.ramp(s.ramp);
        }
        lib.styles.emplace(s.id, std::move(s));
    }
    for (const auto& path : toml_files(layers_dir)) {
        ThematicLayer l = read_layer(path);
        try {
            lib.style(l.style);
        } catch (const config_error& e) {
            throw config_error(path + ": " + e.what());
        }
        lib.layers.push_back(std::move(l));
    }
    std::sort(lib.layers.begin(), lib.layers.end(), [](const auto& a, const auto& b) { return std::tie(a.order, a.id) < std::tie(b.order, b.id); });
    return lib;
}

} // namespace buurt::style

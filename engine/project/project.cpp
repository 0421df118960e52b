#include "engine/project/project.hpp"

#include <toml.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

#include "engine/core/conninfo.hpp"
#include "engine/core/error.hpp"
#include "engine/core/text.hpp"
#include "engine/core/toml_read.hpp"
#include "engine/gdal/gdal.hpp"

namespace fs = std::filesystem;

namespace buurt {

namespace {

constexpr std::array<std::string_view, 5> level_names{"block", "buurt", "wijk", "gebied", "stadsdeel"};
constexpr std::array<std::string_view, 5> level_layers{"blocks", "buurten", "wijken", "gebieden", "stadsdelen"};
constexpr std::array<std::string_view, 5> level_codes{"block_code", "buurt_code", "wijk_code", "gebied_code", "stadsdeel_code"};
constexpr std::array<std::string_view, 7> role_names{"theme", "valence", "source", "session", "round", "date", "text"};

// More join threads than this is a typo (or a hostile file): each one costs memory up front.
constexpr long long max_threads = 1024;

std::optional<Role> parse_role(std::string_view s) {
    for (Role r : all_roles) {
        if (role_name(r) == s) {
            return r;
        }
    }
    return std::nullopt;
}

// One TOML table being read: remembers which keys were used so that unknown keys (typos) are errors.
class Table {
public:
    Table(const toml::value& v, std::string context, const std::string& origin, bool from_flags)
        : m_value(v), m_context(std::move(context)), m_origin(origin), m_from_flags(from_flags) {
        if (!v.is_table()) {
            fail(v, "must be a table");
        }
    }

    [[noreturn]] void fail(const toml::value& at, const std::string& what) const {
        std::string msg = m_origin + ": " + (m_context.empty() ? "" : "[" + m_context + "] ") + what;
        const auto loc = at.location();
        if (!m_from_flags && loc.line() > 0) {
            msg += " (line " + std::to_string(loc.line()) + ": " + loc.line_str() + ")";
        }
        throw config_error(msg);
    }

    const toml::value* find(const std::string& key) {
        m_used.insert(key);
        const auto& t = m_value.as_table();
        const auto it = t.find(key);
        return it == t.end() ? nullptr : &it->second;
    }

    std::string str(const std::string& key, const std::string& fallback = {}) {
        const toml::value* v = find(key);
        if (v == nullptr) {
            return fallback;
        }
        if (!v->is_string()) {
            fail(*v, "key '" + key + "' must be a string");
        }
        return v->as_string().str;
    }

    std::string required(const std::string& key) {
        std::string s = str(key);
        if (s.empty()) {
            fail(m_value, "key '" + key + "' is required");
        }
        return s;
    }

    double number(const std::string& key, double fallback) {
        const toml::value* v = find(key);
        if (v == nullptr) {
            return fallback;
        }
        if (v->is_floating()) {
            return v->as_floating();
        }
        if (v->is_integer()) {
            return static_cast<double>(v->as_integer());
        }
        if (m_from_flags && v->is_string()) {
            const std::string& s = v->as_string().str;
            double d = 0;
            const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
            if (ec == std::errc{} && end == s.data() + s.size()) {
                return d;
            }
        }
        fail(*v, "key '" + key + "' must be a number");
    }

    // A whole number in [lo, hi]. Checked before any conversion: 1e30 into an int is undefined behaviour.
    long long integer(const std::string& key, long long fallback, long long lo, long long hi) {
        const toml::value* v = find(key);
        if (v == nullptr) {
            return fallback;
        }
        const std::string range = " from " + std::to_string(lo) + " to " + std::to_string(hi);
        if (v->is_integer()) {
            const long long i = v->as_integer();
            if (i < lo || i > hi) {
                fail(*v, "key '" + key + "' must be a whole number" + range);
            }
            return i;
        }
        const double d = number(key, 0.0);  // floats, and numbers written as text in flags
        if (!(d >= static_cast<double>(lo) && d <= static_cast<double>(hi)) || d != std::floor(d)) {
            fail(*v, "key '" + key + "' must be a whole number" + range);
        }
        return static_cast<long long>(d);
    }

    // A CRS as text ("EPSG:28992", WKT, a PROJ string), checked now so that the message names the key
    // and the line; the empty string when absent.
    std::string crs(const std::string& key, const std::string& fallback = {}) {
        const std::string text = str(key, fallback);
        if (text.empty() || text == fallback) {
            return text;
        }
        try {
            gdal::srs_from_user(text);
        } catch (const config_error&) {
            fail(*find(key), "key '" + key + "': unknown CRS '" + text + "' (use e.g. EPSG:28992 or EPSG:4326)");
        }
        return text;
    }

    bool boolean(const std::string& key, bool fallback) {
        const toml::value* v = find(key);
        if (v == nullptr) {
            return fallback;
        }
        if (v->is_boolean()) {
            return v->as_boolean();
        }
        if (m_from_flags && v->is_string() && (v->as_string().str == "true" || v->as_string().str == "false")) {
            return v->as_string().str == "true";
        }
        fail(*v, "key '" + key + "' must be true or false");
    }

    std::vector<std::string> strings(const std::string& key) {
        const toml::value* v = find(key);
        std::vector<std::string> out;
        if (v == nullptr) {
            return out;
        }
        if (m_from_flags && v->is_string()) {  // a flag gives a list as "a;b;c"
            std::stringstream ss(v->as_string().str);
            for (std::string item; std::getline(ss, item, ';');) {
                out.push_back(item);
            }
            return out;
        }
        if (!v->is_array()) {
            fail(*v, "key '" + key + "' must be a list of strings");
        }
        for (const auto& item : v->as_array()) {
            if (!item.is_string()) {
                fail(item, "key '" + key + "' must be a list of strings");
            }
            out.push_back(item.as_string().str);
        }
        return out;
    }

    // A value written as a TOML scalar, kept as text ("1", "-1", "kans").
    std::string scalar_text(const toml::value& v, const std::string& key) const {
        if (v.is_string()) {
            return v.as_string().str;
        }
        if (v.is_integer()) {
            return std::to_string(v.as_integer());
        }
        fail(v, "key '" + key + "' must be a string or an integer");
    }

    Table sub(const std::string& key) {
        const toml::value* v = find(key);
        if (v == nullptr) {
            static const toml::value empty = toml::table{};
            return Table(empty, sub_context(key), m_origin, m_from_flags);
        }
        return Table(*v, sub_context(key), m_origin, m_from_flags);
    }

    std::string sub_context(const std::string& key) const { return m_context.empty() ? key : m_context + "." + key; }

    std::vector<std::string> keys() const {
        std::vector<std::string> out;
        for (const auto& [k, v] : m_value.as_table()) {
            out.push_back(k);
        }
        std::sort(out.begin(), out.end());
        return out;
    }

    const toml::value& value() const { return m_value; }
    const std::string& context() const { return m_context; }
    const std::string& origin() const { return m_origin; }

    // Every key must have been asked for: a misspelt key is an error, not a silent default.
    void finish() const {
        for (const std::string& k : keys()) {
            if (m_used.count(k) == 0) {
                std::string known;
                for (const std::string& u : m_used) {
                    known += (known.empty() ? "" : ", ") + u;
                }
                fail(m_value.as_table().at(k), "unknown key '" + k + "' (known here: " + known + ")");
            }
        }
    }

private:
    const toml::value& m_value;
    std::string m_context;
    const std::string& m_origin;
    bool m_from_flags;
    std::set<std::string> m_used;
};

std::string resolve_path(const std::string& path, const std::string& base_dir) {
    if (path.empty()) {
        return path;
    }
    // GDAL connection strings and virtual file systems are not paths to resolve.
    const bool connection = path.rfind("PG:", 0) == 0 || path.rfind("/vsi", 0) == 0 || path.find("://") != std::string::npos;
    if (connection || fs::path(path).is_absolute() || base_dir.empty()) {
        return path;
    }
    return (fs::path(base_dir) / path).lexically_normal().string();
}

SourceSpec read_source(Table& t, const std::string& base_dir) {
    SourceSpec s;
    s.path = resolve_path(t.required("source"), base_dir);
    s.layer = t.str("layer");
    s.sql = t.str("sql");
    if (!s.layer.empty() && !s.sql.empty()) {
        t.fail(t.value(), "give 'layer' or 'sql', not both (sql = \"SELECT ...\" reads the query's result)");
    }
    s.crs = t.crs("crs");
    s.x_field = t.str("x");
    s.y_field = t.str("y");
    s.wkt_field = t.str("wkt");
    if (s.x_field.empty() != s.y_field.empty()) {
        t.fail(t.value(), "give both 'x' and 'y' (the point columns of a table) or neither");
    }
    return s;
}

Level read_level(Table& t, const std::string& key, const toml::value& at, const std::string& text) {
    const auto l = parse_level(text);
    if (!l) {
        t.fail(at, "unknown level '" + text + "' for '" + key + "' (use block, buurt, wijk, gebied or stadsdeel)");
    }
    return *l;
}

void read_areas(Table areas, Project& p) {
    for (const std::string& key : areas.keys()) {
        Table t = areas.sub(key);
        AreaLevelSpec a;
        a.level = read_level(areas, key, t.value(), key);
        a.source = read_source(t, p.base_dir);
        a.code_field = t.required("code");
        a.name_field = t.str("name");
        a.parent_field = t.str("parent");
        t.finish();
        if (p.level(a.level) != nullptr) {
            areas.fail(t.value(), "level '" + std::string(level_name(a.level)) + "' is given twice");
        }
        p.levels.push_back(std::move(a));
    }
    std::sort(p.levels.begin(), p.levels.end(), [](const auto& a, const auto& b) { return a.level < b.level; });
}

StreetSpec read_streets(Table t, const std::string& base_dir) {
    StreetSpec s;
    s.source = read_source(t, base_dir);
    s.name_field = t.required("name");
    s.max_distance = t.number("max_distance", s.max_distance);
    s.segment_length = t.number("segment_length", s.segment_length);
    s.network_distance = t.number("network_distance", s.network_distance);
    if (!(s.max_distance >= 0) || !(s.segment_length > 0) || !(s.network_distance >= 0)) {
        t.fail(t.value(), "max_distance and network_distance must be zero or more metres, segment_length more than zero");
    }
    t.finish();
    return s;
}

ObservationSpec read_observations(Table t, const std::string& base_dir, std::size_t index) {
    ObservationSpec o;
    o.source = read_source(t, base_dir);
    // A file name need not be UTF-8; a connection string is no name (and may hold a password).
    const std::string default_name = is_pg_source(o.source.path) ? (o.source.layer.empty() ? std::string("query") : o.source.layer)
                                                                 : utf8_text(fs::path(o.source.path).stem().string());
    o.name = t.str("name", default_name);
    if (o.name.empty()) {
        o.name = "observations " + std::to_string(index + 1);
    }
    o.id_field = t.str("id");
    o.split_multipoint = t.boolean("split_multipoint", false);

    Table fields = t.sub("fields");
    for (const std::string& k : fields.keys()) {
        const auto role = parse_role(k);
        if (!role) {
            fields.fail(fields.value().as_table().at(k), "unknown field role '" + k + "' (use theme, valence, source, session, round, date, text)");
        }
        o.fields[*role] = fields.required(k);
    }
    fields.finish();

    Table values = t.sub("values");
    for (const std::string& k : values.keys()) {
        const auto role = parse_role(k);
        if (!role) {
            values.fail(values.value().as_table().at(k), "unknown role '" + k + "' for a value map");
        }
        Table map = values.sub(k);
        for (const std::string& raw : map.keys()) {
            o.values[*role][raw] = map.scalar_text(*map.find(raw), raw);
        }
        map.finish();
    }
    values.finish();

    Table defaults = t.sub("defaults");
    for (const std::string& k : defaults.keys()) {
        const auto role = parse_role(k);
        if (!role) {
            defaults.fail(defaults.value().as_table().at(k), "unknown role '" + k + "' for a default");
        }
        o.defaults[*role] = defaults.scalar_text(*defaults.find(k), k);
    }
    defaults.finish();
    t.finish();
    return o;
}

IndicatorSpec read_indicators(Table t, const std::string& base_dir) {
    IndicatorSpec i;
    i.source = read_source(t, base_dir);
    const std::string level = t.str("level", "buurt");
    i.level = read_level(t, "level", t.value(), level);
    i.code_field = t.required("code");
    i.fields = t.strings("fields");
    i.population_field = t.str("population");
    i.counts = t.strings("counts");
    if (t.find("areas") != nullptr) {
        Table a = t.sub("areas");
        IndicatorAreasSpec s;
        s.source = read_source(a, base_dir);
        s.code_field = a.required("code");
        s.min_coverage = a.number("min_coverage", s.min_coverage);
        if (!(s.min_coverage >= 0 && s.min_coverage <= 1)) {
            a.fail(*a.find("min_coverage"), "key 'min_coverage' must be a fraction from 0 to 1");
        }
        a.finish();
        i.areas = std::move(s);
    } else if (!i.counts.empty()) {
        // Without other areas nothing is carried over, so a list of counts would silently mean nothing.
        t.fail(*t.find("counts"), "key 'counts' needs [indicators.areas]: counts are apportioned when figures are carried over from other areas");
    }
    t.finish();
    return i;
}

HotspotSpec read_hotspots(Table t) {
    HotspotSpec h;
    if (t.find("levels") != nullptr) {
        h.levels.clear();
        for (const std::string& name : t.strings("levels")) {
            h.levels.push_back(read_level(t, "levels", t.value(), name));
        }
    }
    h.area_distance = t.number("distance", h.area_distance);
    h.hex_size = t.number("hex_size", h.hex_size);
    h.fdr = t.boolean("fdr", h.fdr);
    h.min_features = static_cast<int>(t.integer("min_features", h.min_features, 3, 1000000000));
    h.heat_radius = t.number("heat_radius", h.heat_radius);
    h.heat_cell = t.number("heat_cell", h.heat_cell);
    if (!(h.area_distance >= 0) || !(h.hex_size >= 0) || !(h.heat_radius > 0) || !(h.heat_cell > 0) || h.min_features < 3) {
        t.fail(t.value(), "distances must be zero or more, heat_radius and heat_cell more than zero, min_features at least 3");
    }
    // Centimetre grids over a neighbourhood are already billions of cells: that is a typo, not a wish.
    if (h.heat_cell < 1.0 || (h.hex_size > 0 && h.hex_size < 1.0)) {
        t.fail(t.value(), "heat_cell and hex_size are too fine: use at least 1 metre (hex_size 0 turns the hexagons off)");
    }
    t.finish();
    return h;
}

PublishSpec read_publish(Table t) {
    PublishSpec s;
    s.enabled = t.boolean("enabled", s.enabled);
    // 1 would protect nothing: every count is at least 1.
    s.threshold = static_cast<int>(t.integer("threshold", s.threshold, 2, 1000000));
    const std::string method = t.str("method", "suppress");
    if (method == "round") {
        s.method = DisclosureMethod::round;
    } else if (method != "suppress") {
        t.fail(*t.find("method"), "key 'method' must be \"suppress\" or \"round\", got '" + method + "'");
    }
    t.finish();
    return s;
}

template <typename F>
void for_each_table(Table& root, const std::string& key, F&& f) {
    const toml::value* v = root.find(key);
    if (v == nullptr) {
        return;
    }
    if (v->is_table()) {  // a single table where an array of tables is expected is fine
        f(*v, 0);
        return;
    }
    if (!v->is_array()) {
        root.fail(*v, "'" + key + "' must be a table or an array of tables ([[" + key + "]])");
    }
    std::size_t i = 0;
    for (const auto& item : v->as_array()) {
        f(item, i++);
    }
}

KnowledgeSpec read_knowledge(Table t, bool from_flags) {
    KnowledgeSpec k;
    k.rounds_min_total = static_cast<int>(t.integer("rounds_min_total", k.rounds_min_total, 1, 1000000000));
    for_each_table(t, "problem_indicators", [&](const toml::value& v, std::size_t i) {
        Table r(v, t.sub_context("problem_indicators") + " #" + std::to_string(i + 1), t.origin(), from_flags);
        ProblemIndicator p;
        p.field = r.required("field");
        const std::string worse = r.required("worse");
        if (worse != "high" && worse != "low") {
            r.fail(*r.find("worse"), "key 'worse' must be \"high\" or \"low\", got '" + worse + "'");
        }
        p.high_is_worse = worse == "high";
        if (r.find("threshold") != nullptr) {
            p.threshold = r.number("threshold", 0.0);
        }
        r.finish();
        k.problem_indicators.push_back(std::move(p));
    });
    t.finish();
    return k;
}

Project parse_root(const toml::value& root, const std::string& origin, const std::string& base_dir, bool from_flags) {
    Project p;
    p.origin = origin;
    p.base_dir = base_dir;
    Table t(root, "", p.origin, from_flags);
    p.name = t.str("name", p.name);
    p.crs = t.crs("crs", p.crs);
    p.threads = static_cast<int>(t.integer("threads", 0, 0, max_threads));
    p.styles_dir = resolve_path(t.str("styles"), p.base_dir);
    p.layers_dir = resolve_path(t.str("layers"), p.base_dir);
    if (t.find("themes") != nullptr) {
        p.themes = t.strings("themes");
    }
    read_areas(t.sub("areas"), p);
    if (t.find("streets") != nullptr) {
        p.streets = read_streets(t.sub("streets"), p.base_dir);
    }
    for_each_table(t, "observations", [&](const toml::value& v, std::size_t i) {
        p.observations.push_back(read_observations(Table(v, "[observations] #" + std::to_string(i + 1), p.origin, from_flags), p.base_dir, i));
    });
    for_each_table(t, "indicators", [&](const toml::value& v, std::size_t i) {
        p.indicators.push_back(read_indicators(Table(v, "[indicators] #" + std::to_string(i + 1), p.origin, from_flags), p.base_dir));
    });
    p.hotspots = read_hotspots(t.sub("hotspots"));
    p.publish = read_publish(t.sub("publish"));
    p.knowledge = read_knowledge(t.sub("knowledge"), from_flags);
    Table out = t.sub("output");
    p.output.gpkg = resolve_path(out.str("gpkg"), p.base_dir);
    p.output.overwrite = out.boolean("overwrite", false);
    p.output.postgis = out.str("postgis");
    p.output.schema = out.str("schema");
    out.finish();
    t.finish();
    return p;
}

// "PATH,key=value,a.b=value" -> {source = PATH, key = value, a = {b = value}}
toml::value flag_table(const std::string& spec, const std::string& flag) {
    toml::value table = toml::table{};
    std::vector<std::string> parts;
    std::stringstream ss(spec);
    for (std::string part; std::getline(ss, part, ',');) {
        parts.push_back(part);
    }
    if (parts.empty() || parts[0].empty()) {
        throw config_error("--" + flag + " needs a source: --" + flag + " PATH[,key=value...]");
    }
    table.as_table()["source"] = parts[0];
    for (std::size_t i = 1; i < parts.size(); ++i) {
        const auto eq = parts[i].find('=');
        if (eq == std::string::npos || eq == 0) {
            throw config_error("--" + flag + ": '" + parts[i] + "' is not key=value");
        }
        const std::string key = parts[i].substr(0, eq);
        toml::value* node = &table;
        std::size_t start = 0;
        for (std::size_t dot = key.find('.'); dot != std::string::npos; dot = key.find('.', start)) {
            toml::value& next = node->as_table()[key.substr(start, dot - start)];
            if (!next.is_table()) {
                next = toml::table{};
            }
            node = &next;
            start = dot + 1;
        }
        node->as_table()[key.substr(start)] = parts[i].substr(eq + 1);
    }
    return table;
}

// The schema is replaced as a whole by every run, so it must be a plain name of our own: never a
// system schema or public (where users keep everything else), never a name that needs quoting.
void check_postgis_output(Project& p) {
    if (p.output.postgis.empty()) {
        if (!p.output.schema.empty()) {
            throw config_error(p.origin + ": [output] schema is given without [output] postgis (the connection, PG:host=... dbname=...)");
        }
        return;
    }
    if (!is_pg_source(p.output.postgis)) {
        throw config_error(p.origin + ": [output] postgis must be a PostgreSQL connection string starting with PG: (e.g. PG:host=localhost dbname=gis)");
    }
    parse_conninfo(p.output.postgis);  // refuses what libpq would refuse, before any work is done
    if (p.output.schema.empty()) {
        p.output.schema = "buurtbalans";
    }
    const std::string& s = p.output.schema;
    const bool plain = s.size() <= 48 && (std::islower(static_cast<unsigned char>(s[0])) != 0 || s[0] == '_') &&
                       std::all_of(s.begin(), s.end(), [](char c) { return std::islower(static_cast<unsigned char>(c)) != 0 || std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '_'; });
    if (!plain) {
        throw config_error(p.origin + ": [output] schema '" + s + "' must be lower-case letters, digits and _ (at most 48), starting with a letter");
    }
    if (s == "public" || s.rfind("pg_", 0) == 0 || s == "information_schema" || s == "topology" || s == "tiger" || s == "tiger_data") {
        throw config_error(p.origin + ": [output] schema '" + s + "' is not ours to replace; every run replaces its schema as a whole, so name one for buurtbalans (e.g. \"buurtbalans\")");
    }
}

// Inputs are never written to: an output that is one of the inputs (same file, by any path or link)
// would be replaced by the run, with --overwrite, or make every run fail on "exists" without it.
void refuse_output_over_input(const Project& p) {
    if (p.output.gpkg.empty()) {
        return;
    }
    std::vector<const SourceSpec*> sources;
    for (const auto& l : p.levels) {
        sources.push_back(&l.source);
    }
    if (p.streets) {
        sources.push_back(&p.streets->source);
    }
    for (const auto& o : p.observations) {
        sources.push_back(&o.source);
    }
    for (const auto& i : p.indicators) {
        sources.push_back(&i.source);
        if (i.areas) {
            sources.push_back(&i.areas->source);
        }
    }
    std::error_code ec;
    const fs::path out = fs::weakly_canonical(p.output.gpkg, ec);
    for (const SourceSpec* s : sources) {
        std::error_code ec2;
        const bool same = fs::exists(s->path, ec2) && fs::exists(p.output.gpkg, ec2) ? fs::equivalent(s->path, p.output.gpkg, ec2)
                                                                                     : fs::weakly_canonical(s->path, ec2) == out;
        if (same && !ec2) {
            throw config_error(p.origin + ": the output " + p.output.gpkg + " is also an input (" + s->display() + "); inputs are never written to, choose another output");
        }
    }
}

} // namespace

std::string_view level_name(Level l) { return level_names[static_cast<std::size_t>(l)]; }
std::string_view level_layer_name(Level l) { return level_layers[static_cast<std::size_t>(l)]; }
std::string_view level_code_field(Level l) { return level_codes[static_cast<std::size_t>(l)]; }
std::string_view role_name(Role r) { return role_names[static_cast<std::size_t>(r)]; }

std::optional<Level> parse_level(std::string_view s) {
    if (s == "bouwblok" || s == "bouwblokken" || s == "blocks") {
        return Level::block;
    }
    for (Level l : all_levels) {
        if (level_name(l) == s || level_layer_name(l) == s) {
            return l;
        }
    }
    return std::nullopt;
}

std::string SourceSpec::display() const {
    const std::string shown = display_source(path);
    if (!sql.empty()) {
        return shown + " (sql " + sql + ")";
    }
    return layer.empty() ? shown : shown + " (layer " + layer + ")";
}

const AreaLevelSpec* Project::level(Level l) const {
    for (const auto& a : levels) {
        if (a.level == l) {
            return &a;
        }
    }
    return nullptr;
}

Project parse_project(const std::string& toml_text, const std::string& origin, const std::string& base_dir) {
    return parse_root(parse_toml_text(toml_text, origin, "project file"), origin, base_dir, false);
}

Project load_project(const std::string& path) {
    const toml::value root = read_toml_file(path, "project file");
    return parse_root(root, path, fs::absolute(path).parent_path().string(), false);
}

Project project_from_settings(const FlagSettings& s) {
    Project p;
    if (!s.project_file.empty()) {
        p = load_project(s.project_file);
    } else {
        p.origin = "command line";
        p.base_dir = fs::current_path().string();
    }
    // Flags are parsed as a TOML document of their own, then merged: they add to or replace the file's.
    toml::value root = toml::table{};
    auto& top = root.as_table();
    if (!s.crs.empty()) {
        top["crs"] = s.crs;
    }
    if (s.threads >= 0) {
        top["threads"] = s.threads;
    }
    toml::value areas = toml::table{};
    for (const std::string& a : s.areas) {
        const auto eq = a.find('=');
        if (eq == std::string::npos) {
            throw config_error("--area needs LEVEL=PATH[,code=FIELD,...], got '" + a + "'");
        }
        areas.as_table()[a.substr(0, eq)] = flag_table(a.substr(eq + 1), "area");
    }
    top["areas"] = areas;
    if (!s.streets.empty()) {
        top["streets"] = flag_table(s.streets, "streets");
    }
    toml::array obs;
    for (const std::string& o : s.observations) {
        obs.push_back(flag_table(o, "observations"));
    }
    top["observations"] = obs;
    toml::array ind;
    for (const std::string& i : s.indicators) {
        ind.push_back(flag_table(i, "indicators"));
    }
    top["indicators"] = ind;
    if (s.publish || !s.publish_threshold.empty() || !s.publish_method.empty()) {
        toml::value publish = toml::table{};
        // The file's settings stay unless a flag replaces them; --publish-threshold alone does not switch publishing on.
        const auto& file = p.publish;
        publish.as_table()["enabled"] = (s.publish || file.enabled) ? "true" : "false";
        publish.as_table()["threshold"] = s.publish_threshold.empty() ? std::to_string(file.threshold) : s.publish_threshold;
        publish.as_table()["method"] = !s.publish_method.empty() ? s.publish_method : file.method == DisclosureMethod::round ? "round" : "suppress";
        top["publish"] = publish;
    }
    if (!s.problem_indicators.empty() || !s.rounds_min_total.empty()) {
        toml::value knowledge = toml::table{};
        toml::array problems;
        for (const std::string& spec : s.problem_indicators) {
            // "FIELD,worse=low": the first part is the field, not a source.
            toml::value problem = flag_table(spec, "problem-indicator");
            problem.as_table()["field"] = problem.as_table().at("source");
            problem.as_table().erase("source");
            problems.push_back(problem);
        }
        knowledge.as_table()["problem_indicators"] = problems;
        if (!s.rounds_min_total.empty()) {
            knowledge.as_table()["rounds_min_total"] = s.rounds_min_total;
        }
        top["knowledge"] = knowledge;
    }
    const std::string cwd = fs::current_path().string();
    Project flags = parse_root(root, "command line", cwd, true);

    if (!s.crs.empty()) {
        p.crs = flags.crs;
    }
    if (s.threads >= 0) {
        p.threads = flags.threads;
    }
    for (auto& a : flags.levels) {
        std::erase_if(p.levels, [&](const auto& x) { return x.level == a.level; });
        p.levels.push_back(std::move(a));
    }
    std::sort(p.levels.begin(), p.levels.end(), [](const auto& a, const auto& b) { return a.level < b.level; });
    if (flags.streets) {
        p.streets = std::move(flags.streets);
    }
    for (auto& o : flags.observations) {
        p.observations.push_back(std::move(o));
    }
    for (auto& i : flags.indicators) {
        p.indicators.push_back(std::move(i));
    }
    if (!s.styles_dir.empty()) {
        p.styles_dir = fs::absolute(s.styles_dir).lexically_normal().string();
    }
    if (!s.layers_dir.empty()) {
        p.layers_dir = fs::absolute(s.layers_dir).lexically_normal().string();
    }
    if (!s.output.empty()) {
        p.output.gpkg = fs::absolute(s.output).lexically_normal().string();
    }
    p.output.overwrite = p.output.overwrite || s.overwrite;
    if (!s.postgis.empty()) {
        p.output.postgis = s.postgis;
    }
    if (!s.schema.empty()) {
        p.output.schema = s.schema;
    }
    check_postgis_output(p);
    if (s.publish || !s.publish_threshold.empty() || !s.publish_method.empty()) {
        p.publish = flags.publish;
    }
    for (auto& problem : flags.knowledge.problem_indicators) {
        p.knowledge.problem_indicators.push_back(std::move(problem));
    }
    if (!s.rounds_min_total.empty()) {
        p.knowledge.rounds_min_total = flags.knowledge.rounds_min_total;
    }
    if (p.levels.empty()) {
        throw config_error(p.origin + ": no area levels given ([areas.buurt] in the project file or --area buurt=PATH,code=FIELD)");
    }
    refuse_output_over_input(p);
    return p;
}

} // namespace buurt

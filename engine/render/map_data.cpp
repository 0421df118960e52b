#include "engine/render/map_data.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "engine/core/error.hpp"
#include "engine/io/sql_query.hpp"
#include "engine/publish/disclosure.hpp"
#include "engine/style/data_dir.hpp"

namespace buurt::render {

namespace {

// Focus codes are looked up at these levels, in this order: a code names a buurt or a wijk far more
// often than a block.
constexpr Level lookup_order[] = {Level::buurt, Level::wijk, Level::gebied, Level::stadsdeel, Level::block};

const char* const observation_tables[] = {"observations", "observation_lines", "observation_areas", "observation_multipoints"};

std::vector<std::string> code_fields() {
    std::vector<std::string> out;
    for (const Level l : all_levels) {
        out.emplace_back(level_code_field(l));
    }
    return out;
}

style::Geometry geometry_of(const Table& t) {
    for (const Row& r : t.rows) {
        const int d = geos::dimension(r.geometry);
        return d == 0 ? style::Geometry::point : d == 1 ? style::Geometry::line : style::Geometry::polygon;
    }
    return style::Geometry::polygon;
}

std::optional<Level> level_of_table(const std::string& table) {
    for (const Level l : all_levels) {
        if (level_layer_name(l) == table) {
            return l;
        }
    }
    return std::nullopt;
}

std::string list_and(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        out += (i == 0 ? "" : i + 1 == items.size() ? " en " : ", ") + items[i];
    }
    return out;
}

std::vector<Callout> read_callouts(const RunOutput& run, const std::vector<std::string>& ids) {
    if (ids.empty()) {
        return {};
    }
    if (run.provenance().publish_threshold > 0) {
        throw input_error({run.path(), "", "", ""}, "was published (" + run.provenance().publish_note +
                                                        "): it has no observation texts, so a map of it cannot carry callouts");
    }
    std::string list;
    for (const auto& id : ids) {
        list += (list.empty() ? "" : ",") + io::sql_literal(id);
    }
    std::map<std::string, Callout> found;
    for (const std::string table : {"observations", "observation_lines", "observation_areas", "observation_multipoints"}) {
        if (!run.has_table(table)) {
            continue;
        }
        const Table t = run.read(table, {"obs_id", "obs_text", "theme", "valence", "source"}, "obs_id IN (" + list + ")");
        for (const Row& r : t.rows) {
            Callout c;
            c.id = r.values[0].value_or("");
            c.text = r.values[1].value_or("");
            c.theme = r.values[2].value_or("");
            c.valence = r.values[3] ? std::atoi(r.values[3]->c_str()) : 0;
            c.source = r.values[4].value_or("");
            geos::xy(geos::point_on_surface(r.geometry), c.x, c.y);
            found.emplace(c.id, std::move(c));
        }
    }
    std::vector<Callout> out;
    for (const auto& id : ids) {
        const auto it = found.find(id);
        if (it == found.end()) {
            throw input_error({run.path(), "observations", id, "obs_id"}, "no observation has this id, so it cannot be a callout");
        }
        out.push_back(it->second);
    }
    return out;
}

} // namespace

MapData::MapData(const PrintOptions& options, const std::vector<MapRequest>& pages)
    : m_run(options.gpkg),
      m_library(style::load_library(style::data_dir(options.styles_dir, "styles"), style::data_dir(options.layers_dir, "layers"))) {
    std::vector<std::string> area_fields{"code", "name"};
    for (const auto& f : code_fields()) {
        area_fields.push_back(f);
    }
    for (const Level l : all_levels) {
        const std::string table(level_layer_name(l));
        if (m_run.has_table(table)) {
            m_areas.push_back({l, m_run.read(table, area_fields)});
        }
    }
    if (m_areas.empty()) {
        throw input_error({options.gpkg, "", "", ""}, "has no area layers (blocks, buurten, wijken, gebieden, stadsdelen)");
    }
    if (m_run.has_table("streets")) {
        m_streets = m_run.read("streets", {"name"});
    }
    std::set<std::string> wanted;
    for (const auto& p : pages) {
        wanted.insert(p.layers.begin(), p.layers.end());
    }
    for (const auto& id : wanted) {
        const auto it = std::find_if(m_library.layers.begin(), m_library.layers.end(), [&](const auto& l) { return l.id == id; });
        if (it == m_library.layers.end()) {
            std::vector<std::string> ids;
            for (const auto& l : m_library.layers) {
                ids.push_back(l.id);
            }
            throw config_error("no layer '" + id + "' in layers/ (layers: " + list_and(ids) + ")");
        }
        if (!m_run.has_table(it->table)) {
            throw input_error({options.gpkg, it->table, "", ""}, "is not in this run's GeoPackage, so layer '" + id + "' cannot be drawn");
        }
        const style::Style& s = m_library.style(it->style);
        std::vector<std::string> fields{it->field, "code", "name", "valence"};
        if (!s.label_field.empty()) {
            fields.push_back(s.label_field);
        }
        for (const auto& f : code_fields()) {
            fields.push_back(f);
        }
        ThematicData d;
        d.layer = &*it;
        d.table = m_run.read(it->table, fields, it->filter);
        const auto values = m_run.histogram(it->table, it->field, it->filter);
        d.symbology = style::build_symbology_from_counts(*it, m_library, geometry_of(d.table), values, m_run.provenance().themes);
        if (m_run.provenance().publish_threshold > 0) {
            publish::mark_protected(d.symbology, m_run.provenance().publish_threshold, values);
        }
        m_thematic.push_back(std::move(d));
    }
    std::vector<std::string> callout_ids;
    for (const auto& p : pages) {
        for (const auto& id : p.callouts) {
            if (std::find(callout_ids.begin(), callout_ids.end(), id) == callout_ids.end()) {
                callout_ids.push_back(id);
            }
        }
    }
    m_callouts = read_callouts(m_run, callout_ids);
}

const AreaLayer* MapData::level(Level l) const {
    const auto it = std::find_if(m_areas.begin(), m_areas.end(), [l](const AreaLayer& a) { return a.level == l; });
    return it == m_areas.end() ? nullptr : &*it;
}

const ThematicData& MapData::thematic(const std::string& layer_id) const {
    const auto it = std::find_if(m_thematic.begin(), m_thematic.end(), [&](const ThematicData& d) { return d.layer->id == layer_id; });
    if (it == m_thematic.end()) {
        throw config_error("layer '" + layer_id + "' was not read for this map");
    }
    return *it;
}

// The whole run, as the pipeline's hexagons and heat map see it: the buurten (the level every area
// analysis is about), else the finest level. The coarser levels are whole stadsdelen around a sample of
// a few buurten and would leave the page nearly empty.
geos::Envelope MapData::extent() const {
    const AreaLayer* buurten = level(Level::buurt);
    const Table& t = buurten != nullptr ? buurten->table : m_areas.front().table;
    geos::Envelope e = t.rows.empty() ? geos::Envelope{} : t.rows.front().envelope;
    for (const Row& r : t.rows) {
        e = geos::merge(e, r.envelope);
    }
    return e;
}

Focus MapData::focus(const MapRequest& request) const {
    Focus f;
    if (request.areas.empty()) {
        f.envelope = request.bbox ? *request.bbox : extent();
        f.description = request.bbox ? "kaartbeeld" : "het hele gebied van de run";
        return f;
    }
    std::vector<const geos::Geometry*> parts;
    std::vector<std::string> names;
    for (const auto& code : request.areas) {
        const Row* found = nullptr;
        const AreaLayer* where = nullptr;
        for (const Level l : lookup_order) {
            const AreaLayer* a = level(l);
            if (a == nullptr) {
                continue;
            }
            const auto it = std::find_if(a->table.rows.begin(), a->table.rows.end(), [&](const Row& r) { return a->table.value(r, "code") == code; });
            if (it != a->table.rows.end()) {
                found = &*it;
                where = a;
                break;
            }
        }
        if (found == nullptr) {
            throw config_error("no area with code '" + code + "' in " + m_run.path());
        }
        f.codes[where->level].push_back(code);
        parts.push_back(&found->geometry);
        const auto& name = where->table.value(*found, "name");
        names.push_back(name && !name->empty() ? *name + " (" + code + ")" : code);
        f.envelope = parts.size() == 1 ? found->envelope : geos::merge(f.envelope, found->envelope);
    }
    f.shape = parts.size() == 1 ? parts.front()->clone() : geos::unary_union(parts);
    f.description = names.size() <= 3 ? list_and(names) : std::to_string(names.size()) + " gebieden: " + list_and(request.areas);
    return f;
}

std::vector<std::string> MapData::rounds(const Focus& focus) const {
    std::string where;
    for (const auto& [level, codes] : focus.codes) {
        std::string list;
        for (const auto& c : codes) {
            list += (list.empty() ? "" : ",") + io::sql_literal(c);
        }
        where += (where.empty() ? "" : " OR ") + std::string("\"") + std::string(level_code_field(level)) + "\" IN (" + list + ")";
    }
    std::set<std::string> out;
    for (const char* table : observation_tables) {
        for (auto& r : m_run.distinct(table, "round", where)) {
            out.insert(std::move(r));
        }
    }
    return {out.begin(), out.end()};
}

FocusTest::FocusTest(const Focus& focus) : m_focus(focus) {
    if (focus.shape) {
        m_shape.emplace(*focus.shape);
        m_shape_area = geos::area(*focus.shape);
    }
}

bool FocusTest::contains(const Table& table, const Row& row) const {
    const auto own = level_of_table(table.name);
    bool known = !m_focus.codes.empty();
    for (const auto& [level, codes] : m_focus.codes) {
        const auto& code = table.value(row, own == level ? "code" : std::string(level_code_field(level)));
        if (code && std::find(codes.begin(), codes.end(), *code) != codes.end()) {
            return true;
        }
        known = known && code.has_value();
    }
    if (known) {
        return false;  // the row's codes are there, and none is the focus's
    }
    if (m_shape) {
        switch (geos::dimension(row.geometry)) {
            case 0: return m_shape->covers(row.geometry);
            case 1: return m_shape->intersects(row.geometry);
            default:
                if (!m_shape->intersects(row.geometry)) {
                    return false;
                }
                return geos::area(geos::intersection(*m_focus.shape, row.geometry)) > 0.01 * std::min(m_shape_area, geos::area(row.geometry));
        }
    }
    const geos::Envelope& e = row.envelope;
    const double x = (e.min_x + e.max_x) / 2;
    const double y = (e.min_y + e.max_y) / 2;
    const geos::Envelope& f = m_focus.envelope;
    return x >= f.min_x && x <= f.max_x && y >= f.min_y && y <= f.max_y;
}

} // namespace buurt::render

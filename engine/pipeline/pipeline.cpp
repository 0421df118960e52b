#include "engine/pipeline/pipeline.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <filesystem>
#include <future>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <thread>

#include "engine/aggregate/tally.hpp"
#include "engine/core/error.hpp"
#include "engine/core/conninfo.hpp"
#include "engine/core/sha256.hpp"
#include "engine/core/version.hpp"
#include "engine/hierarchy/hierarchy.hpp"
#include "engine/hotspot/hotspots.hpp"
#include "engine/io/gpkg_writer.hpp"
#include "engine/io/read_areas.hpp"
#include "engine/io/read_indicators.hpp"
#include "engine/io/read_observations.hpp"
#include "engine/io/read_streets.hpp"
#include "engine/join/joiner.hpp"
#include "engine/knowledge/rounds.hpp"
#include "engine/knowledge/voices.hpp"
#include "engine/pipeline/batch_reader.hpp"
#include "engine/pipeline/postgis_output.hpp"
#include "engine/publish/disclosure.hpp"
#include "engine/qgis/qgis.hpp"
#include "engine/style/data_dir.hpp"
#include "engine/style/style.hpp"
#include "engine/style/symbology.hpp"

namespace buurt {

namespace {

using io::FieldDef;
using io::FieldType;
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t batch_size = 8192;
constexpr long long progress_every = 50000;

struct Inputs {
    Areas areas;
    std::optional<Streets> streets;
    std::vector<IndicatorTable> indicators;
    LevelChecks checks;  // after the areas it reads: destroyed (waited for) first
};

Inputs load(const Project& p, Report& r) {
    r.project = p.name;
    r.origin = p.origin;
    r.crs = p.crs;
    Inputs in;
    // Streets need nothing of the areas: they are read on a second core meanwhile, into a report of
    // their own that joins `r` after the areas', in the order a user reads them.
    Report street_report;
    std::future<Streets> streets;
    if (p.streets) {
        streets = std::async(std::launch::async, [&] { return io::read_streets(*p.streets, p.crs, street_report); });
    }
    in.areas = io::read_areas(p, r);
    in.checks = link_hierarchy(in.areas, p, r);
    if (p.streets) {
        in.streets = streets.get();
        for (auto& input : street_report.inputs) {
            r.inputs.push_back(std::move(input));
        }
    }
    for (const auto& spec : p.indicators) {
        in.indicators.push_back(io::read_indicators(spec, in.areas, p.crs, r));
    }
    knowledge::check_problem_indicators(p, in.indicators);
    return in;
}

std::vector<io::ObservationReader> open_observations(const Project& p, Report& r, bool attributes) {
    if (p.observations.empty()) {
        throw config_error(p.origin + ": no observations given ([[observations]] in the project file or --observations PATH,...)");
    }
    std::vector<io::ObservationReader> readers;
    readers.reserve(p.observations.size());
    for (std::size_t i = 0; i < p.observations.size(); ++i) {
        readers.emplace_back(p, static_cast<int>(i), r, attributes);
    }
    return readers;
}

// --- output layers -------------------------------------------------------------------------------

// The columns shared by area summaries and streets: counts by valence, theme and source.
void tally_fields(std::vector<FieldDef>& f, const std::vector<std::string>& themes) {
    for (const char* n : {"n_obs", "n_points", "n_shapes"}) {
        f.push_back({n, FieldType::integer});
    }
    for (const char* n : {"w_shapes", "w_total", "w_strength", "w_concern", "w_neutral", "balance"}) {
        f.push_back({n, FieldType::real});
    }
    for (const auto& t : themes) {
        f.push_back({"theme_" + t, FieldType::real});
    }
    f.push_back({"theme_other", FieldType::real});
    for (const char* s : known_sources) {
        f.push_back({std::string("src_") + s, FieldType::real});
    }
    f.push_back({"src_other", FieldType::real});
    f.push_back({"n_sources", FieldType::integer});
}

// An integer count as published: NULL when hidden.
void set_count(io::LayerWriter& w, int i, double v) {
    if (!std::isnan(v)) {
        w.set(i, std::llround(v));
    }
}

int write_tally(io::LayerWriter& w, int i, const Tally& t, const publish::CountRow& c) {
    set_count(w, i++, c.n_obs);
    set_count(w, i++, c.n_points);
    set_count(w, i++, c.n_shapes);
    w.set(i++, c.w_shapes);
    w.set(i++, c.w_total);
    w.set(i++, c.strength);
    w.set(i++, c.concern);
    w.set(i++, c.neutral);
    w.set(i++, c.balance());
    for (const double v : c.themes) {
        w.set(i++, v);
    }
    for (const double v : c.sources) {
        w.set(i++, v);
    }
    w.set(i++, static_cast<long long>(t.sources_heard()));
    return i;
}

// Observations go to one table per geometry type: QGIS styles a table by one geometry type, and
// analysts expect points to be points. Multi-points (kept whole) get a table only when there are any.
// Gi* of concerns and of strengths: uncorrected z and p, the class after FDR, and why nothing is
// classed when the data cannot carry it.
void gi_fields(std::vector<FieldDef>& f) {
    for (const char* what : {"concern", "strength"}) {
        f.push_back({std::string(what) + "_z", FieldType::real});
        f.push_back({std::string(what) + "_p", FieldType::real});
        f.push_back({std::string(what) + "_class", FieldType::integer});
    }
    f.push_back({"hotspot_status", FieldType::text});
}

// Who spoke where (see README): appended after every other field, so existing columns keep their place.
void voice_fields(std::vector<FieldDef>& f, bool problems) {
    f.push_back({"sources_spoke", FieldType::text});
    f.push_back({"agree_themes", FieldType::integer});
    f.push_back({"differ_themes", FieldType::integer});
    for (const char* n : {"differ_list", "views", "blind"}) {
        f.push_back({n, FieldType::text});
    }
    if (problems) {
        f.push_back({"problem_indicators", FieldType::text});
    }
}

int write_voices(io::LayerWriter& w, int i, const Project& p, const Tally& t, double population, const std::string* problems,
                 const publish::Control& control) {
    const knowledge::Views v = knowledge::compare_views(t, p.themes, control.active() ? control.threshold() : 0.0);
    w.set(i++, v.sources_spoke);
    w.set(i++, static_cast<long long>(v.agree_themes));
    w.set(i++, static_cast<long long>(v.differ_themes));
    w.set(i++, v.differ_list);
    w.set(i++, v.views);
    w.set(i++, knowledge::blind_spot(t, population, problems != nullptr && !problems->empty()));
    if (problems != nullptr) {
        w.set(i++, *problems);
    }
    return i;
}

// Published outputs keep only the classes: with the weights known, all z-scores together can be solved
// back to the counts.
int write_gi(io::LayerWriter& w, int i, const hotspot::Hotspots& h, std::size_t k, const publish::Control& control) {
    for (const hotspot::GiResult* g : {&h.concern, &h.strength}) {
        if (!control.active()) {
            w.set(i, g->z[k]);
            w.set(i + 1, g->p[k]);
        }
        i += 2;
        if (g->sufficient) {
            w.set(i, static_cast<long long>(g->hot_class[k]));
        }
        ++i;
    }
    const bool same = h.concern.status == h.strength.status;
    w.set(i++, same ? h.concern.status : "concerns: " + h.concern.status + "; strengths: " + h.strength.status);
    return i;
}

class ObservationLayers {
public:
    ObservationLayers(io::GpkgWriter& w, const Project& p, const Areas& areas, const std::vector<io::ObservationReader>& readers)
        : m_writer(w), m_areas(areas) {
        m_fields = {{"obs_id", FieldType::text},   {"input", FieldType::text},      {"kind", FieldType::text},
                    {"theme", FieldType::text},    {"valence", FieldType::integer}, {"source", FieldType::text},
                    {"session", FieldType::text},  {"round", FieldType::text},      {"obs_date", FieldType::text},
                    {"obs_text", FieldType::text}, {"repaired", FieldType::integer}, {"finest_level", FieldType::text},
                    {"finest_code", FieldType::text}};
        for (const auto& level : areas.levels) {
            m_fields.push_back({std::string(level_code_field(level.level)), FieldType::text});
        }
        for (const char* n : {"outside", "boundary_rule"}) {
            m_fields.push_back({n, FieldType::integer});
        }
        m_fields.push_back({"street", FieldType::text});
        m_fields.push_back({"street_segment", FieldType::integer});
        m_fields.push_back({"street_dist_m", FieldType::real});
        // The inputs' own fields, as text, under "in_" so they never collide with ours.
        std::map<std::string, int> column;
        for (const auto& r : readers) {
            std::vector<int> map;
            for (const auto& name : r.info().fields) {
                auto [it, added] = column.emplace(name, static_cast<int>(m_fields.size()));
                if (added) {
                    m_fields.push_back({"in_" + name, FieldType::text});
                }
                map.push_back(it->second);
            }
            m_input_columns.push_back(std::move(map));
        }
        m_points.emplace(w.layer("observations", io::GeometryType::point, m_fields, "Point observations with the areas and street they were joined to"));
        m_lines.emplace(w.layer("observation_lines", io::GeometryType::multi_line, m_fields, "Line observations; their shares per area are in observation_shares"));
        m_polygons.emplace(w.layer("observation_areas", io::GeometryType::multi_polygon, m_fields, "Polygon observations; their shares per area are in observation_shares"));
        m_shares.emplace(w.layer("observation_shares", io::GeometryType::none,
                                 {{"obs_id", FieldType::text}, {"input", FieldType::text}, {"level", FieldType::text}, {"code", FieldType::text}, {"share", FieldType::real}},
                                 "Lines, polygons and multi-points: the share of each observation per area (finest level; the rest credited to coarser levels)"));
        for (const auto& spec : p.observations) {
            m_input_names.push_back(spec.name);
        }
    }

    void write(const Observation& o, const JoinResult& r, const Streets* streets) {
        io::LayerWriter& w = layer_for(o.kind);
        int i = 0;
        w.set(i++, o.id);
        w.set(i++, m_input_names[o.input]);
        w.set(i++, std::string(kind_name(o.kind)));
        w.set(i++, o.theme);
        w.set(i++, static_cast<long long>(o.valence));
        w.set(i++, o.source);
        w.set(i++, o.session);
        w.set(i++, o.round);
        w.set(i++, o.date);
        w.set(i++, o.text);
        w.set(i++, static_cast<long long>(o.repaired));
        if (r.finest >= 0) {
            w.set(i, std::string(level_name(m_areas.levels[r.finest].level)));
            w.set(i + 1, m_areas.levels[r.finest].areas[r.area[r.finest]].code);
        }
        i += 2;
        for (std::size_t l = 0; l < m_areas.levels.size(); ++l, ++i) {
            if (r.area[l] >= 0) {
                w.set(i, m_areas.levels[l].areas[r.area[l]].code);
            }
        }
        w.set(i++, static_cast<long long>(r.finest < 0));
        w.set(i++, static_cast<long long>(r.tie_broken));
        if (r.street >= 0) {
            w.set(i, streets->streets[r.street].name);
            w.set(i + 1, static_cast<long long>(streets->pieces[r.piece].number));
            w.set(i + 2, r.street_distance);
        }
        const auto& columns = m_input_columns[o.input];
        for (std::size_t k = 0; k < o.attributes.size(); ++k) {
            w.set(columns[k], o.attributes[k]);
        }
        if (o.geometry) {
            w.set_geometry(o.geometry);
        } else {
            w.set_point(o.x, o.y);
        }
        w.write();
        for (const Share& s : r.pieces) {
            io::LayerWriter& sw = *m_shares;
            sw.set(0, o.id);
            sw.set(1, m_input_names[o.input]);
            sw.set(2, s.level < 0 ? std::string("outside") : std::string(level_name(m_areas.levels[s.level].level)));
            if (s.level >= 0) {
                sw.set(3, m_areas.levels[s.level].areas[s.area].code);
            }
            sw.set(4, s.share);
            sw.write();
        }
    }

private:
    io::LayerWriter& layer_for(Kind kind) {
        switch (kind) {
            case Kind::point: return *m_points;
            case Kind::line: return *m_lines;
            case Kind::polygon: return *m_polygons;
            case Kind::multipoint: break;
        }
        if (!m_multipoints) {
            m_multipoints.emplace(m_writer.layer("observation_multipoints", io::GeometryType::multi_point, m_fields,
                                                 "Observations marked at several places at once (kept whole, equal shares per place)"));
        }
        return *m_multipoints;
    }

    io::GpkgWriter& m_writer;
    const Areas& m_areas;
    std::vector<FieldDef> m_fields;
    std::optional<io::LayerWriter> m_points, m_lines, m_polygons, m_multipoints, m_shares;
    std::vector<std::vector<int>> m_input_columns;
    std::vector<std::string> m_input_names;
};

void write_area_layers(io::GpkgWriter& w, const Project& p, const Inputs& in, const Aggregator& agg,
                       const std::map<int, hotspot::Hotspots>& hotspots, const publish::Control& control) {
    for (std::size_t l = 0; l < in.areas.levels.size(); ++l) {
        const AreaLevel& level = in.areas.levels[l];
        const IndicatorTable* ind = nullptr;
        for (const auto& t : in.indicators) {
            if (t.level == level.level) {
                ind = &t;
            }
        }
        std::vector<FieldDef> f{{"code", FieldType::text}, {"name", FieldType::text}};
        for (std::size_t k = l + 1; k < in.areas.levels.size(); ++k) {
            f.push_back({std::string(level_code_field(in.areas.levels[k].level)), FieldType::text});
        }
        f.push_back({"area_ha", FieldType::real});
        const int first_tally = static_cast<int>(f.size());
        tally_fields(f, p.themes);
        for (const char* n : {"density_ha", "population", "per_1000"}) {
            f.push_back({n, FieldType::real});
        }
        if (ind != nullptr) {
            for (const auto& name : ind->fields) {
                f.push_back({"ind_" + name, FieldType::real});
            }
        }
        f.push_back({"known", FieldType::integer});
        f.push_back({"status", FieldType::text});
        const auto hs = hotspots.find(static_cast<int>(l));
        if (hs != hotspots.end()) {
            gi_fields(f);
        }
        voice_fields(f, true);
        const std::vector<std::string> problems =
            ind != nullptr ? knowledge::problem_flags(p.knowledge.problem_indicators, *ind, level) : std::vector<std::string>(level.areas.size());
        io::LayerWriter lw = w.layer(std::string(level_layer_name(level.level)), io::GeometryType::multi_polygon, f,
                                     control.describe("Observations summarised per " + std::string(level_name(level.level))));
        for (std::size_t a = 0; a < level.areas.size(); ++a) {
            const Area& area = level.areas[a];
            int i = 0;
            lw.set(i++, area.code);
            lw.set(i++, area.name);
            int parent = area.parent;
            for (std::size_t k = l + 1; k < in.areas.levels.size(); ++k, ++i) {
                if (parent >= 0) {
                    lw.set(i, in.areas.levels[k].areas[parent].code);
                    parent = in.areas.levels[k].areas[parent].parent;
                }
            }
            const double ha = area.area_m2 / 10000.0;
            lw.set(i++, ha);
            const Tally& t = agg.area(static_cast<int>(l), static_cast<int>(a));
            const publish::CountRow c = control.row(t);
            i = write_tally(lw, first_tally, t, c);
            lw.set(i++, ha > 0 ? c.w_total / ha : nan);
            double population = nan;
            const std::vector<std::optional<double>>* values = nullptr;
            if (ind != nullptr) {
                const auto it = ind->by_code.find(area.code);
                if (it != ind->by_code.end()) {
                    values = &it->second;
                    if (ind->population >= 0 && it->second[ind->population]) {
                        population = *it->second[ind->population];
                    }
                }
            }
            lw.set(i++, population);
            lw.set(i++, population > 0 ? c.w_total / population * 1000.0 : nan);
            if (ind != nullptr) {
                for (std::size_t k = 0; k < ind->fields.size(); ++k, ++i) {
                    if (values != nullptr && (*values)[k]) {
                        lw.set(i, *(*values)[k]);
                    }
                }
            }
            lw.set(i++, static_cast<long long>(t.observations() > 0));
            lw.set(i++, std::string(t.observations() > 0 ? "known" : "unknown"));
            if (hs != hotspots.end()) {
                i = write_gi(lw, i, hs->second, a, control);
            }
            write_voices(lw, i, p, t, population, &problems[a], control);
            lw.set_geometry(area.geometry);
            lw.write();
        }
    }
}

void write_streets_layer(io::GpkgWriter& w, const Project& p, const Streets& streets, const Aggregator& agg, const publish::Control& control) {
    std::vector<FieldDef> f{{"name", FieldType::text}, {"length_m", FieldType::real}};
    tally_fields(f, p.themes);
    f.push_back({"per_100m", FieldType::real});
    voice_fields(f, false);
    io::LayerWriter lw = w.layer("streets", io::GeometryType::multi_line, f, control.describe("Observations per named street (nearest street within the set distance)"));
    for (std::size_t s = 0; s < streets.streets.size(); ++s) {
        const Street& street = streets.streets[s];
        const Tally& t = agg.street(static_cast<int>(s));
        lw.set(0, street.name);
        lw.set(1, street.length_m);
        const publish::CountRow c = control.row(t);
        int i = write_tally(lw, 2, t, c);
        lw.set(i++, street.length_m > 0 ? c.n_obs / street.length_m * 100.0 : nan);
        write_voices(lw, i, p, t, nan, nullptr, control);
        lw.set_geometry(street.geometry);
        lw.write();
    }
}

void write_segments_layer(io::GpkgWriter& w, const Project& p, const Streets& streets, const Aggregator& agg, const hotspot::Hotspots& hs,
                          const publish::Control& control) {
    std::vector<FieldDef> f{{"name", FieldType::text}, {"segment_no", FieldType::integer}, {"length_m", FieldType::real}};
    tally_fields(f, p.themes);
    f.push_back({"per_100m", FieldType::real});
    gi_fields(f);
    io::LayerWriter lw = w.layer("street_segments", streets.surfaces ? io::GeometryType::multi_polygon : io::GeometryType::multi_line, f,
                                 control.describe("Streets cut into pieces of about the segment length, with Gi* hotspots of concerns and strengths"));
    for (std::size_t k = 0; k < streets.pieces.size(); ++k) {
        const StreetPiece& piece = streets.pieces[k];
        const Tally& t = agg.piece(static_cast<int>(k));
        lw.set(0, streets.streets[piece.street].name);
        lw.set(1, static_cast<long long>(piece.number));
        lw.set(2, piece.length_m);
        const publish::CountRow c = control.row(t);
        int i = write_tally(lw, 3, t, c);
        lw.set(i++, piece.length_m > 0 ? c.n_obs / piece.length_m * 100.0 : nan);
        write_gi(lw, i, hs, k, control);
        lw.set_geometry(piece.geometry);
        lw.write();
    }
}

void write_hex_layer(io::GpkgWriter& w, const hotspot::PointCollector& points, const hotspot::Hotspots& hs, const publish::Control& control) {
    std::vector<FieldDef> f{{"n_points", FieldType::integer}, {"n_concern", FieldType::integer}, {"n_strength", FieldType::integer}};
    gi_fields(f);
    io::LayerWriter lw = w.layer("hotspots_hex", io::GeometryType::multi_polygon, f, control.describe("Point observations per hexagon, with Gi* hotspots"));
    const hotspot::HexGrid& grid = *points.grid();
    for (std::size_t k = 0; k < grid.size(); ++k) {
        const auto total = static_cast<double>(points.hex_total()[k]);
        double concern = static_cast<double>(points.hex_concern()[k]);
        double strength = static_cast<double>(points.hex_strength()[k]);
        double neutral = total - concern - strength;  // not a field, but it can be the second hidden cell
        control.group(total, {&concern, &strength, &neutral});
        set_count(lw, 0, control.count(total));
        set_count(lw, 1, concern);
        set_count(lw, 2, strength);
        write_gi(lw, 3, hs, k, control);
        lw.set_geometry(grid.polygon(k));
        lw.write();
    }
}

// Figures of the run that count observations (not areas, classes or styles): protected when publishing.
bool counts_people(const std::string& count_key) {
    return count_key.rfind("hotspots_", 0) != 0 && count_key != "qgis_styles";
}

bool is_observation_input(const InputReport& in) { return in.role.rfind("observations", 0) == 0; }

void write_run_report(io::GpkgWriter& w, const Report& r, const publish::Control& control) {
    io::LayerWriter lw = w.layer("run_report", io::GeometryType::none,
                                 {{"section", FieldType::text}, {"item", FieldType::text}, {"value", FieldType::real}, {"detail", FieldType::text}},
                                 control.describe("What was read, repaired, skipped and joined in this run"));
    auto row = [&lw](const std::string& section, const std::string& item, double value, const std::string& detail) {
        lw.set(0, section);
        lw.set(1, item);
        lw.set(2, value);
        lw.set(3, detail);
        lw.write();
    };
    if (control.active()) {
        row("publish", "threshold", control.threshold(), control.note());
    }
    for (const auto& in : r.inputs) {
        const std::string where = display_source(in.source.path) + (in.source.layer.empty() ? "" : " (" + in.source.layer + ")");
        // Published: how many observations each input had is protected, and the notes (feature ids,
        // values people typed) are left out.
        const bool people = control.active() && is_observation_input(in);
        auto figure = [&](long long v) { return people ? control.count(static_cast<double>(v)) : static_cast<double>(v); };
        row(in.role, "features read", figure(in.read), where);
        row(in.role, "features used", figure(in.used), "");
        row(in.role, "features repaired", figure(in.repaired_count), "");
        row(in.role, "features skipped", figure(in.skipped_count), "");
        if (people) {
            continue;
        }
        for (const auto& n : in.repaired) {
            row(in.role, "repaired", nan, n.id + ": " + n.detail);
        }
        for (const auto& n : in.skipped) {
            row(in.role, "skipped", nan, n.id + ": " + n.detail);
        }
        for (const auto& [role, values] : in.unknown_values) {
            for (const auto& [v, n] : values) {
                row(in.role, "unknown " + role, static_cast<double>(n), v);
            }
        }
    }
    for (const auto& l : r.levels) {
        row("areas", l.level, static_cast<double>(l.areas), l.parent_link);
    }
    for (const auto& h : r.hierarchy) {
        row("hierarchy", h.kind, nan, h.level + " " + h.code + ": " + h.detail);
    }
    for (const auto& n : r.hotspot_notes) {
        row("hotspots", "not classed", nan, n);
    }
    for (const auto& c : r.crosswalks) {
        const std::string section = "crosswalk " + c.input;
        for (const auto& l : c.links) {
            row(section, "link", l.share_of_target,
                l.source_code + " -> " + l.target_code + ": covers this share of " + l.target_code + " (" + std::to_string(std::llround(l.overlap_m2)) + " m2)");
        }
        for (const auto& v : c.coverage) {
            row(section, v.low ? "low coverage" : "coverage", v.coverage,
                v.code + (v.low ? ": less than " + std::to_string(std::lround(c.min_coverage * 100)) + " % of the area has figures" : ""));
        }
    }
    for (const auto& [k, v] : r.counts) {
        row("join", k, counts_people(k) ? control.count(static_cast<double>(v)) : static_cast<double>(v), "");
    }
}

// The crosswalks of indicators carried over from another area scheme: one table without geometry, one
// row per item (link or covered area) of each crosswalk, after the crosswalk's input and level.
template <typename Items, typename Set>
void write_crosswalk_table(io::GpkgWriter& w, const Report& r, const std::string& name, std::vector<FieldDef> fields, const std::string& description,
                           Items items, Set set) {
    fields.insert(fields.begin(), {{"input", FieldType::text}, {"level", FieldType::text}});
    io::LayerWriter lw = w.layer(name, io::GeometryType::none, fields, description);
    for (const auto& c : r.crosswalks) {
        for (const auto& item : items(c)) {
            lw.set(0, c.input);
            lw.set(1, c.level);
            set(lw, item);
            lw.write();
        }
    }
}

void write_crosswalk_tables(io::GpkgWriter& w, const Report& r, const publish::Control& control) {
    write_crosswalk_table(
        w, r, "indicator_crosswalk",
        {{"source_code", FieldType::text}, {"target_code", FieldType::text}, {"overlap_m2", FieldType::real}, {"share_of_source", FieldType::real},
         {"share_of_target", FieldType::real}},
        control.describe("Indicators from another area scheme: overlapping areas"), [](const CrosswalkReport& c) -> const auto& { return c.links; },
        [](io::LayerWriter& lw, const CrosswalkLink& l) {
            lw.set(2, l.source_code);
            lw.set(3, l.target_code);
            lw.set(4, l.overlap_m2);
            lw.set(5, l.share_of_source);
            lw.set(6, l.share_of_target);
        });
    write_crosswalk_table(
        w, r, "indicator_coverage",
        {{"code", FieldType::text}, {"area_m2", FieldType::real}, {"covered_m2", FieldType::real}, {"coverage", FieldType::real},
         {"low_coverage", FieldType::integer}},
        control.describe("Indicators from another area scheme: share of each area with figures"),
        [](const CrosswalkReport& c) -> const auto& { return c.coverage; },
        [](io::LayerWriter& lw, const CrosswalkCoverage& v) {
            lw.set(2, v.code);
            lw.set(3, v.area_m2);
            lw.set(4, v.covered_m2);
            lw.set(5, v.coverage);
            lw.set(6, static_cast<long long>(v.low ? 1 : 0));
        });
}

std::string utc_now() {
    const std::time_t t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return buf;
}

using Checksums = std::map<std::string, std::string>;  // file -> SHA-256

// The checksums of the input files, computed on a thread of their own once the observations are joined:
// until then both cores are busy, while the summaries and styles are written on one (the files are still
// in the page cache then). Tables in PostgreSQL have none.
std::future<Checksums> start_checksums(const Project& p) {
    std::vector<std::string> paths;
    for (const auto& l : p.levels) {
        paths.push_back(l.source.path);
    }
    if (p.streets) {
        paths.push_back(p.streets->source.path);
    }
    for (const auto& o : p.observations) {
        paths.push_back(o.source.path);
    }
    for (const auto& i : p.indicators) {
        paths.push_back(i.source.path);
        if (i.areas) {
            paths.push_back(i.areas->source.path);
        }
    }
    return std::async(std::launch::async, [paths] {
        Checksums out;
        for (const auto& path : paths) {
            if (!is_pg_source(path) && out.count(path) == 0) {
                out.emplace(path, sha256_file(path));
            }
        }
        return out;
    });
}

void write_provenance(io::GpkgWriter& w, const Project& p, const Report& r, const publish::Control& control, Checksums checksums) {
    nlohmann::ordered_json prov;
    prov["engine"] = std::string("buurtbalans ") + version;
    prov["created"] = utc_now();
    prov["project"] = p.name;
    prov["project_file"] = p.origin;
    prov["crs"] = p.crs;
    prov["parameters"] = {{"street_max_distance_m", p.streets ? p.streets->max_distance : 0.0},
                          {"street_segment_length_m", p.streets ? p.streets->segment_length : 0.0},
                          {"street_network_distance_m", p.streets ? p.streets->network_distance : 0.0},
                          {"hotspots", {{"fdr", p.hotspots.fdr}, {"min_features", p.hotspots.min_features}, {"distance_m", p.hotspots.area_distance},
                                        {"hex_size_m", p.hotspots.hex_size}, {"heat_radius_m", p.hotspots.heat_radius}, {"heat_cell_m", p.hotspots.heat_cell}}},
                          {"themes", p.themes},
                          {"boundary_rule", "a point on a shared boundary belongs to the area with the smallest code (byte order)"},
                          {"threads", p.threads}};
    prov["inputs"] = nlohmann::ordered_json::array();
    for (const auto& in : r.inputs) {
        // Published: how many observations an input had is protected like every other count.
        const double read = is_observation_input(in) ? control.count(static_cast<double>(in.read)) : static_cast<double>(in.read);
        const nlohmann::ordered_json features = std::isnan(read) ? nlohmann::ordered_json() : nlohmann::ordered_json(std::llround(read));
        if (is_pg_source(in.source.path)) {
            // A table has no bytes to hash and may change after the run: say where and what was read,
            // and how many features, and that no checksum exists (rather than a checksum of something else).
            prov["inputs"].push_back({{"role", in.role}, {"path", display_source(in.source.path)}, {"layer", in.source.layer}, {"sql", in.source.sql},
                                      {"sha256", nullptr}, {"features", features}, {"note", "PostgreSQL source: read at the time above, no checksum"}});
            continue;
        }
        auto it = checksums.find(in.source.path);
        if (it == checksums.end()) {
            it = checksums.emplace(in.source.path, sha256_file(in.source.path)).first;
        }
        prov["inputs"].push_back({{"role", in.role}, {"path", in.source.path}, {"layer", in.source.layer}, {"sha256", it->second}, {"features", features}});
    }
    if (control.active()) {
        prov["publish"] = nlohmann::ordered_json::parse(control.describe_json());
    }
    w.metadata("buurtbalans_provenance", prov.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    w.metadata("buurtbalans_version", version);
}

// What the hexagon grid and heat map cover: the buurten (the level every area analysis is about), else
// the finest level present.
const AreaLevel& focus_level(const Areas& areas) { return areas.levels[std::max(0, areas.index_of(Level::buurt))]; }

// The heat map's legend classes: the style's classification over the cells that have any density.
qgis::ProjectRaster heatmap_layer(const style::Library& lib, const hotspot::Raster& heat) {
    // A sorted copy counted in runs: a raster has up to millions of distinct values, too many for a map
    // (and far too many to classify as text).
    std::vector<float> cells;
    cells.reserve(heat.values.size());
    std::copy_if(heat.values.begin(), heat.values.end(), std::back_inserter(cells), [](float v) { return v > 0; });
    std::sort(cells.begin(), cells.end());
    style::NumberCounts values;
    for (std::size_t i = 0; i < cells.size();) {
        std::size_t j = i + 1;
        while (j < cells.size() && cells[j] == cells[i]) {
            ++j;
        }
        values.emplace_back(cells[i], static_cast<long long>(j - i));
        i = j;
    }
    style::ThematicLayer layer;
    layer.id = "heatmap";
    layer.table = "heatmap";
    layer.field = "value";
    layer.style = "heatmap";
    layer.title = "Warmtekaart van de waarnemingen";
    const style::Symbology sym = style::build_symbology_from_numbers(layer, lib, style::Geometry::polygon, values);
    return {"heatmap", "heatmap", layer.title, "Hotspots", sym.rules, 0.7, false};
}

// Every thematic layer of layers/ whose table this run wrote: a style in layer_styles, a layer in the
// embedded QGIS project. Classes come from this run's data.
QgisParts write_qgis_styles(io::GpkgWriter& w, const Project& p, const style::Library& lib, const std::string& gpkg, const Inputs& in,
                            const std::map<std::string, style::Geometry>& tables, const hotspot::Raster* heat, const publish::Control& control) {
    std::vector<qgis::StyleRow> rows;
    std::vector<qgis::ProjectLayer> project_layers;
    std::set<std::string> has_default;
    for (const auto& layer : lib.layers) {
        const auto t = tables.find(layer.table);
        if (t == tables.end()) {
            continue;  // e.g. blocks when the project has no block level
        }
        const auto values = w.column_histogram(layer.table, layer.field, layer.filter);
        style::Symbology sym = style::build_symbology_from_counts(layer, lib, t->second, values, p.themes);
        if (control.active()) {
            publish::mark_protected(sym, control.threshold(), values);
        }
        const bool is_default = layer.is_default && has_default.insert(layer.table).second;
        rows.push_back({sym, is_default});
        project_layers.push_back({std::move(sym), layer.group, layer.visible});
    }
    // The project lists groups in the order of their first layer, layers in their order within a group.
    std::stable_sort(project_layers.begin(), project_layers.end(), [&](const auto& a, const auto& b) {
        auto first = [&](const std::string& g) {
            return std::find_if(project_layers.begin(), project_layers.end(), [&](const auto& l) { return l.group == g; }) - project_layers.begin();
        };
        return first(a.group) < first(b.group);
    });
    qgis::store_styles(w, rows);
    const geos::Envelope extent = focus_level(in.areas).extent();
    qgis::DataSource source;
    source.gpkg_file_name = std::filesystem::path(gpkg).filename().string();
    std::vector<qgis::ProjectRaster> rasters;
    if (heat != nullptr && !heat->values.empty()) {
        rasters.push_back(heatmap_layer(lib, *heat));
    }
    const std::string title = control.active() ? p.name + " (" + control.note() + ")" : p.name;
    qgis::store_project(w, "buurtbalans", qgis::project_qgs({title, source, p.crs, extent}, project_layers, rasters));
    return {std::move(rows), std::move(project_layers), extent, title};
}

void report_hotspots(Report& r, const std::string& layer, const hotspot::Hotspots& h) {
    auto count = [](const hotspot::GiResult& g, bool hot) {
        return static_cast<long long>(std::count_if(g.hot_class.begin(), g.hot_class.end(), [hot](int c) { return hot ? c > 0 : c < 0; }));
    };
    r.counts["hotspots_" + layer + "_concern_hot"] = count(h.concern, true);
    r.counts["hotspots_" + layer + "_concern_cold"] = count(h.concern, false);
    r.counts["hotspots_" + layer + "_strength_hot"] = count(h.strength, true);
    r.counts["hotspots_" + layer + "_strength_cold"] = count(h.strength, false);
    r.counts["hotspots_" + layer + "_band_m"] = std::llround(h.band);
    if (!h.concern.sufficient || !h.strength.sufficient) {
        r.hotspot_notes.push_back(layer + ": " + (h.concern.sufficient ? h.strength.status : h.concern.status));
    }
}

// Workers take short stretches of the batch in locality order (a part of the city each) until none is
// left: the reading and summing threads share the cores, so equal halves would leave one worker waiting.
void join_batch(std::vector<Joiner::Worker>& workers, const std::vector<Observation>& batch, const std::vector<std::uint32_t>& order,
                std::vector<JoinResult>& results) {
    constexpr std::size_t stretch = 256;
    const std::size_t n = workers.size();
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> threads;
    std::vector<std::exception_ptr> errors(n);
    auto work = [&](std::size_t w) {
        try {
            for (std::size_t begin = next.fetch_add(stretch); begin < batch.size(); begin = next.fetch_add(stretch)) {
                const std::size_t end = std::min(batch.size(), begin + stretch);
                for (std::size_t k = begin; k < end; ++k) {
                    // In locality order the batch is read and its results written at random: ask for
                    // the lines a few points ahead so they arrive while this one is joined.
                    if (k + 8 < batch.size()) {
                        __builtin_prefetch(&batch[order[k + 8]]);
                        __builtin_prefetch(&results[order[k + 8]], 1);
                    }
                    const std::uint32_t i = order[k];
                    workers[w].join(batch[i], results[i]);
                }
            }
        } catch (...) {
            errors[w] = std::current_exception();
            next = batch.size();  // the others stop at their next stretch
        }
    };
    for (std::size_t w = 1; w < n && w * stretch < batch.size(); ++w) {
        threads.emplace_back(work, w);
    }
    work(0);
    for (auto& t : threads) {
        t.join();
    }
    for (const auto& e : errors) {
        if (e) {
            std::rethrow_exception(e);
        }
    }
}

} // namespace

Report validate(const Project& project, const JobOptions& options) {
    Report r;
    Inputs in = load(project, r);
    long long total = 0;
    auto readers = open_observations(project, r, true);  // every field: its text is checked too
    Observation o;
    for (auto& reader : readers) {
        while (reader.next(o)) {
            if (++total % progress_every == 0 && options.progress) {
                options.progress("validating observations", total);
            }
        }
    }
    r.counts["observations"] = total;
    in.checks.finish(r);
    return r;
}

Report run(const Project& project, const JobOptions& options) {
    if (project.output.gpkg.empty() && project.output.postgis.empty()) {
        throw config_error(project.origin + ": no output given ([output] gpkg = \"...\" or --out FILE.gpkg, and/or [output] postgis = \"PG:...\")");
    }
    Report r;
    auto lap_start = std::chrono::steady_clock::now();
    auto lap = [&](const char* phase) {
        const auto now = std::chrono::steady_clock::now();
        r.timings.emplace_back(phase, std::chrono::duration<double>(now - lap_start).count());
        lap_start = now;
    };
    Inputs in = load(project, r);
    auto readers = open_observations(project, r, options.write_observations);
    // With PostGIS only, the run is written to a private GeoPackage first and copied from there.
    const GpkgTarget target(project);
    io::GpkgWriter writer(target.path(), target.overwrite(), project.crs);
    const publish::Control control(project.publish);
    // Read before the join, so a broken style or layer file stops the run before its long part.
    const style::Library lib = style::load_library(style::data_dir(project.styles_dir, "styles"), style::data_dir(project.layers_dir, "layers"));
    for (const auto& layer : lib.layers) {
        if (layer.filter.empty()) {
            writer.count_values(layer.table, layer.field);
        }
    }

    const Streets* streets = in.streets ? &*in.streets : nullptr;
    Joiner joiner(in.areas, streets, JoinOptions{project.streets ? project.streets->max_distance : 0.0});
    // Street pieces are tallied only for their hotspots: ~100,000 tallies in a city, each touched at random.
    const std::size_t tallied_pieces = streets && options.hotspots ? streets->pieces.size() : 0;
    Aggregator agg(in.areas, streets ? streets->streets.size() : 0, tallied_pieces, project.themes);
    std::optional<hotspot::PointCollector> points;
    if (options.hotspots) {
        points.emplace(focus_level(in.areas), project.hotspots);
    }
    std::optional<ObservationLayers> layers;
    // Published outputs hold no single observation: no points, texts or input fields.
    if (options.write_observations && !control.active()) {
        layers.emplace(writer, project, in.areas, readers);
    }
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const std::size_t n_workers = project.threads > 0 ? static_cast<std::size_t>(project.threads) : cores;
    std::vector<Joiner::Worker> workers;
    for (std::size_t i = 0; i < n_workers; ++i) {
        workers.emplace_back(joiner);
    }
    lap("read areas and streets, build indexes");

    // Three stages overlap: reading (BatchReader's thread), joining a batch (every worker, in locality
    // order), and summing and writing the batch before it (a thread of its own, one batch at a time, in
    // input order, so two runs give identical outputs; the heat map beside it on another).
    std::vector<Observation> batch;
    std::vector<std::uint32_t> order;
    std::vector<JoinResult> results;
    std::vector<Observation> joined;
    std::vector<JoinResult> joined_results;
    auto sum_joined = [&] {
        for (std::size_t k = 0; k < joined.size(); ++k) {
            agg.add(joined[k], joined_results[k]);
            if (points && joined[k].kind == Kind::point) {
                points->add(joined[k].x, joined[k].y, joined[k].valence);
            }
            if (layers) {
                layers->write(joined[k], joined_results[k], streets);
            }
        }
    };
    auto heat_joined = [&] {
        for (const Observation& o : joined) {
            if (o.kind == Kind::point) {
                points->add_heat(o.x, o.y);
            }
        }
    };
    std::future<void> summing;  // declared after what they read: destroyed (waited for) first
    std::future<void> heating;
    auto finish_joined = [&] {
        for (auto* task : {&summing, &heating}) {
            if (task->valid()) {
                task->get();
            }
        }
    };
    long long total = 0;
    BatchReader batches(readers, batch_size, [&joiner](const Observation& o) { return joiner.locality(o); });
    while (batches.next(batch, order)) {
        results.resize(batch.size());
        join_batch(workers, batch, order, results);
        finish_joined();
        std::swap(batch, joined);
        std::swap(results, joined_results);
        summing = std::async(std::launch::async, sum_joined);
        if (points) {
            heating = std::async(std::launch::async, heat_joined);
        }
        const long long before = total;
        total += static_cast<long long>(joined.size());
        if (options.progress && total / progress_every != before / progress_every) {
            options.progress("joining observations", total);
        }
    }
    finish_joined();
    std::future<Checksums> checksums = start_checksums(project);
    lap("read and join observations");
    if (options.progress) {
        options.progress("writing summaries", total);
    }
    r.counts["observations_joined"] = total;
    r.counts["observations_outside_all_areas"] = agg.outside();
    r.counts["shapes_partly_outside"] = agg.partly_outside();
    r.counts["points_on_shared_boundary"] = agg.tie_broken();
    r.counts["observations_with_street"] = agg.with_street();
    for (std::size_t l = 0; l < in.areas.levels.size(); ++l) {
        r.counts["finest_level_" + std::string(level_name(in.areas.levels[l].level))] = agg.per_level(static_cast<int>(l));
    }
    std::map<int, hotspot::Hotspots> area_hotspots;
    if (options.hotspots) {
        for (const Level l : project.hotspots.levels) {
            if (const int idx = in.areas.index_of(l); idx >= 0) {
                area_hotspots.emplace(idx, hotspot::area_hotspots(in.areas.levels[idx], idx, agg, project.hotspots));
                report_hotspots(r, std::string(level_layer_name(l)), area_hotspots.at(idx));
            }
        }
    }
    lap("area hotspots");
    write_area_layers(writer, project, in, agg, area_hotspots, control);
    if (streets != nullptr) {
        write_streets_layer(writer, project, *streets, agg, control);
        if (options.hotspots) {
            const hotspot::Hotspots hs = hotspot::piece_hotspots(*streets, agg, *project.streets, project.hotspots);
            report_hotspots(r, "street_segments", hs);
            write_segments_layer(writer, project, *streets, agg, hs, control);
        }
    }
    if (points && points->grid() != nullptr) {
        const hotspot::Hotspots hs = hotspot::hex_hotspots(*points, project.hotspots);
        report_hotspots(r, "hex", hs);
        write_hex_layer(writer, *points, hs, control);
    }
    if (points) {
        if (points->heat_cell() > project.hotspots.heat_cell || (project.hotspots.hex_size > 0 && points->hex_size() > project.hotspots.hex_size)) {
            r.hotspot_notes.push_back("the area is large: heat map cells of " + std::to_string(std::lround(points->heat_cell())) + " m and hexagons of " +
                                      std::to_string(std::lround(points->hex_size())) + " m instead of the " +
                                      std::to_string(std::lround(project.hotspots.heat_cell)) + " m and " +
                                      std::to_string(std::lround(project.hotspots.hex_size)) + " m asked, to keep the grids in memory");
        }
    }
    // A kernel density peaks at a lone point: a published heat map would show where one person stood.
    const bool write_heat = points && !control.active();
    if (write_heat) {
        const hotspot::Raster& heat = points->heat();
        writer.raster("heatmap", heat.min_x, heat.max_y, heat.cell, heat.cols, heat.rows, heat.values,
                      "Heat map of point observations: quartic kernel, radius " + std::to_string(static_cast<int>(project.hotspots.heat_radius)) + " m");
    }
    std::map<std::string, style::Geometry> tables;
    for (const std::string& t : knowledge::write_round_layers(writer, in.areas, streets, agg, control, project.knowledge.rounds_min_total)) {
        tables.emplace(t, t == "rounds_streets" ? style::Geometry::line : style::Geometry::polygon);
    }
    for (const auto& level : in.areas.levels) {
        tables.emplace(level_layer_name(level.level), style::Geometry::polygon);
    }
    if (streets != nullptr) {
        tables.emplace("streets", style::Geometry::line);
        if (options.hotspots) {
            tables.emplace("street_segments", streets->surfaces ? style::Geometry::polygon : style::Geometry::line);
        }
    }
    if (points && points->grid() != nullptr) {
        tables.emplace("hotspots_hex", style::Geometry::polygon);
    }
    if (layers) {
        tables.emplace("observations", style::Geometry::point);
        tables.emplace("observation_lines", style::Geometry::line);
        tables.emplace("observation_areas", style::Geometry::polygon);
        if (writer.has_table("observation_multipoints")) {
            tables.emplace("observation_multipoints", style::Geometry::point);
        }
    }
    lap("write summaries and hotspots");
    const QgisParts qgis_parts = write_qgis_styles(writer, project, lib, target.path(), in, tables, write_heat ? &points->heat() : nullptr, control);
    r.counts["qgis_styles"] = static_cast<long long>(qgis_parts.styles.size());
    if (!r.crosswalks.empty()) {
        write_crosswalk_tables(writer, r, control);
    }
    lap("write styles and project");
    in.checks.finish(r);
    write_run_report(writer, r, control);
    write_provenance(writer, project, r, control, checksums.get());
    lap("provenance (waits for the checksums of the inputs)");
    publish::label_outputs(writer, control);
    writer.commit();
    lap("commit and index the GeoPackage");
    if (!project.output.postgis.empty()) {
        if (options.progress) {
            options.progress("writing to PostGIS", total);
        }
        r.counts["postgis_tables"] = write_postgis(project, target.path(), qgis_parts);
    }
    return r;
}

} // namespace buurt

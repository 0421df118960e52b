#pragma once
// Internal to engine/render: what a print job reads from the run's GeoPackage once, and every page
// of it draws from (an atlas reads the blocks once for all its pages).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/project/project.hpp"
#include "engine/render/print.hpp"
#include "engine/render/run_output.hpp"
#include "engine/style/style.hpp"
#include "engine/style/symbology.hpp"

namespace buurt::render {

struct AreaLayer {
    Level level = Level::buurt;
    Table table;  // code, name and the code field of every level
};

struct ThematicData {
    const style::ThematicLayer* layer = nullptr;
    // Classes, colours and counts over the whole run: the same call on the same counts as the QGIS style.
    style::Symbology symbology;
    Table table;
};

// What a page is about: areas by code, or a box, or (neither) the whole run.
struct Focus {
    std::map<Level, std::vector<std::string>> codes;  // the areas' codes by their level (a list may mix levels)
    std::string description;         // "Wegener Sleeswijkbuurt (FB08)", "2 buurten: ...", "kaartbeeld"
    std::optional<geos::Geometry> shape;  // the areas' union; none for a box or the whole run
    geos::Envelope envelope;
};

// Is a row part of the focus? By codes when the row carries the code fields of the focus's levels
// (blocks of a buurt, observations in a wijk): the same membership as the run's summaries. Else by geometry:
// points covered, lines touching, areas sharing more than 1 % of the smaller one's area; with a box,
// the row's envelope centre inside it. Keep `focus` alive and unmoved while this lives.
class FocusTest {
public:
    explicit FocusTest(const Focus& focus);
    bool contains(const Table& table, const Row& row) const;

private:
    const Focus& m_focus;
    std::optional<geos::Prepared> m_shape;
    double m_shape_area = 0;
};

// An observation to number on the map, with its story.
struct Callout {
    std::string id, text, theme, source;
    int valence = 0;
    double x = 0, y = 0;  // the point, or a point on the drawn line or area (the run's CRS)
};

class MapData {
public:
    // Reads the area levels, the streets and the thematic layers every page needs.
    MapData(const PrintOptions& options, const std::vector<MapRequest>& pages);

    const RunOutput& run() const { return m_run; }
    const style::Library& library() const { return m_library; }
    const std::vector<AreaLayer>& areas() const { return m_areas; }  // finest first
    const AreaLayer* level(Level l) const;
    const Table* streets() const { return m_streets ? &*m_streets : nullptr; }
    const ThematicData& thematic(const std::string& layer_id) const;
    geos::Envelope extent() const;  // of every area

    // Throws config_error naming a code that is in no area level.
    Focus focus(const MapRequest& request) const;
    // The rounds of the observations in the focus ("2024-03", ...), sorted.
    std::vector<std::string> rounds(const Focus& focus) const;
    // The observations asked for, in that order (read once for all pages). Throws input_error for a
    // published run, which has no texts, and for an id that no observation layer holds.
    const std::vector<Callout>& callouts() const { return m_callouts; }

private:
    RunOutput m_run;
    style::Library m_library;
    std::vector<AreaLayer> m_areas;
    std::optional<Table> m_streets;
    std::vector<ThematicData> m_thematic;
    std::vector<Callout> m_callouts;
};

} // namespace buurt::render

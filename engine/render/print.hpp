#pragma once
// Printed maps (plattegronden) from a run's GeoPackage: a thematic map of one or more layers of
// layers/, the blank session map (basemap), and an atlas (one page per area in one PDF).
// Every page has a title and subtitle, a map frame with a lettered and numbered reference grid,
// a legend with class counts, a scale bar, a north arrow, labels with halos and a source line.
// The colours and classes come from style::build_symbology over the whole run, exactly as the QGIS
// styles in the GeoPackage; only the counts in the legend are of what the page is about.
//
//   PrintOptions o;
//   o.gpkg = "output/geuzenveld.gpkg"; o.out = "FB08.pdf"; o.paper = "A3"; o.landscape = true;
//   MapRequest page;
//   page.layers = {"balance_blocks"}; page.areas = {"FB08"};
//   const PrintReport report = print(o, {page});

#include <optional>
#include <string>
#include <vector>

#include "engine/geos/geos.hpp"
#include "engine/render/furniture.hpp"
#include "engine/render/page_geometry.hpp"

namespace buurt::render {

struct MapRequest {
    bool basemap = false;             // the blank session map: no thematic layer, a session box
    std::vector<std::string> layers;  // thematic layer ids (layers/*.toml), drawn in this order
    std::vector<std::string> areas;   // area codes of any level: the map is about these
    std::optional<geos::Envelope> bbox;  // or this box (ground metres, the run's CRS)
    double scale = 0;                    // 1:scale around the areas' centre; 0: fit the areas or box
    std::string title;                   // empty: from the layer (print) or the area (basemap)
    std::string subtitle;                // empty: area, rounds, date of the run
    // Observations by id (obs_id): numbered on the map, their texts beside it. Stories next to the
    // numbers, for maps that stay within the team: a published GeoPackage has no texts to show.
    std::vector<std::string> callouts;
};

struct PrintOptions {
    std::string gpkg;  // a GeoPackage written by `buurtbalans run`
    std::string out;   // .pdf (any number of pages), .svg or .png (one page)
    std::string paper = "A3";
    bool landscape = false;
    double dpi = 150;  // PNG only
    bool overwrite = false;
    std::string styles_dir;  // empty: style::data_dir's default, as for run
    std::string layers_dir;
    std::string attribution = "Gemeente Amsterdam, CBS";  // the data's sources, before the engine's name
};

struct LegendLine {
    std::string label;
    long long count = 0;
    std::string color;  // "#rrggbb"
};

struct PlacedLabel {
    std::string text;
    Rect bounds;  // axis-aligned box around the (possibly turned) label with its halo, page points
};

struct PlacedCallout {
    int number = 0;  // as on the map and in the side panel
    std::string id;
    Point at;  // the marker's centre, page points
};

struct PageReport {
    std::string title, subtitle;
    Paper paper;
    MapTransform transform;
    ReferenceGrid grid;
    std::vector<LegendLine> legend;
    std::vector<PlacedLabel> labels;
    std::size_t labels_dropped = 0;
    std::size_t label_overlaps = 0;  // always 0; reported so tests and users can see it
    std::vector<PlacedCallout> callouts;  // those inside the map frame; others are not on this page
};

struct PrintReport {
    std::string out;
    double dpi = 72;  // pixels per inch of the PNG (72: vector output)
    std::vector<PageReport> pages;
    std::string to_json() const;
};

// Draws one page per request into options.out, atomically (a temporary file renamed at the end).
PrintReport print(const PrintOptions& options, const std::vector<MapRequest>& pages);

// The codes of the buurten of a wijk (by their wijk_code), sorted: an atlas's pages.
std::vector<std::string> buurten_of_wijk(const std::string& gpkg, const std::string& wijk);

} // namespace buurt::render

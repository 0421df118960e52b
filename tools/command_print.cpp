// The printed maps: print (a thematic map), basemap (the blank session map), atlas (a page per buurt).

#include <algorithm>
#include <functional>
#include <iostream>
#include <sstream>

#include "engine/render/print.hpp"
#include "tools/command.hpp"

namespace buurt::cli {

namespace {

constexpr const char* common_help = R"(
  --out FILE            .pdf, .svg or .png (PNG: see --dpi); required
  --paper A0..A4        paper size (default %PAPER%)
  --landscape           landscape (default: portrait)
  --area CODES          the map is about these areas: buurt, wijk, gebied, stadsdeel or block codes,
                        comma-separated (FB08 or FB01,FB02); it fits them, the rest is shown lighter
  --bbox X1,Y1,X2,Y2    or this box, in the run's CRS (metres)
  --scale N             draw at 1:N around the areas' centre instead of fitting them
  --title TEXT          (default: %TITLE%)
  --subtitle TEXT       (default: area, rounds of the observations, date of the run)
  --callouts ID[,ID...] number these observations (obs_id) on the map and print what was said beside
                        it; a page shows those that lie in its area (not from a published run)
  --dpi N               PNG resolution (default 150)
  --attribution TEXT    the data's sources on the source line (default "Gemeente Amsterdam, CBS")
  --styles DIR          style definitions (default: as for run)
  --layers DIR          thematic layer definitions (default: as for run)
  --overwrite           replace an existing FILE
  --json                print what was drawn (map frame, scale, legend counts, labels) as JSON
)";

std::string help_text(std::string text, const std::string& paper, const std::string& title) {
    for (const auto& [key, value] : {std::pair<std::string, std::string>{"%PAPER%", paper}, {"%TITLE%", title}}) {
        for (auto at = text.find(key); at != std::string::npos; at = text.find(key)) {
            text.replace(at, key.size(), value);
        }
    }
    return text;
}

std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');) {
        if (!item.empty()) {
            out.push_back(item);
        }
    }
    return out;
}

geos::Envelope parse_bbox(const std::string& text) {
    const auto parts = split(text);
    if (parts.size() != 4) {
        throw UsageError("--bbox needs four numbers: xmin,ymin,xmax,ymax");
    }
    const geos::Envelope e{to_double("--bbox", parts[0]), to_double("--bbox", parts[1]), to_double("--bbox", parts[2]), to_double("--bbox", parts[3])};
    if (!(e.max_x > e.min_x && e.max_y > e.min_y)) {
        throw UsageError("--bbox needs xmin < xmax and ymin < ymax");
    }
    return e;
}

// The options all three commands share; each adds its own before parsing.
struct PrintArgs {
    render::PrintOptions options;
    render::MapRequest request;
    std::vector<std::string> areas_arg;
    std::string wijk;
    bool json = false;
    Options parser;

    explicit PrintArgs(const std::string& default_paper) {
        options.paper = default_paper;
        parser.value("--out", [this](const std::string& v) { options.out = v; });
        parser.value("--paper", [this](const std::string& v) { options.paper = v; });
        parser.flag("--landscape", [this] { options.landscape = true; });
        parser.value("--area", [this](const std::string& v) { request.areas = split(v); });
        parser.value("--bbox", [this](const std::string& v) { request.bbox = parse_bbox(v); });
        parser.value("--scale", [this](const std::string& v) { request.scale = to_double("--scale", v); });
        parser.value("--title", [this](const std::string& v) { request.title = v; });
        parser.value("--subtitle", [this](const std::string& v) { request.subtitle = v; });
        parser.value("--callouts", [this](const std::string& v) { request.callouts = split(v); });
        parser.value("--dpi", [this](const std::string& v) { options.dpi = to_double("--dpi", v); });
        parser.value("--attribution", [this](const std::string& v) { options.attribution = v; });
        parser.value("--styles", [this](const std::string& v) { options.styles_dir = v; });
        parser.value("--layers", [this](const std::string& v) { options.layers_dir = v; });
        parser.flag("--overwrite", [this] { options.overwrite = true; });
        parser.flag("--json", [this] { json = true; });
    }

    void parse(const std::string& command, const std::vector<std::string>& argv) {
        const auto positional = parser.parse(command, argv);
        if (positional.size() != 1) {
            throw UsageError(command + " needs one GeoPackage written by buurtbalans run (see buurtbalans " + command + " --help)");
        }
        options.gpkg = positional.front();
        if (options.out.empty()) {
            throw UsageError(command + " needs --out FILE.pdf, .svg or .png");
        }
        if (request.scale < 0 || options.dpi <= 0) {
            throw UsageError("--scale and --dpi must be positive");
        }
    }
};

int report(const PrintArgs& a, const render::PrintReport& r) {
    // A callout no page could show is not an error (a list made for a whole wijk, an atlas page per
    // buurt) but it should not vanish without a word.
    for (const auto& id : a.request.callouts) {
        const bool shown = std::any_of(r.pages.begin(), r.pages.end(), [&id](const render::PageReport& p) {
            return std::any_of(p.callouts.begin(), p.callouts.end(), [&id](const render::PlacedCallout& c) { return c.id == id; });
        });
        if (!shown) {
            std::cerr << "buurtbalans: note: callout " << id << " lies outside every map of this print\n";
        }
    }
    if (a.json) {
        std::cout << r.to_json() << "\n";
        return 0;
    }
    const auto& first = r.pages.front();
    std::cerr << "wrote " << r.out << " (" << r.pages.size() << (r.pages.size() == 1 ? " page, " : " pages, ") << first.paper.name
              << (first.paper.landscape ? " landscape" : " portrait") << ", " << render::format_scale(first.transform.scale) << ")\n";
    return 0;
}

// The three commands differ in their usage text, default paper and what they make of the options.
Command map_command(const char* name, const char* summary, const std::string& usage, const std::string& paper, const std::string& title,
                    std::function<render::PrintReport(PrintArgs&)> make) {
    Command c;
    c.name = name;
    c.summary = summary;
    c.help = help_text(usage + common_help, paper, title);
    c.run = [name = std::string(name), paper, make](const std::vector<std::string>& argv) {
        PrintArgs a(paper);
        a.parser.value("--layer", [&a](const std::string& v) { a.request.layers = split(v); });
        if (name == "atlas") {
            a.parser.value("--wijk", [&a](const std::string& v) { a.wijk = v; });
        }
        a.parse(name, argv);
        return report(a, make(a));
    };
    return c;
}

} // namespace

Command print_command() {
    return map_command("print", "print a thematic map of a run (PDF, SVG or PNG)", R"(Usage: buurtbalans print RUN.gpkg --layer ID[,ID...] --out FILE [OPTIONS]

Draws thematic layers of layers/ from a run's GeoPackage, with the same classes and colours as the
QGIS styles in it; the legend counts the areas (or observations) of the map's area in each class.
  --layer ID[,ID...]    thematic layers to draw, e.g. balance_blocks or observations_theme)",
                       "A3", "the layer's title", [](PrintArgs& a) {
                           if (a.request.layers.empty()) {
                               throw UsageError("print needs --layer ID (a file name in layers/, e.g. balance_blocks)");
                           }
                           return render::print(a.options, {a.request});
                       });
}

Command basemap_command() {
    return map_command("basemap", "print the blank session map: blocks, streets, names, grid, a box to fill in", R"(Usage: buurtbalans basemap RUN.gpkg --out FILE [OPTIONS]

The map people draw on in a session: blocks, street names, buurt boundaries and names, the reference
grid, a box for the session's name and date, and a legend of the theme colours and valence shapes
with empty boxes for the markers actually used. A1 or A0 for a table, A3 for handouts.)",
                       "A1", "Plattegrond and the area's name", [](PrintArgs& a) {
                           if (!a.request.layers.empty()) {
                               throw UsageError("basemap draws no thematic layer; use print --layer");
                           }
                           a.request.basemap = true;
                           return render::print(a.options, {a.request});
                       });
}

Command atlas_command() {
    return map_command("atlas", "print one page per buurt of a wijk (or per area code) into one PDF",
                       R"(Usage: buurtbalans atlas RUN.gpkg [--layer ID[,ID...]] (--wijk CODE | --area CODES) --out FILE.pdf [OPTIONS]

One page per buurt of the wijk (or per code of --area), each fitted to its area, in one PDF with a
bookmark and page label per area. Without --layer the pages are blank session maps.
  --layer ID[,ID...]    thematic layers to draw on every page
  --wijk CODE           a page for every buurt of this wijk, in code order)",
                       "A3", "the layer's title", [](PrintArgs& a) {
                           if (a.wijk.empty() == a.request.areas.empty()) {
                               throw UsageError("atlas needs either --wijk CODE or --area CODES");
                           }
                           a.request.basemap = a.request.layers.empty();
                           const std::vector<std::string> codes = a.wijk.empty() ? a.request.areas : render::buurten_of_wijk(a.options.gpkg, a.wijk);
                           std::vector<render::MapRequest> pages;
                           for (const auto& code : codes) {
                               render::MapRequest page = a.request;
                               page.areas = {code};
                               pages.push_back(std::move(page));
                           }
                           return render::print(a.options, pages);
                       });
}

} // namespace buurt::cli

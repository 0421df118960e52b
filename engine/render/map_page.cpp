#include "engine/render/map_page.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <numbers>
#include <tuple>

#include "engine/core/version.hpp"
#include "engine/render/furniture.hpp"
#include "engine/render/label_placer.hpp"

namespace buurt::render {

namespace {

using style::Color;

constexpr Color ink{31, 31, 31};
constexpr Color muted{105, 105, 105};
constexpr Color context_ink{120, 120, 120};  // labels outside the focus
constexpr Color rule_line{190, 190, 190};
constexpr Color grid_ink{64, 92, 128};
constexpr Color base_block{226, 226, 226};
constexpr Color base_block_outline{196, 196, 196};
constexpr Color street_line{200, 200, 200};
constexpr Color boundary_ink{80, 80, 80};
constexpr Color hatch_ink{130, 130, 130};
constexpr Color white{255, 255, 255};
constexpr double veil_opacity = 0.6;  // the areas around the focus: there, but not what the map is about

// Lengths on a page grow with the paper: `f` for what is read at arm's length (title, legend, grid),
// the gentler `lf` for labels in the map, which must still fit between streets on a big sheet.
struct Sizes {
    double f = 1, lf = 1;
    double margin = 0, gap = 0, band = 0, panel_w = 0, furniture_w = 0, min_column = 0;
    double swatch_w = 0, swatch_h = 0, row_gap = 0, indent = 0, halo = 0, grid_cell = 0;
    Font title, subtitle, heading, body, small, grid, area_name, street;
    double area_code_size = 0;
};

Sizes sizes_for(const Paper& p) {
    Sizes s;
    s.f = std::sqrt(std::min(p.width_pt, p.height_pt) / (210 * pt_per_mm));
    s.lf = std::sqrt(s.f);
    const double f = s.f;
    const double lf = s.lf;
    const double mm = pt_per_mm;
    s.margin = 10 * mm * f;
    s.gap = 4 * mm * f;
    s.band = 4.5 * mm * f;
    s.panel_w = 60 * mm * f;
    s.furniture_w = 62 * mm * f;
    s.min_column = 58 * mm * f;
    s.swatch_w = 7 * mm * f;
    s.swatch_h = 4.5 * mm * f;
    s.row_gap = 1.3 * mm * f;
    s.indent = 2.5 * mm * f;
    s.halo = 1.3 * lf;
    s.grid_cell = 50 * mm * f;
    s.title = {17 * f, true};
    s.subtitle = {10 * f};
    s.heading = {8.5 * f, true};
    s.body = {7.5 * f};
    s.small = {6 * f};
    s.grid = {7.5 * f, true};
    s.area_name = {9 * lf, true};
    s.area_code_size = 6.5 * lf;
    s.street = {6.5 * lf, false, false, true};
    return s;
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
    std::string out;
    for (const auto& p : parts) {
        if (!p.empty()) {
            out += (out.empty() ? "" : sep) + p;
        }
    }
    return out;
}

// "2026-11-23T15:10:33Z" -> "23 november 2026"; unreadable dates are shown as they are.
std::string dutch_date(const std::string& iso) {
    static const char* months[] = {"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"};
    int y = 0;
    int m = 0;
    int d = 0;
    if (std::sscanf(iso.c_str(), "%d-%d-%d", &y, &m, &d) != 3 || m < 1 || m > 12) {
        return iso;
    }
    return std::to_string(d) + " " + months[m - 1] + " " + std::to_string(y);
}

std::string rounds_text(const std::vector<std::string>& rounds) {
    if (rounds.empty()) {
        return "";
    }
    std::string list;
    for (std::size_t i = 0; i < rounds.size(); ++i) {
        list += (i == 0 ? "" : i + 1 == rounds.size() ? " en " : ", ") + rounds[i];
    }
    return (rounds.size() == 1 ? "ronde " : "rondes ") + list;
}

// What the rows of a table are called in a legend note.
std::string noun(const std::string& table) {
    static const std::map<std::string, std::string> nouns{
        {"blocks", "bouwblokken"},           {"buurten", "buurten"},     {"wijken", "wijken"},
        {"gebieden", "gebieden"},            {"stadsdelen", "stadsdelen"}, {"streets", "straten"},
        {"observations", "waarnemingen"},    {"observation_lines", "getekende lijnen"},
        {"observation_areas", "getekende gebieden"}, {"observation_multipoints", "waarnemingen op meer plekken"}};
    const std::string prefix = "rounds_";  // rounds_buurten: per buurt, with counts per round
    const std::string base = table.rfind(prefix, 0) == 0 ? table.substr(prefix.size()) : table;
    const auto it = nouns.find(base);
    return it == nouns.end() ? base : it->second;
}

std::string valence_shape(const std::optional<std::string>& v) {
    return style::marker_shape_for_valence(v ? std::atoi(v->c_str()) : 0);
}

bool intersects(const geos::Envelope& a, const geos::Envelope& b) {
    return a.min_x <= b.max_x && b.min_x <= a.max_x && a.min_y <= b.max_y && b.min_y <= a.max_y;
}

void marker_path(cairo_t* cr, const Point& c, double size, const std::string& shape) {
    const double r = size / 2;
    if (shape == "triangle") {
        // Equilateral, standing on its base, centred on its centroid.
        const double h = r * 1.5;
        const double half_base = h / std::sqrt(3.0);
        cairo_move_to(cr, c.x, c.y - h * 2 / 3);
        cairo_line_to(cr, c.x + half_base * 1.0, c.y + h / 3);
        cairo_line_to(cr, c.x - half_base * 1.0, c.y + h / 3);
        cairo_close_path(cr);
    } else if (shape == "square") {
        const double s = r * 0.85;
        cairo_rectangle(cr, c.x - s, c.y - s, 2 * s, 2 * s);
    } else {
        cairo_new_sub_path(cr);
        cairo_arc(cr, c.x, c.y, r, 0, 2 * std::numbers::pi);
    }
}

// A piece of the legend panel: measured first (so the panel can be laid out), drawn later.
struct Block {
    double height = 0;
    std::function<void(const Point& top_left)> draw;
    bool section = false;  // starts a section (a heading and its rows): columns break only here
};

// Where each legend column starts (block indexes): whole sections per column, as evenly as they go
// (every split of the sections is tried; a legend has a handful). Sets `height` to the tallest column.
std::vector<std::size_t> column_starts(const std::vector<Block>& blocks, int columns, double& height) {
    std::vector<std::size_t> sections;
    std::vector<double> section_h;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        if (i == 0 || blocks[i].section) {
            sections.push_back(i);
            section_h.push_back(0);
        }
        section_h.back() += blocks[i].height;
    }
    const std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(std::max(1, columns)), sections.size());
    std::vector<std::size_t> best;
    height = INFINITY;
    std::vector<std::size_t> cut{0};  // section index each column starts at
    std::function<void()> search = [&] {
        if (cut.size() == k) {
            double tallest = 0;
            for (std::size_t c = 0; c < k; ++c) {
                const std::size_t end = c + 1 < k ? cut[c + 1] : sections.size();
                double h = 0;
                for (std::size_t s = cut[c]; s < end; ++s) {
                    h += section_h[s];
                }
                tallest = std::max(tallest, h);
            }
            if (tallest < height) {
                height = tallest;
                best.clear();
                for (const std::size_t c : cut) {
                    best.push_back(sections.empty() ? 0 : sections[c]);
                }
            }
            return;
        }
        for (std::size_t next = cut.back() + 1; next + (k - cut.size()) <= sections.size(); ++next) {
            cut.push_back(next);
            search();
            cut.pop_back();
        }
    };
    search();
    if (sections.empty()) {
        height = 0;
    }
    return best;
}

struct Layout {
    Rect header;
    Rect frame;      // the map itself
    Rect legend;     // where the legend blocks go
    Rect furniture;  // north arrow and scale bar
    Rect footer;
    int legend_columns = 1;
};

class Page {
public:
    Page(cairo_t* cr, const Typesetter& text, const MapData& data, const MapRequest& request, const PageInfo& info)
        : m_cr(cr), m_text(text), m_data(data), m_request(request), m_info(info), m_s(sizes_for(info.paper)),
          m_focus(data.focus(request)), m_in_focus(m_focus) {
        for (const Callout& c : data.callouts()) {
            const auto asked = std::find(request.callouts.begin(), request.callouts.end(), c.id);
            if (asked == request.callouts.end()) {
                continue;
            }
            const bool in_focus = m_focus.shape ? geos::covers(*m_focus.shape, geos::point(c.x, c.y))
                                                : c.x >= m_focus.envelope.min_x && c.x <= m_focus.envelope.max_x &&
                                                      c.y >= m_focus.envelope.min_y && c.y <= m_focus.envelope.max_y;
            if (in_focus) {
                m_callouts.emplace_back(static_cast<int>(asked - request.callouts.begin()) + 1, &c);
            }
        }
    }

    PageReport draw();

private:
    // --- content
    void page_symbologies();
    std::vector<Block> legend_blocks(double width) const;
    std::vector<Block> thematic_legend(double width) const;
    std::vector<Block> session_legend(double width) const;
    std::vector<Block> base_legend(double width) const;
    std::vector<Block> callout_legend(double width) const;
    Block heading(const std::string& text, double width, const std::string& right = "") const;
    Block row(double width, const std::string& label, const std::string& count, std::function<void(const Rect&)> swatch) const;
    Block note(const std::string& text, double width) const;

    // --- layout
    Layout layout(double header_h, double footer_h);
    MapTransform transform_for(const Rect& frame) const;

    // --- map
    void draw_map();
    std::vector<Point> to_page(const geos::Ring& points, const MapTransform& t) const;
    std::vector<Point> to_page(const geos::Ring& points) const { return to_page(points, m_t); }
    void points_path(const geos::Ring& points, bool close, const MapTransform& t) const;
    void polygon_path(const geos::Geometry& g, const MapTransform& t) const;
    void polygon_path(const geos::Geometry& g) const { polygon_path(g, m_t); }
    void line_path(const geos::Geometry& g) const;
    std::vector<std::vector<Point>> page_rings(const geos::Geometry& g) const;
    std::vector<Point> page_points(const geos::Geometry& g) const;  // of a point or multi-point
    bool visible(const Row& r) const { return intersects(r.envelope, m_t.extent); }
    void paint(const style::Symbol& s, style::Geometry g, double min_stroke) const;
    void draw_polygon(const geos::Geometry& g, const style::Symbol& s) const;
    void draw_thematic(const ThematicData& d, const style::Symbology& sym) const;
    void draw_base();
    void draw_boundaries() const;
    void draw_veil_and_focus() const;
    void draw_grid_lines() const;
    void place_area_labels(const Table& table, const std::string& field, bool with_code);
    void place_street_labels();
    void draw_label(PangoLayout* layout, const LabelBox& box, const Color& color, const std::string& text);
    void draw_callout_marker(const Point& c, int number) const;
    double callout_radius() const { return 2.4 * pt_per_mm * m_s.lf; }

    // --- furniture
    void draw_frame_and_grid_labels() const;
    void draw_furniture(const Rect& r) const;
    void draw_swatch(const Rect& r, const style::Symbol& s, style::Geometry g, const std::string& shape) const;
    double draw_legend(const Rect& r, int columns) const;  // returns the height used
    void draw_locator(const Rect& r) const;
    double column_width(double width, int columns) const { return (width - (columns - 1) * m_s.gap) / columns; }

    cairo_t* m_cr;
    const Typesetter& m_text;
    const MapData& m_data;
    const MapRequest& m_request;
    const PageInfo& m_info;
    Sizes m_s;
    Focus m_focus;
    FocusTest m_in_focus;
    std::vector<style::Symbology> m_symbologies;  // per thematic layer: the run's rules, this page's counts
    MapTransform m_t;
    ReferenceGrid m_grid;
    std::optional<LabelPlacer> m_placer;
    // The callouts asked for that lie in what this page is about, with their number (the position in
    // the request, the same on every page of an atlas).
    std::vector<std::pair<int, const Callout*>> m_callouts;
    cairo::Pattern m_hatch;
    PageReport m_report;
};

// --- content ----------------------------------------------------------------------------------

void Page::page_symbologies() {
    for (const auto& id : m_request.layers) {
        const ThematicData& d = m_data.thematic(id);
        style::Symbology sym = d.symbology;
        for (auto& r : sym.rules) {
            r.count = 0;
        }
        for (const Row& row : d.table.rows) {
            if (m_in_focus.contains(d.table, row)) {
                if (const style::Rule* r = sym.rule_for(row.values[0])) {
                    ++sym.rules[static_cast<std::size_t>(r - sym.rules.data())].count;
                }
            }
        }
        // As in build_symbology: a class for no data or other values that nobody here falls in is noise.
        const auto special = [](const style::Rule& r) { return r.test == style::Rule::Test::is_null || r.test == style::Rule::Test::other; };
        std::erase_if(sym.rules, [&](const style::Rule& r) { return r.count == 0 && special(r); });
        // On paper "no data" and "other" close the legend, after the scale of classes they stand outside.
        // Drawing is unaffected: a value matches the same rule wherever it is listed.
        std::stable_partition(sym.rules.begin(), sym.rules.end(), [&](const style::Rule& r) { return !special(r); });
        m_symbologies.push_back(std::move(sym));
    }
}

Block Page::heading(const std::string& text, double width, const std::string& right) const {
    auto layout = std::make_shared<cairo::Layout>(m_text.layout(text, m_s.heading, width));
    std::shared_ptr<cairo::Layout> right_layout;
    if (!right.empty()) {
        right_layout = std::make_shared<cairo::Layout>(m_text.layout(right, m_s.small));
    }
    const Point size = layout_size(layout->get());
    return {size.y + m_s.row_gap,
            [this, layout, right_layout, width, size](const Point& at) {
                draw_layout_at(m_cr, layout->get(), at, ink);
                if (right_layout) {
                    const Point rs = layout_size(right_layout->get());
                    draw_layout_at(m_cr, right_layout->get(), {at.x + width - rs.x, at.y + size.y - rs.y}, muted);
                }
            },
            true};
}

Block Page::row(double width, const std::string& label, const std::string& count, std::function<void(const Rect&)> swatch) const {
    auto count_layout = std::make_shared<cairo::Layout>(m_text.layout(count, m_s.body));
    const double count_w = count.empty() ? 0 : layout_size(count_layout->get()).x + m_s.indent;
    const double label_w = width - m_s.swatch_w - m_s.indent - count_w;
    auto label_layout = std::make_shared<cairo::Layout>(m_text.layout(label, m_s.body, label_w));
    const Point ls = layout_size(label_layout->get());
    const double h = std::max(m_s.swatch_h, ls.y);
    return {h + m_s.row_gap, [this, label_layout, count_layout, swatch, width, h, ls](const Point& at) {
                swatch({at.x, at.y + (h - m_s.swatch_h) / 2, m_s.swatch_w, m_s.swatch_h});
                draw_layout_at(m_cr, label_layout->get(), {at.x + m_s.swatch_w + m_s.indent, at.y + (h - ls.y) / 2}, ink);
                const Point cs = layout_size(count_layout->get());
                draw_layout_at(m_cr, count_layout->get(), {at.x + width - cs.x, at.y + (h - cs.y) / 2}, ink);
            }};
}

Block Page::note(const std::string& text, double width) const {
    auto layout = std::make_shared<cairo::Layout>(m_text.layout(text, m_s.small, width));
    return {layout_size(layout->get()).y + 2 * m_s.row_gap, [this, layout](const Point& at) { draw_layout_at(m_cr, layout->get(), {at.x, at.y + m_s.row_gap / 2}, muted); }};
}

std::vector<Block> Page::thematic_legend(double width) const {
    std::vector<Block> out;
    for (std::size_t i = 0; i < m_symbologies.size(); ++i) {
        const style::Symbology& sym = m_symbologies[i];
        const Table& table = m_data.thematic(m_request.layers[i]).table;
        // A published map shows no class counts: a class of one area is harmless, but "no number below the
        // threshold anywhere" is a promise a reader can check.
        const bool published = m_data.run().provenance().publish_threshold > 0;
        out.push_back(heading(sym.legend, width, published ? "" : "aantal"));
        long long total = 0;
        // Classes of valence itself show their own shape; any other classes are circles here, and the
        // shapes get rows of their own below.
        const bool by_valence = sym.field == "valence";
        for (const auto& r : sym.rules) {
            total += r.count;
            const std::string shape = sym.shape_by_valence && by_valence ? valence_shape(r.value) : "circle";
            out.push_back(row(width, r.label, published ? "" : std::to_string(r.count), [this, &r, &sym, shape](const Rect& box) { draw_swatch(box, r.symbol, sym.geometry, shape); }));
        }
        if (sym.shape_by_valence && !by_valence) {
            style::Symbol shape_symbol;
            shape_symbol.fill = muted;
            shape_symbol.stroke = white;
            shape_symbol.size = 3;
            for (const auto& [valence, label] : {std::pair{1, "kans / kracht"}, {-1, "zorg"}, {0, "neutraal"}}) {
                const std::string shape = style::marker_shape_for_valence(valence);
                out.push_back(row(width, label, "", [this, shape_symbol, shape](const Rect& box) { draw_swatch(box, shape_symbol, style::Geometry::point, shape); }));
            }
        }
        const std::string where = m_focus.shape ? "in " + m_focus.description : m_request.bbox ? "met hun midden in het kaartbeeld" : "in de hele run";
        out.push_back(note((published ? "" : "Aantal " + noun(table.name) + " " + where + ": " + std::to_string(total) + ". ") +
                               "Klassen en kleuren gelden voor de hele run, zoals in QGIS.",
                           width));
    }
    return out;
}

std::vector<Block> Page::session_legend(double width) const {
    std::vector<Block> out;
    // A box to write the session's name and date in: the map is handed out blank.
    const std::vector<std::string> fields{"Sessie", "Datum", "Tafel / groep"};
    const double line_h = 9 * pt_per_mm * m_s.f;
    out.push_back({line_h * static_cast<double>(fields.size()) + 2 * m_s.row_gap + m_s.gap, [this, fields, line_h, width](const Point& at) {
                       cairo_t* cr = m_cr;
                       const double h = line_h * static_cast<double>(fields.size()) + 2 * m_s.row_gap;
                       set_color(cr, ink);
                       cairo_set_line_width(cr, 0.8 * m_s.f);
                       cairo_rectangle(cr, at.x, at.y, width, h);
                       cairo_stroke(cr);
                       for (std::size_t i = 0; i < fields.size(); ++i) {
                           const double base = at.y + m_s.row_gap + line_h * static_cast<double>(i + 1) - m_s.row_gap;
                           auto l = m_text.layout(fields[i], m_s.body);
                           const Point ls = layout_size(l.get());
                           draw_layout_at(cr, l.get(), {at.x + m_s.indent, base - ls.y}, muted);
                           set_color(cr, rule_line);
                           cairo_set_line_width(cr, 0.5 * m_s.f);
                           cairo_move_to(cr, at.x + m_s.indent + 22 * pt_per_mm * m_s.f, base);
                           cairo_line_to(cr, at.x + width - m_s.indent, base);
                           cairo_stroke(cr);
                       }
                   }});
    // Theme colours as the styles give them, each with an empty box for the marker or sticker the
    // session really uses: the legend is filled in on the day.
    const auto& layers = m_data.library().layers;
    const auto theme_layer = std::find_if(layers.begin(), layers.end(), [](const auto& l) { return l.table == "observations" && l.field == "theme"; });
    auto tick_row = [this, width](const std::string& label, style::Symbol symbol, const std::string& shape) {
        symbol.size = 0.9 * m_s.swatch_h / pt_per_mm;  // a key to colours must show them big enough to match a marker
        Block b = row(width - m_s.swatch_w - m_s.indent, label, "", [this, symbol, shape](const Rect& box) { draw_swatch(box, symbol, style::Geometry::point, shape); });
        b.draw = [this, inner = b.draw, width](const Point& at) {
            inner(at);
            set_color(m_cr, ink);
            cairo_set_line_width(m_cr, 0.6 * m_s.f);
            const double side = m_s.swatch_h;
            cairo_rectangle(m_cr, at.x + width - m_s.swatch_w, at.y, m_s.swatch_w, side);
            cairo_stroke(m_cr);
        };
        return b;
    };
    if (theme_layer != layers.end()) {
        const std::vector<std::string>& themes = m_data.run().provenance().themes;
        const style::Symbology sym = style::build_symbology(*theme_layer, m_data.library(), style::Geometry::point, std::vector<std::optional<std::string>>{}, themes);
        out.push_back(heading("Thema: kleur van de stip", width, "stift"));
        for (const auto& theme : themes) {
            if (const style::Rule* r = sym.rule_for(theme)) {
                out.push_back(tick_row(theme, r->symbol, "circle"));
            }
        }
    }
    out.push_back(heading("Soort: vorm van de stip", width, "stift"));
    style::Symbol shape_symbol;
    shape_symbol.fill = muted;
    shape_symbol.stroke = white;
    shape_symbol.size = 3;
    for (const auto& [valence, label] : {std::pair{1, "kans / kracht"}, {-1, "zorg"}, {0, "neutraal"}}) {
        out.push_back(tick_row(label, shape_symbol, style::marker_shape_for_valence(valence)));
    }
    out.push_back({m_s.gap, [](const Point&) {}});
    return out;
}

std::vector<Block> Page::base_legend(double width) const {
    std::vector<Block> out;
    const bool blocks_as_base = m_data.level(Level::block) != nullptr &&
                                std::none_of(m_symbologies.begin(), m_symbologies.end(), [](const auto& s) { return s.geometry == style::Geometry::polygon; });
    if (blocks_as_base) {
        style::Symbol block;
        block.fill = base_block;
        block.stroke = base_block_outline;
        out.push_back(row(width, "bouwblok", "", [this, block](const Rect& box) { draw_swatch(box, block, style::Geometry::polygon, ""); }));
    }
    if (m_data.level(Level::buurt) != nullptr) {
        out.push_back(row(width, "buurtgrens", "", [this](const Rect& box) {
            set_color(m_cr, boundary_ink);
            cairo_set_line_width(m_cr, 0.6 * m_s.lf);
            const double dash[] = {2.5 * m_s.lf, 1.5 * m_s.lf};
            cairo_set_dash(m_cr, dash, 2, 0);
            cairo_move_to(m_cr, box.x, box.y + box.h / 2);
            cairo_line_to(m_cr, box.right(), box.y + box.h / 2);
            cairo_stroke(m_cr);
            cairo_set_dash(m_cr, nullptr, 0, 0);
        }));
    }
    if (m_focus.shape) {
        out.push_back(row(width, m_focus.description, "", [this](const Rect& box) {
            set_color(m_cr, ink);
            cairo_set_line_width(m_cr, 1.6 * m_s.lf);
            cairo_rectangle(m_cr, box.x, box.y, box.w, box.h);
            cairo_stroke(m_cr);
        }));
    }
    return out;
}

std::vector<Block> Page::callout_legend(double width) const {
    std::vector<Block> out;
    if (m_callouts.empty()) {
        return out;
    }
    out.push_back(heading("Wat mensen zeiden", width));
    out.back().section = true;
    for (const auto& [number, c] : m_callouts) {
        const char* valence = c->valence > 0 ? "kans" : c->valence < 0 ? "zorg" : "neutraal";
        const std::string about = join({c->theme, valence, c->source}, ", ");
        const std::string label = (c->text.empty() ? "(geen toelichting)" : c->text) + " (" + join({about, c->id}, "; ") + ")";
        out.push_back(row(width, label, "", [this, number = number](const Rect& box) {
            draw_callout_marker({box.x + box.w / 2, box.y + box.h / 2}, number);
        }));
    }
    return out;
}

std::vector<Block> Page::legend_blocks(double width) const {
    std::vector<Block> out = m_request.basemap ? session_legend(width) : thematic_legend(width);
    for (auto& b : callout_legend(width)) {
        out.push_back(std::move(b));
    }
    std::vector<Block> base = base_legend(width);
    if (!base.empty()) {
        base.front().section = true;
    }
    for (auto& b : base) {
        out.push_back(std::move(b));
    }
    return out;
}

// --- layout -----------------------------------------------------------------------------------

Layout Page::layout(double header_h, double footer_h) {
    const Paper& p = m_info.paper;
    Layout l;
    const double inner_w = p.width_pt - 2 * m_s.margin;
    l.header = {m_s.margin, m_s.margin, inner_w, header_h};
    l.footer = {m_s.margin, p.height_pt - m_s.margin - footer_h, inner_w, footer_h};
    const double body_top = l.header.bottom() + m_s.gap;
    const double body_bottom = l.footer.y - m_s.gap;
    const double furniture_h = 20 * pt_per_mm * m_s.f;
    Rect map_area;
    if (p.landscape) {
        // Side panel: the legend from the top, the north arrow and scale bar at the foot. A legend
        // taller than the panel (many classes, callouts with their stories) gets a second or third
        // column, and the map gives up the width.
        const double legend_h = body_bottom - furniture_h - m_s.gap - body_top - m_s.band;
        const std::vector<Block> blocks = legend_blocks(m_s.panel_w);
        int columns = 1;
        for (double needed = 0; columns < 3; ++columns) {
            column_starts(blocks, columns, needed);
            if (needed <= legend_h) {
                break;
            }
        }
        const double panel_w = columns * m_s.panel_w + (columns - 1) * m_s.gap;
        const double panel_x = p.width_pt - m_s.margin - panel_w;
        map_area = {m_s.margin, body_top, panel_x - m_s.gap - m_s.margin, body_bottom - body_top};
        l.furniture = {p.width_pt - m_s.margin - m_s.panel_w, body_bottom - furniture_h, m_s.panel_w, furniture_h};
        l.legend_columns = columns;
        l.legend = {panel_x, body_top + m_s.band, panel_w, legend_h};
    } else {
        // Panel under the map: the legend in as many columns as leave each room for a class label on
        // one line, the furniture beside it.
        const double legend_w = inner_w - m_s.furniture_w - m_s.gap;
        const int columns = std::clamp(static_cast<int>((legend_w + m_s.gap) / (m_s.min_column + m_s.gap)), 1, 3);
        double legend_h = 0;
        column_starts(legend_blocks(column_width(legend_w, columns)), columns, legend_h);
        const double panel_h = std::max(furniture_h, legend_h);
        l.legend_columns = columns;
        l.legend = {m_s.margin, body_bottom - panel_h, legend_w, panel_h};
        l.furniture = {p.width_pt - m_s.margin - m_s.furniture_w, body_bottom - furniture_h, m_s.furniture_w, furniture_h};
        map_area = {m_s.margin, body_top, inner_w, l.legend.y - m_s.gap - body_top};
    }
    l.frame = {map_area.x + m_s.band, map_area.y + m_s.band, map_area.w - 2 * m_s.band, map_area.h - 2 * m_s.band};
    return l;
}

MapTransform Page::transform_for(const Rect& frame) const {
    const geos::Envelope& e = m_focus.envelope;
    if (m_request.scale > 0) {
        return at_scale((e.min_x + e.max_x) / 2, (e.min_y + e.max_y) / 2, m_request.scale, frame);
    }
    // A little room around the areas, so their outline does not run along the frame.
    const double pad = 0.03 * std::max(e.max_x - e.min_x, e.max_y - e.min_y);
    return fit({e.min_x - pad, e.min_y - pad, e.max_x + pad, e.max_y + pad}, frame);
}

// --- map --------------------------------------------------------------------------------------

std::vector<Point> Page::to_page(const geos::Ring& points, const MapTransform& t) const {
    std::vector<Point> out;
    out.reserve(points.size());
    for (const auto& [x, y] : points) {
        out.push_back(t.to_page(x, y));
    }
    return out;
}

void Page::points_path(const geos::Ring& points, bool close, const MapTransform& t) const {
    if (points.empty()) {
        return;
    }
    const std::vector<Point> drawn = simplify(to_page(points, t), 0.15);
    cairo_move_to(m_cr, drawn.front().x, drawn.front().y);
    for (std::size_t i = 1; i < drawn.size(); ++i) {
        cairo_line_to(m_cr, drawn[i].x, drawn[i].y);
    }
    if (close) {
        cairo_close_path(m_cr);
    }
}

void Page::polygon_path(const geos::Geometry& g, const MapTransform& t) const {
    for (const auto& polygon : geos::polygon_rings(g)) {
        for (const auto& ring : polygon) {
            points_path(ring, true, t);
        }
    }
}

void Page::line_path(const geos::Geometry& g) const {
    for (const auto& line : geos::line_vertices(g)) {
        points_path(line, false, m_t);
    }
}

std::vector<Point> Page::page_points(const geos::Geometry& g) const {
    std::vector<Point> out;
    const std::size_t n = geos::num_geometries(g);
    for (std::size_t i = 0; i < n; ++i) {
        double x = 0;
        double y = 0;
        geos::xy(geos::part(g, i), x, y);
        out.push_back(m_t.to_page(x, y));
    }
    return out;
}

std::vector<std::vector<Point>> Page::page_rings(const geos::Geometry& g) const {
    std::vector<std::vector<Point>> out;
    for (const auto& polygon : geos::polygon_rings(g)) {
        for (const auto& ring : polygon) {
            out.push_back(to_page(ring));
        }
    }
    return out;
}

void Page::paint(const style::Symbol& s, style::Geometry g, double min_stroke) const {
    switch (g) {
        case style::Geometry::polygon:
            // As QGIS: the fill opacity applies to areas only.
            set_color(m_cr, s.fill, s.fill_opacity);
            cairo_fill_preserve(m_cr);
            if (s.hatch) {
                cairo_set_source(m_cr, m_hatch.get());
                cairo_fill_preserve(m_cr);
            }
            break;
        case style::Geometry::line:
            set_color(m_cr, s.fill);
            cairo_set_line_width(m_cr, s.line_width * pt_per_mm);
            cairo_stroke(m_cr);
            return;
        case style::Geometry::point:
            set_color(m_cr, s.fill);
            cairo_fill_preserve(m_cr);
            break;
    }
    const double width = std::max(s.stroke_width * pt_per_mm, min_stroke);
    if (width > 0 && s.stroke.a > 0) {
        set_color(m_cr, s.stroke);
        cairo_set_line_width(m_cr, width);
        cairo_stroke(m_cr);
    } else {
        cairo_new_path(m_cr);
    }
}

void Page::draw_polygon(const geos::Geometry& g, const style::Symbol& s) const {
    polygon_path(g);
    paint(s, style::Geometry::polygon, 0);
}

void Page::draw_thematic(const ThematicData& d, const style::Symbology& sym) const {
    for (const Row& row : d.table.rows) {
        if (!visible(row)) {
            continue;
        }
        const style::Rule* rule = sym.rule_for(row.values[0]);
        if (rule == nullptr) {
            continue;  // a value no class holds (a special class dropped from this page's legend) is not drawn
        }
        const style::Symbol& s = rule->symbol;
        switch (sym.geometry) {
            case style::Geometry::polygon: draw_polygon(row.geometry, s); break;
            case style::Geometry::line:
                line_path(row.geometry);
                paint(s, style::Geometry::line, 0);
                break;
            case style::Geometry::point: {
                const std::string shape = sym.shape_by_valence ? valence_shape(d.table.value(row, "valence")) : "circle";
                for (const Point& p : page_points(row.geometry)) {
                    marker_path(m_cr, p, s.size * pt_per_mm, shape);
                }
                paint(s, style::Geometry::point, 0);
                break;
            }
        }
    }
}

void Page::draw_base() {
    cairo_set_line_cap(m_cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_line_join(m_cr, CAIRO_LINE_JOIN_ROUND);
    const bool streets_thematic = std::any_of(m_request.layers.begin(), m_request.layers.end(), [&](const auto& id) { return m_data.thematic(id).table.name == "streets"; });
    if (const Table* streets = m_data.streets(); streets != nullptr && !streets_thematic) {
        // Street centre lines under the blocks: they show where blocks leave room (parks, squares).
        for (const Row& r : streets->rows) {
            if (visible(r)) {
                line_path(r.geometry);
            }
        }
        set_color(m_cr, street_line);
        cairo_set_line_width(m_cr, 0.6 * m_s.lf);
        cairo_stroke(m_cr);
    }
    const bool area_thematic = std::any_of(m_symbologies.begin(), m_symbologies.end(), [](const auto& s) { return s.geometry == style::Geometry::polygon; });
    if (const AreaLayer* blocks = m_data.level(Level::block); blocks != nullptr && !area_thematic) {
        style::Symbol block;
        block.fill = base_block;
        block.stroke = base_block_outline;
        block.stroke_width = 0.1;
        for (const Row& r : blocks->table.rows) {
            if (visible(r)) {
                draw_polygon(r.geometry, block);
            }
        }
    }
}

void Page::draw_boundaries() const {
    // Buurt boundaries dashed, wijk boundaries solid and heavier: the hierarchy reads at a glance.
    const double lf = m_s.lf;
    for (const auto& [level, width, dashed] : {std::tuple{Level::buurt, 0.6, true}, {Level::wijk, 1.2, false}}) {
        const AreaLayer* a = m_data.level(level);
        if (a == nullptr) {
            continue;
        }
        for (const Row& r : a->table.rows) {
            if (visible(r)) {
                polygon_path(r.geometry);
            }
        }
        set_color(m_cr, boundary_ink);
        cairo_set_line_width(m_cr, width * lf);
        const double dash[] = {2.5 * lf, 1.5 * lf};
        cairo_set_dash(m_cr, dash, dashed ? 2 : 0, 0);
        cairo_stroke(m_cr);
        cairo_set_dash(m_cr, nullptr, 0, 0);
    }
}

void Page::draw_veil_and_focus() const {
    if (!m_focus.shape) {
        return;
    }
    cairo_rectangle(m_cr, m_t.frame.x, m_t.frame.y, m_t.frame.w, m_t.frame.h);
    polygon_path(*m_focus.shape);
    cairo_set_fill_rule(m_cr, CAIRO_FILL_RULE_EVEN_ODD);
    set_color(m_cr, white, veil_opacity);
    cairo_fill(m_cr);
    // The focus outline with a white casing, so it stands out from any fill.
    polygon_path(*m_focus.shape);
    set_color(m_cr, white);
    cairo_set_line_width(m_cr, 3.4 * m_s.lf);
    cairo_stroke_preserve(m_cr);
    set_color(m_cr, ink);
    cairo_set_line_width(m_cr, 1.6 * m_s.lf);
    cairo_stroke(m_cr);
}

void Page::draw_grid_lines() const {
    const Rect& f = m_grid.frame;
    for (int c = 1; c < m_grid.columns; ++c) {
        const double x = f.x + c * m_grid.cell_w();
        cairo_move_to(m_cr, x, f.y);
        cairo_line_to(m_cr, x, f.bottom());
    }
    for (int r = 1; r < m_grid.rows; ++r) {
        const double y = f.y + r * m_grid.cell_h();
        cairo_move_to(m_cr, f.x, y);
        cairo_line_to(m_cr, f.right(), y);
    }
    set_color(m_cr, grid_ink, 0.45);
    cairo_set_line_width(m_cr, 0.4 * m_s.lf);
    cairo_stroke(m_cr);
}

void Page::draw_label(PangoLayout* layout, const LabelBox& box, const Color& color, const std::string& text) {
    draw_layout(m_cr, layout, box.c, box.angle, color, m_s.halo);
    m_report.labels.push_back({text, box.bounds()});
}

void Page::place_area_labels(const Table& table, const std::string& field, bool with_code) {
    struct Candidate {
        const Row* row;
        bool focus;
        double area;
    };
    std::vector<Candidate> order;
    for (const Row& r : table.rows) {
        const auto& name = table.value(r, field);
        if (visible(r) && name && !name->empty()) {
            order.push_back({&r, m_in_focus.contains(table, r), geos::area(r.geometry)});
        }
    }
    // The areas the map is about first, then the bigger ones: they have the room.
    std::stable_sort(order.begin(), order.end(), [](const Candidate& a, const Candidate& b) { return std::tie(b.focus, b.area) < std::tie(a.focus, a.area); });
    for (const Candidate& c : order) {
        const std::string name = *table.value(*c.row, field);
        const auto& code = table.value(*c.row, "code");
        const std::string code_line = with_code && code && *code != name ? "\n<span font_weight=\"normal\" size=\"" +
                                                                                std::to_string(static_cast<int>(m_s.area_code_size * PANGO_SCALE)) + "\">" +
                                                                                markup_escape(*code) + "</span>"
                                                                          : "";
        const auto rings = page_rings(c.row->geometry);
        const auto pole = pole_of_inaccessibility(rings, 1.0);
        // Variants from the fullest to the shortest: name and code on one line each, the name
        // wrapped, the code alone. The first that fits inside its area and clear of others wins.
        std::vector<cairo::Layout> variants;
        variants.push_back(m_text.layout(markup_escape(name) + code_line, m_s.area_name, 0, true, PANGO_ALIGN_CENTER));
        const double one_line = layout_size(variants.back().get()).x;
        variants.push_back(m_text.layout(markup_escape(name) + code_line, m_s.area_name, one_line * 0.55, true, PANGO_ALIGN_CENTER));
        if (code_line.empty() == false) {
            variants.push_back(m_text.layout(markup_escape(*code), m_s.area_name, 0, false, PANGO_ALIGN_CENTER));
        }
        bool placed = false;
        for (const auto& v : variants) {
            const Point size = layout_size(v.get());
            const double hw = size.x / 2 + m_s.halo;
            const double hh = size.y / 2 + m_s.halo;
            std::vector<LabelBox> candidates;
            // The pole first, then nearby spots (in label widths and heights) when something is in the way.
            for (const auto& [dx, dy] : {std::pair{0.0, 0.0}, {0.0, -0.6}, {0.0, 0.6}, {-0.3, 0.0}, {0.3, 0.0}, {-0.3, -0.6}, {0.3, -0.6},
                                         {-0.3, 0.6}, {0.3, 0.6}, {0.0, -1.2}, {0.0, 1.2}}) {
                const LabelBox box{{pole.at.x + dx * size.x, pole.at.y + dy * size.y}, hw, hh, 0};
                // Most of the label inside its own area: corners pulled in by a quarter.
                const auto corners = box.corners();
                const bool fits_area = std::all_of(corners.begin(), corners.end(), [&](const Point& p) {
                    return inside(rings, {box.c.x + (p.x - box.c.x) * 0.75, box.c.y + (p.y - box.c.y) * 0.75});
                });
                if (fits_area) {
                    candidates.push_back(box);
                }
            }
            for (const auto& box : candidates) {
                if (m_placer->fits(box)) {
                    m_placer->place(box);
                    draw_label(v.get(), box, c.focus ? ink : context_ink, name);
                    placed = true;
                    break;
                }
            }
            if (placed) {
                break;
            }
        }
        if (!placed) {
            m_placer->drop();
        }
    }
}

void Page::place_street_labels() {
    const Table* streets = m_data.streets();
    if (streets == nullptr) {
        return;
    }
    struct Street {
        std::string name;
        std::vector<std::vector<Point>> lines;
        double length = 0;
    };
    std::map<std::string, Street> by_name;
    for (const Row& r : streets->rows) {
        const auto& name = streets->value(r, "name");
        if (!visible(r) || !name || name->empty()) {
            continue;
        }
        Street& s = by_name[*name];
        s.name = *name;
        for (const auto& line : geos::line_vertices(r.geometry)) {
            s.lines.push_back(to_page(line));
        }
    }
    std::vector<Street> order;
    for (auto& [name, s] : by_name) {
        s.lines = merge_lines(std::move(s.lines), 0.01);
        for (const auto& l : s.lines) {
            for (std::size_t i = 1; i < l.size(); ++i) {
                s.length += std::hypot(l[i].x - l[i - 1].x, l[i].y - l[i - 1].y);
            }
        }
        order.push_back(std::move(s));
    }
    // Long streets first: they structure the map, and have the most room to get a name.
    std::stable_sort(order.begin(), order.end(), [](const Street& a, const Street& b) { return a.length > b.length; });
    const double repeat = 120 * pt_per_mm * m_s.f;  // a long street is named again this far on
    const double pad = 3 * m_s.lf;
    for (const Street& s : order) {
        const cairo::Layout layout = m_text.layout(s.name, m_s.street);
        const Point size = layout_size(layout.get());
        const double need = size.x + 2 * pad;
        std::vector<Point> placed_at;
        for (const auto& line : s.lines) {
            for (const Stretch& st : straight_stretches(line, 1.2 * m_s.lf)) {
                if (st.length < need) {
                    break;  // longest first: the rest are shorter
                }
                const double angle = upright(std::atan2(st.to.y - st.from.y, st.to.x - st.from.x));
                for (const double t : {0.5, 0.3, 0.7, 0.15, 0.85}) {
                    const double along = t * st.length;
                    if (along < need / 2 || st.length - along < need / 2) {
                        continue;
                    }
                    const Point c{st.from.x + (st.to.x - st.from.x) * t, st.from.y + (st.to.y - st.from.y) * t};
                    const bool near_own = std::any_of(placed_at.begin(), placed_at.end(), [&](const Point& p) { return std::hypot(p.x - c.x, p.y - c.y) < repeat; });
                    const LabelBox box{c, size.x / 2 + m_s.halo, size.y / 2 + m_s.halo * 0.5, angle};
                    if (!near_own && m_placer->fits(box)) {
                        m_placer->place(box);
                        draw_label(layout.get(), box, ink, s.name);
                        placed_at.push_back(c);
                        break;
                    }
                }
            }
        }
        if (placed_at.empty()) {
            m_placer->drop();
        }
    }
}

void Page::draw_map() {
    cairo_save(m_cr);
    cairo_rectangle(m_cr, m_t.frame.x, m_t.frame.y, m_t.frame.w, m_t.frame.h);
    cairo_clip(m_cr);
    cairo_set_fill_rule(m_cr, CAIRO_FILL_RULE_EVEN_ODD);
    draw_base();
    // Areas under lines under points, each layer in the order asked for.
    for (const auto g : {style::Geometry::polygon, style::Geometry::line, style::Geometry::point}) {
        for (std::size_t i = 0; i < m_symbologies.size(); ++i) {
            if (m_symbologies[i].geometry == g) {
                draw_thematic(m_data.thematic(m_request.layers[i]), m_symbologies[i]);
            }
        }
    }
    draw_boundaries();
    draw_veil_and_focus();
    draw_grid_lines();
    cairo_restore(m_cr);

    m_placer.emplace(m_t.frame);
    // Observations are the data: names go around them, never over them.
    for (std::size_t i = 0; i < m_symbologies.size(); ++i) {
        if (m_symbologies[i].geometry != style::Geometry::point) {
            continue;
        }
        const Table& t = m_data.thematic(m_request.layers[i]).table;
        for (const Row& row : t.rows) {
            const style::Rule* rule = visible(row) ? m_symbologies[i].rule_for(row.values[0]) : nullptr;
            if (rule != nullptr) {
                const double r = rule->symbol.size * pt_per_mm / 2;
                for (const Point& p : page_points(row.geometry)) {
                    m_placer->add_obstacle({p, r, r, 0});
                }
            }
        }
    }
    std::vector<std::pair<int, Point>> markers;
    for (const auto& [number, c] : m_callouts) {
        const Point p = m_t.to_page(c->x, c->y);
        if (m_t.frame.contains(p)) {
            markers.emplace_back(number, p);
            m_placer->add_obstacle({p, callout_radius(), callout_radius(), 0});
            m_report.callouts.push_back({number, c->id, p});
        }
    }
    const AreaLayer* named = m_data.level(Level::buurt);
    if (named == nullptr) {
        named = &m_data.areas().back();
    }
    place_area_labels(named->table, "name", true);
    for (std::size_t i = 0; i < m_symbologies.size(); ++i) {
        const Table& t = m_data.thematic(m_request.layers[i]).table;
        if (!m_symbologies[i].label_field.empty() && t.name != named->table.name && m_symbologies[i].geometry == style::Geometry::polygon) {
            place_area_labels(t, m_symbologies[i].label_field, false);
        }
    }
    place_street_labels();
    for (const auto& [number, p] : markers) {
        draw_callout_marker(p, number);  // on top: the story's place must stay visible
    }
    m_report.labels_dropped = m_placer->dropped();
    m_report.label_overlaps = m_placer->overlaps();
}

// A numbered disc, dark on white: reads on any fill, and the same on the map and beside it.
void Page::draw_callout_marker(const Point& c, int number) const {
    const double r = callout_radius();
    cairo_new_path(m_cr);
    cairo_arc(m_cr, c.x, c.y, r, 0, 2 * M_PI);
    set_color(m_cr, ink);
    cairo_fill_preserve(m_cr);
    set_color(m_cr, white);
    cairo_set_line_width(m_cr, 0.8 * m_s.lf);
    cairo_stroke(m_cr);
    const auto l = m_text.layout(std::to_string(number), Font{r * 1.1, true});
    draw_layout(m_cr, l.get(), c, 0, white, 0);
}

// --- furniture ----------------------------------------------------------------------------------

void Page::draw_swatch(const Rect& r, const style::Symbol& s, style::Geometry g, const std::string& shape) const {
    // Legend symbols get an outline of at least 0.4 pt, so a white class still shows its box.
    switch (g) {
        case style::Geometry::polygon: cairo_rectangle(m_cr, r.x, r.y, r.w, r.h); break;
        case style::Geometry::line:
            cairo_move_to(m_cr, r.x, r.y + r.h / 2);
            cairo_line_to(m_cr, r.right(), r.y + r.h / 2);
            break;
        case style::Geometry::point: marker_path(m_cr, {r.x + r.w / 2, r.y + r.h / 2}, s.size * pt_per_mm, shape); break;
    }
    style::Symbol visible = s;
    if (g == style::Geometry::polygon && visible.stroke.a == 0) {
        visible.stroke = rule_line;
    }
    paint(visible, g, 0.4);
}

void Page::draw_frame_and_grid_labels() const {
    const Rect& f = m_grid.frame;
    const double b = m_s.band;
    const Rect outer{f.x - b, f.y - b, f.w + 2 * b, f.h + 2 * b};
    set_color(m_cr, muted);
    cairo_set_line_width(m_cr, 0.5 * m_s.f);
    cairo_rectangle(m_cr, outer.x, outer.y, outer.w, outer.h);
    // Cell edges marked across the band, so a cell's letter sits between two ticks.
    for (int c = 1; c < m_grid.columns; ++c) {
        const double x = f.x + c * m_grid.cell_w();
        cairo_move_to(m_cr, x, outer.y);
        cairo_line_to(m_cr, x, f.y);
        cairo_move_to(m_cr, x, f.bottom());
        cairo_line_to(m_cr, x, outer.bottom());
    }
    for (int r = 1; r < m_grid.rows; ++r) {
        const double y = f.y + r * m_grid.cell_h();
        cairo_move_to(m_cr, outer.x, y);
        cairo_line_to(m_cr, f.x, y);
        cairo_move_to(m_cr, f.right(), y);
        cairo_line_to(m_cr, outer.right(), y);
    }
    cairo_stroke(m_cr);
    set_color(m_cr, ink);
    cairo_set_line_width(m_cr, 0.9 * m_s.f);
    cairo_rectangle(m_cr, f.x, f.y, f.w, f.h);
    cairo_stroke(m_cr);
    // Letters across (top and bottom), numbers down (left and right): read from any side of a table.
    for (int c = 0; c < m_grid.columns; ++c) {
        const auto l = m_text.layout(column_label(c), m_s.grid);
        const double x = f.x + (c + 0.5) * m_grid.cell_w();
        draw_layout(m_cr, l.get(), {x, f.y - b / 2}, 0, grid_ink, 0);
        draw_layout(m_cr, l.get(), {x, f.bottom() + b / 2}, 0, grid_ink, 0);
    }
    for (int r = 0; r < m_grid.rows; ++r) {
        const auto l = m_text.layout(row_label(r), m_s.grid);
        const double y = f.y + (r + 0.5) * m_grid.cell_h();
        draw_layout(m_cr, l.get(), {f.x - b / 2, y}, 0, grid_ink, 0);
        draw_layout(m_cr, l.get(), {f.right() + b / 2, y}, 0, grid_ink, 0);
    }
}

void Page::draw_furniture(const Rect& r) const {
    cairo_t* cr = m_cr;
    const double f = m_s.f;
    // North arrow: grid north (RD New is within a degree of true north over the Netherlands).
    const auto n = m_text.layout("N", m_s.heading);
    const Point ns = layout_size(n.get());
    const double arrow_h = r.h - ns.y;
    const double arrow_w = arrow_h * 0.45;
    const double cx = r.x + arrow_w / 2;
    draw_layout(cr, n.get(), {cx, r.y + ns.y / 2}, 0, ink, 0);
    const double top = r.y + ns.y;
    cairo_move_to(cr, cx, top);
    cairo_line_to(cr, cx - arrow_w / 2, top + arrow_h);
    cairo_line_to(cr, cx, top + arrow_h * 0.72);
    cairo_close_path(cr);
    set_color(cr, ink);
    cairo_fill(cr);
    cairo_move_to(cr, cx, top);
    cairo_line_to(cr, cx + arrow_w / 2, top + arrow_h);
    cairo_line_to(cr, cx, top + arrow_h * 0.72);
    cairo_close_path(cr);
    set_color(cr, white);
    cairo_fill_preserve(cr);
    set_color(cr, ink);
    cairo_set_line_width(cr, 0.6 * f);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    cairo_stroke(cr);

    // Scale bar: round lengths, alternate black and white segments, numbers under the ticks.
    const double x0 = r.x + arrow_w + 5 * pt_per_mm * f;
    const double label_room = layout_size(m_text.layout("00 km", m_s.small).get()).x;
    const ScaleBar bar = scale_bar(m_t.scale, r.right() - x0 - label_room / 2);
    const double bar_h = 1.6 * pt_per_mm * f;
    const double y0 = r.y + ns.y;
    const double k = bar.length_pt / bar.length_m;
    cairo_set_line_width(cr, 0.5 * f);
    for (std::size_t i = 0; i + 1 < bar.ticks_m.size(); ++i) {
        cairo_rectangle(cr, x0 + bar.ticks_m[i] * k, y0, (bar.ticks_m[i + 1] - bar.ticks_m[i]) * k, bar_h);
        set_color(cr, i % 2 == 0 ? ink : white);
        cairo_fill_preserve(cr);
        set_color(cr, ink);
        cairo_stroke(cr);
    }
    double free_from = -INFINITY;
    for (std::size_t i = 0; i < bar.ticks_m.size(); ++i) {
        const bool last = i + 1 == bar.ticks_m.size();
        const auto l = m_text.layout(bar.tick_labels[i] + (last ? " " + bar.unit : ""), m_s.small);
        const Point ls = layout_size(l.get());
        const double x = x0 + bar.ticks_m[i] * k;
        // Numbers are centred on their tick; the unit hangs after the last one.
        const double left = last ? x - layout_size(m_text.layout(bar.tick_labels[i], m_s.small).get()).x / 2 : x - ls.x / 2;
        if (left < free_from && !last) {
            continue;
        }
        draw_layout_at(cr, l.get(), {left, y0 + bar_h + 0.8 * f}, ink);
        free_from = left + ls.x + 1.5 * f;
    }
    const std::string scale_text = "schaal " + format_scale(m_t.scale) + " op " + m_info.paper.name + (m_info.paper.landscape ? " liggend" : " staand");
    const auto st = m_text.layout(scale_text, m_s.small);
    draw_layout_at(cr, st.get(), {x0, r.bottom() - layout_size(st.get()).y}, muted);
}

double Page::draw_legend(const Rect& r, int columns) const {
    const double col_w = column_width(r.w, columns);
    const std::vector<Block> blocks = legend_blocks(col_w);
    double height = 0;
    const std::vector<std::size_t> starts = column_starts(blocks, columns, height);
    std::size_t column = 0;
    double y = r.y;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
        if (column + 1 < starts.size() && i == starts[column + 1]) {
            ++column;
            y = r.y;
        }
        blocks[i].draw({r.x + static_cast<double>(column) * (col_w + m_s.gap), y});
        y += blocks[i].height;
    }
    return height;
}

void Page::draw_locator(const Rect& r) const {
    // Where the map lies: every area of the run's coarsest level, the buurten in it, the map's own
    // areas dark and the frame's extent as a red box. For a reader who does not know the buurt.
    const auto heading_layout = m_text.layout("Ligging", m_s.heading);
    draw_layout_at(m_cr, heading_layout.get(), {r.x, r.y}, ink);
    const double top = r.y + layout_size(heading_layout.get()).y + m_s.row_gap;
    const Rect box{r.x, top, r.w, r.bottom() - top};
    const MapTransform inset = fit(m_data.extent(), box);
    auto path = [&](const geos::Geometry& g) { polygon_path(g, inset); };
    cairo_save(m_cr);
    cairo_rectangle(m_cr, box.x, box.y, box.w, box.h);
    cairo_clip(m_cr);
    for (const Row& row : m_data.areas().back().table.rows) {
        path(row.geometry);
    }
    set_color(m_cr, base_block);
    cairo_fill_preserve(m_cr);
    set_color(m_cr, white);
    cairo_set_line_width(m_cr, 0.6);
    cairo_stroke(m_cr);
    if (const AreaLayer* buurten = m_data.level(Level::buurt); buurten != nullptr && buurten != &m_data.areas().back()) {
        for (const Row& row : buurten->table.rows) {
            path(row.geometry);
        }
        set_color(m_cr, white);
        cairo_set_line_width(m_cr, 0.3);
        cairo_stroke(m_cr);
    }
    path(*m_focus.shape);
    set_color(m_cr, muted);
    cairo_fill(m_cr);
    const Point a = inset.to_page(m_t.extent.min_x, m_t.extent.max_y);
    const Point b = inset.to_page(m_t.extent.max_x, m_t.extent.min_y);
    cairo_rectangle(m_cr, a.x, a.y, b.x - a.x, b.y - a.y);
    cairo_set_source_rgb(m_cr, 0.8, 0.1, 0.1);
    cairo_set_line_width(m_cr, 1.0 * m_s.f);
    cairo_stroke(m_cr);
    cairo_restore(m_cr);
    set_color(m_cr, rule_line);
    cairo_set_line_width(m_cr, 0.5 * m_s.f);
    cairo_rectangle(m_cr, box.x, box.y, box.w, box.h);
    cairo_stroke(m_cr);
}

PageReport Page::draw() {
    page_symbologies();
    const Paper& p = m_info.paper;
    const double inner_w = p.width_pt - 2 * m_s.margin;
    const Provenance& prov = m_data.run().provenance();
    const std::string date = dutch_date(prov.created);

    std::vector<std::string> titles;
    for (const auto& id : m_request.layers) {
        titles.push_back(m_data.thematic(id).layer->title);
    }
    std::string area_name = m_focus.description;
    m_report.title = !m_request.title.empty() ? m_request.title : m_request.basemap ? "Plattegrond " + area_name : join(titles, " · ");
    m_report.subtitle = !m_request.subtitle.empty() ? m_request.subtitle
                        : m_request.basemap ? join({prov.project.empty() ? "" : "Buurtbalans " + prov.project, "sessiekaart: zet een stip en schrijf erbij wat je ziet", "kaart van " + date}, " · ")
                                            : join({m_focus.description, rounds_text(m_data.rounds(m_focus)), date}, " · ");
    const auto title = m_text.layout(m_report.title, m_s.title, inner_w);
    const auto subtitle = m_text.layout(m_report.subtitle, m_s.subtitle, inner_w);
    const double header_h = layout_size(title.get()).y + layout_size(subtitle.get()).y + 1.5 * pt_per_mm * m_s.f;

    const std::string source = "Bron: " + m_info.attribution + "; buurtbalans " + version + " · gegevens van de run van " + date + " · coördinaten " + prov.crs +
                               (prov.publish_note.empty() ? "" : " · " + prov.publish_note);
    const auto source_layout = m_text.layout(source, m_s.small, inner_w * 0.8);
    const auto page_layout = m_text.layout(m_info.count > 1 ? "pagina " + std::to_string(m_info.number) + " van " + std::to_string(m_info.count) : "", m_s.small);
    const double footer_h = layout_size(source_layout.get()).y;

    const Layout l = layout(header_h, footer_h);
    m_t = transform_for(l.frame);
    m_grid = reference_grid(l.frame, m_s.grid_cell);
    m_report.paper = p;
    m_report.transform = m_t;
    m_report.grid = m_grid;

    // Hatching for "nobody said anything here": a tiling pattern, so the PDF stays small and sharp.
    const double step = 3.5 * m_s.lf;
    const cairo_rectangle_t tile_box{0, 0, step, step};
    const cairo::Surface tile = cairo::checked(cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &tile_box), "cannot make the hatch pattern");
    {
        const cairo::Context tc = cairo::checked(cairo_create(tile.get()), "cannot make the hatch pattern");
        set_color(tc.get(), hatch_ink);
        cairo_set_line_width(tc.get(), 0.5);
        cairo_move_to(tc.get(), -1, step + 1);
        cairo_line_to(tc.get(), step + 1, -1);
        cairo_stroke(tc.get());
    }
    m_hatch = cairo::checked(cairo_pattern_create_for_surface(tile.get()), "cannot make the hatch pattern");
    cairo_pattern_set_extend(m_hatch.get(), CAIRO_EXTEND_REPEAT);

    draw_map();
    draw_frame_and_grid_labels();

    draw_layout_at(m_cr, title.get(), {l.header.x, l.header.y}, ink);
    draw_layout_at(m_cr, subtitle.get(), {l.header.x, l.header.y + layout_size(title.get()).y + 1.5 * pt_per_mm * m_s.f}, muted);
    const double legend_h = draw_legend(l.legend, l.legend_columns);
    // A locator map where the side panel has room for one, and only when the map is about a part.
    const double room = l.legend.h - legend_h - m_s.gap;
    if (m_info.paper.landscape && m_focus.shape && room > 45 * pt_per_mm * m_s.f) {
        const double h = std::min(room, l.legend.w * 0.9);
        draw_locator({l.legend.x, l.legend.bottom() - h, l.legend.w, h});
    }
    draw_furniture(l.furniture);
    draw_layout_at(m_cr, source_layout.get(), {l.footer.x, l.footer.y}, muted);
    draw_layout_at(m_cr, page_layout.get(), {l.footer.right() - layout_size(page_layout.get()).x, l.footer.y}, muted);

    for (const auto& sym : m_symbologies) {
        for (const auto& r : sym.rules) {
            m_report.legend.push_back({r.label, r.count, style::hex(r.symbol.fill)});
        }
    }
    return m_report;
}

} // namespace

PageReport draw_page(cairo_t* cr, const Typesetter& text, const MapData& data, const MapRequest& request, const PageInfo& info) {
    return Page(cr, text, data, request, info).draw();
}

} // namespace buurt::render

#pragma once
// Internal to engine/render: the file pages are drawn into (PDF, SVG or PNG) and the text setter.
// Units everywhere are PostScript points with y down, whatever the output: a PNG's context is scaled
// by dpi / 72, and Pango measures at 72 dpi without hinting, so a label measures the same in every
// format and the layout (and its collision boxes) does not depend on the output.

#include <string>

#include "engine/render/cairo.hpp"
#include "engine/render/page_geometry.hpp"
#include "engine/style/style.hpp"

namespace buurt::render {

enum class Format { pdf, svg, png };
Format format_of(const std::string& path);  // by the extension; throws config_error

struct DocumentInfo {
    std::string creator;  // "buurtbalans 0.1.0"
    std::string date;     // ISO 8601; the PDF's creation and modification date, so PDFs are reproducible
};

class Canvas {
public:
    // Creates a temporary file beside `path`; throws output_error when `path` exists and !overwrite.
    Canvas(const std::string& path, const Paper& paper, double dpi, const DocumentInfo& info, bool overwrite);
    ~Canvas();  // removes the temporary file unless finish() succeeded
    Canvas(const Canvas&) = delete;
    Canvas& operator=(const Canvas&) = delete;

    cairo_t* cr() const { return m_cr.get(); }
    Format format() const { return m_format; }
    double dpi() const { return m_format == Format::png ? m_dpi : 72; }

    // Opens a page; `label` is the PDF page label and bookmark ("FB08 Wegener Sleeswijkbuurt").
    // SVG and PNG hold one page: a second one is a config_error.
    void begin_page(const std::string& label);
    void end_page();
    // The PDF's title (known only once the first page is drawn).
    void set_title(const std::string& title);
    // Completes the file, checks every status, and renames it into place.
    void finish();

private:
    std::string m_path;
    std::string m_temp;
    Format m_format;
    double m_dpi;
    cairo::Surface m_surface;
    cairo::Context m_cr;
    int m_pages = 0;
    bool m_finished = false;
};

struct Font {
    double size = 9;  // points
    bool bold = false;
    bool italic = false;
    bool condensed = false;
};

class Typesetter {
public:
    Typesetter();
    // A layout of `text` (Pango markup when `markup`), wrapped at `wrap_width` points when > 0.
    cairo::Layout layout(const std::string& text, const Font& font, double wrap_width = 0, bool markup = false,
                         PangoAlignment align = PANGO_ALIGN_LEFT) const;

private:
    cairo::TextContext m_context;
};

// Logical size of a layout in points.
Point layout_size(PangoLayout* layout);
std::string markup_escape(const std::string& text);

// Draws a layout centred on `centre`, turned by `angle` radians, with a halo of `halo` points.
void draw_layout(cairo_t* cr, PangoLayout* layout, const Point& centre, double angle, const style::Color& color, double halo);
// Draws a layout with its top left corner at `at`, unturned and without a halo.
void draw_layout_at(cairo_t* cr, PangoLayout* layout, const Point& at, const style::Color& color);

void set_color(cairo_t* cr, const style::Color& c, double opacity = 1.0);

} // namespace buurt::render

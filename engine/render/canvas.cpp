#include "engine/render/canvas.hpp"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

#include "engine/core/error.hpp"

namespace fs = std::filesystem;

namespace buurt::render {

namespace {

// Cairo cannot make an image larger than this many pixels a side.
constexpr double max_image_side = 32767;

std::string temporary_beside(const std::string& path) {
    const fs::path p(path);
    return (p.parent_path() / ("." + p.filename().string() + ".tmp" + std::to_string(getpid()))).string();
}

} // namespace

Format format_of(const std::string& path) {
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (ext == ".pdf") {
        return Format::pdf;
    }
    if (ext == ".svg") {
        return Format::svg;
    }
    if (ext == ".png") {
        return Format::png;
    }
    throw config_error("the map's file name must end in .pdf, .svg or .png: " + path);
}

Canvas::Canvas(const std::string& path, const Paper& paper, double dpi, const DocumentInfo& info, bool overwrite)
    : m_path(path), m_temp(temporary_beside(path)), m_format(format_of(path)), m_dpi(dpi) {
    if (!overwrite && fs::exists(path)) {
        throw output_error(path + " exists (use --overwrite to replace it)");
    }
    const std::string what = "cannot create " + path;
    switch (m_format) {
        case Format::pdf:
            m_surface = cairo::checked(cairo_pdf_surface_create(m_temp.c_str(), paper.width_pt, paper.height_pt), what);
            cairo_pdf_surface_set_metadata(m_surface.get(), CAIRO_PDF_METADATA_CREATOR, info.creator.c_str());
            cairo_pdf_surface_set_metadata(m_surface.get(), CAIRO_PDF_METADATA_CREATE_DATE, info.date.c_str());
            cairo_pdf_surface_set_metadata(m_surface.get(), CAIRO_PDF_METADATA_MOD_DATE, info.date.c_str());
            break;
        case Format::svg:
            m_surface = cairo::checked(cairo_svg_surface_create(m_temp.c_str(), paper.width_pt, paper.height_pt), what);
            cairo_svg_surface_set_document_unit(m_surface.get(), CAIRO_SVG_UNIT_PT);
            break;
        case Format::png: {
            const double w = std::ceil(paper.width_pt * dpi / 72);
            const double h = std::ceil(paper.height_pt * dpi / 72);
            if (!(dpi > 0) || w > max_image_side || h > max_image_side) {
                throw config_error("--dpi " + std::to_string(static_cast<int>(dpi)) + " makes a " + paper.name + " image of " + std::to_string(static_cast<long long>(w)) +
                                   " x " + std::to_string(static_cast<long long>(h)) + " pixels; at most " +
                                   std::to_string(static_cast<int>(max_image_side)) + " a side can be made");
            }
            m_surface = cairo::checked(cairo_image_surface_create(CAIRO_FORMAT_RGB24, static_cast<int>(w), static_cast<int>(h)), what);
            break;
        }
    }
    m_cr = cairo::checked(cairo_create(m_surface.get()), what);
    if (m_format == Format::png) {
        cairo_scale(m_cr.get(), dpi / 72, dpi / 72);
    }
}

Canvas::~Canvas() {
    if (!m_finished) {
        m_cr.reset();
        m_surface.reset();
        std::error_code ec;
        fs::remove(m_temp, ec);
    }
}

void Canvas::begin_page(const std::string& label) {
    if (m_pages > 0 && m_format != Format::pdf) {
        throw config_error(m_path + ": SVG and PNG hold one page; write several pages (an atlas) to a .pdf");
    }
    ++m_pages;
    if (m_format == Format::pdf) {
        cairo_pdf_surface_set_page_label(m_surface.get(), label.c_str());
        const std::string link = "page=" + std::to_string(m_pages);
        cairo_pdf_surface_add_outline(m_surface.get(), CAIRO_PDF_OUTLINE_ROOT, label.c_str(), link.c_str(), static_cast<cairo_pdf_outline_flags_t>(0));
    }
    cairo_t* c = m_cr.get();
    // Paper is white in every format (an SVG or PNG would otherwise be transparent).
    cairo_save(c);
    cairo_set_source_rgb(c, 1, 1, 1);
    cairo_paint(c);
    cairo_restore(c);
}

void Canvas::end_page() {
    if (m_format == Format::pdf) {
        cairo_show_page(m_cr.get());
    }
    cairo::check(cairo_status(m_cr.get()), "cannot draw " + m_path);
}

void Canvas::set_title(const std::string& title) {
    if (m_format == Format::pdf) {
        cairo_pdf_surface_set_metadata(m_surface.get(), CAIRO_PDF_METADATA_TITLE, title.c_str());
    }
}

void Canvas::finish() {
    const std::string what = "cannot write " + m_path;
    cairo::check(cairo_status(m_cr.get()), what);
    if (m_format == Format::png) {
        cairo_surface_flush(m_surface.get());
        cairo::check(cairo_surface_write_to_png(m_surface.get(), m_temp.c_str()), what);
    } else {
        cairo_surface_finish(m_surface.get());
        cairo::check(cairo_surface_status(m_surface.get()), what);
    }
    std::error_code ec;
    fs::rename(m_temp, m_path, ec);
    if (ec) {
        throw output_error(what + ": " + ec.message());
    }
    m_finished = true;
}

Typesetter::Typesetter() : m_context(pango_font_map_create_context(pango_cairo_font_map_get_default())) {
    pango_cairo_context_set_resolution(m_context.get(), 72);
    const cairo::FontOptions options(cairo_font_options_create());
    cairo::check(cairo_font_options_status(options.get()), "cannot set up text");
    cairo_font_options_set_hint_metrics(options.get(), CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(options.get(), CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(m_context.get(), options.get());
    // Glyphs at their exact positions: on paper, rounding to whole points would be visible.
    pango_context_set_round_glyph_positions(m_context.get(), FALSE);
}

cairo::Layout Typesetter::layout(const std::string& text, const Font& font, double wrap_width, bool markup, PangoAlignment align) const {
    cairo::Layout l(pango_layout_new(m_context.get()));
    const cairo::FontDescription d(pango_font_description_new());
    pango_font_description_set_family(d.get(), "DejaVu Sans");
    pango_font_description_set_weight(d.get(), font.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_style(d.get(), font.italic ? PANGO_STYLE_OBLIQUE : PANGO_STYLE_NORMAL);
    pango_font_description_set_stretch(d.get(), font.condensed ? PANGO_STRETCH_CONDENSED : PANGO_STRETCH_NORMAL);
    pango_font_description_set_absolute_size(d.get(), font.size * PANGO_SCALE);
    pango_layout_set_font_description(l.get(), d.get());
    if (markup) {
        pango_layout_set_markup(l.get(), text.c_str(), -1);
    } else {
        pango_layout_set_text(l.get(), text.c_str(), -1);
    }
    if (wrap_width > 0) {
        pango_layout_set_width(l.get(), static_cast<int>(wrap_width * PANGO_SCALE));
        pango_layout_set_wrap(l.get(), PANGO_WRAP_WORD);
    }
    pango_layout_set_alignment(l.get(), align);
    return l;
}

Point layout_size(PangoLayout* layout) {
    PangoRectangle logical;
    pango_layout_get_extents(layout, nullptr, &logical);
    return {static_cast<double>(logical.width) / PANGO_SCALE, static_cast<double>(logical.height) / PANGO_SCALE};
}

std::string markup_escape(const std::string& text) {
    char* escaped = g_markup_escape_text(text.c_str(), -1);
    std::string out(escaped);
    g_free(escaped);
    return out;
}

void set_color(cairo_t* cr, const style::Color& c, double opacity) {
    cairo_set_source_rgba(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0, c.a / 255.0 * opacity);
}

void draw_layout(cairo_t* cr, PangoLayout* layout, const Point& centre, double angle, const style::Color& color, double halo) {
    PangoRectangle logical;
    pango_layout_get_extents(layout, nullptr, &logical);
    const double x = -(logical.x + logical.width / 2.0) / PANGO_SCALE;
    const double y = -(logical.y + logical.height / 2.0) / PANGO_SCALE;
    cairo_save(cr);
    cairo_translate(cr, centre.x, centre.y);
    cairo_rotate(cr, angle);
    if (halo > 0) {
        cairo_move_to(cr, x, y);
        pango_cairo_layout_path(cr, layout);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, 2 * halo);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke(cr);
    }
    // The letters themselves are text, not outlines: the PDF stays searchable (pdftotext finds them).
    cairo_move_to(cr, x, y);
    set_color(cr, color);
    pango_cairo_show_layout(cr, layout);
    cairo_restore(cr);
}

void draw_layout_at(cairo_t* cr, PangoLayout* layout, const Point& at, const style::Color& color) {
    cairo_move_to(cr, at.x, at.y);
    set_color(cr, color);
    pango_cairo_show_layout(cr, layout);
}

} // namespace buurt::render

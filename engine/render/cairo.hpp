#pragma once
// The one wrapper of Cairo and Pango (Mapnik's cairo_closer / check_status_and_throw pattern): every
// handle is owned once by a move-only unique_ptr, every status is checked and becomes an
// output_error. Only engine/render/*.cpp include this header; nothing outside render sees Cairo.

#include <cairo.h>
#include <pango/pangocairo.h>

#include <memory>
#include <string>

namespace buurt::render::cairo {

// Calls the C library's destroy function for one kind of handle.
template <auto destroy>
struct Closer {
    template <typename T>
    void operator()(T* handle) const noexcept {
        destroy(handle);
    }
};

using Surface = std::unique_ptr<cairo_surface_t, Closer<cairo_surface_destroy>>;
using Context = std::unique_ptr<cairo_t, Closer<cairo_destroy>>;
using Pattern = std::unique_ptr<cairo_pattern_t, Closer<cairo_pattern_destroy>>;
using FontOptions = std::unique_ptr<cairo_font_options_t, Closer<cairo_font_options_destroy>>;
using TextContext = std::unique_ptr<PangoContext, Closer<g_object_unref>>;
using Layout = std::unique_ptr<PangoLayout, Closer<g_object_unref>>;
using FontDescription = std::unique_ptr<PangoFontDescription, Closer<pango_font_description_free>>;

// Throws output_error("<what>: <cairo's message>") unless status is CAIRO_STATUS_SUCCESS.
void check(cairo_status_t status, const std::string& what);

// Owning constructors that check what Cairo hands back (Cairo returns "nil" objects, not NULL).
Surface checked(cairo_surface_t* s, const std::string& what);
Context checked(cairo_t* c, const std::string& what);
Pattern checked(cairo_pattern_t* p, const std::string& what);

} // namespace buurt::render::cairo

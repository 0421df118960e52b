#include "engine/render/cairo.hpp"

#include "engine/core/error.hpp"

namespace buurt::render::cairo {

void check(cairo_status_t status, const std::string& what) {
    if (status != CAIRO_STATUS_SUCCESS) {
        throw output_error(what + ": " + cairo_status_to_string(status));
    }
}

Surface checked(cairo_surface_t* s, const std::string& what) {
    Surface owned(s);
    check(cairo_surface_status(s), what);
    return owned;
}

Context checked(cairo_t* c, const std::string& what) {
    Context owned(c);
    check(cairo_status(c), what);
    return owned;
}

Pattern checked(cairo_pattern_t* p, const std::string& what) {
    Pattern owned(p);
    check(cairo_pattern_status(p), what);
    return owned;
}

} // namespace buurt::render::cairo

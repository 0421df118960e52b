#include "engine/io/geometry_check.hpp"

#include <cmath>

namespace buurt::io {

namespace {

bool finite_coordinates(const geos::Geometry& g) {
    const geos::Envelope e = geos::envelope(g);
    return std::isfinite(e.min_x) && std::isfinite(e.min_y) && std::isfinite(e.max_x) && std::isfinite(e.max_y);
}

constexpr const char* dimension_name(int d) { return d == 0 ? "a point" : d == 1 ? "a line" : "a polygon"; }

} // namespace

std::optional<geos::Geometry> checked_geometry(RawFeature& f, const std::string& id, int dimension, InputReport& report) {
    ++report.geometry_types[f.geometry_type];
    if (!f.geometry) {
        report.skip(id, f.problem);
        return std::nullopt;
    }
    geos::Geometry g = std::move(*f.geometry);
    f.geometry.reset();
    if (!finite_coordinates(g)) {
        report.skip(id, "coordinates are not finite numbers (NaN or infinity)");
        return std::nullopt;
    }
    const int dim = geos::dimension(g);
    if (dimension >= 0 && dim != dimension) {
        report.skip(id, std::string("is ") + dimension_name(dim) + ", expected " + dimension_name(dimension));
        return std::nullopt;
    }
    if (!geos::is_valid(g)) {
        const std::string reason = geos::invalid_reason(g);
        geos::Geometry fixed = geos::extract_dimension(geos::make_valid(g), dim);
        if (geos::is_empty(fixed)) {
            report.skip(id, "invalid (" + reason + ") and nothing of dimension " + std::to_string(dim) + " is left after repair");
            return std::nullopt;
        }
        report.repair(id, "invalid (" + reason + "), repaired with MakeValid");
        g = std::move(fixed);
    }
    if ((dim == 2 && geos::area(g) <= 0) || (dim == 1 && geos::length(g) <= 0)) {
        report.skip(id, dim == 2 ? "has zero area" : "has zero length");
        return std::nullopt;
    }
    return g;
}

} // namespace buurt::io

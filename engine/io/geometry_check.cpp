#include "engine/io/geometry_check.hpp"

#include <vector>

namespace buurt::io {

namespace {

constexpr const char* dimension_name(int d) { return d == 0 ? "a point" : d == 1 ? "a line" : "a polygon"; }
constexpr const char* parts_name(int d) { return d == 0 ? "points" : d == 1 ? "lines" : "polygons"; }

// A geometry collection becomes the multi-geometry of its parts of dimension `dim` (outputs keep one
// geometry type per layer). Returns whether parts of another dimension were dropped.
bool to_one_dimension(geos::Geometry& g, int dim) {
    bool dropped = false;
    for (int round = 0; round < 8 && geos::type(g) == geos::Type::collection; ++round) {
        bool mixed = false;
        const std::size_t n = geos::num_geometries(g);
        for (std::size_t i = 0; i < n && !mixed; ++i) {
            const geos::Geometry p = geos::part(g, i);
            mixed = geos::dimension(p) != dim || geos::type(p) == geos::Type::collection;
        }
        dropped = dropped || mixed;
        geos::Geometry only = geos::extract_dimension(g, dim);
        g = std::move(only);
        if (!mixed) {
            break;
        }
    }
    return dropped;
}

void report_repairs(const std::vector<std::string>& notes, const std::string& id, InputReport& report) {
    if (notes.empty()) {
        return;
    }
    std::string detail;
    for (const auto& n : notes) {
        detail += (detail.empty() ? "" : "; ") + n;
    }
    report.repair(id, detail);
}

} // namespace

void checked_point(const RawFeature& f, const std::string& id, InputReport& report) {
    ++report.geometry_types[f.geometry_type];
    report_repairs(f.repairs, id, report);
}

std::optional<geos::Geometry> checked_geometry(RawFeature& f, const std::string& id, int dimension, InputReport& report,
                                               bool* geometry_repaired) {
    ++report.geometry_types[f.geometry_type];
    if (geometry_repaired != nullptr) {
        *geometry_repaired = false;
    }
    // A skipped feature is reported once, with the reason it could not be used; what reading fixed in
    // it no longer matters then.
    auto skip = [&](const std::string& why) {
        report.skip(id, why);
        return std::nullopt;
    };
    if (!f.geometry) {
        return skip(f.problem);
    }
    geos::Geometry g = std::move(*f.geometry);
    f.geometry.reset();
    if (!geos::all_finite(g)) {
        return skip("coordinates are not finite numbers (NaN or infinity)");
    }
    const int dim = geos::dimension(g);
    if (dimension >= 0 && dim != dimension) {
        return skip(std::string("is ") + dimension_name(dim) + ", expected " + dimension_name(dimension));
    }
    std::vector<std::string> notes = f.repairs;
    bool changed = f.geometry_repaired;
    if (geos::type(g) == geos::Type::collection && to_one_dimension(g, dim)) {
        notes.push_back(std::string("a geometry collection of several kinds of geometry; kept only its ") + parts_name(dim));
        changed = true;
    }
    if (!geos::is_valid(g)) {
        const std::string reason = geos::invalid_reason(g);
        geos::Geometry fixed = geos::extract_dimension(geos::make_valid(g), dim);
        if (geos::is_empty(fixed)) {
            return skip("invalid (" + reason + ") and nothing of dimension " + std::to_string(dim) + " is left after repair");
        }
        notes.push_back("invalid (" + reason + "), repaired with MakeValid");
        changed = true;
        g = std::move(fixed);
    }
    if ((dim == 2 && geos::area(g) <= 0) || (dim == 1 && geos::length(g) <= 0)) {
        return skip(dim == 2 ? "has zero area" : "has zero length");
    }
    report_repairs(notes, id, report);
    if (geometry_repaired != nullptr) {
        *geometry_repaired = changed;
    }
    return g;
}

} // namespace buurt::io

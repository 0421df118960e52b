#include "engine/io/read_areas.hpp"

#include "engine/core/error.hpp"

#include "engine/io/geometry_check.hpp"
#include "engine/io/vector_source.hpp"

namespace buurt::io {

AreaLevel read_area_level(const AreaLevelSpec& spec, const std::string& role, const std::string& crs, Report& report) {
    VectorSource src(spec.source, crs);
    InputReport& rep = report.add_input(role, src.info());
    const int code = src.require_field(spec.code_field, "code");
    rep.mapping["code"] = spec.code_field;
    const int name = spec.name_field.empty() ? -1 : src.require_field(spec.name_field, "name");
    if (name >= 0) {
        rep.mapping["name"] = spec.name_field;
    }
    const int parent = spec.parent_field.empty() ? -1 : src.require_field(spec.parent_field, "parent code");
    if (parent >= 0) {
        rep.mapping["parent"] = spec.parent_field;
    }

    AreaLevel level;
    level.level = spec.level;
    RawFeature f;
    while (src.next(f)) {
        ++rep.read;
        const std::string id = f.null[code] ? "FID " + std::to_string(f.fid) : f.values[code];
        if (f.null[code]) {
            ++rep.geometry_types[f.geometry_type];
            rep.skip(id, "field '" + spec.code_field + "' is empty: an area needs a code");
            continue;
        }
        auto g = checked_geometry(f, id, 2, rep);
        if (!g) {
            continue;
        }
        Area a;
        a.fid = f.fid;
        a.code = f.values[code];
        a.name = name >= 0 ? f.values[name] : "";
        a.parent_code = parent >= 0 ? f.values[parent] : "";
        a.envelope = geos::envelope(*g);
        a.area_m2 = geos::area(*g);
        a.vertices = geos::num_coordinates(*g);
        a.geometry = std::move(*g);
        level.by_code.emplace(a.code, static_cast<int>(level.areas.size()));  // keeps the first of duplicates
        level.areas.push_back(std::move(a));
        ++rep.used;
    }
    src.require_plausible_crs(rep.used);
    if (level.areas.empty()) {
        // Every observation would be "outside" and every summary empty: that is a wrong input, not a result.
        const std::string first = rep.skipped.empty() ? std::string() : " (first skipped: " + rep.skipped.front().id + ": " + rep.skipped.front().detail + ")";
        throw input_error({spec.source.path, src.info().layer, "", ""},
                          "has no usable " + std::string(level_name(spec.level)) + " areas: " + std::to_string(rep.read) + " features read, " +
                              std::to_string(rep.skipped_count) + " skipped" + first);
    }
    return level;
}

Areas read_areas(const Project& project, Report& report) {
    Areas areas;
    for (const auto& spec : project.levels) {
        areas.levels.push_back(read_area_level(spec, "areas." + std::string(level_name(spec.level)), project.crs, report));
    }
    return areas;
}

} // namespace buurt::io

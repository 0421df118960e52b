#include "engine/io/read_streets.hpp"

#include <map>

#include "engine/io/geometry_check.hpp"
#include "engine/io/vector_source.hpp"

namespace buurt::io {

Streets read_streets(const StreetSpec& spec, const std::string& crs, Report& report) {
    VectorSource src(spec.source, crs);
    InputReport& rep = report.add_input("streets", src.info());
    const int name = src.require_field(spec.name_field, "street name");
    rep.mapping["name"] = spec.name_field;

    std::map<std::string, std::vector<geos::Geometry>> pieces;  // ordered by name
    RawFeature f;
    while (src.next(f)) {
        ++rep.read;
        const std::string id = "FID " + std::to_string(f.fid);
        if (f.null[name] || f.values[name].find_first_not_of(" \t") == std::string::npos) {
            ++rep.geometry_types[f.geometry_type];
            rep.skip(id, "no street name in '" + spec.name_field + "'");
            continue;
        }
        auto g = checked_geometry(f, id, 1, rep);
        if (!g) {
            continue;
        }
        pieces[f.values[name]].push_back(std::move(*g));
        ++rep.used;
    }

    Streets out;
    for (const auto& [street_name, parts] : pieces) {
        std::vector<const geos::Geometry*> ptrs;
        for (const auto& p : parts) {
            ptrs.push_back(&p);
        }
        Street s;
        s.name = street_name;
        s.geometry = geos::unary_union(ptrs);  // pieces drawn twice count once in the length
        s.length_m = geos::length(s.geometry);
        const int idx = static_cast<int>(out.streets.size());
        for (const auto& line : geos::line_vertices(s.geometry)) {
            for (std::size_t i = 1; i < line.size(); ++i) {
                out.segments.push_back({line[i - 1].first, line[i - 1].second, line[i].first, line[i].second, idx});
            }
        }
        out.streets.push_back(std::move(s));
    }
    return out;
}

} // namespace buurt::io

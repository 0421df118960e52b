#include "engine/io/read_streets.hpp"

#include <cmath>
#include <map>

#include "engine/core/error.hpp"
#include "engine/io/geometry_check.hpp"
#include "engine/io/vector_source.hpp"

namespace buurt::io {

namespace {

double polyline_length(const geos::Ring& line) {
    double total = 0;
    for (std::size_t i = 1; i < line.size(); ++i) {
        total += std::hypot(line[i].first - line[i - 1].first, line[i].second - line[i - 1].second);
    }
    return total;
}

void add_line_pieces(Streets& out, int street, const geos::Geometry& lines, double target) {
    int number = 0;
    for (const auto& line : geos::line_vertices(lines)) {
        for (const auto& vertices : cut_line(line, target)) {
            const int idx = static_cast<int>(out.pieces.size());
            for (std::size_t i = 1; i < vertices.size(); ++i) {
                out.segments.push_back({vertices[i - 1].first, vertices[i - 1].second, vertices[i].first, vertices[i].second, street, idx});
            }
            out.pieces.push_back(line_piece(street, ++number, vertices));
        }
    }
}

void add_surface_pieces(Streets& out, int street, const geos::Geometry& surfaces) {
    const std::size_t n = geos::num_geometries(surfaces);
    for (std::size_t i = 0; i < n; ++i) {
        StreetPiece p;
        p.street = street;
        p.number = static_cast<int>(i) + 1;
        p.geometry = geos::part(surfaces, i);
        double perimeter = 0;
        for (const auto& rings : geos::polygon_rings(p.geometry)) {
            perimeter += polyline_length(rings.front());
        }
        p.length_m = perimeter / 2;
        geos::xy(geos::centroid(p.geometry), p.mid_x, p.mid_y);
        out.pieces.push_back(std::move(p));
    }
}

} // namespace

StreetPiece line_piece(int street, int number, const geos::Ring& vertices) {
    StreetPiece p;
    p.street = street;
    p.number = number;
    p.length_m = polyline_length(vertices);
    p.x0 = vertices.front().first;
    p.y0 = vertices.front().second;
    p.x1 = vertices.back().first;
    p.y1 = vertices.back().second;
    p.mid_x = p.x0;
    p.mid_y = p.y0;
    double walked = 0;
    for (std::size_t i = 1; i < vertices.size(); ++i) {
        const auto [ax, ay] = vertices[i - 1];
        const auto [bx, by] = vertices[i];
        const double d = std::hypot(bx - ax, by - ay);
        if (walked + d >= p.length_m / 2 && d > 0) {
            const double f = (p.length_m / 2 - walked) / d;
            p.mid_x = ax + f * (bx - ax);
            p.mid_y = ay + f * (by - ay);
            break;
        }
        walked += d;
    }
    p.geometry = geos::line_string(vertices);
    return p;
}

std::vector<geos::Ring> cut_line(const geos::Ring& line, double target) {
    const double total = polyline_length(line);
    const int n = std::max(1, static_cast<int>(std::lround(total / target)));
    const double step = total / n;
    std::vector<geos::Ring> pieces;
    geos::Ring current{line.front()};
    double walked = 0;        // along the line to line[i-1]
    double next_cut = step;   // where the current piece ends
    for (std::size_t i = 1; i < line.size(); ++i) {
        const auto [ax, ay] = line[i - 1];
        const auto [bx, by] = line[i];
        const double d = std::hypot(bx - ax, by - ay);
        while (static_cast<int>(pieces.size()) < n - 1 && walked + d > next_cut + 1e-9) {
            const double f = (next_cut - walked) / d;
            const std::pair<double, double> cut{ax + f * (bx - ax), ay + f * (by - ay)};
            current.push_back(cut);
            pieces.push_back(std::move(current));
            current = {cut};
            next_cut += step;
        }
        current.push_back(line[i]);
        walked += d;
    }
    pieces.push_back(std::move(current));
    return pieces;
}

Streets read_streets(const StreetSpec& spec, const std::string& crs, Report& report) {
    VectorSource src(spec.source, crs);
    InputReport& rep = report.add_input("streets", src.info());
    const int name = src.require_field(spec.name_field, "street name");
    rep.mapping["name"] = spec.name_field;

    std::map<std::string, std::vector<geos::Geometry>> parts;  // ordered by name
    int dimension = -1;
    RawFeature f;
    while (src.next(f)) {
        ++rep.read;
        const std::string id = "FID " + std::to_string(f.fid);
        if (f.null[name] || f.values[name].find_first_not_of(" \t") == std::string::npos) {
            ++rep.geometry_types[f.geometry_type];
            rep.skip(id, "no street name in '" + spec.name_field + "'");
            continue;
        }
        auto g = checked_geometry(f, id, -1, rep);
        if (!g) {
            continue;
        }
        const int d = geos::dimension(*g);
        if (d == 0) {
            rep.skip(id, "is a point; a street is a centre line or a surface");
            continue;
        }
        if (dimension >= 0 && d != dimension) {
            throw input_error({spec.source.path, src.info().layer, id, ""}, "mixes centre lines and street surfaces; give one kind per streets layer");
        }
        dimension = d;
        parts[f.values[name]].push_back(std::move(*g));
        ++rep.used;
    }
    src.require_plausible_crs(rep.used);

    Streets out;
    out.surfaces = dimension == 2;
    for (const auto& [street_name, geometries] : parts) {
        std::vector<const geos::Geometry*> ptrs;
        for (const auto& g : geometries) {
            ptrs.push_back(&g);
        }
        Street s;
        s.name = street_name;
        s.geometry = geos::unary_union(ptrs);  // pieces drawn twice count once
        const int idx = static_cast<int>(out.streets.size());
        if (out.surfaces) {
            add_surface_pieces(out, idx, s.geometry);
        } else {
            add_line_pieces(out, idx, s.geometry, spec.segment_length);
        }
        for (std::size_t p = out.pieces.size(); p-- > 0 && out.pieces[p].street == idx;) {
            s.length_m += out.pieces[p].length_m;
        }
        out.streets.push_back(std::move(s));
    }
    return out;
}

} // namespace buurt::io

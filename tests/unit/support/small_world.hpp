#pragma once
// The small world of the join tests, every number chosen so that answers can be worked out by hand.
//
//   wijk W    = x 0..200, y 0..100
//   buurt A   = x 0..100, buurt B = x 100..200 (both y 0..100; they share the edge x = 100)
//   block a1  = x 10..40, y 10..40 with a hole x 20..30, y 20..30 (area 900 - 100 = 800), in A
//   block a2  = x 60..90, y 10..40 (900), in A
//   block b1  = one MultiPolygon: x 110..140 and x 160..190, both y 10..40 (1800), in B
//   streets   = Astraat x = 50 (y 0..100), Bstraat y = 50 (x 0..200); both run between the blocks
//
// Everything that is in a buurt but in no block (y < 10, y > 40, x 40..60, ...) is "street" space.

#include <string>
#include <utility>
#include <vector>

#include "engine/geos/geos.hpp"
#include "engine/model/areas.hpp"
#include "engine/model/observation.hpp"
#include "engine/model/streets.hpp"
#include "unit/support/unit_support.hpp"

namespace buurt::test {

// Level indices in Areas::levels, and area indices within each level.
inline constexpr int L_BLOCK = 0, L_BUURT = 1, L_WIJK = 2;
inline constexpr int A1 = 0, A2 = 1, B1 = 2;
inline constexpr int BUURT_A = 0, BUURT_B = 1;
inline constexpr int WIJK_W = 0;
inline constexpr int ASTRAAT = 0, BSTRAAT = 1;

inline Areas small_world_areas() {
    Areas areas;
    areas.levels.push_back(make_level(
        Level::block, make_area("a1", "POLYGON ((10 10, 40 10, 40 40, 10 40, 10 10), (20 20, 30 20, 30 30, 20 30, 20 20))"),
        make_area("a2", "POLYGON ((60 10, 90 10, 90 40, 60 40, 60 10))"),
        make_area("b1", "MULTIPOLYGON (((110 10, 140 10, 140 40, 110 40, 110 10)), ((160 10, 190 10, 190 40, 160 40, 160 10)))")));
    areas.levels.push_back(make_level(Level::buurt, make_area("A", "POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0))"),
                                                     make_area("B", "POLYGON ((100 0, 200 0, 200 100, 100 100, 100 0))")));
    areas.levels.push_back(make_level(Level::wijk, make_area("W", "POLYGON ((0 0, 200 0, 200 100, 0 100, 0 0))")));
    // Parent links as link_hierarchy would make them (set by hand so the join tests do not depend on it).
    areas.levels[L_BLOCK].areas[A1].parent = BUURT_A;
    areas.levels[L_BLOCK].areas[A2].parent = BUURT_A;
    areas.levels[L_BLOCK].areas[B1].parent = BUURT_B;
    areas.levels[L_BUURT].areas[BUURT_A].parent = WIJK_W;
    areas.levels[L_BUURT].areas[BUURT_B].parent = WIJK_W;
    return areas;
}

// Streets sorted by name, as read_streets makes them, each street one piece (its whole centre line).
inline Streets make_streets(const std::vector<std::pair<std::string, std::string>>& named_wkt) {
    Streets s;
    for (const auto& [name, wkt] : named_wkt) {
        Street st;
        st.name = name;
        st.geometry = geos::from_wkt(wkt);
        st.length_m = geos::length(st.geometry);
        StreetPiece piece;
        piece.street = static_cast<int>(s.streets.size());
        piece.number = 1;
        piece.geometry = st.geometry.clone();
        piece.length_m = st.length_m;
        s.pieces.push_back(std::move(piece));
        s.streets.push_back(std::move(st));
    }
    return s;
}

// The straight stretches of street `street` (piece index = street index here), in any order.
inline void add_segments(Streets& s, int street) {
    for (const auto& line : geos::line_vertices(s.streets[street].geometry)) {
        for (std::size_t i = 1; i < line.size(); ++i) {
            s.segments.push_back({line[i - 1].first, line[i - 1].second, line[i].first, line[i].second, street, street});
        }
    }
}

inline Streets small_world_streets() {
    Streets s = make_streets({{"Astraat", "LINESTRING (50 0, 50 100)"}, {"Bstraat", "LINESTRING (0 50, 200 50)"}});
    add_segments(s, ASTRAAT);
    add_segments(s, BSTRAAT);
    return s;
}

inline Observation point_observation(double x, double y) {
    Observation o;
    o.kind = Kind::point;
    o.x = x;
    o.y = y;
    o.geometry = geos::point(x, y);
    return o;
}

inline Observation shape_observation(const std::string& wkt) {
    Observation o;
    o.geometry = geos::from_wkt(wkt);
    const int dim = geos::dimension(o.geometry);
    o.kind = dim == 2 ? Kind::polygon : dim == 1 ? Kind::line : Kind::multipoint;
    return o;
}

} // namespace buurt::test

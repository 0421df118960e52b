#include "engine/join/joiner.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "engine/core/error.hpp"
#include "engine/core/planar.hpp"
#include "engine/index/segment_grid.hpp"
#include "engine/join/point_in_area.hpp"

namespace buurt {

namespace {

namespace bg = boost::geometry;
using index::BBox;
using index::BPoint;

// The observation as GEOS sees it: its own geometry, or for a point read as x and y one made in `scratch`.
const geos::Geometry& as_geos(const Observation& o, geos::Geometry& scratch) {
    if (o.geometry) {
        return o.geometry;
    }
    scratch = geos::point(o.x, o.y);
    return scratch;
}

// Below this share of an observation's size a remainder is rounding noise, not a piece.
constexpr double piece_epsilon = 1e-9;

} // namespace

struct Joiner::Data {
    JoinOptions options;
    std::vector<index::BoxIndex> level_index;  // shapes
    std::vector<index::CellGrid> level_grid;    // points
    std::vector<std::vector<geos::Envelope>> boxes;  // per level, the areas' envelopes side by side
    std::vector<AreaRings> rings;  // per level; an area with too many vertices for a scan is not scanned
    geos::Envelope extent;  // of every area: the square the Z-order runs through
    const Streets* streets = nullptr;
    // Straight stretches of centre lines: the candidates of a point.
    index::SegmentGrid segment_grid;
    index::BoxIndex piece_index;  // pieces: for lines and polygons, and for street surfaces
};

Joiner::Joiner(const Areas& areas, const Streets* streets, JoinOptions options) : m_areas(areas), m_data(std::make_unique<Data>()) {
    if (areas.levels.size() > static_cast<std::size_t>(JoinResult::max_levels)) {
        throw error("at most five area levels");
    }
    m_data->options = options;
    for (const auto& level : areas.levels) {
        std::vector<geos::Envelope> env;
        AreaRings rings;
        for (const auto& a : level.areas) {
            env.push_back(a.envelope);
            if (a.vertices <= options.scan_max_vertices) {
                rings.add(a.geometry);
            } else {
                rings.add_unscanned();
            }
        }
        m_data->level_index.emplace_back(env);
        m_data->level_grid.emplace_back(env);
        m_data->boxes.push_back(std::move(env));
        m_data->rings.push_back(std::move(rings));
    }
    bool any = false;
    for (const auto& level : areas.levels) {
        if (!level.areas.empty()) {
            m_data->extent = any ? geos::merge(m_data->extent, level.extent()) : level.extent();
            any = true;
        }
    }
    m_data->streets = streets;
    if (streets != nullptr) {
        std::vector<index::SegmentGrid::Segment> segments;
        segments.reserve(streets->segments.size());
        for (const auto& s : streets->segments) {
            segments.push_back({s.x1, s.y1, s.x2, s.y2});
        }
        m_data->segment_grid = index::SegmentGrid(segments, options.street_distance);
        std::vector<geos::Envelope> pieces;
        pieces.reserve(streets->pieces.size());
        for (const auto& p : streets->pieces) {
            pieces.push_back(geos::envelope(p.geometry));
        }
        m_data->piece_index = index::BoxIndex(pieces);
    }
}

Joiner::~Joiner() = default;

namespace {

// The bits of v spread to the even positions: 0b1011 -> 0b1000101.
std::uint64_t spread_bits(std::uint32_t v) {
    std::uint64_t x = v;
    x = (x | (x << 16)) & 0x0000FFFF0000FFFFull;
    x = (x | (x << 8)) & 0x00FF00FF00FF00FFull;
    x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0Full;
    x = (x | (x << 2)) & 0x3333333333333333ull;
    x = (x | (x << 1)) & 0x5555555555555555ull;
    return x;
}

} // namespace

std::uint32_t Joiner::locality(const Observation& o) const {
    if (o.kind != Kind::point) {
        return std::numeric_limits<std::uint32_t>::max();
    }
    const geos::Envelope& e = m_data->extent;
    const double side = std::max(e.max_x - e.min_x, e.max_y - e.min_y);
    if (!(side > 0)) {
        return 0;
    }
    constexpr double cells = 32768;  // per axis: a few metres in a city's extent
    auto cell = [&](double v, double origin) { return static_cast<std::uint16_t>(std::clamp((v - origin) / side * cells, 0.0, cells - 1)); };
    return static_cast<std::uint32_t>(spread_bits(cell(o.x, e.min_x)) | (spread_bits(cell(o.y, e.min_y)) << 1));
}

struct Joiner::Worker::Impl {
    const Joiner& joiner;
    // GEOS prepared geometries are built lazily and are not thread-safe: each worker has its own.
    std::vector<std::vector<std::unique_ptr<geos::Prepared>>> prepared;
    std::vector<std::uint32_t> hits;

    explicit Impl(const Joiner& j) : joiner(j) {
        for (const auto& level : j.m_areas.levels) {
            prepared.emplace_back(level.areas.size());
        }
    }

    const geos::Prepared& prep(int level, std::uint32_t area) {
        auto& p = prepared[level][area];
        if (!p) {
            p = std::make_unique<geos::Prepared>(joiner.m_areas.levels[level].areas[area].geometry);
        }
        return *p;
    }

    Where where(int level, std::uint32_t area, const Observation& o) {
        const geos::Envelope& e = joiner.m_data->boxes[level][area];
        if (o.x < e.min_x || o.x > e.max_x || o.y < e.min_y || o.y > e.max_y) {
            return Where::outside;  // a neighbour in the point's grid cell
        }
        const AreaRings& rings = joiner.m_data->rings[level];
        if (rings.scanned(area)) {
            return rings.locate(area, o.x, o.y);
        }
        const geos::Prepared& g = prep(level, area);
        geos::Geometry scratch;
        const geos::Geometry& point = as_geos(o, scratch);
        if (!g.covers(point)) {
            return Where::outside;
        }
        return g.contains(point) ? Where::interior : Where::boundary;
    }

    // The area of `level` that holds the point, by the boundary rule; -1 when none.
    int locate(int level, const Observation& o, bool& tie) {
        int best = -1;
        Where best_where = Where::outside;
        const auto& areas = joiner.m_areas.levels[level].areas;
        for (const std::uint32_t a : joiner.m_data->level_grid[level].candidates(o.x, o.y)) {
            const Where w = where(level, a, o);
            if (w == Where::outside) {
                continue;
            }
            if (best >= 0) {
                tie = true;
            }
            const bool better = best < 0 || (w == Where::interior && best_where != Where::interior) ||
                                (w == best_where && areas[a].code < areas[best].code);
            if (better) {
                best = static_cast<int>(a);
                best_where = w;
            }
        }
        return best;
    }

    void join_point(const Observation& o, JoinResult& out) {
        const auto& levels = joiner.m_areas.levels;
        for (std::size_t l = 0; l < levels.size(); ++l) {
            bool tie = false;
            const int a = locate(static_cast<int>(l), o, tie);
            if (a < 0) {
                continue;
            }
            out.finest = static_cast<int>(l);
            out.tie_broken = tie;
            // Coarser levels follow the parent links: one spatial test per point, totals that add up.
            int area = a;
            for (std::size_t k = l; k < levels.size() && area >= 0; ++k) {
                out.area[k] = area;
                area = levels[k].areas[area].parent;
            }
            return;
        }
    }

    double measure(const geos::Geometry& g, int dim) { return dim == 2 ? geos::area(g) : geos::length(g); }

    void split_by_code(int level, const geos::Geometry& g, int dim, std::vector<std::pair<int, double>>& inside) {
        const auto& areas = joiner.m_areas.levels[level].areas;
        std::sort(inside.begin(), inside.end(), [&](const auto& x, const auto& y) { return areas[x.first].code < areas[y.first].code; });
        std::optional<geos::Geometry> taken;
        std::vector<std::pair<int, double>> split;
        for (const auto& [a, m] : inside) {
            geos::Geometry part = geos::extract_dimension(geos::intersection(areas[a].geometry, g), dim);
            if (taken) {
                part = geos::extract_dimension(geos::difference(part, *taken), dim);
            }
            const double mine = geos::is_empty(part) ? 0.0 : measure(part, dim);
            if (mine > piece_epsilon * measure(g, dim)) {
                split.emplace_back(a, mine);
            }
            if (!geos::is_empty(part)) {
                taken = taken ? geos::unary_union({&*taken, &part}) : std::move(part);
            }
        }
        std::sort(split.begin(), split.end());  // back to index order, as the rest of the join expects
        inside = std::move(split);
    }

    void join_shape(const Observation& o, JoinResult& out) {
        const auto& levels = joiner.m_areas.levels;
        const int dim = o.kind == Kind::polygon ? 2 : 1;
        const double total = measure(o.geometry, dim);
        const geos::Envelope env = geos::envelope(o.geometry);
        // measures[l][i]: part of the observation inside area hits_of[l][i]
        std::vector<std::vector<std::pair<int, double>>> inside(levels.size());
        for (std::size_t l = 0; l < levels.size(); ++l) {
            joiner.m_data->level_index[l].query(index::to_box(env), hits);
            double sum = 0;
            for (const std::uint32_t a : hits) {
                const geos::Prepared& p = prep(static_cast<int>(l), a);
                double m = 0;
                if (p.covers(o.geometry)) {
                    m = total;
                } else if (p.intersects(o.geometry)) {
                    m = measure(geos::intersection(levels[l].areas[a].geometry, o.geometry), dim);
                }
                if (m > piece_epsilon * total) {
                    inside[l].emplace_back(static_cast<int>(a), m);
                    sum += m;
                }
            }
            // More than the whole inside one level: the shape runs along a shared boundary (or areas
            // overlap). Then each part goes to one area, the smallest code first, as for points.
            if (sum > total * (1 + 1e-9)) {
                split_by_code(static_cast<int>(l), o.geometry, dim, inside[l]);
            }
            double best = 0;
            for (const auto& [a, m] : inside[l]) {
                out.level_shares.push_back({static_cast<int>(l), a, m / total});
                if (m > best) {  // ties keep the first: the lower index
                    best = m;
                    out.area[l] = a;
                }
            }
            if (out.finest < 0 && !inside[l].empty()) {
                out.finest = static_cast<int>(l);
            }
        }
        // Pieces: the finest level's parts, then what each coarser area holds beyond its children.
        double credited = 0;
        for (std::size_t l = 0; l < levels.size(); ++l) {
            for (const auto& [a, m] : inside[l]) {
                double children = 0;
                if (l > 0) {
                    for (const auto& [c, cm] : inside[l - 1]) {
                        if (levels[l - 1].areas[c].parent == a) {
                            children += cm;
                        }
                    }
                }
                const double rest = m - children;
                if (rest > piece_epsilon * total) {
                    out.pieces.push_back({static_cast<int>(l), a, rest / total});
                    credited += rest / total;
                }
            }
        }
        const double outside = 1.0 - credited;
        if (outside > piece_epsilon) {
            out.pieces.push_back({-1, -1, outside});
        }
    }

    void join_multipoint(const Observation& o, JoinResult& out) {
        // One observation marked at several places: each place carries an equal share.
        const std::size_t n = geos::num_geometries(o.geometry);
        const auto& levels = joiner.m_areas.levels;
        std::vector<std::vector<double>> per_level(levels.size());
        for (std::size_t l = 0; l < levels.size(); ++l) {
            per_level[l].assign(levels[l].areas.size(), 0.0);
        }
        std::vector<double> best(levels.size(), 0.0);
        double outside = 0;
        for (std::size_t i = 0; i < n; ++i) {
            Observation p;
            p.kind = Kind::point;
            p.geometry = geos::part(o.geometry, i);
            geos::xy(p.geometry, p.x, p.y);
            JoinResult r;
            r.area.fill(-1);
            join_point(p, r);
            if (r.finest < 0) {
                outside += 1.0 / static_cast<double>(n);
                continue;
            }
            out.pieces.push_back({r.finest, r.area[r.finest], 1.0 / static_cast<double>(n)});
            for (std::size_t l = 0; l < levels.size(); ++l) {
                if (r.area[l] >= 0) {
                    per_level[l][r.area[l]] += 1.0 / static_cast<double>(n);
                }
            }
            out.finest = out.finest < 0 ? r.finest : std::min(out.finest, r.finest);
        }
        for (std::size_t l = 0; l < levels.size(); ++l) {
            for (std::size_t a = 0; a < per_level[l].size(); ++a) {
                if (per_level[l][a] > 0) {
                    out.level_shares.push_back({static_cast<int>(l), static_cast<int>(a), per_level[l][a]});
                    if (per_level[l][a] > best[l]) {
                        best[l] = per_level[l][a];
                        out.area[l] = static_cast<int>(a);
                    }
                }
            }
        }
        if (outside > 0) {
            out.pieces.push_back({-1, -1, outside});
        }
    }

    void nearest_street(const Observation& o, JoinResult& out) {
        const Streets* streets = joiner.m_data->streets;
        if (streets == nullptr) {
            return;
        }
        const double d = joiner.m_data->options.street_distance;
        double best = std::numeric_limits<double>::infinity();
        int best_piece = -1;
        // Streets are sorted by name and pieces by street, so the smaller index wins a tie: deterministic.
        auto consider = [&](double dist, int piece) {
            if (dist < best || (dist == best && piece < best_piece)) {
                best = dist;
                best_piece = piece;
            }
        };
        if (o.kind == Kind::point && !streets->surfaces) {
            // Squared distances while searching: one square root for the nearest, not one per candidate.
            for (const std::uint32_t s : joiner.m_data->segment_grid.candidates(o.x, o.y)) {
                const StreetSegment& seg = streets->segments[s];
                consider(planar::squared_distance_to_segment(o.x, o.y, seg.x1, seg.y1, seg.x2, seg.y2), seg.piece);
            }
            best = std::sqrt(best);
        } else {
            geos::Geometry scratch;
            const geos::Geometry& g = as_geos(o, scratch);
            const geos::Envelope env = geos::envelope(g);
            joiner.m_data->piece_index.query(BBox(BPoint(env.min_x - d, env.min_y - d), BPoint(env.max_x + d, env.max_y + d)), hits);
            for (const std::uint32_t piece : hits) {
                consider(geos::distance(g, streets->pieces[piece].geometry), static_cast<int>(piece));
            }
        }
        if (best_piece >= 0 && best <= d) {
            out.piece = best_piece;
            out.street = streets->pieces[best_piece].street;
            out.street_distance = best;
        }
    }
};

Joiner::Worker::Worker(const Joiner& joiner) : m_impl(std::make_unique<Impl>(joiner)) {}
Joiner::Worker::~Worker() = default;
Joiner::Worker::Worker(Worker&&) noexcept = default;

void Joiner::Worker::join(const Observation& o, JoinResult& out) {
    out.area.fill(-1);
    out.finest = -1;
    out.tie_broken = false;
    out.level_shares.clear();
    out.pieces.clear();
    out.street = -1;
    out.piece = -1;
    out.street_distance = 0;
    switch (o.kind) {
        case Kind::point: m_impl->join_point(o, out); break;
        case Kind::multipoint: m_impl->join_multipoint(o, out); break;
        case Kind::line:
        case Kind::polygon: m_impl->join_shape(o, out); break;
    }
    m_impl->nearest_street(o, out);
}

} // namespace buurt

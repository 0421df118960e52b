// Property tests of the join on the small world, with random (fixed seed) points, polygons and lines.
// The reference is computed independently with plain (unprepared) GEOS predicates and overlays.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "engine/aggregate/tally.hpp"
#include "engine/join/joiner.hpp"
#include "unit/support/small_world.hpp"

using namespace buurt;
using namespace buurt::test;

namespace {

// Points over the world and a margin around it (x -20..220, y -20..120). Half are continuous; half lie
// on a 5 m lattice, so that many fall on block edges, hole edges, the shared edge x = 100 and vertices.
std::vector<std::pair<double, double>> random_points(std::size_t n, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> ux(-20.0, 220.0);
    std::uniform_real_distribution<double> uy(-20.0, 120.0);
    std::uniform_int_distribution<int> gx(-4, 44);
    std::uniform_int_distribution<int> gy(-4, 24);
    std::vector<std::pair<double, double>> out;
    for (std::size_t i = 0; i < n; ++i) {
        if (i % 2 == 0) {
            out.emplace_back(ux(rng), uy(rng));
        } else {
            out.emplace_back(5.0 * gx(rng), 5.0 * gy(rng));
        }
    }
    return out;
}

// A star-shaped polygon around a random centre: vertices at increasing angles, random radii. Always simple.
std::string random_polygon(std::mt19937& rng) {
    std::uniform_real_distribution<double> ux(-20.0, 220.0);
    std::uniform_real_distribution<double> uy(-20.0, 120.0);
    std::uniform_real_distribution<double> radius(3.0, 70.0);
    std::uniform_int_distribution<int> vertices(3, 9);
    const double cx = ux(rng);
    const double cy = uy(rng);
    const int n = vertices(rng);
    std::ostringstream wkt;
    wkt.precision(17);
    wkt << "POLYGON ((";
    double first_x = 0;
    double first_y = 0;
    for (int i = 0; i < n; ++i) {
        const double angle = 2.0 * std::numbers::pi * (i + 0.5 * std::uniform_real_distribution<double>(0.0, 1.0)(rng)) / n;
        const double r = radius(rng);
        const double x = cx + r * std::cos(angle);
        const double y = cy + r * std::sin(angle);
        if (i == 0) {
            first_x = x;
            first_y = y;
        }
        wkt << x << " " << y << ", ";
    }
    wkt << first_x << " " << first_y << "))";
    return wkt.str();
}

std::string random_line(std::mt19937& rng) {
    std::uniform_real_distribution<double> ux(-20.0, 220.0);
    std::uniform_real_distribution<double> uy(-20.0, 120.0);
    std::ostringstream wkt;
    wkt.precision(17);
    wkt << "LINESTRING (" << ux(rng) << " " << uy(rng) << ", " << ux(rng) << " " << uy(rng) << ", " << ux(rng) << " " << uy(rng) << ")";
    return wkt.str();
}

} // namespace

TEST_CASE("join property: every point covered by a level is counted once in that level", "[join][property]") {
    const Areas areas = small_world_areas();
    JoinOptions opt;
    opt.scan_max_vertices = GENERATE(std::size_t{256}, std::size_t{0});  // ring scan and GEOS prepared paths
    Joiner joiner(areas, nullptr, opt);
    Joiner::Worker worker(joiner);
    Aggregator agg(areas, 0, 0, {"groen"});

    const auto points = random_points(4000, 20240917u);
    const std::size_t levels = areas.levels.size();
    std::vector<long long> covered(levels, 0);   // reference: points covered by some area of the level
    std::vector<long long> assigned(levels, 0);  // join: points with an area at the level
    long long wrong_area = 0;                    // assigned to an area that does not cover the point
    long long wrong_finest = 0;                  // finest level is not the finest level that covers it
    std::string first_problem;
    JoinResult r;
    for (const auto& [x, y] : points) {
        Observation o = point_observation(x, y);
        o.theme = "groen";
        worker.join(o, r);
        agg.add(o, r);
        int finest_covering = -1;
        for (std::size_t l = 0; l < levels; ++l) {
            bool any = false;
            for (const auto& a : areas.levels[l].areas) {
                any = any || geos::covers(a.geometry, o.geometry);
            }
            covered[l] += any ? 1 : 0;
            if (any && finest_covering < 0) {
                finest_covering = static_cast<int>(l);
            }
            if (r.area[l] >= 0) {
                ++assigned[l];
                if (!geos::covers(areas.levels[l].areas[r.area[l]].geometry, o.geometry)) {
                    ++wrong_area;
                    if (first_problem.empty()) {
                        first_problem = "point (" + std::to_string(x) + " " + std::to_string(y) + ") level " + std::to_string(l);
                    }
                }
            }
        }
        if (r.finest != finest_covering) {
            ++wrong_finest;
            if (first_problem.empty()) {
                first_problem = "finest of point (" + std::to_string(x) + " " + std::to_string(y) + ")";
            }
        }
    }
    INFO("first problem: " << first_problem);
    CHECK(wrong_area == 0);
    CHECK(wrong_finest == 0);
    long long total_finest = agg.outside();
    for (std::size_t l = 0; l < levels; ++l) {
        INFO("level " << l);
        CHECK(covered[l] > 0);
        CHECK(assigned[l] == covered[l]);
        long long tallied = 0;
        for (std::size_t a = 0; a < areas.levels[l].areas.size(); ++a) {
            tallied += agg.area(static_cast<int>(l), static_cast<int>(a)).n_points;
        }
        CHECK(tallied == covered[l]);
        total_finest += agg.per_level(static_cast<int>(l));
    }
    // Each point is counted once: at its finest level, or as outside.
    CHECK(total_finest == static_cast<long long>(points.size()));
    // The world is 200 x 100 in a 240 x 140 frame: some points are outside, most inside W.
    CHECK(agg.outside() > 0);
    CHECK(covered[L_WIJK] > covered[L_BLOCK]);
}

TEST_CASE("join property: the pieces of random polygons and lines sum to 1", "[join][property]") {
    const Areas areas = small_world_areas();
    Joiner joiner(areas, nullptr, JoinOptions{});
    Joiner::Worker worker(joiner);
    Aggregator agg(areas, 0, 0, {"groen"});

    // Reference: each level's union, to compute independently the share of a shape inside the level.
    std::vector<geos::Geometry> level_union;
    for (const auto& level : areas.levels) {
        std::vector<const geos::Geometry*> parts;
        for (const auto& a : level.areas) {
            parts.push_back(&a.geometry);
        }
        level_union.push_back(geos::unary_union(parts));
    }

    std::mt19937 rng(7u);
    const std::size_t n = 300;
    std::vector<double> level_total(areas.levels.size(), 0.0);  // sum of level shares over all shapes
    long long bad_sum = 0;
    long long bad_level = 0;
    long long bad_piece = 0;
    std::string first_problem;
    JoinResult r;
    for (std::size_t i = 0; i < n; ++i) {
        Observation o = shape_observation(i % 3 == 2 ? random_line(rng) : random_polygon(rng));
        o.theme = "groen";
        REQUIRE(geos::is_valid(o.geometry));
        worker.join(o, r);
        agg.add(o, r);
        const double total = o.kind == Kind::polygon ? geos::area(o.geometry) : geos::length(o.geometry);

        double pieces = 0;
        for (const auto& p : r.pieces) {
            pieces += p.share;
            bad_piece += (p.share > 0 && p.share <= 1.0 + 1e-9) ? 0 : 1;
        }
        if (std::abs(pieces - 1.0) > 1e-9) {
            ++bad_sum;
            if (first_problem.empty()) {
                first_problem = "pieces sum to " + std::to_string(pieces) + " for " + geos::to_wkt(o.geometry, 6);
            }
        }
        for (std::size_t l = 0; l < areas.levels.size(); ++l) {
            double shares = 0;
            for (const auto& s : r.level_shares) {
                shares += s.level == static_cast<int>(l) ? s.share : 0.0;
            }
            level_total[l] += shares;
            const geos::Geometry inside = geos::intersection(level_union[l], o.geometry);
            const double expected = (o.kind == Kind::polygon ? geos::area(inside) : geos::length(inside)) / total;
            if (std::abs(shares - expected) > 1e-9) {
                ++bad_level;
                if (first_problem.empty()) {
                    first_problem = "level " + std::to_string(l) + " shares " + std::to_string(shares) + ", expected " + std::to_string(expected) +
                                    " for " + geos::to_wkt(o.geometry, 6);
                }
            }
        }
    }
    INFO("first problem: " << first_problem);
    CHECK(bad_sum == 0);
    CHECK(bad_level == 0);
    CHECK(bad_piece == 0);
    // The aggregator's weighted shape totals per level are the same level shares.
    for (std::size_t l = 0; l < areas.levels.size(); ++l) {
        double tallied = 0;
        for (std::size_t a = 0; a < areas.levels[l].areas.size(); ++a) {
            tallied += agg.area(static_cast<int>(l), static_cast<int>(a)).w_shapes;
        }
        INFO("level " << l);
        CHECK(tallied == Approx(level_total[l]).epsilon(0).margin(1e-9));
        CHECK(level_total[l] > 0);
    }
}

// CellGrid: every envelope that contains a point is among its candidates, in ascending order, for
// tiled blocks, long widened segments, one far-away envelope and identical envelopes; memory stays linear.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <vector>

#include "engine/index/cell_grid.hpp"
#include "unit/index/candidate_checks.hpp"
#include "unit/support/unit_support.hpp"

using namespace buurt;
using index::CellGrid;

namespace {

// The envelopes (widened by `grow`) that contain the point, by a full scan.
std::vector<std::uint32_t> containing(const std::vector<geos::Envelope>& env, double grow, double x, double y) {
    std::vector<std::uint32_t> out;
    for (std::size_t i = 0; i < env.size(); ++i) {
        const auto& e = env[i];
        if (x >= e.min_x - grow && x <= e.max_x + grow && y >= e.min_y - grow && y <= e.max_y + grow) {
            out.push_back(static_cast<std::uint32_t>(i));
        }
    }
    return out;
}

void check_against_scan(const std::vector<geos::Envelope>& env, double grow, const std::vector<std::pair<double, double>>& points) {
    const CellGrid grid(env, grow);
    CHECK(grid.entries() <= 8 * env.size() + 1024);
    CHECK(grid.cells() <= 4 * env.size() + 1024);
    std::size_t found = 0;
    for (const auto& [x, y] : points) {
        const auto want = containing(env, grow, x, y);
        test::require_candidates(grid.candidates(x, y), x, y, want);
        found += want.size();
    }
    CHECK(found > 0);  // the points did hit envelopes
}

// Points in the square [lo, hi] on both axes.
std::vector<std::pair<double, double>> random_points(std::mt19937_64& rng, double lo, double hi, int n) { return test::random_points(rng, lo, lo, hi, hi, n); }

} // namespace

TEST_CASE("cell grid: tiled blocks, points on their edges and corners included", "[index]") {
    std::vector<geos::Envelope> env;
    for (int i = 0; i < 40; ++i) {
        for (int j = 0; j < 30; ++j) {
            env.push_back({i * 50.0, j * 70.0, i * 50.0 + 50, j * 70.0 + 70});
        }
    }
    std::mt19937_64 rng(1);
    auto points = random_points(rng, -10, 2110, 3000);
    for (int i = 0; i <= 40; ++i) {
        points.emplace_back(i * 50.0, 35.0);  // on shared edges
        points.emplace_back(i * 50.0, 70.0);  // on corners
    }
    check_against_scan(env, 0, points);
}

TEST_CASE("cell grid: long segments widened by a search distance", "[index]") {
    std::mt19937_64 rng(2);
    std::uniform_real_distribution<double> c(0, 5000), len(-800, 800);
    std::vector<geos::Envelope> env;
    for (int i = 0; i < 2000; ++i) {
        const double x = c(rng), y = c(rng), x2 = x + len(rng), y2 = y + len(rng);
        env.push_back({std::min(x, x2), std::min(y, y2), std::max(x, x2), std::max(y, y2)});
    }
    check_against_scan(env, 30, random_points(rng, -900, 5900, 3000));
}

TEST_CASE("cell grid: one envelope far away, identical envelopes, a single point envelope", "[index]") {
    std::mt19937_64 rng(3);
    std::vector<geos::Envelope> env;
    for (int i = 0; i < 500; ++i) {
        const double x = 120000 + 10.0 * (i % 25), y = 487000 + 10.0 * (i / 25);
        env.push_back({x, y, x + 10, y + 10});
    }
    env.push_back({176000, 318000, 176100, 318100});  // Maastricht beside Amsterdam
    auto points = random_points(rng, 119990, 120260, 2000);
    points.emplace_back(176050, 318050);
    check_against_scan(env, 0, points);

    const std::vector<geos::Envelope> same(300, geos::Envelope{5, 5, 6, 6});
    check_against_scan(same, 0, {{5.5, 5.5}, {5, 5}, {6, 6}, {7, 7}});
    check_against_scan({geos::Envelope{3, 4, 3, 4}}, 0, {{3, 4}, {3.5, 4}});

    const CellGrid empty(std::vector<geos::Envelope>{});
    CHECK(empty.candidates(0, 0).size() == 0);
}

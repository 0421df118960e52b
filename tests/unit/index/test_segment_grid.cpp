// SegmentGrid: for every point, the nearest segment within the distance and every segment tied with
// it are among the candidates, as a scan of all segments finds them; and the pruning does prune.
#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <random>
#include <vector>

#include "engine/core/planar.hpp"
#include "engine/index/segment_grid.hpp"
#include "unit/index/candidate_checks.hpp"
#include "unit/support/unit_support.hpp"

using namespace buurt;
using index::SegmentGrid;

namespace {

// The segments a full scan finds nearest to the point within `d` (all of them when several tie).
std::vector<std::uint32_t> nearest_by_scan(const std::vector<SegmentGrid::Segment>& segments, double d, double x, double y) {
    double best = std::numeric_limits<double>::infinity();
    std::vector<std::uint32_t> out;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const auto& s = segments[i];
        const double d2 = planar::squared_distance_to_segment(x, y, s.x1, s.y1, s.x2, s.y2);
        if (d2 < best) {
            best = d2;
            out.clear();
        }
        if (d2 == best) {
            out.push_back(static_cast<std::uint32_t>(i));
        }
    }
    if (!(best <= d * d)) {
        out.clear();
    }
    return out;
}

// Returns how many points had a segment within reach.
std::size_t check_against_scan(const std::vector<SegmentGrid::Segment>& segments, double d, const std::vector<std::pair<double, double>>& points) {
    const SegmentGrid grid(segments, d);
    std::size_t found = 0;
    for (const auto& [x, y] : points) {
        const auto want = nearest_by_scan(segments, d, x, y);
        test::require_candidates(grid.candidates(x, y), x, y, want);
        found += want.empty() ? 0 : 1;
    }
    return found;
}

// A street grid: blocks of 100 by 80 m cut into stretches of 20 m, as centre lines are.
std::vector<SegmentGrid::Segment> street_grid(double x0, double y0, int nx, int ny) {
    std::vector<SegmentGrid::Segment> out;
    for (int i = 0; i <= nx; ++i) {
        for (int k = 0; k < ny * 4; ++k) {
            out.push_back({x0 + i * 100.0, y0 + k * 20.0, x0 + i * 100.0, y0 + (k + 1) * 20.0});
        }
    }
    for (int j = 0; j <= ny; ++j) {
        for (int k = 0; k < nx * 5; ++k) {
            out.push_back({x0 + k * 20.0, y0 + j * 80.0, x0 + (k + 1) * 20.0, y0 + j * 80.0});
        }
    }
    return out;
}

} // namespace

TEST_CASE("segment grid: a street grid at Dutch coordinates, with diagonals", "[index]") {
    std::mt19937_64 rng(7);
    auto segments = street_grid(120000, 485000, 20, 15);
    std::uniform_real_distribution<double> c(0, 1), len(-600, 600);
    for (int i = 0; i < 60; ++i) {  // long diagonal roads across the grid
        const double x = 120000 + 2000 * c(rng), y = 485000 + 1200 * c(rng);
        segments.push_back({x, y, x + len(rng), y + len(rng)});
    }
    auto points = test::random_points(rng, 119900, 484900, 122100, 486300, 20000);
    // On the grid's cell edges and corners: the origin is the lowest segment end less the distance.
    for (int k = 0; k < 400; ++k) {
        points.emplace_back(120000 - 30 + 30.0 * (k % 40), 485000 - 30 + 30.0 * (k / 40));
    }
    const std::size_t found = check_against_scan(segments, 30, points);
    CHECK(found > 10000);

    // The point of it: fewer candidates than segments within reach of a cell (on the benchmark's city
    // half as many a point).
    std::vector<geos::Envelope> env;
    for (const auto& s : segments) {
        env.push_back({std::min(s.x1, s.x2), std::min(s.y1, s.y2), std::max(s.x1, s.x2), std::max(s.y1, s.y2)});
    }
    const index::CellGrid unpruned(env, 30, {30, 32});
    const SegmentGrid pruned(segments, 30);
    INFO("entries " << pruned.entries() << " of " << unpruned.entries());
    CHECK(pruned.entries() * 4 < unpruned.entries() * 3);
}

TEST_CASE("segment grid: cells far wider than the distance, long segments crossing them", "[index]") {
    // Few segments over 60 km: the cells grow to kilometres, where a segment crossing a cell is far
    // from its corners and from the segment's own ends, yet passes through the cell.
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> c(0, 60000);
    std::vector<SegmentGrid::Segment> segments;
    for (int i = 0; i < 12; ++i) {
        segments.push_back({c(rng), c(rng), c(rng), c(rng)});
    }
    std::vector<std::pair<double, double>> points;
    for (const auto& s : segments) {  // near every segment, all along it
        for (int k = 0; k <= 200; ++k) {
            const double t = k / 200.0;
            points.emplace_back(s.x1 + t * (s.x2 - s.x1) + 7, s.y1 + t * (s.y2 - s.y1) - 4);
        }
    }
    CHECK(check_against_scan(segments, 30, points) > 2000);
}

TEST_CASE("segment grid: ties, duplicates, a zero-length segment and nothing in reach", "[index]") {
    std::vector<SegmentGrid::Segment> segments{
        {0, 0, 100, 0},   {0, 10, 100, 10},  // parallel: the line y = 5 lies as far from both
        {0, 0, 100, 0},                       // the first again
        {50, 50, 50, 50},                     // a point
        {1000, 1000, 1010, 1000},             // far away
    };
    std::vector<std::pair<double, double>> points;
    for (int i = 0; i <= 100; ++i) {
        points.emplace_back(i, 5);
        points.emplace_back(i, -3);
        points.emplace_back(i * 10.0, i * 10.0);
    }
    points.emplace_back(50, 50);
    points.emplace_back(500, 500);  // nothing within 30 m
    CHECK(check_against_scan(segments, 30, points) > 200);

    const SegmentGrid grid(segments, 30);
    CHECK(grid.candidates(500, 500).size() == 0);
    const auto between = grid.candidates(40, 5);
    const std::vector<std::uint32_t> got(between.begin(), between.end());
    const std::vector<std::uint32_t> tied{0, 1, 2};
    CHECK(std::includes(got.begin(), got.end(), tied.begin(), tied.end()));

    const SegmentGrid empty(std::vector<SegmentGrid::Segment>{}, 30);
    CHECK(empty.candidates(0, 0).size() == 0);
}

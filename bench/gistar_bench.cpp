// Gi* speed on 100,000 features (issue 6: "Gi* on 100,000 features <= 1 s").
//
//   build:  cmake -S . -B build -DBUURT_BENCH=ON && cmake --build build --target gistar_bench
//   run:    build/bench/gistar_bench [--features N] [--repeats R] [--seed S]
//
// Two workloads, each generated here with a fixed seed:
//  1. areas/hexagons: N points scattered over a square of 1 feature per 1,000 m^2 (N = 100,000: 10 x 10 km,
//     a city), values are counts with a few clusters of high rates on a low background (a hotspot map).
//     Timed separately: default_band (the band when none is configured: k-th nearest neighbour, k = 30 at
//     this size), distance_band at that band (the R-tree neighbour search), gi_star (z, p, FDR, classes).
//  2. streets: a square grid network of 50 m street pieces with about N pieces, the same clustered
//     values at the piece midpoints; network_neighbours at the default band of the midpoints, then gi_star.
// Each step runs `repeats` times; the median is reported (the machine is shared: the minimum flatters, the
// mean is hostage to one disturbed run). The 1 s target is for neighbours + Gi*, the work of one layer.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "engine/hotspot/gistar.hpp"
#include "engine/hotspot/network.hpp"

using namespace buurt;
using namespace buurt::hotspot;

namespace {

using Points = std::vector<std::pair<double, double>>;

struct Timing {
    double median = 0, min = 0, max = 0;  // wall clock, seconds
    double cpu = 0;                       // median CPU time of this process (the code is single-threaded):
                                          // on a busy shared machine, what the step costs when it has a core
};

double cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// Runs f `repeats` times; f's result of the last run is kept by the caller through the closure.
Timing time_it(int repeats, const std::function<void()>& f) {
    std::vector<double> wall, cpu;
    for (int i = 0; i < repeats; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        const double c0 = cpu_seconds();
        f();
        cpu.push_back(cpu_seconds() - c0);
        wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    return {wall[wall.size() / 2], wall.front(), wall.back(), cpu[cpu.size() / 2]};
}

// Counts: Poisson with rate 0.5 on the background and up to 6 near five cluster centres (Gaussian bumps
// of 300 m), so that Gi* finds hot and cold areas as on real data, not noise only.
std::vector<double> clustered_values(const Points& pts, double side, std::mt19937_64& rng) {
    std::uniform_real_distribution<double> u(0.0, side);
    std::vector<std::pair<double, double>> centres;
    for (int i = 0; i < 5; ++i) {
        centres.emplace_back(u(rng), u(rng));
    }
    std::vector<double> v;
    v.reserve(pts.size());
    for (const auto& [x, y] : pts) {
        double rate = 0.5;
        for (const auto& [cx, cy] : centres) {
            const double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
            rate += 6.0 * std::exp(-d2 / (2 * 300.0 * 300.0));
        }
        v.push_back(static_cast<double>(std::poisson_distribution<int>(rate)(rng)));
    }
    return v;
}

// A grid of n x n blocks of 50 m: every block edge is one street piece (end points on the grid nodes, so
// the pieces form a network), named per row and column as streets would be.
Streets grid_network(std::size_t target_pieces) {
    // pieces = 2 n (n + 1)
    const int n = static_cast<int>(std::ceil((-2.0 + std::sqrt(4.0 + 8.0 * static_cast<double>(target_pieces))) / 4.0));
    const double len = 50.0;
    Streets s;
    auto add = [&](int street, int number, double x0, double y0, double x1, double y1) {
        StreetPiece p;
        p.street = street;
        p.number = number;
        p.x0 = x0;
        p.y0 = y0;
        p.x1 = x1;
        p.y1 = y1;
        p.length_m = len;
        p.mid_x = (x0 + x1) / 2;
        p.mid_y = (y0 + y1) / 2;
        s.pieces.push_back(std::move(p));
    };
    s.streets.resize(static_cast<std::size_t>(2 * (n + 1)));
    for (int r = 0; r <= n; ++r) {  // east-west streets
        for (int c = 0; c < n; ++c) {
            add(r, c + 1, c * len, r * len, (c + 1) * len, r * len);
        }
    }
    for (int c = 0; c <= n; ++c) {  // north-south streets
        for (int r = 0; r < n; ++r) {
            add(n + 1 + c, r + 1, c * len, r * len, c * len, (r + 1) * len);
        }
    }
    return s;
}

double mean_size(const Neighbours& nb) {
    double total = 0;
    for (const auto& v : nb) {
        total += static_cast<double>(v.size());
    }
    return total / static_cast<double>(nb.size());
}

int classed(const GiResult& r) {
    return static_cast<int>(std::count_if(r.hot_class.begin(), r.hot_class.end(), [](int c) { return c != 0; }));
}

void line(const char* what, const Timing& t, std::size_t n) {
    std::printf("  %-32s %7.3f s (min %.3f, max %.3f; cpu %.3f s) %10.0f features/s\n", what, t.median, t.min, t.max, t.cpu,
                static_cast<double>(n) / t.median);
}

// The target line: wall-clock medians of the two steps, and their CPU times.
void total(const char* what, const Timing& a, const Timing& b, std::size_t n, double target_s) {
    const double wall = a.median + b.median;
    const double cpu = a.cpu + b.cpu;
    std::printf("  %-32s %7.3f s (cpu %.3f s) %10.0f features/s; %.2f x the %.0f s target (%s)\n", what, wall, cpu, static_cast<double>(n) / wall,
                wall / target_s, target_s, wall <= target_s ? "met" : "NOT met");
}

std::string loadavg() {
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " " + b + " " + c;
}

} // namespace

int main(int argc, char** argv) {
    std::size_t n = 100'000;
    int repeats = 5;
    unsigned long long seed = 20240917;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--features") {
            n = std::stoul(argv[i + 1]);
        } else if (a == "--repeats") {
            repeats = std::max(1, std::stoi(argv[i + 1]));
        } else if (a == "--seed") {
            seed = std::stoull(argv[i + 1]);
        } else {
            std::fprintf(stderr, "usage: gistar_bench [--features N] [--repeats R] [--seed S]\n");
            return 2;
        }
    }
    constexpr double target_s = 1.0;
    std::printf("gistar_bench: %zu features, %d repeats (median), seed %llu, load average %s\n\n", n, repeats, seed, loadavg().c_str());

    // 1. points (areas, hexagons)
    std::mt19937_64 rng(seed);
    const double side = std::sqrt(static_cast<double>(n) * 1000.0);
    std::uniform_real_distribution<double> u(0.0, side);
    Points pts(n);
    for (auto& p : pts) {
        p = {u(rng), u(rng)};
    }
    const std::vector<double> values = clustered_values(pts, side, rng);
    double band = 0;
    Neighbours nb;
    GiResult gi;
    const Timing t_default = time_it(repeats, [&] { band = default_band(pts); });
    const Timing t_band = time_it(repeats, [&] { nb = distance_band(pts, band); });
    const Timing t_gi = time_it(repeats, [&] { gi = gi_star(values, nb); });
    std::printf("points: %.0f x %.0f m, default band %.1f m, %.1f neighbours per feature, %d classed (%s)\n", side, side, band, mean_size(nb),
                classed(gi), gi.status.c_str());
    line("default_band (k-th neighbour)", t_default, n);
    line("distance_band (R-tree)", t_band, n);
    line("gi_star (z, p, FDR, classes)", t_gi, n);
    total("distance_band + gi_star", t_band, t_gi, n, target_s);
    std::printf("  %-32s %7.3f s (cpu %.3f s)\n\n", "+ default_band (no band set)", t_default.median + t_band.median + t_gi.median,
                t_default.cpu + t_band.cpu + t_gi.cpu);

    // 2. street network
    const Streets net = grid_network(n);
    const std::size_t m = net.pieces.size();
    const Points mids = piece_points(net);
    const std::vector<double> street_values = clustered_values(mids, std::sqrt(static_cast<double>(m) / 2.0) * 50.0, rng);
    double net_band = 0;
    Neighbours net_nb;
    GiResult net_gi;
    const Timing t_net_default = time_it(repeats, [&] { net_band = default_band(mids); });
    const Timing t_net = time_it(repeats, [&] { net_nb = network_neighbours(net, net_band); });
    const Timing t_net_gi = time_it(repeats, [&] { net_gi = gi_star(street_values, net_nb); });
    std::printf("streets: grid network of %zu pieces of 50 m, default band %.1f m, %.1f network neighbours per piece, %d classed (%s)\n", m,
                net_band, mean_size(net_nb), classed(net_gi), net_gi.status.c_str());
    line("default_band (k-th neighbour)", t_net_default, m);
    line("network_neighbours (Dijkstra)", t_net, m);
    line("gi_star (z, p, FDR, classes)", t_net_gi, m);
    total("network_neighbours + gi_star", t_net, t_net_gi, m, target_s);
    std::printf("  %-32s %7.3f s (cpu %.3f s)\n", "+ default_band (no band set)", t_net_default.median + t_net.median + t_net_gi.median,
                t_net_default.cpu + t_net.cpu + t_net_gi.cpu);
    return 0;
}

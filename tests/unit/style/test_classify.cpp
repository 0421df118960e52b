// Class breaks against hand-computed answers and, for Jenks, against every possible partition.
#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>
#include <random>
#include <vector>

#include "engine/style/classify.hpp"

using namespace buurt;

namespace {

double squared_deviation(const std::vector<double>& v, std::size_t a, std::size_t b) {  // v[a..b)
    double mean = 0;
    for (std::size_t i = a; i < b; ++i) {
        mean += v[i];
    }
    mean /= static_cast<double>(b - a);
    double s = 0;
    for (std::size_t i = a; i < b; ++i) {
        s += (v[i] - mean) * (v[i] - mean);
    }
    return s;
}

// The smallest within-class squared deviation over every split of sorted distinct `v` into k runs.
double best_partition(const std::vector<double>& v, std::size_t k) {
    double best = std::numeric_limits<double>::infinity();
    std::vector<std::size_t> cuts(k - 1);
    auto place = [&](auto& self, std::size_t c, std::size_t from) -> void {
        if (c == cuts.size()) {
            double s = 0;
            std::size_t a = 0;
            for (const std::size_t b : cuts) {
                s += squared_deviation(v, a, b);
                a = b;
            }
            best = std::min(best, s + squared_deviation(v, a, v.size()));
            return;
        }
        for (std::size_t b = from; b + (cuts.size() - c) <= v.size(); ++b) {
            cuts[c] = b;
            self(self, c + 1, b + 1);
        }
    };
    place(place, 0, 1);
    return best;
}

// The within-class squared deviation of the classes that `breaks` draw over sorted distinct `v`.
double cost_of(const std::vector<double>& v, const std::vector<double>& breaks) {
    double s = 0;
    std::size_t a = 0;
    for (std::size_t c = 1; c < breaks.size(); ++c) {
        std::size_t b = a;
        while (b < v.size() && v[b] <= breaks[c]) {
            ++b;
        }
        s += squared_deviation(v, a, b);
        a = b;
    }
    return s;
}

} // namespace

TEST_CASE("Jenks breaks of two obvious groups and an outlier, by hand") {
    // {1,2,3} {10,11,12} {30}: within-class deviation 2 + 2 + 0; any other split costs more.
    const std::vector<double> v{1, 2, 3, 10, 11, 12, 30};
    CHECK(style::jenks_breaks(v, 3) == std::vector<double>{1, 3, 12, 30});
    CHECK(style::jenks_breaks(v, 1) == std::vector<double>{1, 30});
    // More classes than values: one class per value.
    CHECK(style::jenks_breaks({4, 7}, 5) == std::vector<double>{4, 7});
}

TEST_CASE("Jenks breaks reach the optimum of every possible partition") {
    std::mt19937 rng(20261207);
    std::lognormal_distribution<double> skewed(1.0, 1.2);  // counts per area are skewed like this
    for (int round = 0; round < 60; ++round) {
        const std::size_t n = 6 + static_cast<std::size_t>(round % 9);
        const std::size_t k = 2 + static_cast<std::size_t>(round % 4);
        std::vector<double> v;
        while (v.size() < n) {
            v.push_back(skewed(rng));
        }
        std::sort(v.begin(), v.end());
        std::vector<double> breaks = style::jenks_breaks(v, static_cast<int>(k));
        INFO("round " << round << ", n " << n << ", k " << k);
        // A lowest value alone in its class has its lower and upper break equal: they are given once.
        if (breaks.size() == k && breaks[0] == v[0] && breaks[1] != v[0]) {
            breaks.insert(breaks.begin(), v[0]);
        }
        REQUIRE(breaks.size() == k + 1);
        CHECK(breaks.front() == v.front());
        CHECK(breaks.back() == v.back());
        CHECK(cost_of(v, breaks) == Approx(best_partition(v, k)).epsilon(1e-12));
    }
}

TEST_CASE("Jenks breaks of 3000 values reach the optimum of a scan over every last class") {
    // Jenks' own recurrence: the last class grows down from each value, its deviation accumulated.
    std::mt19937 rng(11);
    std::lognormal_distribution<double> skewed(0.5, 1.0);
    std::vector<double> v;
    while (v.size() < 3000) {
        v.push_back(skewed(rng));
    }
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    const std::size_t k = 5;
    std::vector<double> prev(n + 1, std::numeric_limits<double>::infinity());  // best of v[0..l) in j classes
    prev[0] = 0;
    for (std::size_t j = 1; j <= k; ++j) {
        std::vector<double> next(n + 1, std::numeric_limits<double>::infinity());
        for (std::size_t l = j; l <= n; ++l) {
            double s1 = 0, s2 = 0;
            for (std::size_t first = l; first-- > j - 1;) {
                s1 += v[first];
                s2 += v[first] * v[first];
                const double w = static_cast<double>(l - first);
                next[l] = std::min(next[l], prev[first] + (s2 - s1 * s1 / w));
            }
        }
        prev = std::move(next);
    }
    const std::vector<double> breaks = style::jenks_breaks(v, static_cast<int>(k));
    REQUIRE(breaks.size() == k + 1);
    CHECK(cost_of(v, breaks) == Approx(prev[n]).epsilon(1e-9));
}

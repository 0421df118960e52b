#include "engine/style/classify.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace buurt::style {

namespace {

constexpr std::size_t jenks_max_values = 3000;

std::vector<double> dedupe(std::vector<double> breaks) {
    breaks.erase(std::unique(breaks.begin(), breaks.end()), breaks.end());
    if (breaks.size() == 1) {
        breaks.push_back(breaks.front());  // one value: one class [v, v]
    }
    return breaks;
}

} // namespace

std::vector<double> quantile_breaks(const std::vector<double>& sorted, int classes) {
    std::vector<double> out;
    const double n = static_cast<double>(sorted.size());
    for (int i = 0; i <= classes; ++i) {
        const double h = (n - 1) * static_cast<double>(i) / classes;
        const auto lo = static_cast<std::size_t>(std::floor(h));
        const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
        out.push_back(sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]));
    }
    return dedupe(out);
}

std::vector<double> equal_interval_breaks(const std::vector<double>& sorted, int classes) {
    const double lo = sorted.front();
    const double hi = sorted.back();
    std::vector<double> out;
    for (int i = 0; i <= classes; ++i) {
        out.push_back(i == classes ? hi : lo + (hi - lo) * static_cast<double>(i) / classes);
    }
    return dedupe(out);
}

std::vector<double> jenks_breaks(const std::vector<double>& all, int classes) {
    std::vector<double> v;
    if (all.size() > jenks_max_values) {
        for (std::size_t i = 0; i < jenks_max_values; ++i) {
            v.push_back(all[i * (all.size() - 1) / (jenks_max_values - 1)]);
        }
    } else {
        v = all;
    }
    const std::size_t n = v.size();
    const std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(classes), n);
    // Prefix sums make the squared deviation of any run v[a..b] O(1).
    std::vector<double> s1(n + 1, 0.0), s2(n + 1, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        s1[i + 1] = s1[i] + v[i];
        s2[i + 1] = s2[i] + v[i] * v[i];
    }
    auto ssd = [&](std::size_t a, std::size_t b) {  // v[a..b] inclusive
        const double cnt = static_cast<double>(b - a + 1);
        const double sum = s1[b + 1] - s1[a];
        return (s2[b + 1] - s2[a]) - sum * sum / cnt;
    };
    const double inf = std::numeric_limits<double>::infinity();
    // cost[j][i]: best cost of v[0..i] in j+1 classes; start[j][i]: first index of the last class.
    std::vector<std::vector<double>> cost(k, std::vector<double>(n, inf));
    std::vector<std::vector<std::size_t>> start(k, std::vector<std::size_t>(n, 0));
    for (std::size_t i = 0; i < n; ++i) {
        cost[0][i] = ssd(0, i);
    }
    // The best start of the last class never moves left as i grows (the within-class cost is Monge),
    // so each row is solved by divide and conquer: O(k n log n) instead of O(k n²), the same optimum
    // (the first of equal starts, as the full scan takes).
    for (std::size_t j = 1; j < k; ++j) {
        const std::vector<double>& before = cost[j - 1];
        std::vector<double>& row = cost[j];
        std::vector<std::size_t>& row_start = start[j];
        auto solve = [&](auto& self, std::size_t lo, std::size_t hi, std::size_t first, std::size_t last) -> void {
            const std::size_t i = lo + (hi - lo) / 2;
            for (std::size_t m = first; m <= std::min(i, last); ++m) {
                const double c = before[m - 1] + ssd(m, i);
                if (c < row[i]) {
                    row[i] = c;
                    row_start[i] = m;
                }
            }
            if (i > lo) {
                self(self, lo, i - 1, first, row_start[i]);
            }
            if (i < hi) {
                self(self, i + 1, hi, row_start[i], last);
            }
        };
        solve(solve, j, n - 1, j, n - 1);
    }
    std::vector<double> out(k + 1);
    out[k] = v[n - 1];
    std::size_t end = n - 1;
    for (std::size_t j = k - 1; j >= 1; --j) {
        const std::size_t m = start[j][end];
        out[j] = v[m - 1];  // upper bound of class j-1 = last value before class j starts
        end = m - 1;
    }
    out[0] = v[0];
    return dedupe(out);
}

std::vector<double> class_breaks(Classification method, std::vector<double> values, int classes, const std::vector<double>& fixed) {
    if (method == Classification::fixed) {
        return fixed;
    }
    values.erase(std::remove_if(values.begin(), values.end(), [](double d) { return !std::isfinite(d); }), values.end());
    if (values.empty()) {
        return {};
    }
    std::sort(values.begin(), values.end());
    switch (method) {
        case Classification::quantile: return quantile_breaks(values, classes);
        case Classification::equal_interval: return equal_interval_breaks(values, classes);
        case Classification::jenks: return jenks_breaks(values, classes);
        case Classification::fixed: break;
    }
    return fixed;
}

} // namespace buurt::style

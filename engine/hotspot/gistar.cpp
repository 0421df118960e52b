#include "engine/hotspot/gistar.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "engine/index/box_index.hpp"

namespace buurt::hotspot {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr std::array<double, 3> alphas{0.10, 0.05, 0.01};  // classes 1, 2, 3

double two_sided_p(double z) { return std::erfc(std::fabs(z) / std::sqrt(2.0)); }

} // namespace

std::vector<double> fdr_cutoffs(std::vector<double> p, const std::vector<double>& levels) {
    std::sort(p.begin(), p.end());
    const double m = static_cast<double>(p.size());
    std::vector<double> out;
    for (const double alpha : levels) {
        double cutoff = -1;  // below every p-value: nothing significant (0 is a real cutoff when p underflows)
        for (std::size_t k = p.size(); k-- > 0;) {
            if (p[k] <= static_cast<double>(k + 1) / m * alpha) {
                cutoff = p[k];
                break;
            }
        }
        out.push_back(cutoff);
    }
    return out;
}

GiResult gi_star(const std::vector<double>& x, const Neighbours& nb, const GiOptions& options) {
    GiResult r;
    const std::size_t n = x.size();
    r.z.assign(n, nan);
    r.p.assign(n, nan);
    r.hot_class.assign(n, 0);
    if (n < options.min_features) {
        r.status = "insufficient data: " + std::to_string(n) + " features, at least " + std::to_string(options.min_features) + " needed";
        return r;
    }
    const double dn = static_cast<double>(n);
    const double mean = std::accumulate(x.begin(), x.end(), 0.0) / dn;
    double sq = 0;
    for (const double v : x) {
        sq += (v - mean) * (v - mean);
    }
    const double s = std::sqrt(sq / dn);
    if (!(s > 0)) {
        r.status = "insufficient data: every feature has the same value";
        return r;
    }
    for (std::size_t i = 0; i < n; ++i) {
        // Binary weights, self included: w_ij = 1 for j = i and for every neighbour.
        double sum = x[i];
        for (const std::uint32_t j : nb[i]) {
            sum += x[j];
        }
        const double w = 1.0 + static_cast<double>(nb[i].size());
        const double denom = s * std::sqrt((dn * w - w * w) / (dn - 1.0));
        r.z[i] = denom > 0 ? (sum - mean * w) / denom : 0.0;  // a feature neighbouring all others says nothing
        r.p[i] = two_sided_p(r.z[i]);
    }
    std::vector<double> cut;
    if (options.fdr) {
        cut = fdr_cutoffs(r.p, {alphas.begin(), alphas.end()});
    } else {
        cut.assign(alphas.begin(), alphas.end());
    }
    for (std::size_t i = 0; i < n; ++i) {
        int level = 0;
        for (std::size_t k = 0; k < alphas.size(); ++k) {
            if (r.p[i] <= cut[k]) {
                level = static_cast<int>(k) + 1;
            }
        }
        r.hot_class[i] = r.z[i] > 0 ? level : -level;
    }
    r.sufficient = true;
    r.status = "ok";
    return r;
}

Neighbours distance_band(const std::vector<std::pair<double, double>>& pts, double band) {
    std::vector<geos::Envelope> env;
    env.reserve(pts.size());
    for (const auto& [x, y] : pts) {
        env.push_back({x, y, x, y});
    }
    const index::BoxIndex idx(env);
    Neighbours nb(pts.size());
    std::vector<std::uint32_t> hits;
    const double b2 = band * band;
    for (std::size_t i = 0; i < pts.size(); ++i) {
        const auto [x, y] = pts[i];
        idx.query(index::BBox(index::BPoint(x - band, y - band), index::BPoint(x + band, y + band)), hits);
        for (const std::uint32_t j : hits) {
            const double dx = pts[j].first - x;
            const double dy = pts[j].second - y;
            if (j != i && dx * dx + dy * dy <= b2) {
                nb[i].push_back(j);
            }
        }
    }
    return nb;
}

double default_band(const std::vector<std::pair<double, double>>& pts) {
    const std::size_t n = pts.size();
    if (n < 2) {
        return 0;
    }
    const std::size_t k = std::min(n - 1, std::clamp<std::size_t>(n / 20, 3, 30));
    namespace bgi = boost::geometry::index;
    using Value = std::pair<index::BPoint, std::uint32_t>;
    std::vector<Value> values;
    for (std::size_t i = 0; i < n; ++i) {
        values.emplace_back(index::BPoint(pts[i].first, pts[i].second), static_cast<std::uint32_t>(i));
    }
    const bgi::rtree<Value, bgi::quadratic<16>> tree(values.begin(), values.end());
    double total = 0;
    std::vector<Value> found;
    for (std::size_t i = 0; i < n; ++i) {
        found.clear();
        const index::BPoint p(pts[i].first, pts[i].second);
        tree.query(bgi::nearest(p, static_cast<unsigned>(k + 1)), std::back_inserter(found));  // +1: the point itself
        double kth = 0;
        for (const auto& v : found) {
            kth = std::max(kth, boost::geometry::distance(p, v.first));
        }
        total += kth;
    }
    return total / static_cast<double>(n);
}

} // namespace buurt::hotspot

#include "engine/crosswalk/crosswalk.hpp"

#include "engine/index/box_index.hpp"

namespace buurt::crosswalk {

std::vector<Link> overlaps(const std::vector<Area>& sources, const std::vector<Area>& targets) {
    std::vector<geos::Envelope> boxes;
    boxes.reserve(sources.size());
    for (const Area& s : sources) {
        boxes.push_back(s.envelope);
    }
    const index::BoxIndex tree(boxes);
    std::vector<Link> links;
    std::vector<std::uint32_t> hits;
    for (std::size_t t = 0; t < targets.size(); ++t) {
        tree.query(index::to_box(targets[t].envelope), hits);
        for (const std::uint32_t s : hits) {
            const double a = geos::area(geos::intersection(sources[s].geometry, targets[t].geometry));
            // Touching along a boundary gives an empty or zero-area intersection: no link.
            if (a > 0) {
                links.push_back({s, t, a});
            }
        }
    }
    return links;
}

Carried carry_over(const std::vector<Link>& links, const std::vector<Area>& sources, const std::vector<const Values*>& figures,
                   const std::vector<Area>& targets, const Fields& fields) {
    const std::size_t n = fields.is_count.size();
    Carried out;
    out.covered_m2.assign(targets.size(), 0.0);
    // Per target and field: the apportioned sum (counts) or the weighted sum and the sum of weights (means).
    std::vector<std::vector<double>> sum(targets.size()), weight(targets.size());
    std::vector<std::vector<bool>> reached(targets.size());
    for (const Link& l : links) {
        const Values* v = figures[l.source];
        if (v == nullptr) {
            continue;
        }
        out.covered_m2[l.target] += l.overlap_m2;
        if (sum[l.target].empty()) {
            sum[l.target].assign(n, 0.0);
            weight[l.target].assign(n, 0.0);
            reached[l.target].assign(n, false);
        }
        const double share = l.overlap_m2 / sources[l.source].area_m2;
        // The weight of a mean: apportioned inhabitants, else the overlap; none when the population is unknown.
        double w = l.overlap_m2;
        bool weighted = true;
        if (fields.population >= 0) {
            const auto& p = (*v)[static_cast<std::size_t>(fields.population)];
            weighted = p.has_value();
            w = weighted ? share * *p : 0.0;
        }
        for (std::size_t f = 0; f < n; ++f) {
            const auto& x = (*v)[f];
            if (!x) {
                continue;
            }
            if (fields.is_count[f]) {
                sum[l.target][f] += share * *x;
                reached[l.target][f] = true;
            } else if (weighted) {
                sum[l.target][f] += w * *x;
                weight[l.target][f] += w;
                reached[l.target][f] = true;
            }
        }
    }
    for (std::size_t t = 0; t < targets.size(); ++t) {
        if (sum[t].empty()) {
            continue;
        }
        Values values(n);
        for (std::size_t f = 0; f < n; ++f) {
            if (!reached[t][f]) {
                continue;
            }
            if (fields.is_count[f]) {
                values[f] = sum[t][f];
            } else if (weight[t][f] > 0) {  // all weight zero (nobody lives there): a mean of nobody is no value
                values[f] = sum[t][f] / weight[t][f];
            }
        }
        out.by_code.emplace(targets[t].code, std::move(values));
    }
    return out;
}

} // namespace buurt::crosswalk

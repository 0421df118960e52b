#pragma once
// Local Getis-Ord Gi* (Getis & Ord 1992; Ord & Getis 1995) with binary weights, the feature itself
// included, and Benjamini-Hochberg false-discovery-rate control for the classes.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace buurt::hotspot {

// neighbours[i]: the other features within the band of feature i (without i itself; Gi* adds it).
using Neighbours = std::vector<std::vector<std::uint32_t>>;

struct GiOptions {
    bool fdr = true;           // Benjamini-Hochberg on the p-values before classing
    std::size_t min_features = 30;
};

struct GiResult {
    bool sufficient = false;
    std::string status;           // "ok", or why nothing is classed ("insufficient data: ...")
    std::vector<double> z;        // uncorrected z-score (NaN when insufficient)
    std::vector<double> p;        // uncorrected two-sided p-value
    std::vector<int> hot_class;   // -3..+3: 99 / 95 / 90 % confidence (after FDR when on); 0 not significant
};

GiResult gi_star(const std::vector<double>& x, const Neighbours& neighbours, const GiOptions& options = {});

// Per confidence level 90/95/99 %: the largest p-value still significant after Benjamini-Hochberg at
// alpha = 0.10/0.05/0.01 (-1 when none is: a p-value that underflowed to 0 can be the cutoff).
std::vector<double> fdr_cutoffs(std::vector<double> p, const std::vector<double>& alphas);

// Pairs of points closer than `band` (binary distance-band weights), found with an R-tree.
Neighbours distance_band(const std::vector<std::pair<double, double>>& points, double band);

// The default band when none is given: the mean distance to the k-th nearest neighbour with
// k = clamp(floor(0.05 n), 3, 30) (the rule ArcGIS's Optimized Hot Spot Analysis falls back to).
double default_band(const std::vector<std::pair<double, double>>& points);

} // namespace buurt::hotspot

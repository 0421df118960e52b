#pragma once
// Class breaks computed from a run's own data.

#include <vector>

#include "engine/style/style.hpp"

namespace buurt::style {

// Ascending class boundaries (classes + 1 values, fewer when the data has fewer distinct values) for
// finite `values`. Quantile: R's type 7 (linear interpolation between order statistics). Equal
// interval: min..max in equal steps. Jenks: Fisher's exact optimum (minimal within-class squared
// deviation), on at most 3000 evenly spaced order statistics for large inputs. Fixed: the style's breaks.
std::vector<double> class_breaks(Classification method, std::vector<double> values, int classes, const std::vector<double>& fixed = {});

std::vector<double> quantile_breaks(const std::vector<double>& sorted, int classes);
std::vector<double> equal_interval_breaks(const std::vector<double>& sorted, int classes);
std::vector<double> jenks_breaks(const std::vector<double>& sorted, int classes);

} // namespace buurt::style

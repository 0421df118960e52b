#pragma once
// Rounds: what changed between the last round and the one before, per area and per street, with a
// change class that stays honest with the two to four rounds a Buurtbalans has (see README, "Rounds").

#include <string>
#include <string_view>
#include <vector>

#include "engine/aggregate/tally.hpp"
#include "engine/model/areas.hpp"
#include "engine/model/streets.hpp"
#include "engine/publish/disclosure.hpp"

namespace buurt::io {
class GpkgWriter;
}

namespace buurt::knowledge {

// Exact conditional test of two Poisson counts with equal effort per round: under "no change",
// k1 given k1 + k2 is Binomial(k1 + k2, 1/2). Two-sided: min(1, 2 P(X <= min(k1, k2))). 1 for 0 and 0.
double change_p_value(long long k1, long long k2);

enum class Change { too_few, appeared, gone, persistent, increased, decreased };
std::string_view change_name(Change c);  // the Dutch value of the change_class field

inline constexpr double change_alpha = 0.05;
// `before`, `after`: observations in the round before the last and in the last.
Change classify_change(long long before, long long after, int min_total);

// With two or more rounds: rounds_<level> for every area level and rounds_streets, rounds in text order
// ("2024-03" < "2024-09"), the last compared with the one before. Returns the tables written (none
// with fewer than two rounds).
std::vector<std::string> write_round_layers(io::GpkgWriter& w, const Areas& areas, const Streets* streets, const Aggregator& agg,
                                            const publish::Control& control, int min_total);

} // namespace buurt::knowledge

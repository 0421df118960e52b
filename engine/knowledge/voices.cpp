#include "engine/knowledge/voices.hpp"

#include <algorithm>
#include <cmath>

#include "engine/core/error.hpp"

namespace buurt::knowledge {

namespace {

// Shares of lines and polygons are sums of fractions: a tie must not turn into a direction by rounding.
int direction(const Voice& v) {
    const double eps = 1e-9 * (v.strength + v.concern);
    const double d = v.strength - v.concern;
    return d > eps ? 1 : d < -eps ? -1 : 0;
}

bool heard(const Voice& v, double min_weight) {
    const double w = v.strength + v.concern;
    return w > 0 && w >= min_weight;
}

} // namespace

Views compare_views(const Tally& t, const std::vector<std::string>& themes, double min_weight) {
    Views out;
    for (std::size_t s = 0; s < known_sources.size(); ++s) {
        if (t.sources[s] > 0) {
            out.sources_spoke += (out.sources_spoke.empty() ? "" : "+") + std::string(known_sources[s]);
        }
    }
    for (std::size_t k = 0; k < t.voices.size(); ++k) {
        const auto& [resident, professional] = t.voices[k];
        if (!heard(resident, min_weight) || !heard(professional, min_weight)) {
            continue;
        }
        if (direction(resident) == direction(professional)) {
            ++out.agree_themes;
        } else {
            ++out.differ_themes;
            out.differ_list += (out.differ_list.empty() ? "" : ", ") + (k < themes.size() ? themes[k] : std::string("other"));
        }
    }
    const bool residents = t.sources[0] > 0;
    const bool professionals = t.sources[1] > 0;
    out.views = out.differ_themes > 0          ? "verschil"
                : out.agree_themes > 0         ? "eens"
                : residents && !professionals  ? "alleen bewoners"
                : professionals && !residents  ? "alleen professionals"
                                               : "onbekend";
    return out;
}

std::vector<std::string> problem_flags(const std::vector<ProblemIndicator>& rules, const IndicatorTable& table, const AreaLevel& level) {
    std::vector<std::string> flags(level.areas.size());
    for (const ProblemIndicator& rule : rules) {
        const auto field = std::find(table.fields.begin(), table.fields.end(), rule.field);
        if (field == table.fields.end()) {
            continue;
        }
        const auto k = static_cast<std::size_t>(field - table.fields.begin());
        std::vector<std::optional<double>> values(level.areas.size());
        std::vector<double> sorted;  // worst first
        for (std::size_t a = 0; a < level.areas.size(); ++a) {
            const auto it = table.by_code.find(level.areas[a].code);
            if (it != table.by_code.end() && it->second[k]) {
                values[a] = *it->second[k];
                sorted.push_back(rule.high_is_worse ? -*values[a] : *values[a]);
            }
        }
        std::sort(sorted.begin(), sorted.end());
        for (std::size_t a = 0; a < level.areas.size(); ++a) {
            if (!values[a]) {
                continue;  // no figure points anywhere
            }
            bool problem = false;
            if (rule.threshold) {
                problem = rule.high_is_worse ? *values[a] > *rule.threshold : *values[a] < *rule.threshold;
            } else {
                // The worst fifth: fewer than a fifth of the areas with a figure are strictly worse.
                const double key = rule.high_is_worse ? -*values[a] : *values[a];
                const auto worse = std::lower_bound(sorted.begin(), sorted.end(), key) - sorted.begin();
                problem = static_cast<std::size_t>(worse) * 5 < sorted.size();
            }
            if (problem) {
                flags[a] += (flags[a].empty() ? "" : ", ") + rule.field;
            }
        }
    }
    return flags;
}

void check_problem_indicators(const Project& p, const std::vector<IndicatorTable>& tables) {
    for (const ProblemIndicator& rule : p.knowledge.problem_indicators) {
        std::string known;
        bool found = false;
        for (const IndicatorTable& t : tables) {
            found = found || std::find(t.fields.begin(), t.fields.end(), rule.field) != t.fields.end();
            for (const std::string& f : t.fields) {
                known += (known.empty() ? "" : ", ") + f;
            }
        }
        if (!found) {
            throw config_error(p.origin + ": [knowledge] problem_indicators: field '" + rule.field + "' is no indicator of any [[indicators]] table (" +
                               (known.empty() ? "there are none" : "known: " + known) + ")");
        }
    }
}

std::string blind_spot(const Tally& t, double population, bool problem) {
    if (t.observations() == 0) {
        // An area without a population figure may be inhabited: silence there is a blind spot too.
        return population == 0 ? "onbewoond" : "niemand";
    }
    if (problem && t.concern == 0) {
        return "cijfers zonder signaal";
    }
    return t.sources_heard() <= 1 ? "één bron" : "meer bronnen";
}

} // namespace buurt::knowledge

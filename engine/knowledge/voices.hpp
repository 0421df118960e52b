#pragma once
// Who spoke where: which sources said something about an area or street, whether residents and
// professionals point the same way per theme, and where the picture has blind spots. The rules are in
// the README ("Who spoke where"); this is their one implementation.

#include <string>
#include <vector>

#include "engine/aggregate/tally.hpp"
#include "engine/model/areas.hpp"
#include "engine/model/indicators.hpp"
#include "engine/project/project.hpp"

namespace buurt::knowledge {

struct Views {
    std::string sources_spoke;  // "bewoner+professional"; empty when nobody spoke
    int agree_themes = 0;
    int differ_themes = 0;
    std::string differ_list;    // "overlast, groen" in the project's theme order
    std::string views;          // eens, verschil, alleen bewoners, alleen professionals, onbekend
};

// `min_weight`: a source's direction in a theme counts only when its strengths + concerns there reach
// it. 0 when not publishing; the publish threshold when publishing, so that no published direction
// rests on fewer observations than a published count may.
Views compare_views(const Tally& t, const std::vector<std::string>& themes, double min_weight);

// For each area of `level`, the indicators of `rules` that point to a problem there, joined by ", "
// ("" for none). Rules whose field `table` lacks are skipped (they apply to another level).
std::vector<std::string> problem_flags(const std::vector<ProblemIndicator>& rules, const IndicatorTable& table, const AreaLevel& level);

// A rule whose field is no indicator of any level would flag nothing, silently: a project error.
void check_problem_indicators(const Project& p, const std::vector<IndicatorTable>& tables);

// niemand, onbewoond, cijfers zonder signaal, één bron or meer bronnen. `population` is NaN when not known.
std::string blind_spot(const Tally& t, double population, bool problem);

} // namespace buurt::knowledge

#include "engine/publish/disclosure.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/io/gpkg_writer.hpp"
#include "engine/style/symbology.hpp"

namespace buurt::publish {

namespace {
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
}

double CountRow::balance() const {
    if (std::isnan(strength) || std::isnan(concern) || strength + concern <= 0) {
        return nan;
    }
    return (strength - concern) / (strength + concern);
}

double Control::count(double v) const {
    if (!m_spec.enabled || v == 0 || std::isnan(v)) {
        return v;
    }
    const double t = m_spec.threshold;
    if (v < t) {
        return nan;
    }
    return m_spec.method == DisclosureMethod::round ? t * std::round(v / t) : v;
}

// The second cell of a sum whose total is published: with one cell alone hidden, the total minus the
// others would give it back.
bool Control::hide_second(double total, const std::vector<double*>& cells) const {
    if (m_spec.method == DisclosureMethod::round || std::isnan(total)) {
        return false;  // rounded cells do not add up to the total
    }
    double* second = nullptr;
    int hidden = 0;
    for (double* c : cells) {
        if (std::isnan(*c)) {
            ++hidden;
        } else if (*c > 0 && (second == nullptr || *c < *second)) {
            second = c;
        }
    }
    if (hidden != 1 || second == nullptr) {
        return false;
    }
    *second = nan;
    return true;
}

void Control::group(double total, const std::vector<double*>& cells) const {
    for (double* c : cells) {
        *c = count(*c);
    }
    if (m_spec.enabled) {
        hide_second(count(total), cells);
    }
}

CountRow Control::row(const Tally& t) const {
    CountRow r{count(static_cast<double>(t.observations())),
               count(static_cast<double>(t.n_points)),
               count(static_cast<double>(t.n_shapes)),
               count(t.w_shapes),
               count(t.total()),
               count(t.strength),
               count(t.concern),
               count(t.neutral),
               {},
               {}};
    for (const double v : t.themes) {
        r.themes.push_back(count(v));
    }
    for (std::size_t k = 0; k < t.sources.size(); ++k) {
        r.sources[k] = count(t.sources[k]);
    }
    if (!m_spec.enabled) {
        return r;
    }
    std::vector<double*> themes;
    for (double& v : r.themes) {
        themes.push_back(&v);
    }
    std::vector<double*> sources;
    for (double& v : r.sources) {
        sources.push_back(&v);
    }
    // Points are in two sums (n_obs = points + shapes, w_total = points + shape shares): a second cell
    // hidden in one sum can leave a lone hidden cell in the other, so repeat until nothing changes.
    for (bool changed = true; changed;) {
        changed = hide_second(r.n_obs, {&r.n_points, &r.n_shapes});
        changed |= hide_second(r.w_total, {&r.n_points, &r.w_shapes});
        changed |= hide_second(r.w_total, {&r.strength, &r.concern, &r.neutral});
        changed |= hide_second(r.w_total, themes);
        changed |= hide_second(r.w_total, sources);
    }
    return r;
}

std::string Control::note() const {
    const std::string t = std::to_string(m_spec.threshold);
    std::string how = m_spec.method == DisclosureMethod::round ? "aantallen onder " + t + " weggelaten, de rest afgerond op veelvouden van " + t
                                                               : "aantallen onder " + t + " weggelaten (ook een tweede waar anders terug te rekenen)";
    return "Beschermd voor publicatie: " + how + "; geen losse waarnemingen, teksten of warmtekaart";
}

std::string Control::describe(const std::string& description) const {
    return m_spec.enabled ? description + " — " + note() : description;
}

std::string Control::describe_json() const {
    nlohmann::ordered_json j;
    j["threshold"] = m_spec.threshold;
    j["method"] = m_spec.method == DisclosureMethod::round ? "round" : "suppress";
    j["rule"] = "no count of observations from 1 to threshold - 1 is shown; 0 stays 0; hidden values are NULL";
    j["left_out"] = {"observations, observation_lines, observation_areas, observation_multipoints, observation_shares (with their texts and input fields)",
                     "heatmap", "Gi* z and p (only the classes)", "ids and values in the run report's notes on observation inputs"};
    j["note"] = note();
    return j.dump(2);
}

void mark_protected(style::Symbology& sym, int threshold, const style::ValueCounts& values) {
    sym.title += " (beschermd)";
    // Only numbers can be hidden counts; a NULL hotspot class means "not classed", not "hidden".
    const bool numeric = std::any_of(sym.rules.begin(), sym.rules.end(), [](const style::Rule& r) {
        return r.test == style::Rule::Test::range || (r.test == style::Rule::Test::equals && r.numeric);
    });
    const bool has_null = std::any_of(values.begin(), values.end(), [](const auto& v) { return !v.first; });
    if (!numeric || !has_null) {
        return;
    }
    const std::string hidden = "minder dan " + std::to_string(threshold) + ": niet getoond";
    const auto existing = std::find_if(sym.rules.begin(), sym.rules.end(), [](const style::Rule& r) { return r.test == style::Rule::Test::is_null; });
    if (existing != sym.rules.end()) {
        existing->label += " of " + hidden;
        return;
    }
    style::Rule r;
    r.test = style::Rule::Test::is_null;
    r.field = sym.field;
    r.label = hidden;
    r.symbol = sym.rules.front().symbol;
    r.symbol.fill = {230, 230, 230, 255};
    r.symbol.hatch = true;
    sym.rules.insert(sym.rules.begin(), r);
}

void label_outputs(io::GpkgWriter& w, const Control& control) {
    if (!control.active()) {
        return;
    }
    std::string quoted;
    for (const char c : " — " + control.note()) {
        quoted += c;
        if (c == '\'') {
            quoted += '\'';
        }
    }
    // GDAL writes its own tables' descriptions when it closes the file: those come from describe().
    w.execute_sql("UPDATE gpkg_contents SET description = coalesce(description, '') || '" + quoted + "' WHERE table_name = 'layer_styles'");
    w.metadata("buurtbalans_publish", control.describe_json());
}

} // namespace buurt::publish

#include "engine/knowledge/rounds.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>

#include "engine/io/gpkg_writer.hpp"

namespace buurt::knowledge {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr std::array<std::string_view, 6> change_names{"te weinig om iets te zeggen", "nieuw", "verdwenen", "blijvend", "toegenomen", "afgenomen"};

// P(X = j) for X ~ Binomial(n, 1/2), through logarithms: a city's counts overflow any binomial coefficient.
double binomial_half(long long n, long long j) {
    const double dn = static_cast<double>(n);
    const double dj = static_cast<double>(j);
    return std::exp(std::lgamma(dn + 1) - std::lgamma(dj + 1) - std::lgamma(dn - dj + 1) - dn * std::log(2.0));
}

struct RoundRow {
    std::vector<double> n, strength, concern;
};

// The per-round figures of one tally in text order, protected: the rounds plus the observations
// without a round add up to the published totals, so each sum is protected as a group.
RoundRow round_row(const Tally& t, const std::vector<int>& order, const publish::Control& control) {
    RoundRow r;
    for (const int k : order) {
        const RoundTally rt = static_cast<std::size_t>(k) < t.rounds.size() ? t.rounds[k] : RoundTally{};
        r.n.push_back(static_cast<double>(rt.n_obs));
        r.strength.push_back(rt.strength);
        r.concern.push_back(rt.concern);
    }
    auto protect = [&](std::vector<double>& cells, double total) {
        double without_round = std::max(0.0, total - std::accumulate(cells.begin(), cells.end(), 0.0));
        std::vector<double*> ptrs{&without_round};
        for (double& c : cells) {
            ptrs.push_back(&c);
        }
        control.group(total, ptrs);
    };
    protect(r.n, static_cast<double>(t.observations()));
    protect(r.strength, t.strength);
    protect(r.concern, t.concern);
    return r;
}

} // namespace

double change_p_value(long long k1, long long k2) {
    const long long n = k1 + k2;
    const long long low = std::min(k1, k2);
    // Terms fall away from the centre: summing downwards from `low` can stop once they no longer count.
    double tail = 0;
    for (long long j = low; j >= 0; --j) {
        const double term = binomial_half(n, j);
        tail += term;
        if (term < tail * 1e-17) {
            break;
        }
    }
    return std::min(1.0, 2.0 * tail);
}

std::string_view change_name(Change c) { return change_names[static_cast<std::size_t>(c)]; }

Change classify_change(long long before, long long after, int min_total) {
    if (before + after < min_total) {
        return Change::too_few;
    }
    if (before == 0) {
        return Change::appeared;
    }
    if (after == 0) {
        return Change::gone;
    }
    if (change_p_value(before, after) >= change_alpha) {
        return Change::persistent;
    }
    return after > before ? Change::increased : Change::decreased;
}

std::vector<std::string> write_round_layers(io::GpkgWriter& w, const Areas& areas, const Streets* streets, const Aggregator& agg,
                                            const publish::Control& control, int min_total) {
    std::vector<std::string> names = agg.rounds();
    std::sort(names.begin(), names.end());
    if (names.size() < 2) {
        return {};
    }
    std::vector<int> order;
    for (const std::string& name : names) {
        order.push_back(static_cast<int>(std::find(agg.rounds().begin(), agg.rounds().end(), name) - agg.rounds().begin()));
    }
    const std::size_t last = names.size() - 1;
    std::string legend;
    nlohmann::ordered_json meta{{"compared", {names[last - 1], names[last]}}, {"min_total", min_total}, {"alpha", change_alpha}};
    for (std::size_t k = 0; k < names.size(); ++k) {
        legend += (k == 0 ? "" : ", ") + std::string("r") + std::to_string(k + 1) + " = " + names[k];
        meta["rounds"]["r" + std::to_string(k + 1)] = names[k];
    }
    const std::string compared = names[last - 1] + " → " + names[last];

    std::vector<io::FieldDef> common{{"rounds_compared", io::FieldType::text}};
    for (std::size_t k = 0; k < names.size(); ++k) {
        common.push_back({"n_r" + std::to_string(k + 1), io::FieldType::integer});
    }
    for (std::size_t k = 0; k < names.size(); ++k) {
        common.push_back({"balance_r" + std::to_string(k + 1), io::FieldType::real});
    }
    for (const char* f : {"change", "p_change"}) {
        common.push_back({f, io::FieldType::real});
    }
    common.push_back({"change_class", io::FieldType::text});

    auto write_row = [&](io::LayerWriter& lw, int i, const Tally& t, const geos::Geometry& g) {
        const RoundRow r = round_row(t, order, control);
        lw.set(i++, compared);
        for (const double n : r.n) {
            if (!std::isnan(n)) {
                lw.set(i, std::llround(n));
            }
            ++i;
        }
        for (std::size_t k = 0; k < names.size(); ++k) {
            publish::CountRow balance;
            balance.strength = r.strength[k];
            balance.concern = r.concern[k];
            lw.set(i++, balance.balance());
        }
        const double before = r.n[last - 1];
        const double after = r.n[last];
        lw.set(i++, after - before);  // NaN (NULL) when either is hidden
        const long long exact_before = static_cast<std::size_t>(order[last - 1]) < t.rounds.size() ? t.rounds[order[last - 1]].n_obs : 0;
        const long long exact_after = static_cast<std::size_t>(order[last]) < t.rounds.size() ? t.rounds[order[last]].n_obs : 0;
        // Published: p can be solved back to the counts, and a class from a hidden count would narrow it down.
        lw.set(i++, control.active() ? nan : change_p_value(exact_before, exact_after));
        const bool hidden = std::isnan(before) || std::isnan(after);
        lw.set(i++, std::string(change_name(hidden ? Change::too_few : classify_change(exact_before, exact_after, min_total))));
        lw.set_geometry(g);
        lw.write();
    };

    std::vector<std::string> tables;
    const std::string what = "Observations per round and the change from " + compared + " (" + legend + ")";
    for (std::size_t l = 0; l < areas.levels.size(); ++l) {
        const AreaLevel& level = areas.levels[l];
        std::vector<io::FieldDef> f{{"code", io::FieldType::text}, {"name", io::FieldType::text}};
        f.insert(f.end(), common.begin(), common.end());
        const std::string table = "rounds_" + std::string(level_layer_name(level.level));
        io::LayerWriter lw = w.layer(table, io::GeometryType::multi_polygon, f, control.describe(what + ", per " + std::string(level_name(level.level))));
        for (std::size_t a = 0; a < level.areas.size(); ++a) {
            lw.set(0, level.areas[a].code);
            lw.set(1, level.areas[a].name);
            write_row(lw, 2, agg.area(static_cast<int>(l), static_cast<int>(a)), level.areas[a].geometry);
        }
        tables.push_back(table);
    }
    if (streets != nullptr) {
        std::vector<io::FieldDef> f{{"name", io::FieldType::text}};
        f.insert(f.end(), common.begin(), common.end());
        io::LayerWriter lw = w.layer("rounds_streets", io::GeometryType::multi_line, f, control.describe(what + ", per named street"));
        for (std::size_t s = 0; s < streets->streets.size(); ++s) {
            lw.set(0, streets->streets[s].name);
            write_row(lw, 1, agg.street(static_cast<int>(s)), streets->streets[s].geometry);
        }
        tables.push_back("rounds_streets");
    }
    w.metadata("buurtbalans_rounds", meta.dump());
    return tables;
}

} // namespace buurt::knowledge

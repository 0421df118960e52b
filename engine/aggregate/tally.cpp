#include "engine/aggregate/tally.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace buurt {

double Tally::balance() const {
    const double s = strength + concern;
    return s > 0 ? (strength - concern) / s : std::numeric_limits<double>::quiet_NaN();
}

int Tally::sources_heard() const {
    return static_cast<int>(std::count_if(sources.begin(), sources.begin() + 3, [](double v) { return v > 0; }));
}

Aggregator::Aggregator(const Areas& areas, std::size_t streets, std::size_t pieces, const std::vector<std::string>& themes) : m_themes(themes) {
    Tally empty;
    empty.themes.assign(themes.size() + 1, 0.0);
    empty.voices.assign(themes.size() + 1, {});
    for (const auto& level : areas.levels) {
        m_levels.emplace_back(level.areas.size(), empty);
    }
    m_streets.assign(streets, empty);
    m_pieces.assign(pieces, empty);
    m_per_level.assign(areas.levels.size(), 0);
}

int Aggregator::theme_index(const std::string& theme) const {
    const auto it = std::find(m_themes.begin(), m_themes.end(), theme);
    return static_cast<int>(it - m_themes.begin());  // == size(): "other"
}

int Aggregator::source_index(const std::string& source) {
    for (std::size_t i = 0; i < known_sources.size(); ++i) {
        if (source == known_sources[i]) {
            return static_cast<int>(i);
        }
    }
    return 3;
}

int Aggregator::round_index(const std::string& round) {
    if (round.empty()) {
        return -1;
    }
    const auto [it, added] = m_round_index.try_emplace(round, static_cast<int>(m_rounds.size()));
    if (added) {
        m_rounds.push_back(round);
    }
    return it->second;
}

void Aggregator::count(Tally& t, const Observation& o, double weight, bool as_point, int theme, int source, int round) const {
    if (as_point) {
        ++t.n_points;
    } else {
        ++t.n_shapes;
        t.w_shapes += weight;
    }
    (o.valence > 0 ? t.strength : o.valence < 0 ? t.concern : t.neutral) += weight;
    t.themes[theme] += weight;
    t.sources[source] += weight;
    if (source < 2 && o.valence != 0) {
        Voice& v = t.voices[theme][source];
        (o.valence > 0 ? v.strength : v.concern) += weight;
    }
    if (round >= 0) {
        if (t.rounds.size() <= static_cast<std::size_t>(round)) {
            t.rounds.resize(round + 1);
        }
        RoundTally& rt = t.rounds[round];
        ++rt.n_obs;
        if (o.valence != 0) {
            (o.valence > 0 ? rt.strength : rt.concern) += weight;
        }
    }
}

void Aggregator::add(const Observation& o, const JoinResult& r) {
    const int theme = theme_index(o.theme);
    const int source = source_index(o.source);
    const int round = round_index(o.round);
    const bool point = o.kind == Kind::point;
    if (r.finest < 0) {
        ++m_outside;
    } else {
        ++m_per_level[r.finest];
    }
    m_tie_broken += r.tie_broken ? 1 : 0;
    if (point) {
        for (std::size_t l = 0; l < m_levels.size(); ++l) {
            if (r.area[l] >= 0) {
                count(m_levels[l][r.area[l]], o, 1.0, true, theme, source, round);
            }
        }
    } else {
        for (const Share& s : r.level_shares) {
            count(m_levels[s.level][s.area], o, s.share, false, theme, source, round);
        }
        const bool outside_part = std::any_of(r.pieces.begin(), r.pieces.end(), [](const Share& s) { return s.level < 0; });
        m_partly_outside += (outside_part && r.finest >= 0) ? 1 : 0;
    }
    if (r.street >= 0) {
        ++m_with_street;
        count(m_streets[r.street], o, 1.0, point, theme, source, round);
        if (static_cast<std::size_t>(r.piece) < m_pieces.size()) {
            count(m_pieces[r.piece], o, 1.0, point, theme, source, round);
        }
    }
}

} // namespace buurt

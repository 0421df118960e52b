#pragma once
// Per-area and per-street counts. Integer point counts and weighted shares of lines and polygons are
// kept apart; every category (valence, theme, source) is a weighted total = points + shares.

#include <array>
#include <map>
#include <string>
#include <vector>

#include "engine/join/joiner.hpp"
#include "engine/model/observation.hpp"

namespace buurt {

inline constexpr std::array<const char*, 3> known_sources{"bewoner", "professional", "cijfers"};

// What one source said about one theme, weighted: its direction is the sign of strength - concern.
struct Voice {
    double strength = 0;
    double concern = 0;
};

// One round's part of a tally: observations touching (as n_obs) and weighted strengths and concerns.
struct RoundTally {
    long long n_obs = 0;
    double strength = 0;
    double concern = 0;
};

struct Tally {
    long long n_points = 0;
    long long n_shapes = 0;
    double w_shapes = 0;
    double strength = 0;
    double concern = 0;
    double neutral = 0;
    std::vector<double> themes;          // one per project theme, then "other"
    std::array<double, 4> sources{};     // bewoner, professional, cijfers, other
    // Per theme (as `themes`): residents, professionals. Kept apart from `themes` because only these
    // two are compared ("Who spoke where").
    std::vector<std::array<Voice, 2>> voices;
    std::vector<RoundTally> rounds;      // by Aggregator::rounds() index; shorter when later rounds did not come here

    double total() const { return static_cast<double>(n_points) + w_shapes; }
    long long observations() const { return n_points + n_shapes; }
    // (strengths - concerns) / (strengths + concerns): -1 only concerns, +1 only strengths; NaN when neither.
    double balance() const;
    int sources_heard() const;
};

class Aggregator {
public:
    // pieces: how many street pieces to tally (0: none; observations still get their street's tally).
    Aggregator(const Areas& areas, std::size_t streets, std::size_t pieces, const std::vector<std::string>& themes);

    void add(const Observation& o, const JoinResult& r);

    const Tally& area(int level, int index) const { return m_levels[level][index]; }
    const Tally& street(int index) const { return m_streets[index]; }
    const Tally& piece(int index) const { return m_pieces[index]; }
    long long outside() const { return m_outside; }
    long long partly_outside() const { return m_partly_outside; }
    long long tie_broken() const { return m_tie_broken; }
    long long with_street() const { return m_with_street; }
    long long per_level(int level) const { return m_per_level[level]; }
    int theme_index(const std::string& theme) const;
    // Rounds in the order they were first seen; observations without a round are in none.
    const std::vector<std::string>& rounds() const { return m_rounds; }
    static int source_index(const std::string& source);

private:
    void count(Tally& t, const Observation& o, double weight, bool as_point, int theme, int source, int round) const;
    int round_index(const std::string& round);

    std::vector<std::string> m_themes;
    std::vector<std::string> m_rounds;
    std::map<std::string, int, std::less<>> m_round_index;
    std::vector<std::vector<Tally>> m_levels;
    std::vector<Tally> m_streets;
    std::vector<Tally> m_pieces;
    std::vector<long long> m_per_level;  // observations whose finest level is this one
    long long m_outside = 0;
    long long m_partly_outside = 0;
    long long m_tie_broken = 0;
    long long m_with_street = 0;
};

} // namespace buurt

#pragma once
// Streams the observations of one input, normalised: theme, valence and source mapped through the
// project's value maps, geometries checked. Features that cannot be used are skipped and reported.

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/io/vector_source.hpp"
#include "engine/model/observation.hpp"
#include "engine/project/project.hpp"
#include "engine/report/report.hpp"

namespace buurt::io {

class ObservationReader {
public:
    // Without `attributes` only the fields the project maps are read and Observation::attributes stays
    // empty (a run that writes no observation layer never looks at them).
    ObservationReader(const Project& project, int input, Report& report, bool attributes = true);

    bool next(Observation& out);  // false at the end
    const SourceInfo& info() const { return m_source.info(); }

private:
    // What a text of a role becomes, and the counter of unknown values it adds to (null: a known value).
    struct Normalised {
        std::string value;
        long long* unknown = nullptr;
    };
    std::string normalise(Role role, const RawFeature& f);
    Normalised map_value(Role role, const std::string& raw);
    int valence_of(const std::string& raw);
    // The id as used: a repeated id gets " (2)", " (3)"... so that every observation of an input has
    // its own id in the outputs; the rename is reported. Only for ids from an id field (FIDs are unique).
    std::string unique_id(std::string id);

    const Project& m_project;
    const ObservationSpec& m_spec;
    int m_input;
    VectorSource m_source;
    InputReport& m_report;
    bool m_attributes;
    RawFeature m_raw;  // reused: its buffers outlive a feature
    // Sessions use a handful of words per role over millions of rows: each distinct text is mapped once.
    std::array<std::unordered_map<std::string, Normalised>, all_roles.size()> m_memo;
    int m_id_field = -1;
    std::array<int, all_roles.size()> m_fields{};
    std::deque<Observation> m_pending;  // parts of a multi-point split into observations
    // Ids seen, as 64-bit hashes in an open-addressing table (8 bytes an id: millions of observations
    // stay cheap); the few repeated ones with how often they were seen.
    std::vector<std::uint64_t> m_seen;
    std::size_t m_seen_count = 0;
    std::unordered_map<std::uint64_t, int> m_repeats;
    bool m_finished = false;
};

// The normalised value of a theme, source or valence text: trimmed, lower case.
std::string canonical(const std::string& raw);

} // namespace buurt::io

#pragma once
// Streams the observations of one input, normalised: theme, valence and source mapped through the
// project's value maps, geometries checked. Features that cannot be used are skipped and reported.

#include <deque>
#include <string>

#include "engine/io/vector_source.hpp"
#include "engine/model/observation.hpp"
#include "engine/project/project.hpp"
#include "engine/report/report.hpp"

namespace buurt::io {

class ObservationReader {
public:
    ObservationReader(const Project& project, int input, Report& report);

    bool next(Observation& out);  // false at the end
    const SourceInfo& info() const { return m_source.info(); }

private:
    std::string normalise(Role role, const RawFeature& f);
    int valence_of(const std::string& raw);

    const Project& m_project;
    const ObservationSpec& m_spec;
    int m_input;
    VectorSource m_source;
    InputReport& m_report;
    int m_id_field = -1;
    std::array<int, all_roles.size()> m_fields{};
    std::deque<Observation> m_pending;  // parts of a multi-point split into observations
};

// The normalised value of a theme, source or valence text: trimmed, lower case.
std::string canonical(const std::string& raw);

} // namespace buurt::io

#pragma once
// What was read, repaired, skipped and found wrong: the validate report, and the first part of a run report.

#include <cstddef>
#include <iosfwd>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "engine/io/vector_source.hpp"

namespace buurt {

struct FeatureNote {
    std::string id;      // the feature's id as the user knows it
    std::string detail;  // what was wrong, what was done
};

struct InputReport {
    static constexpr std::size_t max_notes = 200;  // per list; the counts stay exact

    std::string role;  // "areas.buurt", "streets", "observations: ronde1", "indicators"
    io::SourceInfo source;
    std::map<std::string, long long> geometry_types;
    std::map<std::string, std::string> mapping;  // role -> field, or "default 'x'"
    long long read = 0;
    long long used = 0;
    long long repaired_count = 0;
    long long skipped_count = 0;
    std::vector<FeatureNote> repaired;
    std::vector<FeatureNote> skipped;
    std::map<std::string, std::map<std::string, long long>> unknown_values;  // role -> value -> features

    void repair(std::string id, std::string detail);
    void skip(std::string id, std::string detail);
};

struct HierarchyProblem {
    std::string level;
    std::string code;
    std::string kind;  // duplicate_code, overlap, unknown_parent_code, no_parent, ambiguous_parent, outside_parent
    std::string detail;
};

struct LevelSummary {
    std::string level;
    long long areas = 0;
    std::string parent_link;  // "code field 'wijk_code'", "largest overlap", or "" for the coarsest
};

// Indicators carried over from another area scheme: which areas overlap, and how much of each run area the
// figures rest on (see README, "Indicators from another area scheme").
struct CrosswalkLink {
    std::string source_code;  // area of the indicators' own scheme
    std::string target_code;  // area of the run at the indicators' level
    double overlap_m2 = 0;
    double share_of_source = 0;
    double share_of_target = 0;
};

struct CrosswalkCoverage {
    std::string code;         // run area
    double area_m2 = 0;
    double covered_m2 = 0;    // overlapped by scheme areas that have figures
    double coverage = 0;      // covered_m2 / area_m2
    bool low = false;         // coverage below the input's min_coverage
};

struct CrosswalkReport {
    std::string input;  // the indicator table's file name, as in the outputs' `input` field
    std::string level;
    double min_coverage = 0;
    std::vector<CrosswalkLink> links;          // by target code, then source code
    std::vector<CrosswalkCoverage> coverage;   // every area of the level, in its order
};

struct Report {
    std::string project;
    std::string origin;
    std::string crs;
    std::deque<InputReport> inputs;  // a deque: readers keep references while others are added
    std::vector<LevelSummary> levels;
    std::vector<HierarchyProblem> hierarchy;
    std::map<std::string, long long> counts;  // run figures: observations joined, outside, per level...
    std::vector<std::string> hotspot_notes;   // layers where the data cannot carry a hotspot conclusion
    std::vector<CrosswalkReport> crosswalks;
    // Wall seconds per phase of a run, in order ("read areas and streets", "join", "write summaries"...):
    // where the time goes on the user's data, without a profiler.
    std::vector<std::pair<std::string, double>> timings;

    InputReport& add_input(std::string role, const io::SourceInfo& info);
};

std::string to_json_text(const Report& r);
void print_text(const Report& r, std::ostream& out);

} // namespace buurt

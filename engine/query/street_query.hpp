#pragma once
// "Which streets are the hotspots?": streets ranked from a run's GeoPackage, for any filter of the
// observations, with Gi* recomputed on the street pieces for exactly that filter.

#include <optional>
#include <string>
#include <vector>

namespace buurt::query {

struct StreetFilter {
    std::string theme;
    std::optional<int> valence;
    std::string source;
    std::string round;
    std::string area;  // a code of any level: block, buurt, wijk, gebied or stadsdeel
    bool fdr = true;

    std::string describe() const;
};

struct SegmentRow {
    std::string street;
    int segment = 0;
    double length_m = 0;
    long long n_obs = 0, n_strength = 0, n_concern = 0, n_neutral = 0;
    double per_100m = 0;
    double z = 0, p = 0;  // Gi* of the filtered counts (NaN when insufficient)
    std::optional<int> hot_class;
};

struct StreetRow {
    std::string name;
    double length_m = 0;
    long long n_obs = 0, n_strength = 0, n_concern = 0, n_neutral = 0;
    double per_100m = 0;
    int hot_segments = 0;  // pieces in a hotspot at >= 95 % confidence
    std::optional<int> max_class;
};

struct StreetAnswer {
    std::string status;  // Gi* status: "ok" or why nothing is classed
    std::vector<StreetRow> streets;    // ranked: most observations, then per 100 m, then name
    std::vector<SegmentRow> segments;  // every piece, in street and segment order
};

StreetAnswer streets_for(const std::string& gpkg, const StreetFilter& filter);

} // namespace buurt::query

#pragma once
// The project: everything a run needs to know, from a TOML file, command-line flags, or both.
// Command-line flags are turned into the same TOML tables as the file, so there is one parser.

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace buurt {

// Area levels, finest first. The order is the roll-up order.
enum class Level { block = 0, buurt = 1, wijk = 2, gebied = 3, stadsdeel = 4 };
inline constexpr std::array<Level, 5> all_levels{Level::block, Level::buurt, Level::wijk, Level::gebied, Level::stadsdeel};

std::string_view level_name(Level l);         // "block", "buurt", ...
std::string_view level_layer_name(Level l);   // output layer: "blocks", "buurten", ...
std::string_view level_code_field(Level l);   // code column in outputs: "block_code", "buurt_code", ...
std::optional<Level> parse_level(std::string_view s);  // also accepts the Dutch "bouwblok"

// Where features come from: any GDAL vector source.
struct SourceSpec {
    std::string path;       // file path (resolved against the project folder) or a GDAL connection string
    std::string layer;      // empty: the source must have exactly one layer
    std::string sql;        // instead of a layer: a query in the source's SQL (PostgreSQL's for a PG: source)
    std::string crs;        // CRS to assume when the source declares none; empty: none may be assumed
    std::string x_field;    // CSV point columns (lon/lat or x/y) ...
    std::string y_field;
    std::string wkt_field;  // ... or a WKT column
    std::string display() const;  // "file.gpkg (layer)"; a PG: source without its password
};

struct AreaLevelSpec {
    Level level = Level::buurt;
    SourceSpec source;
    std::string code_field;
    std::string name_field;    // optional
    std::string parent_field;  // optional: code of the parent at the next coarser level present
};

struct StreetSpec {
    SourceSpec source;
    std::string name_field;
    double max_distance = 30.0;     // metres: an observation farther from every street gets none
    double segment_length = 50.0;   // metres: centre lines are cut into pieces this long for hotspots
    double network_distance = 0.0;  // metres along the network that make pieces neighbours; 0: default band
};

// Local Gi* hotspots and the heat map.
struct HotspotSpec {
    std::vector<Level> levels{Level::block, Level::buurt};  // area levels that get Gi* fields
    double area_distance = 0.0;  // distance band between area centroids; 0: default band
    double hex_size = 100.0;     // hexagon grid cell width (flat to flat); 0: no hexagon layer
    bool fdr = true;
    int min_features = 30;
    double heat_radius = 150.0;  // metres
    double heat_cell = 10.0;     // metres
};

// The normalised attributes every observation has, whatever its source calls them.
enum class Role { theme, valence, source, session, round, date, text };
inline constexpr std::array<Role, 7> all_roles{Role::theme, Role::valence, Role::source, Role::session, Role::round, Role::date, Role::text};
std::string_view role_name(Role r);

struct ObservationSpec {
    std::string name;  // label in reports
    SourceSpec source;
    std::string id_field;                                       // empty: the feature id (FID)
    std::map<Role, std::string> fields;                         // role -> field in the source
    std::map<Role, std::map<std::string, std::string>> values;  // role -> raw value -> normalised value
    std::map<Role, std::string> defaults;                       // role -> value when the source lacks the field
    bool split_multipoint = false;  // a multi-point is one observation unless the project says otherwise
};

// The polygons of the area scheme an indicator table is keyed by, when that is not one of the run's levels
// (CBS 2021 figures on 2015 buurten, areas of 2022): the figures are carried over by area overlap.
struct IndicatorAreasSpec {
    SourceSpec source;
    std::string code_field;     // matches the indicator table's code
    double min_coverage = 0.95; // a run area less covered than this by areas with figures is flagged
};

struct IndicatorSpec {
    SourceSpec source;
    Level level = Level::buurt;
    std::string code_field;
    std::vector<std::string> fields;  // empty: every numeric column except the code
    std::string population_field;     // optional: inhabitants, normalises counts per 1,000
    std::optional<IndicatorAreasSpec> areas;  // absent: the codes are those of `level`
    std::vector<std::string> counts;          // with `areas`: fields apportioned by area, not averaged
};

// Disclosure control for outputs that leave the team: no count of observations from 1 to threshold - 1
// survives in any output (see README, "Publishing safely").
enum class DisclosureMethod { suppress, round };
struct PublishSpec {
    bool enabled = false;
    int threshold = 5;
    DisclosureMethod method = DisclosureMethod::suppress;  // round: also round the rest to multiples of threshold
};

// What the figures must say before an area counts as pointing to a problem (see README, "Who spoke where").
struct ProblemIndicator {
    std::string field;                // an indicator column, as in [[indicators]]
    bool high_is_worse = true;        // worse = "high" | "low"
    std::optional<double> threshold;  // beyond it is a problem; absent: the worst fifth of the areas of its level
};

struct KnowledgeSpec {
    std::vector<ProblemIndicator> problem_indicators;
    // Fewer observations than this in the two rounds compared together: "te weinig om iets te zeggen".
    int rounds_min_total = 5;
};

struct OutputSpec {
    std::string gpkg;  // empty: no GeoPackage
    bool overwrite = false;
    std::string postgis;  // "PG:..." connection string; empty: no PostGIS output
    std::string schema;   // the schema the run replaces as a whole ("buurtbalans" when postgis is given)
};

struct Project {
    std::string name = "buurtbalans";
    std::string origin;    // the project file, or "command line"
    std::string base_dir;  // relative paths are resolved against this
    std::string crs = "EPSG:28992";
    std::vector<AreaLevelSpec> levels;  // sorted finest first, at most one per level
    std::optional<StreetSpec> streets;
    std::vector<ObservationSpec> observations;
    std::vector<IndicatorSpec> indicators;
    HotspotSpec hotspots;
    std::vector<std::string> themes{"groen", "spelen", "overlast", "veiligheid", "vuil", "verkeer", "wonen", "voorzieningen", "ontmoeten"};
    OutputSpec output;
    PublishSpec publish;
    KnowledgeSpec knowledge;
    int threads = 0;  // 0: one per core
    std::string styles_dir;  // styles/ and layers/ to use; empty: $BUURTBALANS_DATA or the built-in ones
    std::string layers_dir;

    const AreaLevelSpec* level(Level l) const;
};

// Reads a project file. Throws config_error naming the file, the key and the line.
Project load_project(const std::string& path);
// The same from text (tests, stdin); `origin` names it in messages, paths resolve against base_dir.
Project parse_project(const std::string& toml_text, const std::string& origin, const std::string& base_dir);

// Builds a project from command-line settings applied on top of an optional file (empty path: none).
// Each flag is one of the project's TOML tables written as "PATH,key=value,...", see README.
struct FlagSettings {
    std::string project_file;
    std::string crs;
    std::vector<std::string> areas;         // "LEVEL=PATH,code=..,name=..,parent=..,layer=.."
    std::string streets;                    // "PATH,name=..,max_distance=.."
    std::vector<std::string> observations;  // "PATH,theme=..,valence=..,values.valence.kans=1,.."
    std::vector<std::string> indicators;    // "PATH,level=buurt,code=..,population=.."
    std::string output;
    std::string postgis;
    std::string schema;
    std::string styles_dir;
    std::string layers_dir;
    bool overwrite = false;
    int threads = -1;
    bool publish = false;           // --publish: [publish] enabled = true
    std::string publish_threshold;  // --publish-threshold N
    std::string publish_method;     // --publish-method suppress|round
    std::vector<std::string> problem_indicators;  // "FIELD,worse=low[,threshold=N]": [knowledge] problem_indicators
    std::string rounds_min_total;                 // --rounds-min-total N: [knowledge] rounds_min_total
};
Project project_from_settings(const FlagSettings& settings);

} // namespace buurt

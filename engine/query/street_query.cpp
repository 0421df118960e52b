#include "engine/query/street_query.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "engine/core/error.hpp"
#include "engine/hotspot/gistar.hpp"
#include "engine/hotspot/network.hpp"
#include "engine/io/read_streets.hpp"
#include "engine/io/sql_query.hpp"
#include "engine/io/vector_source.hpp"

namespace buurt::query {

namespace {

constexpr const char* observation_tables[] = {"observations", "observation_lines", "observation_areas", "observation_multipoints"};
constexpr const char* code_fields[] = {"block_code", "buurt_code", "wijk_code", "gebied_code", "stadsdeel_code"};

std::string where_clause(const StreetFilter& f, const std::vector<std::string>& fields) {
    std::vector<std::string> parts{"street IS NOT NULL"};
    if (!f.theme.empty()) {
        parts.push_back("theme = " + io::sql_literal(f.theme));
    }
    if (f.valence) {
        parts.push_back("valence = " + std::to_string(*f.valence));
    }
    if (!f.source.empty()) {
        parts.push_back("source = " + io::sql_literal(f.source));
    }
    if (!f.round.empty()) {
        parts.push_back("round = " + io::sql_literal(f.round));
    }
    if (!f.area.empty()) {
        std::string any;
        for (const char* c : code_fields) {
            if (std::find(fields.begin(), fields.end(), c) != fields.end()) {
                any += (any.empty() ? "" : " OR ") + std::string(c) + " = " + io::sql_literal(f.area);
            }
        }
        parts.push_back("(" + (any.empty() ? std::string("0") : any) + ")");
    }
    std::string out;
    for (const auto& p : parts) {
        out += (out.empty() ? "" : " AND ") + p;
    }
    return out;
}

// The pieces as the run wrote them, rebuilt into the same network the run used.
Streets read_pieces(const std::string& gpkg, std::vector<SegmentRow>& rows) {
    SourceSpec spec;
    spec.path = gpkg;
    spec.layer = "street_segments";
    io::VectorSource src(spec, "");
    const int name = src.require_field("name", "street name");
    const int number = src.require_field("segment_no", "segment number");
    Streets streets;
    std::map<std::string, int> street_index;
    io::RawFeature f;
    while (src.next(f)) {
        if (!f.geometry) {
            continue;
        }
        const std::string street = f.values[name];
        const auto [it, added] = street_index.emplace(street, static_cast<int>(streets.streets.size()));
        if (added) {
            streets.streets.push_back({street, {}, 0});
        }
        const int no = std::stoi(f.values[number]);
        if (geos::dimension(*f.geometry) == 2) {
            streets.surfaces = true;
            StreetPiece p;
            p.street = it->second;
            p.number = no;
            geos::xy(geos::centroid(*f.geometry), p.mid_x, p.mid_y);
            streets.pieces.push_back(std::move(p));
        } else {
            geos::Ring vertices;
            for (const auto& line : geos::line_vertices(*f.geometry)) {
                vertices.insert(vertices.end(), line.begin(), line.end());
            }
            streets.pieces.push_back(io::line_piece(it->second, no, vertices));
        }
        SegmentRow row;
        row.street = street;
        row.segment = no;
        row.length_m = streets.pieces.back().length_m;
        rows.push_back(row);
    }
    return streets;
}

} // namespace

std::string StreetFilter::describe() const {
    std::string out;
    auto add = [&out](const std::string& k, const std::string& v) {
        if (!v.empty()) {
            out += (out.empty() ? "" : ", ") + k + " " + v;
        }
    };
    add("theme", theme);
    add("valence", valence ? (*valence > 0 ? "kans" : *valence < 0 ? "zorg" : "neutraal") : "");
    add("source", source);
    add("round", round);
    add("area", area);
    return out.empty() ? "all observations" : out;
}

StreetAnswer streets_for(const std::string& gpkg, const StreetFilter& filter) {
    StreetAnswer answer;
    const Streets streets = read_pieces(gpkg, answer.segments);
    if (streets.pieces.empty()) {
        throw input_error({gpkg, "street_segments", "", ""}, "no street segments: run buurtbalans run with streets (and without --no-hotspots) first");
    }
    std::map<std::pair<std::string, int>, std::size_t> row_of;
    for (std::size_t i = 0; i < answer.segments.size(); ++i) {
        row_of[{answer.segments[i].street, answer.segments[i].segment}] = i;
    }
    for (const char* table : observation_tables) {
        const auto fields = io::layer_fields(gpkg, table);
        if (fields.empty()) {
            continue;
        }
        const auto rows = io::sql_rows(gpkg, "SELECT street, street_segment, valence, count(*) FROM " + std::string(table) + " WHERE " +
                                                 where_clause(filter, fields) + " GROUP BY street, street_segment, valence");
        for (const auto& r : rows) {
            const auto it = row_of.find({r[0].value_or(""), r[1] ? std::stoi(*r[1]) : 0});
            if (it == row_of.end()) {
                continue;
            }
            SegmentRow& s = answer.segments[it->second];
            const long long n = std::stoll(r[3].value_or("0"));
            const int valence = r[2] ? std::stoi(*r[2]) : 0;
            s.n_obs += n;
            (valence > 0 ? s.n_strength : valence < 0 ? s.n_concern : s.n_neutral) += n;
        }
    }
    std::vector<double> x;
    for (auto& s : answer.segments) {
        s.per_100m = s.length_m > 0 ? static_cast<double>(s.n_obs) / s.length_m * 100.0 : 0.0;
        x.push_back(static_cast<double>(s.n_obs));
    }
    // The same neighbours as the run: its configured network distance, else the same default rule.
    double band = 0;
    const std::string provenance = io::metadata_item(gpkg, "buurtbalans_provenance");
    if (!provenance.empty()) {
        const auto j = nlohmann::json::parse(provenance, nullptr, false);
        if (!j.is_discarded() && j.contains("parameters") && j["parameters"].contains("street_network_distance_m")) {
            band = j["parameters"]["street_network_distance_m"].get<double>();
        }
    }
    if (!(band > 0)) {
        band = hotspot::default_band(hotspot::piece_points(streets));
    }
    const hotspot::GiResult gi = hotspot::gi_star(x, hotspot::network_neighbours(streets, band), {filter.fdr, 30});
    answer.status = gi.status;
    std::map<std::string, StreetRow> by_name;
    for (std::size_t i = 0; i < answer.segments.size(); ++i) {
        SegmentRow& s = answer.segments[i];
        s.z = gi.z[i];
        s.p = gi.p[i];
        if (gi.sufficient) {
            s.hot_class = gi.hot_class[i];
        }
        StreetRow& st = by_name[s.street];
        st.name = s.street;
        st.length_m += s.length_m;
        st.n_obs += s.n_obs;
        st.n_strength += s.n_strength;
        st.n_concern += s.n_concern;
        st.n_neutral += s.n_neutral;
        if (s.hot_class) {
            st.hot_segments += *s.hot_class >= 2 ? 1 : 0;
            st.max_class = st.max_class ? std::max(*st.max_class, *s.hot_class) : *s.hot_class;
        }
    }
    for (auto& [name, st] : by_name) {
        st.per_100m = st.length_m > 0 ? static_cast<double>(st.n_obs) / st.length_m * 100.0 : 0.0;
        answer.streets.push_back(st);
    }
    std::sort(answer.streets.begin(), answer.streets.end(), [](const StreetRow& a, const StreetRow& b) {
        if (a.n_obs != b.n_obs) {
            return a.n_obs > b.n_obs;
        }
        if (a.per_100m != b.per_100m) {
            return a.per_100m > b.per_100m;
        }
        return a.name < b.name;
    });
    return answer;
}

} // namespace buurt::query

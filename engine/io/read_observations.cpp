#include "engine/io/read_observations.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <string_view>

#include "engine/io/geometry_check.hpp"

namespace buurt::io {

namespace {

// Words sessions use for valence and source, so that a project only maps what is really unusual.
const std::map<std::string, std::string>& builtin_values(Role role) {
    static const std::map<std::string, std::string> valence{
        {"kans", "1"},      {"kracht", "1"},  {"sterk", "1"},     {"positief", "1"}, {"+", "1"},  {"+1", "1"}, {"1", "1"},
        {"strength", "1"},  {"chance", "1"},  {"zorg", "-1"},     {"probleem", "-1"}, {"negatief", "-1"}, {"-", "-1"},
        {"-1", "-1"},       {"concern", "-1"}, {"neutraal", "0"}, {"neutral", "0"},   {"0", "0"}};
    static const std::map<std::string, std::string> source{
        {"bewoner", "bewoner"}, {"bewoners", "bewoner"}, {"resident", "bewoner"}, {"professional", "professional"},
        {"professionals", "professional"}, {"prof", "professional"}, {"cijfers", "cijfers"}, {"figures", "cijfers"}};
    static const std::map<std::string, std::string> none;
    return role == Role::valence ? valence : role == Role::source ? source : none;
}

// A value as it is listed in the report: long texts (a whole comment in the theme column) are cut,
// at a character boundary so the report stays valid UTF-8.
std::string listed_value(const std::string& v) {
    constexpr std::size_t max_bytes = 80;
    if (v.size() <= max_bytes) {
        return v;
    }
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(v[cut]) & 0xC0) == 0x80) {
        --cut;
    }
    return v.substr(0, cut) + "... (" + std::to_string(v.size()) + " bytes)";
}

std::uint64_t id_hash(std::string_view id) {
    std::uint64_t h = std::hash<std::string_view>{}(id);
    h ^= h >> 30;  // splitmix64's finaliser: spreads libstdc++'s hash over the table's low bits
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h == 0 ? 1 : h;  // 0 marks an empty slot
}

// Adds h to the table; false when it was there already.
bool insert_hash(std::vector<std::uint64_t>& table, std::size_t& count, std::uint64_t h) {
    if ((count + 1) * 2 > table.size()) {
        std::vector<std::uint64_t> bigger(std::max<std::size_t>(1024, table.size() * 2), 0);
        for (const std::uint64_t old : table) {
            if (old != 0) {
                std::size_t i = old & (bigger.size() - 1);
                while (bigger[i] != 0) {
                    i = (i + 1) & (bigger.size() - 1);
                }
                bigger[i] = old;
            }
        }
        table.swap(bigger);
    }
    std::size_t i = h & (table.size() - 1);
    while (table[i] != 0) {
        if (table[i] == h) {
            return false;
        }
        i = (i + 1) & (table.size() - 1);
    }
    table[i] = h;
    ++count;
    return true;
}

} // namespace

std::string canonical(const std::string& raw) {
    auto begin = std::find_if_not(raw.begin(), raw.end(), [](unsigned char c) { return std::isspace(c); });
    auto end = std::find_if_not(raw.rbegin(), raw.rend(), [](unsigned char c) { return std::isspace(c); }).base();
    std::string out = begin < end ? std::string(begin, end) : std::string();
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

ObservationReader::ObservationReader(const Project& project, int input, Report& report, bool attributes)
    : m_project(project),
      m_spec(project.observations.at(input)),
      m_input(input),
      m_source(m_spec.source, project.crs),
      m_report(report.add_input("observations: " + m_spec.name, m_source.info())),
      m_attributes(attributes) {
    m_source.points_as_xy();
    if (!m_spec.id_field.empty()) {
        m_id_field = m_source.require_field(m_spec.id_field, "id");
        m_report.mapping["id"] = m_spec.id_field;
    }
    for (Role r : all_roles) {
        const auto f = m_spec.fields.find(r);
        const auto d = m_spec.defaults.find(r);
        int idx = -1;
        if (f != m_spec.fields.end()) {
            idx = m_source.require_field(f->second, std::string(role_name(r)));
            m_report.mapping[std::string(role_name(r))] = f->second;
        } else if (d != m_spec.defaults.end()) {
            m_report.mapping[std::string(role_name(r))] = "default '" + d->second + "'";
        }
        m_fields[static_cast<std::size_t>(r)] = idx;
    }
    if (!attributes) {
        std::vector<int> used{m_fields.begin(), m_fields.end()};
        used.push_back(m_id_field);
        used.erase(std::remove(used.begin(), used.end(), -1), used.end());
        m_source.read_only(used);
    }
}

std::string ObservationReader::normalise(Role role, const RawFeature& f) {
    static const std::string none;
    const int idx = m_fields[static_cast<std::size_t>(role)];
    const std::string* raw = &none;
    if (idx >= 0 && !f.null[idx]) {
        raw = &f.values[idx];
    } else if (const auto d = m_spec.defaults.find(role); d != m_spec.defaults.end()) {
        raw = &d->second;
    }
    if (role != Role::theme && role != Role::valence && role != Role::source) {
        return *raw;
    }
    auto& memo = m_memo[static_cast<std::size_t>(role)];
    auto hit = memo.find(*raw);
    if (hit == memo.end()) {
        constexpr std::size_t max_memo = 4096;  // free text in a mapped column: stop remembering, keep mapping
        Normalised n = map_value(role, *raw);
        if (memo.size() >= max_memo) {
            if (n.unknown != nullptr) {
                ++*n.unknown;
            }
            return n.value;
        }
        hit = memo.emplace(*raw, std::move(n)).first;
    }
    if (hit->second.unknown != nullptr) {
        ++*hit->second.unknown;
    }
    return hit->second.value;
}

ObservationReader::Normalised ObservationReader::map_value(Role role, const std::string& raw) {
    // The project's map first (exact text, then its canonical form), then the built-in words.
    if (const auto m = m_spec.values.find(role); m != m_spec.values.end()) {
        if (const auto hit = m->second.find(raw); hit != m->second.end()) {
            return {hit->second};
        }
        if (const auto hit = m->second.find(canonical(raw)); hit != m->second.end()) {
            return {hit->second};
        }
    }
    const std::string c = canonical(raw);
    const auto& builtin = builtin_values(role);
    if (const auto hit = builtin.find(c); hit != builtin.end()) {
        return {hit->second};
    }
    const bool known = role == Role::theme && std::find(m_project.themes.begin(), m_project.themes.end(), c) != m_project.themes.end();
    if (known) {
        return {c};
    }
    // std::map nodes stay put: the counter can be kept and counted up for every later feature.
    return {c, &m_report.unknown_values[std::string(role_name(role))][c.empty() ? "(empty)" : listed_value(c)]};
}

int ObservationReader::valence_of(const std::string& normalised) {
    if (normalised == "1" || normalised == "+1") {
        return 1;
    }
    if (normalised == "-1") {
        return -1;
    }
    return 0;  // neutral, or unknown (then counted in unknown_values by normalise)
}

std::string ObservationReader::unique_id(std::string id) {
    const std::uint64_t h = id_hash(id);
    if (insert_hash(m_seen, m_seen_count, h)) {
        return id;
    }
    int& n = m_repeats[h];
    n = std::max(n, 1);
    std::string renamed;
    do {
        renamed = id + " (" + std::to_string(++n) + ")";
    } while (!insert_hash(m_seen, m_seen_count, id_hash(renamed)));
    m_report.repair(renamed, "id '" + listed_value(id) + "' was used by an earlier feature of this input too; this one is called '" + listed_value(renamed) + "'");
    return renamed;
}

bool ObservationReader::next(Observation& out) {
    if (!m_pending.empty()) {
        out = std::move(m_pending.front());
        m_pending.pop_front();
        return true;
    }
    RawFeature& f = m_raw;
    while (m_source.next(f)) {
        ++m_report.read;
        std::string id = (m_id_field >= 0 && !f.null[m_id_field]) ? f.values[m_id_field] : "FID " + std::to_string(f.fid);
        std::optional<geos::Geometry> g;
        bool geometry_repaired = false;
        if (f.is_point) {
            checked_point(f, id, m_report);
        } else if (g = checked_geometry(f, id, -1, m_report, &geometry_repaired); !g) {
            continue;
        }
        Observation o;
        o.id = m_id_field >= 0 ? unique_id(std::move(id)) : std::move(id);
        o.input = m_input;
        o.repaired = geometry_repaired;
        o.theme = normalise(Role::theme, f);
        o.valence = valence_of(normalise(Role::valence, f));
        o.source = normalise(Role::source, f);
        o.session = normalise(Role::session, f);
        o.round = normalise(Role::round, f);
        o.date = normalise(Role::date, f);
        o.text = normalise(Role::text, f);
        if (m_attributes) {
            o.attributes = std::move(f.values);
        }
        if (f.is_point) {
            o.kind = Kind::point;
            o.x = f.x;
            o.y = f.y;
            ++m_report.used;
            out = std::move(o);
            return true;
        }
        const int dim = geos::dimension(*g);
        const bool multi = geos::type(*g) == geos::Type::multi_point && geos::num_geometries(*g) > 1;
        o.kind = dim == 2 ? Kind::polygon : dim == 1 ? Kind::line : multi ? Kind::multipoint : Kind::point;
        if (o.kind == Kind::point) {
            o.geometry = geos::type(*g) == geos::Type::multi_point ? geos::part(*g, 0) : std::move(*g);
            geos::xy(o.geometry, o.x, o.y);
        } else if (o.kind == Kind::multipoint && m_spec.split_multipoint) {
            const std::size_t n = geos::num_geometries(*g);
            for (std::size_t i = 0; i < n; ++i) {
                Observation p;
                p = Observation{o.id + "#" + std::to_string(i + 1), o.input, Kind::point, 0, 0, geos::part(*g, i), o.theme, o.valence,
                                o.source, o.session, o.round, o.date, o.text, o.repaired, o.attributes};
                geos::xy(p.geometry, p.x, p.y);
                m_pending.push_back(std::move(p));
            }
            m_report.used += static_cast<long long>(n);
            out = std::move(m_pending.front());
            m_pending.pop_front();
            return true;
        } else {
            o.geometry = std::move(*g);
        }
        ++m_report.used;
        out = std::move(o);
        return true;
    }
    if (!m_finished) {
        m_finished = true;
        m_source.require_plausible_crs(m_report.used);
    }
    return false;
}

} // namespace buurt::io

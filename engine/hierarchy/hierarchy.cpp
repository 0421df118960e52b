#include "engine/hierarchy/hierarchy.hpp"

#include <algorithm>
#include <cstdio>
#include <future>

#include "engine/index/box_index.hpp"

namespace buurt {

namespace {

std::string percent(double share) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f %%", share * 100.0);
    return buf;
}

std::vector<geos::Envelope> envelopes(const AreaLevel& level) {
    std::vector<geos::Envelope> out;
    out.reserve(level.areas.size());
    for (const auto& a : level.areas) {
        out.push_back(a.envelope);
    }
    return out;
}

// Area of `child` inside `parent`, taking the cheap exits first.
double overlap_area(const Area& child, const Area& parent, const geos::Prepared& prepared_parent) {
    if (prepared_parent.covers(child.geometry)) {
        return child.area_m2;
    }
    if (!prepared_parent.intersects(child.geometry)) {
        return 0.0;
    }
    return geos::area(geos::intersection(child.geometry, parent.geometry));
}

std::vector<HierarchyProblem> check_level(const AreaLevel& level, const HierarchyOptions& options) {
    std::vector<HierarchyProblem> problems;
    const std::string name(level_name(level.level));
    for (std::size_t i = 0; i < level.areas.size(); ++i) {
        const int first = level.find(level.areas[i].code);
        if (first != static_cast<int>(i)) {
            problems.push_back({name, level.areas[i].code, "duplicate_code",
                                "code also used by FID " + std::to_string(level.areas[first].fid) + "; lookups by code use the first"});
        }
    }
    const index::BoxIndex idx(envelopes(level));
    std::vector<std::uint32_t> hits;
    for (std::size_t i = 0; i < level.areas.size(); ++i) {
        const Area& a = level.areas[i];
        idx.query(index::to_box(a.envelope), hits);
        std::unique_ptr<geos::Prepared> prepared;
        for (const std::uint32_t j : hits) {
            if (j <= i) {
                continue;
            }
            const Area& b = level.areas[j];
            if (!prepared) {
                prepared = std::make_unique<geos::Prepared>(a.geometry);
            }
            if (!prepared->intersects(b.geometry)) {
                continue;
            }
            const double shared = geos::area(geos::intersection(a.geometry, b.geometry));
            if (shared > options.overlap_min_m2) {
                problems.push_back({name, a.code, "overlap", "overlaps " + b.code + " by " + std::to_string(static_cast<long long>(shared + 0.5)) + " m²"});
            }
        }
    }
    return problems;
}

std::vector<HierarchyProblem> link_level(AreaLevel& children, const AreaLevel& parents, const AreaLevelSpec& spec, const HierarchyOptions& options) {
    std::vector<HierarchyProblem> problems;
    const std::string name(level_name(children.level));
    const index::BoxIndex idx(envelopes(parents));
    std::vector<std::unique_ptr<geos::Prepared>> prepared(parents.areas.size());
    auto prep = [&](int p) -> const geos::Prepared& {
        if (!prepared[p]) {
            prepared[p] = std::make_unique<geos::Prepared>(parents.areas[p].geometry);
        }
        return *prepared[p];
    };
    std::vector<std::uint32_t> hits;
    for (Area& child : children.areas) {
        double inside = -1;
        if (!spec.parent_field.empty()) {
            const int p = parents.find(child.parent_code);
            if (p >= 0) {
                child.parent = p;
                inside = overlap_area(child, parents.areas[p], prep(p));
            } else {
                problems.push_back({name, child.code, child.parent_code.empty() ? "no_parent_code" : "unknown_parent_code",
                                    "parent code '" + child.parent_code + "' is not a " + std::string(level_name(parents.level)) +
                                        "; using the largest overlap instead"});
            }
        }
        if (child.parent < 0) {
            idx.query(index::to_box(child.envelope), hits);
            double best = 0;
            double second = 0;
            for (const std::uint32_t p : hits) {
                const double o = overlap_area(child, parents.areas[p], prep(static_cast<int>(p)));
                if (o > best) {
                    second = best;
                    best = o;
                    child.parent = static_cast<int>(p);
                } else if (o > second) {
                    second = o;
                }
            }
            if (child.parent < 0) {
                problems.push_back({name, child.code, "no_parent", "lies in no " + std::string(level_name(parents.level))});
                continue;
            }
            if (second > options.outside_tolerance * child.area_m2) {
                problems.push_back({name, child.code, "ambiguous_parent",
                                    "lies in several " + std::string(level_layer_name(parents.level)) + "; " +
                                        parents.areas[child.parent].code + " holds " + percent(best / child.area_m2) + ", another " + percent(second / child.area_m2)});
            }
            inside = best;
        }
        const double outside = 1.0 - inside / child.area_m2;
        if (outside > options.outside_tolerance) {
            problems.push_back({name, child.code, "outside_parent",
                                percent(outside) + " of its area lies outside its parent " + parents.areas[child.parent].code});
        }
    }
    return problems;
}

} // namespace

LevelChecks link_hierarchy(Areas& areas, const Project& project, Report& report, const HierarchyOptions& options) {
    std::vector<const AreaLevel*> levels;
    for (const AreaLevel& level : areas.levels) {
        levels.push_back(&level);
    }
    auto within = std::async(std::launch::async, [levels, options] {
        LevelChecks::Problems per_level;
        for (const AreaLevel* level : levels) {
            per_level.push_back(check_level(*level, options));
        }
        return per_level;
    });
    LevelChecks::Problems links(areas.levels.size());
    report.levels.clear();
    for (std::size_t i = 0; i < areas.levels.size(); ++i) {
        AreaLevel& level = areas.levels[i];
        LevelSummary summary{std::string(level_name(level.level)), static_cast<long long>(level.areas.size()), ""};
        if (i + 1 < areas.levels.size()) {
            const AreaLevelSpec* spec = project.level(level.level);
            summary.parent_link = spec->parent_field.empty() ? "largest overlap" : "code field '" + spec->parent_field + "'";
            links[i] = link_level(level, areas.levels[i + 1], *spec, options);
        }
        report.levels.push_back(std::move(summary));
    }
    return LevelChecks(std::move(within), std::move(links));
}

void LevelChecks::finish(Report& report) {
    if (!m_within.valid()) {
        return;  // finished before
    }
    const Problems within = m_within.get();
    for (std::size_t i = 0; i < within.size(); ++i) {
        report.hierarchy.insert(report.hierarchy.end(), within[i].begin(), within[i].end());
        report.hierarchy.insert(report.hierarchy.end(), m_links[i].begin(), m_links[i].end());
    }
}

} // namespace buurt

#pragma once
// Areas of every level present in a project, finest first, with parent links between levels.

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/geos/geos.hpp"
#include "engine/project/project.hpp"

namespace buurt {

struct Area {
    long long fid = 0;
    std::string code;
    std::string name;
    std::string parent_code;  // as given by the parent field; empty when derived
    geos::Geometry geometry;  // project CRS, valid, polygonal
    geos::Envelope envelope;
    double area_m2 = 0;
    std::size_t vertices = 0;
    int parent = -1;  // index into the next coarser level present, -1 when none
};

struct AreaLevel {
    Level level = Level::buurt;
    std::vector<Area> areas;
    std::unordered_map<std::string, int> by_code;  // the first area with each code

    int find(const std::string& code) const {
        const auto it = by_code.find(code);
        return it == by_code.end() ? -1 : it->second;
    }

    geos::Envelope extent() const {  // of every area; all zero when there are none
        geos::Envelope e = areas.empty() ? geos::Envelope{} : areas.front().envelope;
        for (const Area& a : areas) {
            e = geos::merge(e, a.envelope);
        }
        return e;
    }
};

struct Areas {
    std::vector<AreaLevel> levels;  // the levels present, finest first

    int index_of(Level l) const {
        for (std::size_t i = 0; i < levels.size(); ++i) {
            if (levels[i].level == l) {
                return static_cast<int>(i);
            }
        }
        return -1;
    }
};

} // namespace buurt

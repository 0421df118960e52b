#pragma once
// Observations to areas at the finest available level, and to the nearest named street.
//
// Points: the finest level whose area covers the point; a point on the shared boundary of several
// areas (and in the interior of none) goes to the area with the smallest code in byte order.
// Coarser codes come from the parent links, so every level's totals add up.
// Lines and polygons: split over the areas of every level by length or area share.
//
// A Joiner is shared and read-only; each thread joins through its own Joiner::Worker.

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/index/box_index.hpp"
#include "engine/index/cell_grid.hpp"
#include "engine/model/areas.hpp"
#include "engine/model/observation.hpp"
#include "engine/model/streets.hpp"

namespace buurt {

struct Share {
    int level;   // index into Areas::levels; -1 for the part outside every area
    int area;    // index into that level's areas; -1 outside
    double share;
};

struct JoinResult {
    static constexpr int max_levels = 5;
    std::array<int, max_levels> area{};  // per level present: the area (points: containing; shapes: largest share), -1 none
    int finest = -1;                     // level index of the finest assignment; -1: outside every area
    bool tie_broken = false;             // a point on a shared boundary, decided by the smallest-code rule
    std::vector<Share> level_shares;     // shapes: share of the whole per (level, area), every level
    std::vector<Share> pieces;           // shapes: finest pieces + remainders credited to coarser levels; sum 1
    int street = -1;                     // index into Streets::streets
    int piece = -1;                      // index into Streets::pieces
    double street_distance = 0;
};

struct JoinOptions {
    double street_distance = 30.0;
    std::size_t scan_max_vertices = 256;  // above this, GEOS prepared geometry beats a scan of the rings
};

class Joiner {
public:
    Joiner(const Areas& areas, const Streets* streets, JoinOptions options);
    ~Joiner();
    Joiner(const Joiner&) = delete;
    Joiner& operator=(const Joiner&) = delete;

    class Worker {
    public:
        explicit Worker(const Joiner& joiner);
        ~Worker();
        Worker(Worker&&) noexcept;
        Worker(const Worker&) = delete;
        Worker& operator=(const Worker&) = delete;
        void join(const Observation& o, JoinResult& out);

    private:
        struct Impl;
        std::unique_ptr<Impl> m_impl;
    };

    const Areas& areas() const { return m_areas; }

    // Observations joined in the order of this key run over neighbouring areas and street segments one
    // after the other, which then are still in the core's cache: a Z-order (Morton) curve through the
    // areas' extent for points (below 2^30), the end of the order for other shapes (UINT32_MAX).
    std::uint32_t locality(const Observation& o) const;

private:
    struct Data;
    const Areas& m_areas;
    std::unique_ptr<Data> m_data;
};

} // namespace buurt

#pragma once
// Gi* for a run: concerns and strengths separately (the method is positive by design: where are the
// strengths is as much a question as where are the problems), on street pieces, area levels and a
// hexagon grid; and the heat map, accumulated while observations stream past.

#include <optional>

#include "engine/aggregate/tally.hpp"
#include "engine/hotspot/gistar.hpp"
#include "engine/hotspot/hexgrid.hpp"
#include "engine/hotspot/kde.hpp"
#include "engine/model/areas.hpp"
#include "engine/model/streets.hpp"
#include "engine/project/project.hpp"

namespace buurt::hotspot {

struct Hotspots {
    GiResult concern;
    GiResult strength;
    double band = 0;  // distance that made features neighbours
};

Hotspots piece_hotspots(const Streets& streets, const Aggregator& agg, const StreetSpec& spec, const HotspotSpec& options);
Hotspots area_hotspots(const AreaLevel& level, int level_index, const Aggregator& agg, const HotspotSpec& options);

// Point observations counted per hexagon and smoothed into the heat map, batch by batch.
class PointCollector {
public:
    // The hexagons are those touching `study_area`'s areas; the heat map covers its extent.
    PointCollector(const AreaLevel& study_area, const HotspotSpec& options);
    // Hexagon counts and heat map apart: the pipeline stamps the heat (the larger part, a kernel of a few
    // hundred cells per point) on a thread of its own while the counts are summed.
    void add(double x, double y, int valence);
    void add_heat(double x, double y);

    const HexGrid* grid() const { return m_grid ? &*m_grid : nullptr; }
    const std::vector<double>& hex_concern() const { return m_concern; }
    const std::vector<double>& hex_strength() const { return m_strength; }
    const std::vector<double>& hex_total() const { return m_total; }
    const Raster& heat() const { return m_heat; }
    double heat_cell() const { return m_heat_cell; }  // larger than asked when the extent needs it
    double hex_size() const { return m_hex_size; }

private:
    double m_heat_cell = 0;
    double m_hex_size = 0;
    std::optional<HexGrid> m_grid;
    std::vector<double> m_concern, m_strength, m_total;
    Raster m_heat;
    double m_radius;
};

Hotspots hex_hotspots(const PointCollector& points, const HotspotSpec& options);

} // namespace buurt::hotspot

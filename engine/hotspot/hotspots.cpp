#include "engine/hotspot/hotspots.hpp"

#include "engine/hotspot/network.hpp"

namespace buurt::hotspot {

namespace {

Hotspots compute(const std::vector<double>& concern, const std::vector<double>& strength, const Neighbours& nb, double band, const HotspotSpec& o) {
    const GiOptions gi{o.fdr, static_cast<std::size_t>(o.min_features)};
    return {gi_star(concern, nb, gi), gi_star(strength, nb, gi), band};
}

} // namespace

Hotspots piece_hotspots(const Streets& streets, const Aggregator& agg, const StreetSpec& spec, const HotspotSpec& options) {
    std::vector<double> concern, strength;
    for (std::size_t i = 0; i < streets.pieces.size(); ++i) {
        concern.push_back(agg.piece(static_cast<int>(i)).concern);
        strength.push_back(agg.piece(static_cast<int>(i)).strength);
    }
    const double band = spec.network_distance > 0 ? spec.network_distance : default_band(piece_points(streets));
    return compute(concern, strength, network_neighbours(streets, band), band, options);
}

Hotspots area_hotspots(const AreaLevel& level, int level_index, const Aggregator& agg, const HotspotSpec& options) {
    std::vector<double> concern, strength;
    std::vector<std::pair<double, double>> centres;
    for (std::size_t i = 0; i < level.areas.size(); ++i) {
        const Tally& t = agg.area(level_index, static_cast<int>(i));
        concern.push_back(t.concern);
        strength.push_back(t.strength);
        double x = 0, y = 0;
        geos::xy(geos::centroid(level.areas[i].geometry), x, y);
        centres.emplace_back(x, y);
    }
    const double band = options.area_distance > 0 ? options.area_distance : default_band(centres);
    return compute(concern, strength, distance_band(centres, band), band, options);
}

namespace {

// The smallest cell size >= `wanted` that keeps a grid over the extent under `max_cells`: a project
// covering the country still gets a heat map and hexagons, only coarser (and the run report says so).
double fitting_cell(const geos::Envelope& e, double margin, double wanted, double max_cells) {
    const double area = (e.max_x - e.min_x + 2 * margin) * (e.max_y - e.min_y + 2 * margin);
    double cell = wanted;
    while (area / (cell * cell) > max_cells) {
        cell *= 1.25;
    }
    return cell;
}

} // namespace

PointCollector::PointCollector(const AreaLevel& study_area, const HotspotSpec& o) : m_radius(o.heat_radius) {
    const geos::Envelope e = study_area.extent();
    m_heat_cell = fitting_cell(e, o.heat_radius, o.heat_cell, 4'000'000);
    m_hex_size = o.hex_size > 0 ? fitting_cell(e, o.hex_size, o.hex_size, 200'000) : 0.0;
    if (m_hex_size > 0) {
        std::vector<const geos::Geometry*> areas;
        for (const Area& a : study_area.areas) {
            areas.push_back(&a.geometry);
        }
        m_grid.emplace(e, m_hex_size, areas);
        m_concern.assign(m_grid->size(), 0.0);
        m_strength.assign(m_grid->size(), 0.0);
        m_total.assign(m_grid->size(), 0.0);
    }
    m_heat = empty_raster(e.min_x, e.min_y, e.max_x, e.max_y, o.heat_radius, m_heat_cell);
}

void PointCollector::add(double x, double y, int valence) {
    if (m_grid) {
        const int c = m_grid->cell_of(x, y);
        if (c >= 0) {
            m_total[c] += 1;
            if (valence > 0) {
                m_strength[c] += 1;
            } else if (valence < 0) {
                m_concern[c] += 1;
            }
        }
    }
}

void PointCollector::add_heat(double x, double y) { add_quartic(m_heat, x, y, m_radius); }

Hotspots hex_hotspots(const PointCollector& points, const HotspotSpec& options) {
    const HexGrid& grid = *points.grid();
    std::vector<std::pair<double, double>> centres;
    for (std::size_t i = 0; i < grid.size(); ++i) {
        centres.push_back(grid.centre(i));
    }
    const double band = options.area_distance > 0 ? options.area_distance : default_band(centres);
    return compute(points.hex_concern(), points.hex_strength(), distance_band(centres, band), band, options);
}

} // namespace buurt::hotspot

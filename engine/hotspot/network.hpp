#pragma once

#include "engine/hotspot/gistar.hpp"
#include "engine/model/streets.hpp"

namespace buurt::hotspot {

// Street pieces whose midpoints are at most `distance` apart along the street network (centre lines
// connected where their end points meet, or where one ends on another: a T-junction). For street surfaces, which carry no network, the distance
// between centroids is used instead.
Neighbours network_neighbours(const Streets& streets, double distance);

// Midpoints (lines) or centroids (surfaces) of the pieces: for the default band.
std::vector<std::pair<double, double>> piece_points(const Streets& streets);

} // namespace buurt::hotspot

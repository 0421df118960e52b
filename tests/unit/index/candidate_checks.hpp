#pragma once
// The check both grid tests make of every point: the grid's candidates, sorted, hold what a scan finds.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "engine/index/cell_grid.hpp"

namespace buurt::test {

inline void require_candidates(index::CellGrid::Span span, double x, double y, const std::vector<std::uint32_t>& want) {
    const std::vector<std::uint32_t> got(span.begin(), span.end());
    INFO("point (" << x << ", " << y << ")");
    REQUIRE(std::is_sorted(got.begin(), got.end()));
    for (const std::uint32_t w : want) {
        REQUIRE(std::binary_search(got.begin(), got.end(), w));
    }
}

} // namespace buurt::test

#include "engine/index/cell_grid.hpp"

#include <algorithm>
#include <cmath>

#include "engine/core/error.hpp"

namespace buurt::index {

namespace {

// Cell of a coordinate along one axis. Monotone in `v` (IEEE subtraction and division are), so an
// envelope's first and last cells bracket the cell of every point inside it.
std::int64_t cell_of(double v, double origin, double cell, std::int64_t count) {
    const auto c = static_cast<std::int64_t>((v - origin) / cell);
    return std::clamp<std::int64_t>(c, 0, count - 1);
}

} // namespace

CellGrid::CellGrid(const std::vector<geos::Envelope>& envelopes, double grow, GridSizing sizing) {
    if (envelopes.empty()) {
        return;
    }
    std::vector<geos::Envelope> env;
    env.reserve(envelopes.size());
    geos::Envelope all = {envelopes[0].min_x - grow, envelopes[0].min_y - grow, envelopes[0].max_x + grow, envelopes[0].max_y + grow};
    for (const auto& e : envelopes) {
        env.push_back({e.min_x - grow, e.min_y - grow, e.max_x + grow, e.max_y + grow});
        if (!std::isfinite(env.back().min_x) || !std::isfinite(env.back().min_y) || !std::isfinite(env.back().max_x) ||
            !std::isfinite(env.back().max_y)) {
            throw error("cannot index an envelope that is not finite");  // inputs are checked before: a bug
        }
        all = geos::merge(all, env.back());
    }
    m_min_x = all.min_x;
    m_min_y = all.min_y;
    m_max_x = all.max_x;
    m_max_y = all.max_y;
    const double width = all.max_x - all.min_x;
    const double height = all.max_y - all.min_y;
    const double n = static_cast<double>(env.size());
    // About one cell per envelope to start with (or the size asked for); coarser while that makes too
    // many cells or the envelopes (large areas, long segments) spread over too many of them: memory
    // stays linear.
    m_cell = sizing.cell > 0 ? sizing.cell : std::sqrt(width * height / n);
    if (!(m_cell > 0) || !std::isfinite(m_cell)) {
        m_cell = std::max(width, height) / n;
    }
    if (!(m_cell > 0) || !std::isfinite(m_cell)) {
        m_cell = 1;
    }
    const double max_cells = 4 * n + 1024;
    const double max_entries = sizing.entries_per_envelope * n + 1024;
    for (;;) {
        const double cols = std::floor(width / m_cell) + 1;
        const double rows = std::floor(height / m_cell) + 1;
        if (cols * rows <= max_cells) {
            m_cols = static_cast<std::int64_t>(cols);
            m_rows = static_cast<std::int64_t>(rows);
            double entries = 0;
            for (const auto& e : env) {
                entries += static_cast<double>(cell_of(e.max_x, m_min_x, m_cell, m_cols) - cell_of(e.min_x, m_min_x, m_cell, m_cols) + 1) *
                           static_cast<double>(cell_of(e.max_y, m_min_y, m_cell, m_rows) - cell_of(e.min_y, m_min_y, m_cell, m_rows) + 1);
            }
            if (entries <= max_entries) {
                break;
            }
        }
        m_cell *= 2;
    }
    // Counting sort into cells; ids go in ascending order, so every cell's list is sorted.
    m_start.assign(static_cast<std::size_t>(m_cols * m_rows) + 1, 0);
    auto for_cells = [&](const geos::Envelope& e, auto&& f) {
        const std::int64_t c0 = cell_of(e.min_x, m_min_x, m_cell, m_cols), c1 = cell_of(e.max_x, m_min_x, m_cell, m_cols);
        const std::int64_t r0 = cell_of(e.min_y, m_min_y, m_cell, m_rows), r1 = cell_of(e.max_y, m_min_y, m_cell, m_rows);
        for (std::int64_t r = r0; r <= r1; ++r) {
            for (std::int64_t c = c0; c <= c1; ++c) {
                f(static_cast<std::size_t>(r * m_cols + c));
            }
        }
    };
    for (const auto& e : env) {
        for_cells(e, [&](std::size_t cell) { ++m_start[cell + 1]; });
    }
    for (std::size_t i = 1; i < m_start.size(); ++i) {
        m_start[i] += m_start[i - 1];
    }
    m_ids.resize(m_start.back());
    std::vector<std::uint32_t> fill(m_start.begin(), m_start.end() - 1);
    for (std::size_t i = 0; i < env.size(); ++i) {
        for_cells(env[i], [&](std::size_t cell) { m_ids[fill[cell]++] = static_cast<std::uint32_t>(i); });
    }
}

void CellGrid::retain(const Keep& keep) {
    if (m_start.empty()) {
        return;  // no envelopes, no cells
    }
    // Rounding in cell_of can put a point a few units in the last place beyond its cell's edges.
    const double margin_x = 1e-9 * (std::abs(m_min_x) + std::abs(m_max_x) + m_cell);
    const double margin_y = 1e-9 * (std::abs(m_min_y) + std::abs(m_max_y) + m_cell);
    std::size_t out = 0;
    for (std::int64_t r = 0; r < m_rows; ++r) {
        for (std::int64_t c = 0; c < m_cols; ++c) {
            const auto cell = static_cast<std::size_t>(r * m_cols + c);
            const geos::Envelope box{m_min_x + static_cast<double>(c) * m_cell - margin_x, m_min_y + static_cast<double>(r) * m_cell - margin_y,
                                     m_min_x + static_cast<double>(c + 1) * m_cell + margin_x, m_min_y + static_cast<double>(r + 1) * m_cell + margin_y};
            const std::uint32_t first = m_start[cell];
            const std::size_t kept = keep(box, m_ids.data() + first, m_start[cell + 1] - first);
            std::copy(m_ids.begin() + first, m_ids.begin() + first + static_cast<std::ptrdiff_t>(kept), m_ids.begin() + static_cast<std::ptrdiff_t>(out));
            m_start[cell] = static_cast<std::uint32_t>(out);
            out += kept;
        }
    }
    m_start.back() = static_cast<std::uint32_t>(out);
    m_ids.resize(out);
    m_ids.shrink_to_fit();
}

CellGrid::Span CellGrid::candidates(double x, double y) const {
    if (!(x >= m_min_x && x <= m_max_x && y >= m_min_y && y <= m_max_y)) {
        return {};
    }
    const std::size_t cell = static_cast<std::size_t>(cell_of(y, m_min_y, m_cell, m_rows) * m_cols + cell_of(x, m_min_x, m_cell, m_cols));
    return {m_ids.data() + m_start[cell], m_ids.data() + m_start[cell + 1]};
}

} // namespace buurt::index

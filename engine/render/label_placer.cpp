#include "engine/render/label_placer.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace buurt::render {

namespace {

// Projection of a box's corners on an axis: [lo, hi].
std::pair<double, double> project(const std::vector<Point>& corners, double ax, double ay) {
    double lo = INFINITY;
    double hi = -INFINITY;
    for (const Point& p : corners) {
        const double v = p.x * ax + p.y * ay;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    return {lo, hi};
}

bool rects_overlap(const Rect& a, const Rect& b) { return a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom(); }

} // namespace

std::vector<Point> LabelBox::corners() const {
    const double cs = std::cos(angle);
    const double sn = std::sin(angle);
    std::vector<Point> out;
    for (const auto& [sx, sy] : {std::pair{-1, -1}, {1, -1}, {1, 1}, {-1, 1}}) {
        const double x = sx * hw;
        const double y = sy * hh;
        out.push_back({c.x + x * cs - y * sn, c.y + x * sn + y * cs});
    }
    return out;
}

Rect LabelBox::bounds() const {
    const double cs = std::fabs(std::cos(angle));
    const double sn = std::fabs(std::sin(angle));
    const double ex = hw * cs + hh * sn;
    const double ey = hw * sn + hh * cs;
    return {c.x - ex, c.y - ey, 2 * ex, 2 * ey};
}

bool overlap(const LabelBox& a, const LabelBox& b) {
    if (!rects_overlap(a.bounds(), b.bounds())) {
        return false;
    }
    // Separating axis theorem: two rectangles are apart when their projections on one of the four
    // edge normals do not meet. Touching edges do not count as overlap.
    const auto ca = a.corners();
    const auto cb = b.corners();
    for (const double angle : {a.angle, a.angle + std::numbers::pi / 2, b.angle, b.angle + std::numbers::pi / 2}) {
        const double ax = std::cos(angle);
        const double ay = std::sin(angle);
        const auto [alo, ahi] = project(ca, ax, ay);
        const auto [blo, bhi] = project(cb, ax, ay);
        if (ahi <= blo + 1e-9 || bhi <= alo + 1e-9) {
            return false;
        }
    }
    return true;
}

LabelPlacer::LabelPlacer(const Rect& bounds) : m_bounds(bounds), m_cell(std::max(20.0, std::max(bounds.w, bounds.h) / 64)) {}

template <typename F>
void LabelPlacer::for_cells(const Rect& r, F&& f) const {
    const auto x0 = static_cast<long long>(std::floor((r.x - m_bounds.x) / m_cell));
    const auto x1 = static_cast<long long>(std::floor((r.right() - m_bounds.x) / m_cell));
    const auto y0 = static_cast<long long>(std::floor((r.y - m_bounds.y) / m_cell));
    const auto y1 = static_cast<long long>(std::floor((r.bottom() - m_bounds.y) / m_cell));
    for (long long y = y0; y <= y1; ++y) {
        for (long long x = x0; x <= x1; ++x) {
            f(y * 1'000'003 + x);
        }
    }
}

void LabelPlacer::insert(const LabelBox& box, bool is_label) {
    m_all.push_back(box);
    m_is_label.push_back(is_label);
    const std::size_t index = m_all.size() - 1;
    for_cells(box.bounds(), [&](long long cell) { m_grid[cell].push_back(index); });
}

void LabelPlacer::add_obstacle(const LabelBox& box) { insert(box, false); }

bool LabelPlacer::fits(const LabelBox& box) const {
    const Rect b = box.bounds();
    if (b.x < m_bounds.x || b.y < m_bounds.y || b.right() > m_bounds.right() || b.bottom() > m_bounds.bottom()) {
        return false;
    }
    bool clear = true;
    for_cells(b, [&](long long cell) {
        if (!clear) {
            return;
        }
        const auto it = m_grid.find(cell);
        if (it == m_grid.end()) {
            return;
        }
        clear = std::none_of(it->second.begin(), it->second.end(), [&](std::size_t i) { return overlap(box, m_all[i]); });
    });
    return clear;
}

bool LabelPlacer::place_first(const std::vector<LabelBox>& candidates) {
    for (const LabelBox& box : candidates) {
        if (fits(box)) {
            insert(box, true);
            m_placed.push_back(box);
            return true;
        }
    }
    ++m_dropped;
    return false;
}

std::size_t LabelPlacer::overlaps() const {
    std::vector<std::pair<Rect, std::size_t>> sorted;
    for (std::size_t i = 0; i < m_all.size(); ++i) {
        sorted.emplace_back(m_all[i].bounds(), i);
    }
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first.x < b.first.x; });
    std::size_t n = 0;
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        for (std::size_t j = i + 1; j < sorted.size() && sorted[j].first.x < sorted[i].first.right(); ++j) {
            const std::size_t a = sorted[i].second;
            const std::size_t b = sorted[j].second;
            n += (m_is_label[a] || m_is_label[b]) && overlap(m_all[a], m_all[b]) ? 1 : 0;
        }
    }
    return n;
}

} // namespace buurt::render

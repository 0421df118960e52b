#include "engine/render/page_geometry.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <numbers>
#include <optional>
#include <queue>

#include "engine/core/error.hpp"
#include "engine/core/planar.hpp"

namespace buurt::render {

namespace {

constexpr double metres_per_pt = 0.0254 / 72.0;  // of paper

double segment_distance_sq(const Point& p, const Point& a, const Point& b) {
    return planar::squared_distance_to_segment(p.x, p.y, a.x, a.y, b.x, b.y);
}

// Signed distance from p to the polygon's outline: positive inside.
double signed_distance(const Point& p, const std::vector<std::vector<Point>>& rings) {
    double min_sq = INFINITY;
    for (const auto& ring : rings) {
        for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
            min_sq = std::min(min_sq, segment_distance_sq(p, ring[i], ring[j]));
        }
    }
    return (inside(rings, p) ? 1 : -1) * std::sqrt(min_sq);
}

struct Cell {
    Point c;
    double half = 0;
    double d = 0;    // distance from the centre to the outline
    double max = 0;  // the best distance any point of the cell can have
    Cell(Point centre, double h, const std::vector<std::vector<Point>>& rings)
        : c(centre), half(h), d(signed_distance(centre, rings)), max(d + h * std::numbers::sqrt2) {}
    bool operator<(const Cell& o) const { return max < o.max; }
};

Cell centroid_cell(const std::vector<std::vector<Point>>& rings) {
    const auto& ring = rings.front();
    double area = 0;
    double x = 0;
    double y = 0;
    for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
        const double f = ring[i].x * ring[j].y - ring[j].x * ring[i].y;
        x += (ring[i].x + ring[j].x) * f;
        y += (ring[i].y + ring[j].y) * f;
        area += f * 3;
    }
    if (area == 0) {
        return Cell(ring.front(), 0, rings);
    }
    return Cell({x / area, y / area}, 0, rings);
}

} // namespace

bool inside(const std::vector<std::vector<Point>>& rings, const Point& p) {
    bool in = false;
    for (const auto& ring : rings) {
        for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
            const Point& a = ring[i];
            const Point& b = ring[j];
            if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x) {
                in = !in;
            }
        }
    }
    return in;
}

Paper paper(std::string_view name, bool landscape) {
    // ISO 216 A sizes in millimetres, portrait.
    static const std::map<std::string, std::pair<double, double>> sizes{
        {"A0", {841, 1189}}, {"A1", {594, 841}}, {"A2", {420, 594}}, {"A3", {297, 420}}, {"A4", {210, 297}}};
    std::string key(name);
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    const auto it = sizes.find(key);
    if (it == sizes.end()) {
        throw config_error("paper '" + std::string(name) + "' is not one of A0, A1, A2, A3, A4");
    }
    double w = it->second.first * pt_per_mm;
    double h = it->second.second * pt_per_mm;
    if (landscape) {
        std::swap(w, h);
    }
    return {key, landscape, w, h};
}

double round_scale_up(double scale) {
    static constexpr double steps[] = {1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 10};
    const double decade = std::pow(10.0, std::floor(std::log10(scale)));
    for (const double s : steps) {
        // A hair of tolerance, so 1:5000 computed as 5000.0000001 stays 1:5000.
        if (s * decade >= scale * (1 - 1e-9)) {
            return s * decade;
        }
    }
    return 10 * decade;
}

std::string format_scale(double scale) {
    std::string digits = std::to_string(std::llround(scale));
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) {
        digits.insert(static_cast<std::size_t>(i), ".");
    }
    return "1:" + digits;
}

MapTransform at_scale(double centre_x, double centre_y, double scale, const Rect& frame) {
    if (!(scale > 0) || frame.w <= 0 || frame.h <= 0) {
        throw config_error("a map needs a positive scale and a frame with room");
    }
    MapTransform t;
    t.frame = frame;
    t.scale = scale;
    t.pt_per_m = 1.0 / (metres_per_pt * scale);
    const double half_w = frame.w / t.pt_per_m / 2;
    const double half_h = frame.h / t.pt_per_m / 2;
    t.extent = {centre_x - half_w, centre_y - half_h, centre_x + half_w, centre_y + half_h};
    return t;
}

MapTransform fit(const geos::Envelope& area, const Rect& frame) {
    // A point or a line still gets a map: at least 50 m across.
    const double w = std::max(area.max_x - area.min_x, 50.0);
    const double h = std::max(area.max_y - area.min_y, 50.0);
    const double needed = std::max(w / (frame.w * metres_per_pt), h / (frame.h * metres_per_pt));
    return at_scale((area.min_x + area.max_x) / 2, (area.min_y + area.max_y) / 2, round_scale_up(needed), frame);
}

Pole pole_of_inaccessibility(const std::vector<std::vector<Point>>& rings, double precision) {
    if (rings.empty() || rings.front().size() < 3) {
        return {rings.empty() || rings.front().empty() ? Point{} : rings.front().front(), 0};
    }
    double min_x = INFINITY;
    double min_y = INFINITY;
    double max_x = -INFINITY;
    double max_y = -INFINITY;
    for (const Point& p : rings.front()) {
        min_x = std::min(min_x, p.x);
        min_y = std::min(min_y, p.y);
        max_x = std::max(max_x, p.x);
        max_y = std::max(max_y, p.y);
    }
    const double size = std::min(max_x - min_x, max_y - min_y);
    if (size <= 0) {
        return {{min_x, min_y}, 0};
    }
    const double half = size / 2;
    std::priority_queue<Cell> queue;
    for (double x = min_x; x < max_x; x += size) {
        for (double y = min_y; y < max_y; y += size) {
            queue.emplace(Point{x + half, y + half}, half, rings);
        }
    }
    Cell best = centroid_cell(rings);
    const Cell box_centre({(min_x + max_x) / 2, (min_y + max_y) / 2}, 0, rings);
    if (box_centre.d > best.d) {
        best = box_centre;
    }
    while (!queue.empty()) {
        const Cell cell = queue.top();
        queue.pop();
        if (cell.d > best.d) {
            best = cell;
        }
        if (cell.max - best.d <= precision) {
            continue;
        }
        const double h = cell.half / 2;
        for (const auto& [dx, dy] : {std::pair{-1, -1}, {1, -1}, {-1, 1}, {1, 1}}) {
            queue.emplace(Point{cell.c.x + dx * h, cell.c.y + dy * h}, h, rings);
        }
    }
    return {best.c, std::max(0.0, best.d)};
}

std::vector<Stretch> straight_stretches(const std::vector<Point>& line, double tolerance) {
    // Straight enough: every vertex within `tolerance` of the chord and moving forward along it. A
    // turn test per segment would be fooled by the short jittery segments of digitised streets.
    auto fits = [&](std::size_t from, std::size_t to) {
        const Point& a = line[from];
        const Point& b = line[to];
        const double len = std::hypot(b.x - a.x, b.y - a.y);
        if (len == 0) {
            return false;
        }
        const double ux = (b.x - a.x) / len;
        const double uy = (b.y - a.y) / len;
        double progress = 0;
        for (std::size_t k = from + 1; k < to; ++k) {
            const double along = (line[k].x - a.x) * ux + (line[k].y - a.y) * uy;
            const double across = (line[k].x - a.x) * uy - (line[k].y - a.y) * ux;
            if (std::fabs(across) > tolerance || along < progress - tolerance) {
                return false;
            }
            progress = std::max(progress, along);
        }
        return true;
    };
    std::vector<Stretch> out;
    std::size_t from = 0;
    while (from + 1 < line.size()) {
        std::size_t to = from + 1;
        while (to + 1 < line.size() && fits(from, to + 1)) {
            ++to;
        }
        const Point& a = line[from];
        const Point& b = line[to];
        out.push_back({a, b, std::hypot(b.x - a.x, b.y - a.y)});
        from = to;
    }
    std::stable_sort(out.begin(), out.end(), [](const Stretch& x, const Stretch& y) { return x.length > y.length; });
    return out;
}

std::vector<Point> simplify(const std::vector<Point>& line, double tolerance) {
    if (line.size() < 3) {
        return line;
    }
    std::vector<bool> keep(line.size(), false);
    keep.front() = keep.back() = true;
    std::vector<std::pair<std::size_t, std::size_t>> todo{{0, line.size() - 1}};
    const double tol_sq = tolerance * tolerance;
    while (!todo.empty()) {
        const auto [a, b] = todo.back();
        todo.pop_back();
        double worst = -1;
        std::size_t at = a;
        for (std::size_t k = a + 1; k < b; ++k) {
            const double d = segment_distance_sq(line[k], line[a], line[b]);
            if (d > worst) {
                worst = d;
                at = k;
            }
        }
        if (worst > tol_sq) {
            keep[at] = true;
            todo.emplace_back(a, at);
            todo.emplace_back(at, b);
        }
    }
    std::vector<Point> out;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (keep[i]) {
            out.push_back(line[i]);
        }
    }
    return out;
}

std::vector<std::vector<Point>> merge_lines(std::vector<std::vector<Point>> lines, double snap) {
    using Key = std::pair<long long, long long>;
    auto key = [snap](const Point& p) { return Key{std::llround(p.x / snap), std::llround(p.y / snap)}; };
    std::erase_if(lines, [](const auto& l) { return l.size() < 2; });
    std::map<Key, std::vector<std::size_t>> ends;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        ends[key(lines[i].front())].push_back(i);
        ends[key(lines[i].back())].push_back(i);
    }
    std::vector<bool> used(lines.size(), false);
    // The other unused line at a node where exactly two line ends meet: a junction of three or more
    // streets parts is where a street branches, and merging there would pick a branch at random.
    auto continuation = [&](const Point& at, std::size_t self) -> std::optional<std::size_t> {
        const auto& here = ends[key(at)];
        if (here.size() != 2) {
            return std::nullopt;
        }
        const std::size_t other = here[0] == self ? here[1] : here[0];
        if (other == self || used[other]) {
            return std::nullopt;
        }
        return other;
    };
    std::vector<std::vector<Point>> out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (used[i]) {
            continue;
        }
        used[i] = true;
        std::vector<Point> chain = lines[i];
        for (int side = 0; side < 2; ++side) {
            std::size_t last = i;
            while (const auto next = continuation(chain.back(), last)) {
                std::vector<Point> piece = lines[*next];
                if (key(piece.front()) != key(chain.back())) {
                    std::reverse(piece.begin(), piece.end());
                }
                chain.insert(chain.end(), piece.begin() + 1, piece.end());
                used[*next] = true;
                last = *next;
            }
            std::reverse(chain.begin(), chain.end());
        }
        out.push_back(std::move(chain));
    }
    return out;
}

double upright(double angle) {
    constexpr double half = std::numbers::pi / 2;
    angle = std::remainder(angle, 2 * std::numbers::pi);
    if (angle >= half) {
        angle -= std::numbers::pi;
    } else if (angle < -half) {
        angle += std::numbers::pi;
    }
    return angle;
}

} // namespace buurt::render

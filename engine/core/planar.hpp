#pragma once
// Plane arithmetic the join, the street network and the print layout share: the nearest point of a
// straight segment to a point. Header-only: it sits on hot paths (a million nearest-street searches).

namespace buurt::planar {

struct Foot {
    double x;
    double y;
    double t;  // along the segment, 0 at its start and 1 at its end
};

// The point of segment a-b nearest to p. A zero-length segment is its start.
inline Foot foot(double px, double py, double ax, double ay, double bx, double by) {
    const double dx = bx - ax;
    const double dy = by - ay;
    const double length2 = dx * dx + dy * dy;
    if (length2 == 0) {
        return {ax, ay, 0};
    }
    const double t = ((px - ax) * dx + (py - ay) * dy) / length2;
    if (t > 1) {
        return {bx, by, 1};
    }
    if (t > 0) {
        return {ax + dx * t, ay + dy * t, t};
    }
    return {ax, ay, 0};
}

inline double squared_distance_to_segment(double px, double py, double ax, double ay, double bx, double by) {
    const Foot f = foot(px, py, ax, ay, bx, by);
    const double ex = px - f.x;
    const double ey = py - f.y;
    return ex * ex + ey * ey;
}

} // namespace buurt::planar

#pragma once
// A bulk-loaded (packed) R-tree of envelopes: the one spatial index of the engine.

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <boost/iterator/function_output_iterator.hpp>

#include <algorithm>

#include <cstdint>
#include <utility>
#include <vector>

#include "engine/geos/geos.hpp"

namespace buurt::index {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

using BPoint = bg::model::d2::point_xy<double>;
using BBox = bg::model::box<BPoint>;

inline BBox to_box(const geos::Envelope& e) { return BBox(BPoint(e.min_x, e.min_y), BPoint(e.max_x, e.max_y)); }

class BoxIndex {
public:
    using Value = std::pair<BBox, std::uint32_t>;

    BoxIndex() = default;
    explicit BoxIndex(const std::vector<geos::Envelope>& envelopes) {
        std::vector<Value> values;
        values.reserve(envelopes.size());
        for (std::size_t i = 0; i < envelopes.size(); ++i) {
            values.emplace_back(to_box(envelopes[i]), static_cast<std::uint32_t>(i));
        }
        m_tree = Tree(values.begin(), values.end());  // range constructor = packing (STR) bulk load
    }

    // Indices of the envelopes that intersect `box`, in ascending order (results must not depend on tree shape).
    void query(const BBox& box, std::vector<std::uint32_t>& out) const {
        out.clear();
        m_tree.query(bgi::intersects(box), boost::make_function_output_iterator([&out](const Value& v) { out.push_back(v.second); }));
        std::sort(out.begin(), out.end());
    }
    void query(const BPoint& p, std::vector<std::uint32_t>& out) const { query(BBox(p, p), out); }

    std::size_t size() const { return m_tree.size(); }

private:
    using Tree = bgi::rtree<Value, bgi::quadratic<16>>;
    Tree m_tree;
};

} // namespace buurt::index

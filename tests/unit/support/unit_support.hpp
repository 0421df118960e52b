#pragma once
// Small helpers shared by the unit tests: scratch folders, text files, areas built from WKT.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "engine/geos/geos.hpp"
#include "engine/model/areas.hpp"
#include "test_config.hpp"

namespace buurt::test {

// A fresh, empty folder under the build tree's tmp folder, unique per test and per process
// (ctest may run test cases in parallel, each in its own process).
inline std::filesystem::path scratch_dir(const std::string& name) {
    const std::filesystem::path dir = std::filesystem::path(temp_dir) / "unit" / (name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

// n points uniformly in the box [min_x, max_x] x [min_y, max_y].
inline std::vector<std::pair<double, double>> random_points(std::mt19937_64& rng, double min_x, double min_y, double max_x, double max_y, int n) {
    std::uniform_real_distribution<double> x(min_x, max_x), y(min_y, max_y);
    std::vector<std::pair<double, double>> out;
    for (int i = 0; i < n; ++i) {
        const double px = x(rng);
        out.emplace_back(px, y(rng));
    }
    return out;
}

inline std::string write_text(const std::filesystem::path& file, const std::string& text) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    return file.string();
}

// Project text for one observations input "obs.csv" with an id column and a WKT column in RD: no
// reprojection, so coordinates can be checked exactly. Fields and options can follow.
inline constexpr const char* rd_csv_observations = R"(
[[observations]]
source = "obs.csv"
wkt = "wkt"
crs = "EPSG:28992"
id = "id"
)";

// An area as read_areas would make it: the derived fields filled from the geometry.
inline Area make_area(const std::string& code, const std::string& wkt, const std::string& parent_code = "", long long fid = 0) {
    Area a;
    a.fid = fid;
    a.code = code;
    a.parent_code = parent_code;
    a.geometry = geos::from_wkt(wkt);
    a.envelope = geos::envelope(a.geometry);
    a.area_m2 = geos::area(a.geometry);
    a.vertices = geos::num_coordinates(a.geometry);
    return a;
}

// make_level(Level::buurt, make_area(...), make_area(...)): areas are move-only, so no initializer list.
template <typename... As>
AreaLevel make_level(Level level, As&&... areas) {
    AreaLevel out;
    out.level = level;
    auto add = [&out](Area&& a) {
        out.by_code.emplace(a.code, static_cast<int>(out.areas.size()));  // keeps the first, like read_areas
        out.areas.push_back(std::move(a));
    };
    (add(std::forward<As>(areas)), ...);
    return out;
}

} // namespace buurt::test

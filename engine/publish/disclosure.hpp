#pragma once
// Disclosure control for published outputs, the way statistics offices protect small numbers: no
// count of observations from 1 to threshold - 1 survives. Zero stays zero (nobody said anything is
// the method's own finding, and it exposes no one). Suppressed values are NaN, written as NULL.

#include <array>
#include <string>
#include <vector>

#include "engine/aggregate/tally.hpp"
#include "engine/project/project.hpp"
#include "engine/style/symbology.hpp"

namespace buurt::io {
class GpkgWriter;
}

namespace buurt::publish {

// A tally's count fields as they may be published, in the order of the output fields.
struct CountRow {
    double n_obs = 0, n_points = 0, n_shapes = 0, w_shapes = 0, w_total = 0, strength = 0, concern = 0, neutral = 0;
    std::vector<double> themes;
    std::array<double, 4> sources{};

    // From the published strengths and concerns only: a balance from exact small numbers would give them back.
    double balance() const;
};

class Control {
public:
    explicit Control(const PublishSpec& spec) : m_spec(spec) {}

    bool active() const { return m_spec.enabled; }
    int threshold() const { return m_spec.threshold; }
    // One count: unchanged when not publishing; else 0 stays 0, below the threshold is NaN, and with
    // `round` the rest is rounded to the nearest multiple of the threshold.
    double count(double v) const;
    // Exact counts that add up to `total`: each is protected; with `suppress`, when one cell alone is
    // hidden the smallest other non-zero cell is hidden too, so "total minus the others" does not
    // reveal it. A cell that is never published itself (hexagons' neutral points) may be that second one.
    void group(double total, const std::vector<double*>& cells) const;
    CountRow row(const Tally& t) const;

    // How the output was protected, in Dutch, for maps, legends and layer descriptions.
    std::string note() const;
    // A table's description, with the note when publishing.
    std::string describe(const std::string& description) const;
    // The same for machines: {threshold, method, note, left_out[]} as JSON text.
    std::string describe_json() const;

private:
    bool hide_second(double total, const std::vector<double*>& cells) const;

    PublishSpec m_spec;
};

// A published layer's title says so; a numeric layer with NULLs (hidden counts, or values computed from
// them) gets a legend class for them, in QGIS and in print. `values` as given to build_symbology_from_counts.
void mark_protected(style::Symbology& sym, int threshold, const style::ValueCounts& values);

// The tables GDAL does not write (layer_styles) say so in their description too, and the metadata item
// buurtbalans_publish says how. Does nothing when not publishing.
void label_outputs(io::GpkgWriter& w, const Control& control);

} // namespace buurt::publish

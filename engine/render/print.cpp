#include "engine/render/print.hpp"

#include <nlohmann/json.hpp>

#include "engine/core/error.hpp"
#include "engine/core/interrupt.hpp"
#include "engine/io/sql_query.hpp"
#include "engine/core/version.hpp"
#include "engine/render/canvas.hpp"
#include "engine/render/map_data.hpp"
#include "engine/render/map_page.hpp"

namespace buurt::render {

namespace {

nlohmann::ordered_json rect_json(const Rect& r) { return {{"x", r.x}, {"y", r.y}, {"w", r.w}, {"h", r.h}}; }

std::string page_label(const MapRequest& r, std::size_t index) {
    std::string out;
    for (const auto& code : r.areas) {
        out += (out.empty() ? "" : ", ") + code;
    }
    return out.empty() ? std::to_string(index + 1) : out;
}

} // namespace

std::string PrintReport::to_json() const {
    nlohmann::ordered_json j;
    j["out"] = out;
    j["dpi"] = dpi;
    j["pages"] = nlohmann::ordered_json::array();
    for (const auto& p : pages) {
        nlohmann::ordered_json page;
        page["title"] = p.title;
        page["subtitle"] = p.subtitle;
        page["paper"] = {{"name", p.paper.name}, {"landscape", p.paper.landscape}, {"width_pt", p.paper.width_pt}, {"height_pt", p.paper.height_pt}};
        const MapTransform& t = p.transform;
        page["map"] = {{"frame_pt", rect_json(t.frame)},
                       {"extent", {{"min_x", t.extent.min_x}, {"min_y", t.extent.min_y}, {"max_x", t.extent.max_x}, {"max_y", t.extent.max_y}}},
                       {"scale", t.scale},
                       {"pt_per_m", t.pt_per_m}};
        page["grid"] = {{"columns", p.grid.columns}, {"rows", p.grid.rows}};
        page["legend"] = nlohmann::ordered_json::array();
        for (const auto& l : p.legend) {
            page["legend"].push_back({{"label", l.label}, {"count", l.count}, {"color", l.color}});
        }
        nlohmann::ordered_json labels = nlohmann::ordered_json::array();
        for (const auto& l : p.labels) {
            labels.push_back({{"text", l.text}, {"bounds_pt", rect_json(l.bounds)}});
        }
        page["labels"] = {{"placed", p.labels.size()}, {"dropped", p.labels_dropped}, {"overlaps", p.label_overlaps}, {"boxes", labels}};
        page["callouts"] = nlohmann::ordered_json::array();
        for (const auto& c : p.callouts) {
            page["callouts"].push_back({{"number", c.number}, {"id", c.id}, {"x_pt", c.at.x}, {"y_pt", c.at.y}});
        }
        j["pages"].push_back(page);
    }
    return j.dump(2);
}

PrintReport print(const PrintOptions& options, const std::vector<MapRequest>& pages) {
    if (pages.empty()) {
        throw config_error("no pages to print");
    }
    const Paper p = paper(options.paper, options.landscape);
    const MapData data(options, pages);
    Canvas canvas(options.out, p, options.dpi, {std::string("buurtbalans ") + version, data.run().provenance().created}, options.overwrite);
    const Typesetter text;
    PrintReport report;
    report.out = options.out;
    report.dpi = canvas.dpi();
    for (std::size_t i = 0; i < pages.size(); ++i) {
        check_interrupt();
        canvas.begin_page(page_label(pages[i], i));
        report.pages.push_back(draw_page(canvas.cr(), text, data, pages[i], {p, options.attribution, static_cast<int>(i + 1), static_cast<int>(pages.size())}));
        canvas.end_page();
    }
    canvas.set_title(report.pages.front().title);
    canvas.finish();
    return report;
}

std::vector<std::string> buurten_of_wijk(const std::string& gpkg, const std::string& wijk) {
    const RunOutput run(gpkg);
    std::vector<std::string> codes = run.distinct("buurten", "code", "\"wijk_code\" = " + io::sql_literal(wijk));
    if (codes.empty()) {
        throw config_error("no buurten of wijk '" + wijk + "' in " + gpkg);
    }
    return codes;
}

} // namespace buurt::render

#pragma once
// Internal to engine/render: lays out and draws one page (header, map frame with grid and labels,
// legend panel with scale bar and north arrow, source line).

#include <string>

#include "engine/render/canvas.hpp"
#include "engine/render/map_data.hpp"
#include "engine/render/print.hpp"

namespace buurt::render {

struct PageInfo {
    Paper paper;
    std::string attribution;  // the data's sources, before the engine's name
    int number = 1;           // "pagina 2 van 8" when count > 1
    int count = 1;
};

PageReport draw_page(cairo_t* cr, const Typesetter& text, const MapData& data, const MapRequest& request, const PageInfo& info);

} // namespace buurt::render

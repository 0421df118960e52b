#include "engine/qgis/qgis.hpp"

#include <cpl_conv.h>
#include <cpl_vsi.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <sstream>

#include "engine/core/error.hpp"
#include "engine/core/version.hpp"
#include "engine/gdal/gdal.hpp"
#include "engine/io/gpkg_writer.hpp"
#include "engine/io/sql_query.hpp"

namespace buurt::qgis {

using style::Geometry;
using style::Rule;
using style::Symbol;
using style::Symbology;

namespace {

constexpr const char* qgis_version = "3.22.16-Białowieża";
constexpr double px_per_mm = 3.7795275591;  // SLD sizes are pixels at 96 dpi, as QGIS exports them

std::string esc(const std::string& s) {
    std::string out;
    for (const char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

std::string prop(const std::string& k, const std::string& v) { return "<prop k=\"" + k + "\" v=\"" + esc(v) + "\"/>"; }

style::Color with_alpha(style::Color c, double opacity) {
    c.a = static_cast<std::uint8_t>(std::lround(c.a * opacity));
    return c;
}

const char* symbol_type(Geometry g) { return g == Geometry::point ? "marker" : g == Geometry::line ? "line" : "fill"; }

std::string valence_shape_expression() {
    return "CASE WHEN \"valence\" > 0 THEN 'triangle' WHEN \"valence\" < 0 THEN 'circle' ELSE 'square' END";
}

std::string data_defined_shape() {
    return "<data_defined_properties><Option type=\"Map\"><Option type=\"QString\" name=\"name\" value=\"\"/>"
           "<Option type=\"Map\" name=\"properties\"><Option type=\"Map\" name=\"name\">"
           "<Option type=\"bool\" name=\"active\" value=\"true\"/>"
           "<Option type=\"QString\" name=\"expression\" value=\"" + esc(valence_shape_expression()) + "\"/>"
           "<Option type=\"int\" name=\"type\" value=\"3\"/></Option></Option>"
           "<Option type=\"QString\" name=\"type\" value=\"collection\"/></Option></data_defined_properties>";
}

std::string symbol_xml(const Symbol& s, Geometry g, const std::string& name, bool shape_by_valence) {
    std::ostringstream o;
    o << "<symbol type=\"" << symbol_type(g) << "\" name=\"" << name << "\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">";
    if (g == Geometry::polygon) {
        o << "<layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\">"
          << prop("color", style::qgis_rgba(with_alpha(s.fill, s.fill_opacity))) << prop("style", s.hatch ? "b_diagonal" : "solid")
          << prop("outline_color", style::qgis_rgba(s.stroke)) << prop("outline_style", "solid") << prop("outline_width", num(s.stroke_width))
          << prop("outline_width_unit", "MM") << prop("joinstyle", "bevel") << prop("offset", "0,0") << prop("offset_unit", "MM") << "</layer>";
    } else if (g == Geometry::line) {
        o << "<layer class=\"SimpleLine\" enabled=\"1\" locked=\"0\" pass=\"0\">" << prop("line_color", style::qgis_rgba(s.fill))
          << prop("line_style", "solid") << prop("line_width", num(s.line_width)) << prop("line_width_unit", "MM") << prop("capstyle", "round")
          << prop("joinstyle", "round") << prop("offset", "0") << prop("offset_unit", "MM") << "</layer>";
    } else {
        o << "<layer class=\"SimpleMarker\" enabled=\"1\" locked=\"0\" pass=\"0\">" << prop("color", style::qgis_rgba(s.fill))
          << prop("name", "circle") << prop("size", num(s.size)) << prop("size_unit", "MM") << prop("outline_color", style::qgis_rgba(s.stroke))
          << prop("outline_style", "solid") << prop("outline_width", num(s.stroke_width)) << prop("outline_width_unit", "MM")
          << prop("angle", "0") << prop("offset", "0,0") << prop("offset_unit", "MM") << prop("scale_method", "diameter");
        if (shape_by_valence) {
            o << data_defined_shape();
        }
        o << "</layer>";
    }
    o << "</symbol>";
    return o.str();
}

int geometry_code(Geometry g) { return g == Geometry::point ? 0 : g == Geometry::line ? 1 : 2; }

std::string labeling_xml(const Symbology& s) {
    if (s.label_field.empty()) {
        return "";
    }
    // Placement: polygons horizontal over the centroid (1 = OverPoint), lines curved along (3 = Curved).
    const int placement = s.geometry == Geometry::line ? 3 : s.geometry == Geometry::polygon ? 1 : 0;
    std::ostringstream o;
    o << "<labeling type=\"simple\"><settings calloutType=\"simple\">"
      << "<text-style fieldName=\"" << esc(s.label_field) << "\" isExpression=\"0\" fontFamily=\"DejaVu Sans\" fontSize=\"" << num(s.label_size)
      << "\" fontSizeUnit=\"Point\" textColor=\"40,40,40,255\" textOpacity=\"1\" fontWeight=\"50\" fontItalic=\"0\" namedStyle=\"Book\""
      << " multilineHeight=\"1\" blendMode=\"0\" previewBkgrdColor=\"255,255,255,255\">"
      << "<text-buffer bufferDraw=\"1\" bufferSize=\"" << num(s.label_halo) << "\" bufferSizeUnits=\"MM\" bufferColor=\"255,255,255,255\""
      << " bufferOpacity=\"1\" bufferNoFill=\"1\" bufferJoinStyle=\"128\" bufferBlendMode=\"0\"/>"
      << "</text-style>"
      << "<text-format wrapChar=\"\" multilineAlign=\"3\" plussign=\"0\" formatNumbers=\"0\" decimals=\"3\"/>"
      << "<placement placement=\"" << placement << "\" placementFlags=\"10\" dist=\"0\" distUnits=\"MM\" centroidInside=\"1\" centroidWhole=\"0\""
      << " overrunDistance=\"0\" overrunDistanceUnit=\"MM\" repeatDistance=\"0\" fitInPolygonOnly=\"0\" priority=\"5\"/>"
      << "<rendering obstacle=\"1\" obstacleType=\"1\" obstacleFactor=\"1\" displayAll=\"0\" labelPerPart=\"0\" mergeLines=\"1\""
      << " scaleVisibility=\"0\" drawLabels=\"1\" limitNumLabels=\"0\" upsidedownLabels=\"0\" zIndex=\"0\" minFeatureSize=\"0\"/>"
      << "</settings></labeling>";
    return o.str();
}

// The children of <qgis>: the same block goes into a QML file and into a project's <maplayer>.
std::string style_body(const Symbology& s) {
    std::ostringstream o;
    o << "<renderer-v2 type=\"RuleRenderer\" symbollevels=\"0\" forceraster=\"0\" enableorderby=\"0\" referencescale=\"-1\">";
    o << "<rules key=\"{" << s.layer_id << "-root}\">";
    for (std::size_t i = 0; i < s.rules.size(); ++i) {
        const Rule& r = s.rules[i];
        o << "<rule key=\"{" << s.layer_id << "-" << i << "}\" symbol=\"" << i << "\" label=\"" << esc(r.label) << "\" filter=\"" << esc(r.expression()) << "\"/>";
    }
    o << "</rules><symbols>";
    for (std::size_t i = 0; i < s.rules.size(); ++i) {
        o << symbol_xml(s.rules[i].symbol, s.geometry, std::to_string(i), s.shape_by_valence);
    }
    o << "</symbols></renderer-v2>" << labeling_xml(s);
    o << "<layerGeometryType>" << geometry_code(s.geometry) << "</layerGeometryType>";
    return o.str();
}

std::string ogc_literal_compare(const char* op, const std::string& field, const std::string& value) {
    return std::string("<ogc:") + op + "><ogc:PropertyName>" + esc(field) + "</ogc:PropertyName><ogc:Literal>" + esc(value) + "</ogc:Literal></ogc:" + op + ">";
}

std::string ogc_filter(const Rule& r) {
    switch (r.test) {
        case Rule::Test::range:
            return "<ogc:Filter xmlns:ogc=\"http://www.opengis.net/ogc\"><ogc:And>" +
                   ogc_literal_compare(r.include_lower ? "PropertyIsGreaterThanOrEqualTo" : "PropertyIsGreaterThan", r.field, num(r.lower)) +
                   ogc_literal_compare("PropertyIsLessThanOrEqualTo", r.field, num(r.upper)) + "</ogc:And></ogc:Filter>";
        case Rule::Test::equals:
            return "<ogc:Filter xmlns:ogc=\"http://www.opengis.net/ogc\">" + ogc_literal_compare("PropertyIsEqualTo", r.field, r.value) + "</ogc:Filter>";
        case Rule::Test::is_null:
            return "<ogc:Filter xmlns:ogc=\"http://www.opengis.net/ogc\"><ogc:PropertyIsNull><ogc:PropertyName>" + esc(r.field) +
                   "</ogc:PropertyName></ogc:PropertyIsNull></ogc:Filter>";
        case Rule::Test::other: return "<se:ElseFilter/>";
    }
    return "";
}

std::string svg(const char* name, const std::string& value) { return std::string("<se:SvgParameter name=\"") + name + "\">" + value + "</se:SvgParameter>"; }

std::string sld_symbolizer(const Symbol& s, Geometry g, const std::string& shape) {
    std::ostringstream o;
    if (g == Geometry::polygon) {
        o << "<se:PolygonSymbolizer><se:Fill>" << svg("fill", style::hex(s.fill)) << svg("fill-opacity", num(s.hatch ? 0.3 : s.fill_opacity)) << "</se:Fill>"
          << "<se:Stroke>" << svg("stroke", style::hex(s.stroke)) << svg("stroke-width", num(s.stroke_width * px_per_mm)) << "</se:Stroke></se:PolygonSymbolizer>";
    } else if (g == Geometry::line) {
        o << "<se:LineSymbolizer><se:Stroke>" << svg("stroke", style::hex(s.fill)) << svg("stroke-width", num(s.line_width * px_per_mm))
          << svg("stroke-linecap", "round") << "</se:Stroke></se:LineSymbolizer>";
    } else {
        o << "<se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>" << shape << "</se:WellKnownName><se:Fill>" << svg("fill", style::hex(s.fill))
          << "</se:Fill><se:Stroke>" << svg("stroke", style::hex(s.stroke)) << svg("stroke-width", num(s.stroke_width * px_per_mm))
          << "</se:Stroke></se:Mark><se:Size>" << num(s.size * px_per_mm) << "</se:Size></se:Graphic></se:PointSymbolizer>";
    }
    return o.str();
}

std::string sld_rule(const Rule& r, Geometry g, const std::string& filter, const std::string& shape, const std::string& suffix) {
    return "<se:Rule><se:Name>" + esc(r.label + suffix) + "</se:Name><se:Description><se:Title>" + esc(r.label + suffix) +
           "</se:Title></se:Description>" + filter + sld_symbolizer(r.symbol, g, shape) + "</se:Rule>";
}

std::string gdal_srs_xml(const std::string& crs) {
    const OGRSpatialReference srs = gdal::srs_from_user(crs);
    char* wkt = nullptr;
    const char* opts[] = {"FORMAT=WKT2_2018", nullptr};
    srs.exportToWkt(&wkt, opts);
    char* proj4 = nullptr;
    srs.exportToProj4(&proj4);
    const char* auth = srs.GetAuthorityName(nullptr);
    const char* code = srs.GetAuthorityCode(nullptr);
    std::ostringstream o;
    o << "<spatialrefsys><wkt>" << esc(wkt ? wkt : "") << "</wkt><proj4>" << esc(proj4 ? proj4 : "") << "</proj4>";
    if (auth != nullptr && code != nullptr) {
        o << "<srid>" << code << "</srid><authid>" << auth << ":" << code << "</authid>";
    }
    o << "<description>" << esc(srs.GetName() ? srs.GetName() : "") << "</description></spatialrefsys>";
    CPLFree(wkt);
    CPLFree(proj4);
    return o.str();
}

std::string utc_now() {
    const std::time_t t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", std::gmtime(&t));
    return buf;
}

} // namespace

// A .qgz is a zip with one .qgs member; GDAL's zip writer builds it in memory.
std::string qgz_hex(const std::string& qgs) {
    const std::string path = "/vsimem/buurtbalans_project_" + std::to_string(reinterpret_cast<std::uintptr_t>(&qgs)) + ".qgz";
    void* zip = CPLCreateZip(path.c_str(), nullptr);
    if (zip == nullptr || CPLCreateFileInZip(zip, "buurtbalans.qgs", nullptr) != CE_None ||
        CPLWriteFileInZip(zip, qgs.data(), static_cast<int>(qgs.size())) != CE_None || CPLCloseFileInZip(zip) != CE_None) {
        if (zip != nullptr) {
            CPLCloseZip(zip);
        }
        VSIUnlink(path.c_str());
        throw output_error("cannot build the QGIS project archive");
    }
    CPLCloseZip(zip);
    vsi_l_offset size = 0;
    GByte* data = VSIGetMemFileBuffer(path.c_str(), &size, FALSE);
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(static_cast<std::size_t>(size) * 2);
    for (vsi_l_offset i = 0; i < size; ++i) {
        hex += digits[data[i] >> 4];
        hex += digits[data[i] & 15];
    }
    VSIUnlink(path.c_str());
    return hex;
}

std::string geometry_display_name(Geometry g) {
    return g == Geometry::point ? "Point" : g == Geometry::line ? "Line" : "Polygon";
}

std::string qml(const Symbology& s) {
    return std::string("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"") + qgis_version +
           "\" styleCategories=\"AllStyleCategories\">" + style_body(s) + "</qgis>\n";
}

std::string sld(const Symbology& s) {
    std::ostringstream o;
    o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<StyledLayerDescriptor xmlns=\"http://www.opengis.net/sld\" xmlns:ogc=\"http://www.opengis.net/ogc\" xmlns:xlink=\"http://www.w3.org/1999/xlink\""
      << " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:se=\"http://www.opengis.net/se\" version=\"1.1.0\""
      << " xsi:schemaLocation=\"http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd\">"
      << "<NamedLayer><se:Name>" << esc(s.table) << "</se:Name><UserStyle><se:Name>" << esc(s.layer_id) << "</se:Name><se:FeatureTypeStyle>";
    for (const Rule& r : s.rules) {
        if (!s.shape_by_valence) {
            o << sld_rule(r, s.geometry, ogc_filter(r), "circle", "");
            continue;
        }
        // SLD has no data-defined marker shape: one rule per valence instead.
        for (const int v : {1, -1, 0}) {
            const std::string valence = ogc_literal_compare("PropertyIsEqualTo", "valence", std::to_string(v));
            std::string filter;
            if (r.test == Rule::Test::other) {
                filter = "<ogc:Filter xmlns:ogc=\"http://www.opengis.net/ogc\">" + valence + "</ogc:Filter>";
            } else {
                const std::string inner = ogc_filter(r);
                const std::string open = "<ogc:Filter xmlns:ogc=\"http://www.opengis.net/ogc\">";
                filter = open + "<ogc:And>" + inner.substr(open.size(), inner.size() - open.size() - std::string("</ogc:Filter>").size()) + valence +
                         "</ogc:And></ogc:Filter>";
            }
            o << sld_rule(r, s.geometry, filter, style::marker_shape_for_valence(v), v > 0 ? " (kans)" : v < 0 ? " (zorg)" : " (neutraal)");
        }
    }
    o << "</se:FeatureTypeStyle></UserStyle></NamedLayer></StyledLayerDescriptor>\n";
    return o.str();
}

namespace {

std::string raster_renderer(const ProjectRaster& r) {
    std::ostringstream o;
    o << "<pipe><rasterrenderer type=\"singlebandpseudocolor\" band=\"1\" opacity=\"" << num(r.opacity) << "\" alphaBand=\"-1\""
      << " classificationMin=\"" << (r.classes.empty() ? "0" : num(r.classes.front().lower)) << "\" classificationMax=\""
      << (r.classes.empty() ? "1" : num(r.classes.back().upper)) << "\">"
      << "<rastershader><colorrampshader colorRampType=\"DISCRETE\" classificationMode=\"2\" clip=\"0\" minimumValue=\""
      << (r.classes.empty() ? "0" : num(r.classes.front().lower)) << "\" maximumValue=\"" << (r.classes.empty() ? "1" : num(r.classes.back().upper)) << "\">";
    // DISCRETE: a value gets the colour of the first item whose value is >= it; zero stays transparent.
    o << "<item alpha=\"0\" value=\"0\" label=\"geen\" color=\"#ffffff\"/>";
    for (const auto& c : r.classes) {
        o << "<item alpha=\"255\" value=\"" << num(c.upper) << "\" label=\"" << esc(c.label) << "\" color=\"" << style::hex(c.symbol.fill) << "\"/>";
    }
    o << "</colorrampshader></rastershader></rasterrenderer><brightnesscontrast brightness=\"0\" contrast=\"0\"/>"
      << "<huesaturation saturation=\"0\" grayscaleMode=\"0\" colorizeOn=\"0\"/><rasterresampler maxOversampling=\"2\"/></pipe>";
    return o.str();
}

} // namespace

std::string project_qgs(const ProjectInfo& info, const std::vector<ProjectLayer>& layers, const std::vector<ProjectRaster>& rasters) {
    const std::string srs = gdal_srs_xml(info.crs);
    // QGIS keeps a layer's <id> only when it is longer than 10 characters and makes up another otherwise.
    auto layer_id = [](const std::string& id) { return esc("buurtbalans_" + id); };
    const DataSource& ds = info.source;
    const bool postgres = ds.gpkg_file_name.empty();
    const char* provider = postgres ? "postgres" : "ogr";
    auto source = [&](const Symbology& s) {
        if (postgres) {
            const auto type = ds.pg_geometry_types.find(s.table);
            std::string src = ds.pg_connection + " key='fid'" + (ds.pg_srid > 0 ? " srid=" + std::to_string(ds.pg_srid) : std::string()) +
                              (type != ds.pg_geometry_types.end() ? " type=" + type->second : std::string()) + " checkPrimaryKeyUnicity='0' table=\"" +
                              ds.pg_schema + "\".\"" + s.table + "\" (geom)";
            return s.filter.empty() ? src : src + " sql=" + s.filter;
        }
        std::string src = "./" + ds.gpkg_file_name + "|layername=" + s.table;
        if (!s.filter.empty()) {
            src += "|subset=" + s.filter;
        }
        return src;
    };
    std::ostringstream tree;
    std::ostringstream maplayers;
    std::ostringstream order;
    std::string open_group;
    for (const auto& l : layers) {
        const Symbology& s = l.symbology;
        if (l.group != open_group) {
            if (!open_group.empty()) {
                tree << "</layer-tree-group>";
            }
            tree << "<layer-tree-group name=\"" << esc(l.group) << "\" checked=\"Qt::Checked\" expanded=\"1\">";
            open_group = l.group;
        }
        tree << "<layer-tree-layer id=\"" << layer_id(s.layer_id) << "\" name=\"" << esc(s.title) << "\" providerKey=\"" << provider << "\" checked=\""
             << (l.visible ? "Qt::Checked" : "Qt::Unchecked") << "\" expanded=\"1\" source=\"" << esc(source(s)) << "\"/>";
        const char* wkb = s.geometry == Geometry::point ? "Point" : s.geometry == Geometry::line ? "MultiLineString" : "MultiPolygon";
        const char* geom = s.geometry == Geometry::point ? "Point" : s.geometry == Geometry::line ? "Line" : "Polygon";
        maplayers << "<maplayer type=\"vector\" geometry=\"" << geom << "\" wkbType=\"" << wkb
                  << "\" hasScaleBasedVisibilityFlag=\"0\" minScale=\"0\" maxScale=\"0\" readOnly=\"0\">"
                  << "<id>" << layer_id(s.layer_id) << "</id><datasource>" << esc(source(s)) << "</datasource>"
                  << "<layername>" << esc(s.title) << "</layername><srs>" << srs << "</srs>"
                  << "<provider encoding=\"UTF-8\">" << provider << "</provider>" << style_body(s) << "</maplayer>";
        order << "<layer id=\"" << layer_id(s.layer_id) << "\"/>";
    }
    if (!open_group.empty()) {
        tree << "</layer-tree-group>";
    }
    for (const auto& r : rasters) {
        const std::string src = "GPKG:./" + ds.gpkg_file_name + ":" + r.table;
        tree << "<layer-tree-group name=\"" << esc(r.group) << "\" checked=\"Qt::Checked\" expanded=\"1\"><layer-tree-layer id=\"" << layer_id(r.id)
             << "\" name=\"" << esc(r.title) << "\" providerKey=\"gdal\" checked=\"" << (r.visible ? "Qt::Checked" : "Qt::Unchecked")
             << "\" expanded=\"1\" source=\"" << esc(src) << "\"/></layer-tree-group>";
        maplayers << "<maplayer type=\"raster\" hasScaleBasedVisibilityFlag=\"0\" minScale=\"0\" maxScale=\"0\"><id>" << layer_id(r.id) << "</id>"
                  << "<datasource>" << esc(src) << "</datasource><layername>" << esc(r.title) << "</layername><srs>" << srs << "</srs>"
                  << "<provider>gdal</provider>" << raster_renderer(r) << "</maplayer>";
        order << "<layer id=\"" << layer_id(r.id) << "\"/>";
    }
    const geos::Envelope& e = info.extent;
    std::ostringstream o;
    o << "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
      << "<qgis version=\"" << qgis_version << "\" projectname=\"" << esc(info.title) << "\">"
      << "<homePath path=\"\"/><title>" << esc(info.title) << "</title>"
      << "<projectCrs>" << srs << "</projectCrs>"
      << "<layer-tree-group>" << tree.str() << "</layer-tree-group>"
      << "<mapcanvas name=\"theMapCanvas\" annotationsVisible=\"1\"><units>meters</units><extent>"
      << "<xmin>" << num(e.min_x) << "</xmin><ymin>" << num(e.min_y) << "</ymin><xmax>" << num(e.max_x) << "</xmax><ymax>" << num(e.max_y)
      << "</ymax></extent><rotation>0</rotation><destinationsrs>" << srs << "</destinationsrs><rendermaptile>0</rendermaptile></mapcanvas>"
      << "<projectlayers>" << maplayers.str() << "</projectlayers>"
      << "<layerorder>" << order.str() << "</layerorder>"
      << "<properties><Paths><Absolute type=\"bool\">false</Absolute></Paths></properties>"
      << "<projectMetadata><title>" << esc(info.title) << "</title><author>buurtbalans " << version << "</author></projectMetadata>"
      << "</qgis>\n";
    return o.str();
}

void store_styles(io::GpkgWriter& w, const std::vector<StyleRow>& rows) {
    // The exact DDL QGIS 3.22's OGR provider uses; a NULL schema or a wrong geometry column is silently
    // ignored by QGIS, so both are written the way QGIS itself writes them.
    w.execute_sql(
        "CREATE TABLE IF NOT EXISTS \"layer_styles\" ( \"id\" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, \"f_table_catalog\" TEXT(256), "
        "\"f_table_schema\" TEXT(256), \"f_table_name\" TEXT(256), \"f_geometry_column\" TEXT(256), \"styleName\" TEXT(30), "
        "\"styleQML\" TEXT, \"styleSLD\" TEXT, \"useAsDefault\" BOOLEAN, \"description\" TEXT, \"owner\" TEXT(30), \"ui\" TEXT(30), "
        "\"update_time\" DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))");
    w.execute_sql("INSERT INTO gpkg_contents (table_name, data_type, identifier) SELECT 'layer_styles', 'attributes', 'layer_styles' "
                  "WHERE NOT EXISTS (SELECT 1 FROM gpkg_contents WHERE table_name = 'layer_styles')");
    for (const auto& r : rows) {
        const Symbology& s = r.symbology;
        w.execute_sql("INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, "
                      "styleSLD, useAsDefault, description, owner) VALUES ('', '', " +
                      io::sql_literal(s.table) + ", 'geom', " + io::sql_literal(s.layer_id) + ", " + io::sql_literal(qml(s)) + ", " + io::sql_literal(sld(s)) + ", " +
                      (r.is_default ? "1" : "0") + ", " + io::sql_literal(s.title) + ", '')");
    }
}

void store_project(io::GpkgWriter& w, const std::string& project_name, const std::string& qgs_xml) {
    w.execute_sql("CREATE TABLE IF NOT EXISTS qgis_projects(name TEXT PRIMARY KEY, metadata BLOB, content BLOB)");
    const std::string metadata = "{\"last_modified_time\": \"" + utc_now() + "\", \"last_modified_user\": \"buurtbalans\" }";
    w.execute_sql("INSERT OR REPLACE INTO qgis_projects(name, metadata, content) VALUES (" + io::sql_literal(project_name) + ", " + io::sql_literal(metadata) +
                  ", " + io::sql_literal(qgz_hex(qgs_xml)) + ")");
}

} // namespace buurt::qgis

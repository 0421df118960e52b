#include "engine/model/observation.hpp"

namespace buurt {

std::string_view kind_name(Kind k) {
    switch (k) {
        case Kind::point: return "point";
        case Kind::multipoint: return "multipoint";
        case Kind::line: return "line";
        case Kind::polygon: return "polygon";
    }
    return "point";
}

} // namespace buurt

#include "engine/core/error.hpp"

#include "engine/core/conninfo.hpp"

namespace buurt {

std::string Location::to_string() const {
    // A database source is named without its password: messages end up in logs and tickets.
    std::string out = display_source(file);
    auto add = [&out](const std::string& label, const std::string& value) {
        if (value.empty()) {
            return;
        }
        if (!out.empty()) {
            out += ", ";
        }
        out += label + value;
    };
    add("layer ", layer.empty() ? "" : "'" + layer + "'");
    add("feature ", feature);
    add("field ", field.empty() ? "" : "'" + field + "'");
    return out;
}

input_error::input_error(Location where, const std::string& what)
    : error(where.to_string().empty() ? what : where.to_string() + ": " + what), m_where(std::move(where)) {}

} // namespace buurt

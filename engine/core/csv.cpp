#include "engine/core/csv.hpp"

namespace buurt {

std::string csv_text(const std::string& value) {
    std::string v = value;
    if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r')) {
        v.insert(v.begin(), '\'');
    }
    if (v.find_first_of(",\"\n\r;") == std::string::npos) {
        return v;
    }
    std::string out = "\"";
    for (const char c : v) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

} // namespace buurt

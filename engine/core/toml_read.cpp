#include "engine/core/toml_read.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "engine/core/error.hpp"
#include "engine/core/text.hpp"

namespace buurt {

// TOML documents are UTF-8 by definition, and toml11 3.7 reads past its buffer when it reports a
// bad sequence inside a string (found by fuzzing), so the check happens before it sees the text.
toml::value parse_toml_text(const std::string& text, const std::string& origin, const std::string& what) {
    if (const std::size_t bad = utf8_error_offset(text); bad != std::string::npos) {
        const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n');
        throw config_error(origin + ": line " + std::to_string(line) + ": the " + what + " is not UTF-8 (byte " +
                           std::to_string(bad + 1) + "); save it as UTF-8");
    }
    std::istringstream in(text);
    try {
        return toml::parse(in, origin);
    } catch (const toml::exception& e) {
        throw config_error("cannot read " + what + ": " + e.what());
    }
}

toml::value read_toml_file(const std::string& path, const std::string& what) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        throw config_error(path + ": is a folder, not a " + what);  // an ifstream "opens" a folder on Linux
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw config_error(path + ": cannot open the " + what);
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return parse_toml_text(text, path, what);
}

} // namespace buurt

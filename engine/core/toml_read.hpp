#pragma once

#include <string>

#include <toml.hpp>

namespace buurt {

// Every TOML the engine reads (project files, layers/, styles/) goes through here, so every one gets
// the same UTF-8 check and the same config_error naming the file. `what` says what kind of file it
// is ("project file", "style file") for the messages.
toml::value parse_toml_text(const std::string& text, const std::string& origin, const std::string& what);
toml::value read_toml_file(const std::string& path, const std::string& what);

} // namespace buurt

#include "engine/style/data_dir.hpp"

#include <cstdlib>
#include <filesystem>

#include "engine/core/version.hpp"

namespace buurt::style {

std::string data_dir(const std::string& configured, const char* sub) {
    if (!configured.empty()) {
        return configured;
    }
    const char* env = std::getenv("BUURTBALANS_DATA");
    return (std::filesystem::path(env != nullptr && *env != '\0' ? env : default_data_dir) / sub).string();
}

} // namespace buurt::style

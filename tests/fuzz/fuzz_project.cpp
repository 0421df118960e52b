// libFuzzer target: the project-file parser. Anything but a buurt::error (which the command turns into
// a clean exit code) is a finding: a crash, a sanitizer report, or another exception.

#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/core/error.hpp"
#include "engine/project/project.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        buurt::parse_project(text, "fuzz.toml", "/nonexistent");
    } catch (const buurt::error&) {
    }
    return 0;
}

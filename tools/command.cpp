#include "tools/command.hpp"

#include <unistd.h>

#include <charconv>
#include <iostream>

namespace buurt::cli {

std::vector<std::string> Options::parse(const std::string& command, const std::vector<std::string>& argv) const {
    std::vector<std::string> positional;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        std::string arg = argv[i];
        std::string value;
        const auto eq = arg.find('=');
        const bool inline_value = arg.rfind("--", 0) == 0 && eq != std::string::npos;
        if (inline_value) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
        }
        if (const auto it = m_values.find(arg); it != m_values.end()) {
            if (!inline_value) {
                if (i + 1 >= argv.size()) {
                    throw UsageError(arg + " needs a value");
                }
                value = argv[++i];
            }
            it->second(value);
        } else if (const auto f = m_flags.find(arg); f != m_flags.end() && !inline_value) {
            f->second();
        } else if (arg.size() > 1 && arg[0] == '-') {
            throw UsageError("unknown option " + arg + " for '" + command + "' (see buurtbalans " + command + " --help)");
        } else {
            positional.push_back(arg);
        }
    }
    return positional;
}

int to_int(const std::string& option, const std::string& text) {
    int v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        throw UsageError(option + " needs a whole number, got '" + text + "'");
    }
    return v;
}

double to_double(const std::string& option, const std::string& text) {
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        throw UsageError(option + " needs a number, got '" + text + "'");
    }
    return v;
}

std::function<void(const std::string&, long long)> terminal_progress(bool quiet) {
    if (quiet || isatty(STDERR_FILENO) == 0) {
        return {};
    }
    return [](const std::string& stage, long long done) { std::cerr << "\r" << stage << ": " << done << "   " << std::flush; };
}

void clear_progress_line() {
    if (isatty(STDERR_FILENO) != 0) {
        std::cerr << "\r" << std::string(60, ' ') << "\r";
    }
}

} // namespace buurt::cli

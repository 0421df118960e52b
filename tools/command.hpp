#pragma once
// The sub-command interface: each command parses its own options, then calls one engine job.
// Only main.cpp maps exceptions to exit codes.

#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace buurt::cli {

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A small option parser: "--name value", "--name=value" and switches; everything else is positional.
class Options {
public:
    void value(const std::string& name, std::function<void(const std::string&)> set) { m_values[name] = std::move(set); }
    void flag(const std::string& name, std::function<void()> set) { m_flags[name] = std::move(set); }
    // Returns the positional arguments.
    std::vector<std::string> parse(const std::string& command, const std::vector<std::string>& argv) const;

private:
    std::map<std::string, std::function<void(const std::string&)>> m_values;
    std::map<std::string, std::function<void()>> m_flags;
};

int to_int(const std::string& option, const std::string& text);
double to_double(const std::string& option, const std::string& text);

// Progress on standard error, only on a terminal and without --quiet.
std::function<void(const std::string&, long long)> terminal_progress(bool quiet);
void clear_progress_line();

struct Command {
    std::string name;
    std::string summary;  // one line for buurtbalans --help
    std::string help;     // buurtbalans NAME --help
    std::function<int(const std::vector<std::string>&)> run;
};

// Each command file defines one of these.
Command validate_command();
Command run_command();
Command streets_command();
Command street_command();
Command print_command();
Command basemap_command();
Command atlas_command();

} // namespace buurt::cli

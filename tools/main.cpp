// buurtbalans: the command. Dispatches to a sub-command (tools/command_*.cpp) and maps the engine's
// exceptions to the documented exit codes. No work is done here.

#include <iostream>
#include <string>
#include <vector>

#include "engine/core/error.hpp"
#include "engine/core/interrupt.hpp"
#include "engine/core/version.hpp"
#include "tools/command.hpp"

namespace {

enum ExitCode : int { ok = 0, usage = 2, config = 3, input = 4, output = 5, internal = 10 };

std::vector<buurt::cli::Command> commands() {
    return {buurt::cli::validate_command(), buurt::cli::run_command(), buurt::cli::print_command(), buurt::cli::basemap_command(),
            buurt::cli::atlas_command(), buurt::cli::streets_command(), buurt::cli::street_command()};
}

void print_help(const std::vector<buurt::cli::Command>& all) {
    std::cout << "buurtbalans - the Buurtbalans engine: observations joined to blocks, buurten and streets\n\n"
                 "Usage: buurtbalans COMMAND [OPTIONS]\n\nCommands:\n";
    for (const auto& c : all) {
        std::cout << "  " << c.name << std::string(12 - std::min<std::size_t>(c.name.size(), 11), ' ') << c.summary << "\n";
    }
    std::cout << "\n  buurtbalans COMMAND --help   shows the options of a command\n"
                 "  buurtbalans --version        shows the version\n\n"
                 "Exit codes: 0 ok, 2 usage error, 3 project error, 4 input error, 5 output error, 10 internal error,\n"
                 "128 + N stopped by signal N (130 Ctrl-C, 143 SIGTERM) with nothing written.\n";
}

} // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    const auto all = commands();
    buurt::install_interrupt_handlers();
    try {
        if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
            print_help(all);
            return args.empty() ? usage : ok;
        }
        if (args[0] == "--version") {
            std::cout << "buurtbalans " << buurt::version << "\n";
            return ok;
        }
        for (const auto& c : all) {
            if (c.name != args[0]) {
                continue;
            }
            const std::vector<std::string> rest(args.begin() + 1, args.end());
            for (const auto& a : rest) {
                if (a == "--help" || a == "-h") {
                    std::cout << c.help;
                    return ok;
                }
            }
            return c.run(rest);
        }
        throw buurt::cli::UsageError("unknown command '" + args[0] + "' (see buurtbalans --help)");
    } catch (const buurt::interrupted& e) {
        std::cerr << "buurtbalans: " << e.what() << "; nothing was written, earlier outputs are as they were\n";
        return 128 + e.signal();  // as the shell reports a process ended by that signal
    } catch (const buurt::cli::UsageError& e) {
        std::cerr << "buurtbalans: " << e.what() << "\n";
        return usage;
    } catch (const buurt::config_error& e) {
        std::cerr << "buurtbalans: project error: " << e.what() << "\n";
        return config;
    } catch (const buurt::input_error& e) {
        std::cerr << "buurtbalans: input error: " << e.what() << "\n";
        return input;
    } catch (const buurt::output_error& e) {
        std::cerr << "buurtbalans: output error: " << e.what() << "\n";
        return output;
    } catch (const std::exception& e) {
        std::cerr << "buurtbalans: internal error: " << e.what() << "\n";
        return internal;
    }
}

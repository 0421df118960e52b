#pragma once
// Ctrl-C, SIGTERM from a scheduler, SIGHUP from a closed terminal: the run stops at the next safe
// point by throwing `interrupted`, so the ordinary unwinding removes temporary files, rolls back the
// PostGIS transaction and leaves every output as it was. A second signal ends the process at once.

#include "engine/core/error.hpp"

namespace buurt {

class interrupted : public error {
public:
    explicit interrupted(int signal);
    int signal() const noexcept { return m_signal; }

private:
    int m_signal;
};

// Once, from main.
void install_interrupt_handlers();
// Throws `interrupted` when a signal came; cheap enough to call per feature.
void check_interrupt();

} // namespace buurt

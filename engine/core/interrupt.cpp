#include "engine/core/interrupt.hpp"

#include <atomic>
#include <csignal>
#include <string>

namespace buurt {

namespace {

std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the handler may only touch a lock-free atomic");

extern "C" void on_signal(int sig) {
    g_signal.store(sig, std::memory_order_relaxed);
    std::signal(sig, SIG_DFL);  // the next one ends the process, should the run not reach a safe point
}

} // namespace

interrupted::interrupted(int signal) : error("interrupted by signal " + std::to_string(signal)), m_signal(signal) {}

void install_interrupt_handlers() {
    for (const int sig : {SIGINT, SIGTERM, SIGHUP}) {
        std::signal(sig, on_signal);
    }
}

void check_interrupt() {
    if (const int sig = g_signal.load(std::memory_order_relaxed); sig != 0) {
        throw interrupted(sig);
    }
}

} // namespace buurt

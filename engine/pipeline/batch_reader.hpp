#pragma once
// Reads the observations of all inputs in batches on a thread of its own, one batch ahead of the join.
// Reading goes through OGR on one thread and is the larger part of the work per observation; this way
// it overlaps with the join on the other cores instead of taking turns with it. The same thread puts
// each batch in the order to join it in (Joiner::locality), so the join does not wait for a sort.

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "engine/io/read_observations.hpp"
#include "engine/model/observation.hpp"

namespace buurt {

class BatchReader {
public:
    using Locality = std::function<std::uint32_t(const Observation&)>;
    BatchReader(std::vector<io::ObservationReader>& readers, std::size_t batch_size, Locality locality);
    ~BatchReader();  // stops reading and waits for the thread
    BatchReader(const BatchReader&) = delete;
    BatchReader& operator=(const BatchReader&) = delete;

    // The next batch, in input order, and the positions in it by ascending locality; false at the end,
    // when the readers (and their reports) are finished and no longer touched by the thread. Rethrows
    // what reading threw. What `batch` held is done with: it is read into again (its memory and the
    // strings' buffers are reused, no fresh pages per batch).
    bool next(std::vector<Observation>& batch, std::vector<std::uint32_t>& order);

private:
    void read();

    std::vector<io::ObservationReader>& m_readers;
    std::size_t m_batch_size;
    Locality m_locality;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::optional<std::vector<Observation>> m_ready;  // empty vector: the end
    std::vector<std::uint32_t> m_ready_order;
    std::vector<std::vector<Observation>> m_spare;  // batches handed back by next(), to read into
    std::exception_ptr m_error;
    bool m_stop = false;
    std::thread m_thread;  // declared last: it starts when everything it uses exists
};

} // namespace buurt

#pragma once
// Reads the observations of all inputs in batches on a thread of its own, one batch ahead of the join.
// Reading goes through OGR on one thread and is the larger part of the work per observation; this way
// it overlaps with the join on the other cores instead of taking turns with it.

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "engine/io/read_observations.hpp"
#include "engine/model/observation.hpp"

namespace buurt {

class BatchReader {
public:
    BatchReader(std::vector<io::ObservationReader>& readers, std::size_t batch_size);
    ~BatchReader();  // stops reading and waits for the thread
    BatchReader(const BatchReader&) = delete;
    BatchReader& operator=(const BatchReader&) = delete;

    // The next batch, in input order; false at the end, when the readers (and their reports) are
    // finished and no longer touched by the thread. Rethrows what reading threw.
    bool next(std::vector<Observation>& batch);

private:
    void read();

    std::vector<io::ObservationReader>& m_readers;
    std::size_t m_batch_size;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::optional<std::vector<Observation>> m_ready;  // empty vector: the end
    std::exception_ptr m_error;
    bool m_stop = false;
    std::thread m_thread;  // declared last: it starts when everything it uses exists
};

} // namespace buurt

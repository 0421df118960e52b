// BatchReader: every observation once, batches in input order, each batch's order by ascending key
// with equal keys in input order (the join's locality order, sorted on the reader's thread).
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "engine/io/read_observations.hpp"
#include "engine/pipeline/batch_reader.hpp"
#include "engine/project/project.hpp"
#include "engine/report/report.hpp"
#include "unit/support/unit_support.hpp"

using namespace buurt;

TEST_CASE("batches come in input order, each in ascending key order, ties in input order", "[pipeline]") {
    const auto dir = test::scratch_dir("batch-reader");
    // Keys 0..49 at random, so ties are many; every tenth 2^24 and up, for the higher bytes.
    std::mt19937 rng(3);
    std::vector<std::uint32_t> key;
    std::string csv = "id,wkt\n";
    for (int i = 0; i < 1000; ++i) {
        const std::uint32_t k = i % 10 == 0 ? (std::uint32_t{1} << 24) * static_cast<std::uint32_t>(rng() % 200) : static_cast<std::uint32_t>(rng() % 50);
        key.push_back(k);
        csv += std::to_string(i) + ",POINT (" + std::to_string(120000 + i) + " 480000)\n";
    }
    test::write_text(dir / "obs.csv", csv);
    const Project p = parse_project(test::rd_csv_observations, "test.toml", dir.string());
    Report report;
    std::vector<io::ObservationReader> readers;
    readers.emplace_back(p, 0, report);
    constexpr std::size_t batch_size = 300;  // four batches, the last one short
    BatchReader batches(readers, batch_size, [&key](const Observation& o) { return key[static_cast<std::size_t>(std::stoi(o.id))]; });

    std::vector<Observation> batch;
    std::vector<std::uint32_t> order;
    std::size_t seen = 0;
    int n_batches = 0;
    while (batches.next(batch, order)) {
        ++n_batches;
        REQUIRE(order.size() == batch.size());
        for (std::size_t k = 0; k < batch.size(); ++k) {
            CHECK(batch[k].id == std::to_string(seen + k));  // input order within and across batches
        }
        for (std::size_t k = 1; k < order.size(); ++k) {
            const std::uint32_t a = key[seen + order[k - 1]];
            const std::uint32_t b = key[seen + order[k]];
            INFO("batch " << n_batches << ", positions " << order[k - 1] << " and " << order[k]);
            CHECK((a < b || (a == b && order[k - 1] < order[k])));
        }
        std::vector<bool> hit(batch.size(), false);
        for (const std::uint32_t i : order) {
            REQUIRE(i < batch.size());
            CHECK_FALSE(hit[i]);
            hit[i] = true;
        }
        seen += batch.size();
    }
    CHECK(seen == 1000);
    CHECK(n_batches == 4);
}

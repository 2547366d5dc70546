#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "dsl/architecture_loader.hpp"
#include "dsl/workload_loader.hpp"
#include "models/crossbar_mapping.hpp"
#include "models/stream_initiator.hpp"
#include "models/tile_job.hpp"
#include "platform/mapping/network_plan.hpp"
#include "platform/mapping/work_estimate.hpp"
#include "test_support.hpp"

using namespace mottsim;
using mottsim::test_support::registry;
using mottsim::test_support::scratch_dir;

namespace {

std::string source(const std::string& relative) { return std::string(MOTTSIM_SOURCE_DIR) + "/" + relative; }

struct planned {
  dsl::workload_spec workload;
  platform::network_plan plan;
  platform::work_estimate estimate;
  dsl::diagnostics errors;
};

// Plans `workload_text` on the architecture file `arch` (with `budget`).
planned plan_text(const scratch_dir& dir, const std::string& arch, const std::string& workload_text,
                  const platform::work_budget& budget = {}, const std::vector<std::string>& overrides = {}) {
  planned p;
  const auto a = dsl::load_architecture(arch, overrides, registry(), p.errors);
  p.workload = dsl::load_workload(dir.write("w.yaml", workload_text), p.errors);
  REQUIRE_MESSAGE(!p.errors.has_errors(), p.errors.to_string());
  p.plan = platform::plan_network(p.workload, a.spec,
      test_support::registry().readout_stages(), platform::schedule_kind::layer, p.errors, budget, &p.estimate);
  return p;
}

}  // namespace

TEST_CASE("span_layer and span_sends find where place_layer puts a layer and who sends what, without its jobs") {
  // Random layers and starting slots, on tiles with analog summation (blocks
  // kept whole in a tile) and without.
  std::mt19937_64 rng(7);
  const auto pick = [&](long long lo, long long hi) { return lo + static_cast<long long>(rng() % (hi - lo + 1)); };
  int checked = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    models::cim_tile_params tile;
    tile.arrays = pick(1, 9);
    tile.rows = pick(4, 64);
    tile.columns = pick(8, 64);
    tile.bits_per_cell = pick(1, 4);
    models::layer_matrix m;
    m.fan_in = pick(1, 400);
    m.outputs = pick(1, 40);
    m.groups = pick(1, 3);
    m.weight_bits = static_cast<int>(pick(2, 8));
    models::crossbar_mapping mapping;
    std::string why;
    if (!models::map_matrix(m, tile, mapping, why)) continue;
    mapping.analog_sum = trial % 2 == 1 && mapping.row_blocks <= tile.arrays;
    const long long first = pick(0, 3 * tile.arrays);
    long long end = 0;
    const auto jobs = models::place_layer(0, m, mapping, tile, first, end);
    const auto span = models::span_layer(m, mapping, tile, first);
    CHECK(span.end_slot == end);
    CHECK(span.tiles == static_cast<long long>(jobs.size()));
    REQUIRE(!jobs.empty());
    CHECK(span.first_slot / tile.arrays == jobs.front().tile);
    // The jobs that send outputs, and those that send partial sums, counted
    // on the jobs themselves.
    const auto sends = models::span_sends(m, mapping, tile, span);
    CHECK(sends.output_tiles == std::count_if(jobs.begin(), jobs.end(), [](const auto& j) { return j.outputs > 0; }));
    CHECK(sends.partial_tiles ==
          std::count_if(jobs.begin(), jobs.end(), [](const auto& j) { return j.partial_outputs_sent > 0; }));
    ++checked;
  }
  CHECK(checked > 1000);
}

TEST_CASE("transfer_transactions counts the bursts a stream issues, split at every wrap") {
  // Brute force: walk each step's bytes the way stream_initiator::issue does.
  const auto walk = [](const models::stream_transfer& t, long long steps, unsigned long long burst) {
    unsigned long long n = 0;
    for (long long s = 0; s < steps; ++s) {
      const auto [first, last] = models::bytes_of_step(t, s, steps);
      for (unsigned long long offset = first; offset < last; ++n) {
        unsigned long long length = std::min(burst, last - offset);
        if (t.wrap) length = std::min(length, t.wrap - offset % t.wrap);
        offset += length;
      }
    }
    return n;
  };
  std::mt19937_64 rng(3);
  for (int trial = 0; trial < 500; ++trial) {
    models::stream_transfer t;
    t.bytes = static_cast<double>(rng() % 200000);
    t.wrap = trial % 3 == 0 ? 0 : 1 + rng() % 20000;
    const long long steps = 1 + static_cast<long long>(rng() % 64);
    const unsigned long long burst = 1 + rng() % 5000;
    CHECK(models::transfer_transactions(t, steps, burst) == walk(t, steps, burst));
  }
  // By hand: 10,000 bytes in one step, 4 KiB bursts, wrapping every 3,000
  // bytes: pieces of 3000, 3000, 3000 and 1000 bytes, one burst each.
  models::stream_transfer t{tlm::TLM_READ_COMMAND, 0, 3000, 10000};
  CHECK(models::transfer_transactions(t, 1, 4096) == 4);
  t.wrap = 0;
  CHECK(models::transfer_transactions(t, 1, 4096) == 3);  // 4096 + 4096 + 1808
}

TEST_CASE("the estimate of one small layer, by hand") {
  // small_adc: 64x64 crossbars (one per tile, two tiles), 2-bit cells, 8-bit
  // differential weights: 4 slices x 2 = 8 columns a weight, 8 weights a
  // crossbar. A linear layer of 16 inputs and 4 outputs takes 16 rows x 32
  // columns of one crossbar: one job.
  scratch_dir dir;
  const auto p = plan_text(dir, source("tests/sim/configs/small_adc.yaml"),
                           "name: tiny\ninput: {height: 1, width: 1, channels: 16}\n"
                           "layers:\n  - {name: fc, type: linear, out_features: 4}\n");
  REQUIRE_MESSAGE(!p.errors.has_errors(), p.errors.to_string());
  // Programming: 16 x 32 cells x 2 bits = 128 bytes (one DMA burst: a read
  // and a write), a program command and a wait. Inference: 16 input bytes
  // (read + write), a start and a wait, 4 output bytes (read + write).
  CHECK(p.estimate.transactions == 4 + 2 + 2 + 2);
  CHECK(p.estimate.jobs == 1);
  CHECK(p.estimate.bytes_moved == 128 + 16 + 4);
  CHECK(p.estimate.functional_bytes == 0);  // perf mode
  CHECK(p.estimate.plan_bytes > 0);
}

TEST_CASE("a network with 10^12 weights is refused at its workload file before a job is built") {
  scratch_dir dir;
  const std::string huge = "name: huge\ninput: {height: 1, width: 1, channels: 1048576}\nlayers:\n"
                           "  - {name: fc1, type: linear, out_features: 1048576, activation: relu}\n"
                           "  - {name: fc2, type: linear, out_features: 1048576}\n";
  const auto p = plan_text(dir, source("configs/arch/adc_cim.yaml"), huge);
  // 2 x 2^40 weights, each 4 slices x 2 cells of 2 bits (adc_cim): 2^42 bytes
  // to program, at most 4 KiB a DMA burst, read and written.
  CHECK(p.estimate.transactions >= 2.0 * std::ldexp(1.0, 42) / 4096);
  CHECK(p.estimate.bytes_moved >= std::ldexp(1.0, 42));
  bool work = false, memory = false;
  for (const auto& d : p.errors.errors()) {
    CHECK(d.where.file == dir.path("w.yaml"));
    work |= d.message.find("TLM transactions") != std::string::npos &&
            d.message.find("--max-work") != std::string::npos;
    memory |= d.message.find("of memory") != std::string::npos && d.message.find("--max-memory") != std::string::npos;
  }
  CHECK_MESSAGE(work, p.errors.to_string());
  CHECK_MESSAGE(memory, p.errors.to_string());
  for (const auto& lp : p.plan.layers) CHECK(lp.chunk_jobs.empty());  // nothing was placed

  // A raised limit lets the same estimate through the check.
  platform::work_budget generous;
  generous.max_transactions = 1e15;
  generous.max_memory_bytes = 1e15;
  dsl::diagnostics errors;
  CHECK(platform::check_work(p.estimate, generous, p.workload, "adc_cim", errors));
  CHECK_FALSE(errors.has_errors());
}

TEST_CASE("the budget's limits come from --max-work and --max-memory, checked at the flag") {
  dsl::diagnostics errors;
  auto b = platform::parse_work_budget("", "", errors);
  CHECK(b.max_transactions == platform::default_max_work);
  CHECK(b.max_memory_bytes == platform::default_max_memory);
  b = platform::parse_work_budget("2e8", "16 GiB", errors);
  CHECK_FALSE(errors.has_errors());
  CHECK(b.max_transactions == 2e8);
  CHECK(b.max_memory_bytes == 16.0 * 1024 * 1024 * 1024);
  b = platform::parse_work_budget("", "1 EiB", errors);  // units up to exa
  CHECK_FALSE(errors.has_errors());
  CHECK(b.max_memory_bytes == 1024.0 * 1024 * 1024 * 1024 * 1024 * 1024);
  platform::parse_work_budget("lots", "16 parsecs", errors);
  REQUIRE(errors.size() == 2);
  CHECK(errors.errors()[0].to_string().rfind("--max-work: error: ", 0) == 0);
  CHECK(errors.errors()[1].to_string().rfind("--max-memory: error: ", 0) == 0);
  dsl::diagnostics zero;
  platform::parse_work_budget("0", "0 B", zero);
  CHECK(zero.size() == 2);
  // Whole counts as the other numeric flags take them: hex with 0x, '_' separators.
  dsl::diagnostics whole;
  CHECK(platform::parse_work_budget("0x10", "", whole).max_transactions == 16);
  CHECK(platform::parse_work_budget("200_000_000", "", whole).max_transactions == 2e8);
  CHECK_FALSE(whole.has_errors());
  dsl::diagnostics bits;  // less than a byte is no limit a run could keep
  platform::parse_work_budget("", "4 b", bits);
  CHECK(bits.size() == 1);
}

TEST_CASE("functional mode counts its weights, conductances and activations towards memory") {
  scratch_dir dir;
  const std::string w = "name: fc\ninput: {height: 1, width: 1, channels: 256}\n"
                        "layers:\n  - {name: fc, type: linear, out_features: 64}\n";
  platform::work_budget functional;
  functional.functional = true;
  const auto perf = plan_text(dir, source("configs/arch/adc_cim.yaml"), w);
  const auto func = plan_text(dir, source("configs/arch/adc_cim.yaml"), w, functional);
  CHECK(perf.estimate.functional_bytes == 0);
  // At least the float reference's weights and the device model's copy of
  // them as doubles, and four floats per programmed cell.
  const double weights = 256.0 * 64;
  CHECK(func.estimate.functional_bytes >= weights * (4 + 8) + 16.0 * 256 * 64 * 8);
  CHECK(func.estimate.transactions == perf.estimate.transactions);  // timing is perf mode's
  // Every chip drawn is programmed at once, beside the ideal-device chip: each
  // one more holds at least its weights as doubles and four floats a cell.
  platform::work_budget three = functional, five = functional;
  three.chips = 3;
  five.chips = 5;
  const double d3 = plan_text(dir, source("configs/arch/adc_cim.yaml"), w, three).estimate.functional_bytes -
                    func.estimate.functional_bytes;
  const double d5 = plan_text(dir, source("configs/arch/adc_cim.yaml"), w, five).estimate.functional_bytes -
                    func.estimate.functional_bytes;
  CHECK(d5 == doctest::Approx(2.0 * d3).scale(0));
  CHECK(d3 >= 2.0 * (weights * 8 + 16.0 * 256 * 64 * 8));

  functional.max_memory_bytes = func.estimate.memory_bytes() / 2;
  const auto refused = plan_text(dir, source("configs/arch/adc_cim.yaml"), w, functional);
  REQUIRE(refused.errors.size() == 1);
  CHECK(refused.errors.errors()[0].message.find("functional-mode weights and activations") != std::string::npos);
}

TEST_CASE("crossbar mapping reports counts that overflow 64 bits instead of wrapping") {
  models::cim_tile_params tile;
  models::layer_matrix m;
  m.fan_in = 1LL << 52;
  m.outputs = 1LL << 24;
  m.groups = 1LL << 20;
  models::crossbar_mapping mapping;
  std::string why;
  CHECK_FALSE(models::map_matrix(m, tile, mapping, why));
  CHECK(why.find("64-bit") != std::string::npos);
}

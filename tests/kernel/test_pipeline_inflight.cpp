// The pipeline schedule's inferences in flight (models/controller_module,
// models/pipeline_gate), elaborated for real and measured as the session
// measures them (platform/session/pipeline_steady_state): three stages, each
// of inference i + 1 starting once its own run of inference i and the stage
// before it on inference i + 1 are done. Times derived by hand.
#include <doctest/doctest.h>

#include <systemc>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "models/bus_module.hpp"
#include "models/cim_tile_module.hpp"
#include "models/controller_module.hpp"
#include "models/memory_module.hpp"
#include "platform/session/pipeline_steady_state.hpp"

using namespace mottsim::models;
using mottsim::platform::measure_pipeline;
using mottsim::platform::pipeline_timing;
using mottsim::platform::stage_run;

namespace {

constexpr double ns = 1e-9;
constexpr long long inferences = 40;
constexpr unsigned long long window = 1ull << 24;

// Stage 0 programs nothing; stages 1-3 each get `ops`, and stage s reads what
// stage s - 1 wrote.
program three_stages(const std::vector<std::vector<program_op>>& ops) {
  program p;
  p.concurrent = true;
  p.inferences = inferences;
  program_stage setup;
  setup.layer = -2;
  p.stages.push_back(setup);
  for (std::size_t s = 0; s < ops.size(); ++s) {
    program_stage stage;
    stage.layer = static_cast<int>(s);
    stage.ops = ops[s];
    if (s > 0) stage.inputs.push_back({s, false});
    p.stages.push_back(std::move(stage));
  }
  return p;
}

// Stages 1-3 of `stages` each start a job on a tile of their own and wait for
// it: v vectors of one 4 ns crossbar read (no conversion or digital stage),
// 4v ns of compute, with v = 512, 1024 and 256 (2048, 4096 and 1024 ns).
void add_tile_jobs(program& stages) {
  const long long vectors[3] = {512, 1024, 256};
  for (int s = 0; s < 3; ++s) {
    tile_job j;
    j.layer = s;
    j.tile = s;
    j.crossbars = 1;
    j.outputs = 64;
    j.vectors = vectors[s];
    j.activation_bits = 8;
    j.mapping.reads_per_vector = 1;
    j.mapping.read_time_s = 4 * ns;
    program_op start;
    start.what = program_op::kind::tile_compute;
    start.tile_address = static_cast<unsigned long long>(s) * window;
    start.instance = s;
    start.jobs = {stages.keep(j)};
    program_op wait = start;
    wait.what = program_op::kind::tile_wait;
    wait.jobs.clear();
    stages.stages[static_cast<std::size_t>(s) + 1].ops = {start, wait};
  }
}

// Three tiles behind a bus of a picosecond per transfer (the commands cross
// it, so the stages share nothing that takes time), run by a controller with
// no command cycles: `stages` simulated to its end.
struct shared_nothing_chip {
  bus_module bus{"bus", [] {
    bus_timing b;
    b.width_bytes = 64;
    b.clock_hz = 1e12;
    b.latency_cycles = 0;
    return b;
  }()};
  memory_timing port;
  cim_tile_module tile{"tile", cim_tile_params{}, 3, window, port};
  controller_module dma{"dma", [] {
    controller_timing t;
    t.command_cycles = 0;
    return t;
  }()};
  explicit shared_nothing_chip(const program& stages) {
    bus.out.bind(tile.in);
    bus.map_window(0, 3 * window, 0, "tile");
    dma.out.bind(bus.in);
    dma.load(&stages);
    sc_core::sc_start();
  }
};

pipeline_timing measured(const controller_module& c) {
  std::vector<std::vector<stage_run>> runs;
  for (std::size_t s = 1; s < c.runs().size(); ++s) {
    REQUIRE(static_cast<long long>(c.runs()[s].size()) == inferences);
    runs.emplace_back();
    for (const auto& r : c.runs()[s]) runs.back().push_back({r.start_s, r.end_s});
  }
  return measure_pipeline(runs, std::vector<bool>(runs.size(), true), c.runs().front().front().end_s);
}

}  // namespace

TEST_CASE("kernel: three stages sharing only a bus run one inference per the sum of their bus demands") {
  // An 8-byte bus at 1 GHz, no arbitration cycles: a 4 KiB leg holds it 512 ns.
  bus_timing b;
  b.width_bytes = 8;
  b.clock_hz = 1e9;
  b.latency_cycles = 0;
  bus_module bus("bus", b);
  // Each stage copies between two memories of its own (a 64-byte port every
  // ns: 4 KiB in 64 ns), so the bus is all they share.
  memory_timing fast;
  fast.granule_bytes = 64;
  fast.granule_time_s = 1 * ns;
  std::vector<std::unique_ptr<memory_module>> memories;
  for (int m = 0; m < 6; ++m) {
    memories.push_back(std::make_unique<memory_module>(("m" + std::to_string(m)).c_str(), fast, 1, window));
    bus.out.bind(memories.back()->in);
    bus.map_window(static_cast<unsigned long long>(m) * window, window, m, "m" + std::to_string(m));
  }
  // 16, 32 and 8 KiB a stage: each byte crosses the bus twice (a read into
  // the DMA engine, a write out of it), so the stages ask 4096, 8192 and
  // 2048 ns of it per inference: 14,336 ns in all.
  const double bytes[3] = {16 * 1024, 32 * 1024, 8 * 1024};
  std::vector<std::vector<program_op>> ops(3);
  double demand = 0;
  for (int s = 0; s < 3; ++s) {
    program_op copy;
    copy.what = program_op::kind::dma;
    copy.src = static_cast<unsigned long long>(2 * s) * window;
    copy.dst = static_cast<unsigned long long>(2 * s + 1) * window;
    copy.bytes = bytes[s];
    ops[static_cast<std::size_t>(s)].push_back(copy);
    demand += 2 * bytes[s] / 8 * ns;
  }
  controller_timing t;
  t.command_cycles = 0;
  t.outstanding = 4;
  // A quantum of one leg: a stage runs ahead of the others by at most one
  // leg, so the bus serves the legs in (nearly) the order they are ready.
  t.quantum_s = 512 * ns;
  controller_module dma("dma", t);
  dma.out.bind(bus.in);
  const program p = three_stages(ops);
  dma.load(&p);
  sc_core::sc_start();

  const pipeline_timing m = measured(dma);
  REQUIRE(m.steady);
  // However the legs interleave, the bus serves one at a time: an inference
  // every 14,336 ns at best.
  CHECK(m.period_s >= demand * (1 - 1e-12));
  // It is the bottleneck (a stage alone needs at most its own 8192 ns and a
  // memory access), and it idles only while no stage has a leg ready for it:
  // when a stage's last write is still in its memory (64 ns) and the stage it
  // feeds can start only after it. That is at most once per stage and
  // inference, 3 x 64 ns (1.3 %) above the demand; measured 64 ns (0.45 %).
  CHECK(m.period_s <= demand + 3 * 64 * ns);
  // The bus was busy for exactly the legs' time in every inference.
  CHECK(bus.resource().busy_seconds() == doctest::Approx(inferences * demand).epsilon(1e-12));
  // While it is the bottleneck every stage stretches: the longest, alone
  // 8192 ns, takes well over that sharing the bus.
  double slowest = 0;
  for (double s : m.stage_time_s) slowest = std::max(slowest, s);
  CHECK(slowest > 8192 * ns * 1.2);
}

TEST_CASE("kernel: three stages that share nothing run one inference per the slowest stage, filled in their sum") {
  // Three tiles; a job of v vectors, each one 4 ns crossbar read (no
  // conversion or digital stage), computes for 4v ns. The commands cross a
  // bus of a picosecond per transfer, so the stages share nothing that takes
  // time.
  program stages = three_stages(std::vector<std::vector<program_op>>(3));
  add_tile_jobs(stages);
  const shared_nothing_chip chip(stages);

  const pipeline_timing m = measured(chip.dma);
  REQUIRE(m.steady);
  // A stage takes its start command (1 ps on the bus) and its job: 2048,
  // 4096 and 1024 ns. Inference 0 passes the stages one after another; after
  // it, stage 2 (the slowest) starts inference i + 1 the moment it ends
  // inference i, since stage 1 finished i + 1 long before and its buffers
  // hold it, so an inference completes every 4096 ns. Commands of two
  // stages meeting on the bus shift one by a picosecond.
  constexpr double ps = 1e-12;
  CHECK(m.fill_s == doctest::Approx((2048 + 4096 + 1024) * ns).epsilon(3 * ps / (7168 * ns)));
  CHECK(m.period_s == doctest::Approx(4096 * ns).epsilon(3 * ps / (4096 * ns)));
  CHECK(m.stage_time_s[1] == doctest::Approx(4096 * ns).epsilon(3 * ps / (4096 * ns)));
  // No warm-up: with nothing shared every spacing is the same.
  for (std::size_t i = 2; i < m.completions_s.size() - 1; ++i)
    CHECK(m.completions_s[i] - m.completions_s[i - 1] == doctest::Approx(4096 * ns).epsilon(3 * ps / (4096 * ns)));
}

namespace {

// (Each case elaborates its own modules, and SystemC elaborates once per
// process: ctest runs every case in a process of its own.)
// Three tiles sharing nothing, jobs of 2048, 4096 and 1024 ns (the case
// above), with the default count's settings: at least 40 inferences, at most
// 160, and `steady` the given test.
struct adaptive_run {
  std::vector<std::size_t> asked;  // how many completions each test saw
  std::vector<long long> ran;      // inferences each stage ran
};

adaptive_run run_adaptive(const std::function<bool(const std::vector<double>&)>& steady) {
  program stages = three_stages(std::vector<std::vector<program_op>>(3));
  add_tile_jobs(stages);
  adaptive_run out;
  stages.inferences_max = 4 * inferences;
  stages.steady = [&](const std::vector<double>& completions) {
    out.asked.push_back(completions.size());
    return steady(completions);
  };
  const shared_nothing_chip chip(stages);
  for (std::size_t s = 1; s < chip.dma.runs().size(); ++s)
    out.ran.push_back(static_cast<long long>(chip.dma.runs()[s].size()));
  return out;
}

}  // namespace

TEST_CASE("kernel: with the default count a pipeline goes on until its period settles, then finishes what it started") {
  // The test is asked every 8 completions from the 40th (the least count)
  // on, and says steady at 48. Then stage 2 (the slowest, 4096 ns) has
  // finished inference 47 and started 48 at once; stage 1 (2048 ns) may be
  // two inferences ahead of it (its output's two buffers), so it has started
  // 49 and waits for stage 2 to end 48 before starting 50: 50 inferences were
  // started, and every stage runs exactly those.
  const adaptive_run r = run_adaptive([](const std::vector<double>& c) { return c.size() >= 48; });
  CHECK(r.asked == std::vector<std::size_t>{40, 48});
  CHECK(r.ran == std::vector<long long>{50, 50, 50});
}

TEST_CASE("kernel: a pipeline whose period never settles stops at the most the default allows") {
  const adaptive_run r = run_adaptive([](const std::vector<double>&) { return false; });
  CHECK(r.ran == std::vector<long long>{4 * inferences, 4 * inferences, 4 * inferences});
  // Asked at 40, 48, ..., 160: 16 times.
  CHECK(r.asked.size() == 16);
}

// A tile job's outputs drain while it computes (models/controller_module's
// drains, models/tile_job's timeline), elaborated for real with the controller,
// a cim_tile and an SRAM on one bus. Times derived by hand.
#include <doctest/doctest.h>

#include <systemc>

#include "models/bus_module.hpp"
#include "models/cim_tile_module.hpp"
#include "models/controller_module.hpp"
#include "models/memory_module.hpp"

using namespace mottsim::models;

namespace {

constexpr double ns = 1e-9;
constexpr unsigned long long tile_base = 0, sram_base = 1ull << 20, window = 1ull << 20;

// One job of 512 vectors, each one 4 ns read (no conversion or digital stage)
// and 64 output bytes: 2048 ns of compute, 32 KiB of outputs, 8 bursts of
// 4 KiB, one per 64 vectors (256 ns of compute).
tile_job job_of() {
  tile_job j;
  j.layer = 0;
  j.tile = 0;
  j.crossbars = 1;
  j.outputs = 64;
  j.vectors = 512;
  j.activation_bits = 8;
  j.mapping.reads_per_vector = 1;
  j.mapping.read_time_s = 4 * ns;
  return j;
}

memory_timing port_of_64_bytes_per_ns() {
  memory_timing t;
  t.granule_bytes = 64;
  t.granule_time_s = 1 * ns;
  return t;
}

// A 64-byte bus at 1 GHz moves a 4 KiB leg in 64 ns, the tile buffer reads and
// the SRAM writes 4 KiB in 64 ns: one burst drains in 64 + 64 + 64 + 64 =
// 256 ns, as long as 64 vectors compute. With one burst in flight the whole
// drain takes 8 x 256 = 2048 ns: compute and drain are equal.
struct platform {
  bus_module bus{"bus", [] {
                   bus_timing t;
                   t.width_bytes = 64;
                   t.clock_hz = 1e9;
                   t.latency_cycles = 0;
                   return t;
                 }()};
  cim_tile_module tile{"tile", cim_tile_params{}, 1, window, port_of_64_bytes_per_ns()};
  memory_module sram{"sram", port_of_64_bytes_per_ns(), 1, window};
  controller_module dma{"dma", [] {
                          controller_timing t;
                          t.command_cycles = 0;
                          t.outstanding = 1;
                          return t;
                        }()};
  program prog;
  platform(program_op::kind sync, bool paced) {
    bus.out.bind(tile.in);
    bus.out.bind(sram.in);
    bus.map_window(tile_base, window, 0, "tile");
    bus.map_window(sram_base, window, 1, "sram");
    dma.out.bind(bus.in);
    const tile_job* j = prog.keep(job_of());
    program_stage s;
    s.layer = 0;
    program_op start;
    start.what = program_op::kind::tile_compute;
    start.tile_address = tile_base;
    start.jobs = {j};
    s.ops.push_back(start);
    program_op wait;
    wait.what = sync;
    wait.tile_address = tile_base;
    s.ops.push_back(wait);
    program_op out;
    out.what = program_op::kind::dma;
    out.src = tile_base;
    out.dst = sram_base;
    out.bytes = 512 * 64;
    if (paced) out.drain = tile_job_outputs(cim_tile_params{}, *j);
    s.ops.push_back(out);
    prog.stages.push_back(std::move(s));
    dma.load(&prog);
  }
};

}  // namespace

TEST_CASE("kernel: a tile job's outputs drain chunk by chunk while it computes") {
  platform p(program_op::kind::tile_started, true);
  sc_core::sc_start();
  // The start command crosses the bus in 1 ns: the job runs 1-2049 ns, vector
  // v done at 1 + 4 (v + 1) ns. Burst k carries vectors 64k..64k+63, done at
  // 1 + 256 (k + 1) ns, and drains in 256 ns, just as burst k + 1's vectors
  // are done. The last leaves at 2049 ns: max(compute, drain) per chunk x 8
  // chunks + one chunk's drain = 1 + 8 x 256 + 256 = 2305 ns, not the 4097 ns
  // of compute, then drain.
  CHECK(p.dma.finish_s() == doctest::Approx(2305 * ns).epsilon(1e-12));
  CHECK(p.tile.compute_resources().front().busy_seconds() == doctest::Approx(2048 * ns).epsilon(1e-12));
  CHECK(p.sram.counts().totals().at("write_bytes") == 512 * 64);
  CHECK(p.tile.counts().totals().at("buffer_read_bytes") == 512 * 64);
}

TEST_CASE("kernel: waiting for a tile job before draining takes compute plus drain") {
  platform p(program_op::kind::tile_wait, false);
  sc_core::sc_start();
  // The wait returns when the job ends at 2049 ns; 8 bursts of 256 ns follow.
  CHECK(p.dma.finish_s() == doctest::Approx((2049 + 2048) * ns).epsilon(1e-12));
}

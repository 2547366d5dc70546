// A tile job's outputs drain while it computes (models/controller_module's
// drains, models/tile_job's timeline), elaborated for real with the controller,
// a cim_tile and an SRAM on one bus. Times derived by hand.
#include <doctest/doctest.h>

#include "bus_tile_sram.hpp"

using namespace mottsim::models;
using namespace mottsim::kernel_test;

namespace {

// One job of 512 vectors, each one 4 ns read and 64 output bytes: 2048 ns of
// compute, 32 KiB of outputs, 8 bursts of 4 KiB, one per 64 vectors (256 ns
// of compute).
tile_job job_of() { return one_crossbar_job(512, 4); }

// A 4 KiB leg takes 64 ns on the bus, the tile buffer and the SRAM: one burst
// drains in 64 + 64 + 64 + 64 = 256 ns, as long as 64 vectors compute. With
// one burst in flight the whole drain takes 8 x 256 = 2048 ns: compute and
// drain are equal.
struct platform : bus_tile_sram {
  platform(program_op::kind sync, bool paced) {
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

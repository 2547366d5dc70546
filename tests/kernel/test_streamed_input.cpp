// A convolution's input streams into a running tile chunk by chunk (the
// controller's dma / tile_compute / tile_feed ops, platform/mapping's
// plan_input_stream), elaborated for real with the controller, a cim_tile and
// an SRAM holding the input on one bus. Times derived by hand.
#include <doctest/doctest.h>

#include "bus_tile_sram.hpp"
#include "platform/mapping/input_stream.hpp"

using namespace mottsim::models;
using namespace mottsim::kernel_test;
using mottsim::platform::input_stream_plan;
using mottsim::platform::plan_input_stream;
using mottsim::platform::stream_geometry;

namespace {

// A 3x3 convolution, stride 1, padding 1, on an 8-row input of 4 KiB rows
// (32 KiB), 8 x 8 output positions: output row r needs input rows r - 1 ..
// r + 1, so row 0 needs rows 0-1, row r (1..6) adds row r + 1 and row 7 adds
// none. Each vector is one crossbar read of `read_ns` (no conversion or
// digital stage).
stream_geometry conv3x3() { return mottsim::platform::convolution_rows(8, 3, 1, 1, 8); }
constexpr double input_bytes = 8 * 4096;

tile_job job_of(double read_ns) { return one_crossbar_job(64, read_ns); }

// A 64-byte bus at 1 GHz moves a 4 KiB leg in 64 ns and a 16-byte command in
// 1 ns; the SRAM reads and the tile buffer writes 4 KiB in 64 ns: with one
// burst in flight a 4 KiB row arrives 64 + 64 + 64 + 64 = 256 ns after it is
// asked for. The input is 8 rows: T_in = 8 x 256 = 2048 ns.
struct platform : bus_tile_sram {
  input_stream_plan plan;

  // `min_chunk_bytes` past the input: one chunk, the tile starts once all of
  // it is in (as every input did before inputs streamed).
  platform(double read_ns, double min_chunk_bytes, double buffer_bytes) {
    const tile_job* j = prog.keep(job_of(read_ns));
    plan = plan_input_stream(conv3x3(), input_bytes, 64, buffer_bytes, min_chunk_bytes);
    program_stage s;
    s.layer = 0;
    double sent = 0;
    for (std::size_t c = 0; c < plan.chunks.size(); ++c) {
      if (plan.chunks[c].bytes > 0) {
        program_op in;
        in.what = program_op::kind::dma;
        in.src = sram_base + static_cast<unsigned long long>(sent);
        in.dst = tile_base + static_cast<unsigned long long>(sent);
        in.bytes = plan.chunks[c].bytes;
        if (static_cast<long long>(c) - 1 - plan.lead >= 0) {
          in.after_instance = 0;
          in.after_chunk = static_cast<long long>(c) - 1 - plan.lead;
        }
        s.ops.push_back(in);
        sent += in.bytes;
      }
      program_op feed;
      feed.what = c == 0 ? program_op::kind::tile_compute : program_op::kind::tile_feed;
      feed.tile_address = tile_base;
      feed.jobs = {j};
      if (plan.chunks.size() > 1) feed.chunk_vectors = {plan.chunks[c].vectors};
      s.ops.push_back(feed);
    }
    program_op wait;
    wait.what = program_op::kind::tile_wait;
    wait.tile_address = tile_base;
    s.ops.push_back(wait);
    prog.stages.push_back(std::move(s));
    dma.load(&prog);
  }
};

}  // namespace

TEST_CASE("kernel: a convolution's input streams in by rows, so compute-bound it takes T_c plus one chunk") {
  // 64 ns reads: T_c = 64 x 64 = 4096 ns, 512 ns per output row, twice a
  // row's 256 ns of transfer. Chunks of a 4 KiB burst: one output row each.
  platform p(64, 4096, 64 * 1024);
  REQUIRE(p.plan.chunks.size() == 8);
  CHECK(p.plan.chunks[0].bytes == 2 * 4096);  // rows 0-1
  CHECK(p.plan.chunks[3].bytes == 4096);
  CHECK(p.plan.chunks[7].bytes == 0);  // the padding below the input
  sc_core::sc_start();
  // Chunk 0 (2 rows) is in at 512 ns, the start command crosses the bus in
  // 1 ns: row 0 computes from 513 ns. Each later row is asked for after the
  // previous feed and is in 257 ns later (its burst and its feed command),
  // always before the crossbar is done with the row before (512 ns a row):
  // the reads never wait. End: 513 + 4096 = 4609 ns = one chunk + T_c, not
  // T_in + T_c = 2048 + 1 + 4096 = 6145 ns.
  CHECK(p.dma.finish_s() == doctest::Approx(4609 * ns).epsilon(1e-12));
  // Conservation: the input crosses once, every vector is read once.
  CHECK(p.sram.counts().totals().at("read_bytes") == input_bytes);
  CHECK(p.tile.counts().totals().at("mvm") == 64);
}

TEST_CASE("kernel: the same input sent whole takes T_in plus T_c") {
  platform p(64, 1e9, 64 * 1024);
  REQUIRE(p.plan.chunks.size() == 1);
  sc_core::sc_start();
  CHECK(p.dma.finish_s() == doctest::Approx(6145 * ns).epsilon(1e-12));
  CHECK(p.sram.counts().totals().at("read_bytes") == input_bytes);
  CHECK(p.tile.counts().totals().at("mvm") == 64);
}

TEST_CASE("kernel: a streamed input slower than its compute takes T_in plus the last rows' compute") {
  // 16 ns reads: 128 ns per output row, half a row's transfer. Row r (1..6)
  // is in at 513 + 257 r ns (row 6 at 2055 ns) and done 128 ns later; row 7
  // needs no new row: its feed arrives 1 ns after row 6's, and it waits for
  // the crossbar: 2055 + 128 + 128 = 2311 ns, against 2048 + 1 + 1024 = 3073
  // ns sent whole.
  platform p(16, 4096, 64 * 1024);
  sc_core::sc_start();
  CHECK(p.dma.finish_s() == doctest::Approx(2311 * ns).epsilon(1e-12));
}

TEST_CASE("kernel: a tile buffer of four rows double-buffers the streamed input") {
  // 4 rows of buffer: output row r - 1's window of 3 rows plus the row output
  // row r adds (lead 1): that row may be written once output row r - 2 has
  // been read. With 64 ns reads row r - 2 is read at 513 + 512 (r - 1) ns,
  // and the row then arrives 257 ns later, before the crossbar is done with
  // row r - 1 at 513 + 512 r: the wait hides behind the compute.
  platform p(64, 4096, 4 * 4096);
  CHECK(p.plan.lead == 1);
  sc_core::sc_start();
  CHECK(p.dma.finish_s() == doctest::Approx(4609 * ns).epsilon(1e-12));
}

TEST_CASE("kernel: a tile buffer of three rows holds each row back until the row before is computed") {
  // 3 rows: only the window (lead 0). The row output row r (1..6) adds may
  // be written once output row r - 1 has been read: row 0 is read at 1025
  // ns, and each later row arrives 257 ns after its predecessor's reads end
  // and takes 512 ns: row r ends at 1025 + 769 r, row 6 at 5639 ns. Row 7
  // needs no new row and follows: 5639 + 512 = 6151 ns, no overlap left.
  platform p(64, 4096, 3 * 4096);
  CHECK(p.plan.lead == 0);
  sc_core::sc_start();
  CHECK(p.dma.finish_s() == doctest::Approx(6151 * ns).epsilon(1e-12));
  CHECK(p.sram.counts().totals().at("read_bytes") == input_bytes);
}

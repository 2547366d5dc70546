// The GEMM blocking kernel (models/gemm_blocking): traffic derived by hand for
// small cases, and the bounds and monotonicity that must hold for any shape.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

#include "dsl/workload_spec.hpp"
#include "models/gemm_blocking.hpp"

using namespace mottsim;
using models::block_gemm;
using models::compulsory_bytes;
using models::gemm_order;
using models::gemm_problem;
using models::no_reuse_bytes;

namespace {

doctest::Approx rel(double v) { return doctest::Approx(v).scale(v == 0 ? 1 : 0).epsilon(1e-12); }

// int8 64 x 32 x 16 GEMM with 32-bit partial sums, no sliding window.
gemm_problem small() {
  gemm_problem p;
  p.m = 64;
  p.n = 32;
  p.k = 16;
  p.a_bytes = p.b_bytes = p.c_bytes = 1;
  p.acc_bytes = 4;
  return p;
}

dsl::layer_spec conv(long long h, long long w, long long cin, long long cout, long long kernel, long long stride,
                     long long pad, long long groups = 1) {
  dsl::layer_spec l;
  l.kind = dsl::layer_kind::conv2d;
  l.in_shape = {h, w, cin};
  l.out_channels = cout;
  l.kernel_h = l.kernel_w = kernel;
  l.stride_h = l.stride_w = stride;
  l.pad_h = l.pad_w = pad;
  l.groups = groups;
  l.out_shape = {(h + 2 * pad - kernel) / stride + 1, (w + 2 * pad - kernel) / stride + 1, cout};
  l.macs = l.out_shape.elements() * l.weight_rows();
  return l;
}

}  // namespace

TEST_CASE("gemm blocking: the bounds of a small GEMM, by hand") {
  const gemm_problem p = small();
  // A 64x16 + B 16x32 + C 64x32 bytes, each once.
  CHECK(compulsory_bytes(p) == rel(1024 + 512 + 2048));
  // Both operands of 64x32x16 MACs, and C once.
  CHECK(no_reuse_bytes(p) == rel(64.0 * 32 * 16 * 2 + 2048));
  // Nothing fits: every output streams its row of A and column of B.
  const auto none = block_gemm(p, 0);
  CHECK(none.total_bytes() == rel(no_reuse_bytes(p)));
  // Everything fits: the weights stay and A streams once.
  const auto all = block_gemm(p, 1 << 20);
  CHECK(all.total_bytes() == rel(compulsory_bytes(p)));
  CHECK(all.order == gemm_order::weights_kept);
  CHECK(all.nc == 32);
}

TEST_CASE("gemm blocking: a 512-byte level, by hand") {
  const gemm_problem p = small();
  // Weights kept: a 16 x nc panel (1 B each) + one row of A (16 B) + nc 4-byte
  // sums <= 512  ->  nc = floor(496 / 20) = 24: A streams ceil(32/24) = 2 times.
  //   2 x 1024 + 512 + 2048 = 4608.
  // Inputs kept: mc = floor(496 / 20) = 24: B streams ceil(64/24) = 3 times.
  //   1024 + 3 x 512 + 2048 = 4608 (a tie: the first found stays).
  // Output tiles: mc = 4 -> nc = floor(508/17) = 29: 2 x 1024 + 16 x 512 + 2048 = 12288;
  //   mc = 8 -> nc = 15: 3 x 1024 + 8 x 512 + 2048 = 9216; mc = 16 -> nc = 7:
  //   5 x 1024 + 4 x 512 + 2048 = 9216; the rest are worse.
  const auto t = block_gemm(p, 512);
  CHECK(t.order == gemm_order::weights_kept);
  CHECK(t.nc == 24);
  CHECK(t.a_read_bytes == rel(2 * 1024));
  CHECK(t.b_read_bytes == rel(512));
  CHECK(t.c_write_bytes == rel(2048));
  CHECK(t.total_bytes() == rel(4608));
}

TEST_CASE("gemm blocking: im2col of convolutions") {
  SUBCASE("3x3, stride 1: a sliding window reads each input once") {
    const auto g = models::layer_gemm(conv(56, 56, 64, 64, 3, 1, 1), 1, 1, 4);
    CHECK(g.m == 56 * 56);
    CHECK(g.n == 64);
    CHECK(g.k == 9 * 64);
    CHECK(g.a_unique_bytes == rel(56.0 * 56 * 64));
    CHECK(g.a_window_bytes == rel(3.0 * 56 * 64));  // three input rows
    // 1 MiB holds the window and all 36,864 weights: compulsory traffic.
    const auto t = block_gemm(g, 1 << 20);
    CHECK(t.window_reuse);
    CHECK(t.total_bytes() == rel(56.0 * 56 * 64 + 576.0 * 64 + 56.0 * 56 * 64));
    // Without room for the window the im2col matrix streams: 9x the input per pass.
    const auto tiny = block_gemm(g, 8 * 1024);
    CHECK_FALSE(tiny.window_reuse);
    CHECK(tiny.a_read_bytes >= 3136.0 * 576);
  }
  SUBCASE("1x1, stride 2: a quarter of the input is touched") {
    const auto g = models::layer_gemm(conv(56, 56, 64, 128, 1, 2, 0), 1, 1, 4);
    CHECK(g.m == 28 * 28);
    CHECK(g.k == 64);
    CHECK(g.a_unique_bytes == rel(28.0 * 28 * 64));
    CHECK(compulsory_bytes(g) == rel(28.0 * 28 * 64 + 64.0 * 128 + 28.0 * 28 * 128));
  }
  SUBCASE("depthwise: one GEMM per channel") {
    const auto g = models::layer_gemm(conv(16, 16, 8, 8, 3, 1, 1, 8), 1, 1, 4);
    CHECK(g.groups == 8);
    CHECK(g.n == 1);
    CHECK(g.k == 9);
    CHECK(g.macs() == rel(16.0 * 16 * 8 * 9));
    CHECK(compulsory_bytes(g) == rel(16.0 * 16 * 8 + 9.0 * 8 + 16.0 * 16 * 8));
  }
  SUBCASE("linear: one row, all weights once") {
    dsl::layer_spec l;
    l.kind = dsl::layer_kind::linear;
    l.in_shape = {1, 1, 4096};
    l.out_features = 1000;
    l.out_shape = {1, 1, 1000};
    const auto g = models::layer_gemm(l, 1, 1, 4);
    CHECK(g.m == 1);
    CHECK(block_gemm(g, 64 * 1024).total_bytes() == rel(4096 + 4096.0 * 1000 + 1000));
  }
}

TEST_CASE("gemm blocking: compulsory <= traffic <= no reuse, and more capacity never adds traffic") {
  std::vector<gemm_problem> problems;
  // Every conv2d shape of VGG-8 and ResNet-18 at int8 and fp32...
  const dsl::layer_spec shapes[] = {
      conv(32, 32, 3, 128, 3, 1, 1),   conv(32, 32, 128, 128, 3, 1, 1), conv(16, 16, 128, 256, 3, 1, 1),
      conv(8, 8, 256, 512, 3, 1, 1),   conv(224, 224, 3, 64, 7, 2, 3),  conv(56, 56, 64, 64, 3, 1, 1),
      conv(56, 56, 64, 128, 3, 2, 1),  conv(56, 56, 64, 128, 1, 2, 0),  conv(14, 14, 256, 256, 3, 1, 1),
      conv(7, 7, 512, 512, 3, 1, 1),   conv(16, 16, 16, 16, 3, 1, 1, 4), conv(16, 16, 8, 8, 3, 1, 1, 8),
  };
  for (const auto& l : shapes)
    for (double bytes : {1.0, 4.0}) problems.push_back(models::layer_gemm(l, bytes, bytes, 4));
  // ...and random GEMMs.
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> dim(1, 3000);
  for (int i = 0; i < 200; ++i) {
    gemm_problem p;
    p.m = dim(rng);
    p.n = dim(rng) % 700 + 1;
    p.k = dim(rng);
    p.a_bytes = p.b_bytes = p.c_bytes = (i % 3 == 0) ? 4 : 1;
    p.a_unique_bytes = (i % 2) ? p.m * p.k * p.a_bytes / (1 + i % 9) : 0;
    p.a_window_bytes = p.a_unique_bytes / 20;
    problems.push_back(p);
  }
  for (const auto& p : problems) {
    CAPTURE(p.m);
    CAPTURE(p.n);
    CAPTURE(p.k);
    double previous = INFINITY;
    for (double capacity = 0; capacity <= 64.0 * 1024 * 1024; capacity = capacity ? capacity * 1.5 : 256) {
      CAPTURE(capacity);
      const auto t = block_gemm(p, capacity);
      CHECK(t.total_bytes() >= compulsory_bytes(p) * (1 - 1e-12));
      CHECK(t.total_bytes() <= no_reuse_bytes(p) * (1 + 1e-12));
      CHECK(t.c_write_bytes == rel(p.groups * p.m * p.n * p.c_bytes));
      CHECK(t.total_bytes() <= previous * (1 + 1e-12));
      previous = t.total_bytes();
    }
  }
}

TEST_CASE("roofline: a compute-bound and a bandwidth-bound GEMM") {
  // 1e9 MACs on a 256 GMAC/s peak with a 0.9 ceiling: 4.34 ms of compute.
  const double macs = 1e9, peak = 256e9, ceiling = 0.9;
  const double compute = macs / (peak * ceiling);
  // Compute-bound: 10 MB from DRAM at 12.8 GB/s take 0.78 ms, 100 MB of L1
  // traffic at 256 GB/s 0.39 ms; both hide under the compute.
  const auto c = models::roofline(macs, peak, ceiling, {{"L1", 100e6, 256e9}, {"DRAM", 10e6, 12.8e9}});
  CHECK(c.bound == "compute");
  CHECK(c.utilization == doctest::Approx(0.9).scale(0));
  CHECK(c.compute_s == doctest::Approx(compute).scale(0));
  CHECK(c.memory_s == doctest::Approx(10e6 / 12.8e9).scale(0));
  // Bandwidth-bound (a batch-1 linear layer): 16.8 MB of weights for 16.8 M
  // MACs: DRAM takes 1.31 ms against 72.8 us of compute. Utilization is the
  // arithmetic intensity (1 MAC/B) x bandwidth / peak = 12.8 / 256 = 5 %.
  const double lin_macs = 4096.0 * 4096, lin_bytes = 4096.0 * 4096 + 2 * 4096;
  const auto b = models::roofline(lin_macs, peak, ceiling, {{"L1", lin_bytes, 256e9}, {"DRAM", lin_bytes, 12.8e9}});
  CHECK(b.bound == "DRAM");
  CHECK(b.memory_s == doctest::Approx(lin_bytes / 12.8e9).scale(0));
  CHECK(b.utilization == doctest::Approx(lin_macs / lin_bytes * 12.8e9 / peak).scale(0));
  CHECK(b.utilization == doctest::Approx(0.05).epsilon(1e-3).scale(0));
  // A level without a bandwidth is no limit; no MACs, no bound.
  CHECK(models::roofline(macs, peak, ceiling, {{"L2", 1e12, 0}}).bound == "compute");
  CHECK(models::roofline(0, peak, ceiling, {{"DRAM", 1e9, 1e9}}).utilization == 1);
}

TEST_CASE("roofline: register tiles of a narrow layer run partly empty") {
  CHECK(models::register_tile_fill(64, 64, 8) == 1);
  // 6 output channels in 8-wide register tiles: 6/8 of the lanes hold outputs.
  CHECK(models::register_tile_fill(64, 6, 8) == doctest::Approx(0.75).scale(0));
  CHECK(models::register_tile_fill(9, 9, 8) == doctest::Approx(81.0 / 256).scale(0));
}

// The row-stationary dataflow's closed-form counts against the dataflow's own
// loop nest, run element by element here: every pass, every PE, every MAC.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>

#include "models/row_stationary.hpp"

using namespace mottsim;

namespace {

struct counts {
  double macs = 0, passes = 0, cycles = 0;
  double filter_reads = 0, filter_writes = 0, input_reads = 0, input_writes = 0, psum_reads = 0, psum_writes = 0;
  double glb_weight = 0, glb_input = 0, glb_psum_reads = 0, glb_psum_writes = 0;
};

// Eyeriss's mapping, walked: filters side by side in the array's columns,
// input channels stacked in its rows, each PE a (filter, channel, output row,
// filter row) that slides a filter row over an input row.
counts walk(const models::conv_dims& d, int rows, int cols) {
  const int R = static_cast<int>(d.r), S = static_cast<int>(d.s), E = static_cast<int>(d.e), F = static_cast<int>(d.f);
  const int U = static_cast<int>(d.u), V = static_cast<int>(d.v);
  const int C = static_cast<int>(d.c), M = static_cast<int>(d.m), G = static_cast<int>(d.groups);
  const int rr = std::min(R, rows), er = std::min(E, cols);
  const int vsets = std::max(1, rows / rr), hsets = std::max(1, cols / er);
  counts n;
  std::set<std::tuple<int, int, int>> psum_seen;  // (group, filter, output row)
  for (int g = 0; g < G; ++g)
    for (int m0 = 0; m0 < M; m0 += hsets)
      for (int c0 = 0; c0 < C; c0 += vsets)
        for (int e0 = 0; e0 < E; e0 += er)
          for (int r0 = 0; r0 < R; r0 += rr) {
            ++n.passes;
            n.cycles += F * S;
            std::set<std::tuple<int, int, int>> filter_rows;  // (m, c, r) read from the GLB this pass
            std::set<std::pair<int, int>> input_rows;          // (c, h)
            std::set<std::pair<int, int>> outputs;             // (m, e)
            for (int m = m0; m < std::min(M, m0 + hsets); ++m)
              for (int c = c0; c < std::min(C, c0 + vsets); ++c)
                for (int e = e0; e < std::min(E, e0 + er); ++e)
                  for (int r = r0; r < std::min(R, r0 + rr); ++r) {
                    // One PE: load its filter row and its input row, then slide.
                    filter_rows.insert({m, c, r});
                    input_rows.insert({c, e * U + r});
                    n.filter_writes += S;
                    std::set<int> columns;
                    for (int f = 0; f < F; ++f)
                      for (int s = 0; s < S; ++s) columns.insert(f * V + s);
                    n.input_writes += static_cast<double>(columns.size());
                    for (int f = 0; f < F; ++f)
                      for (int s = 0; s < S; ++s) {
                        ++n.macs;
                        ++n.filter_reads;
                        ++n.input_reads;
                        ++n.psum_reads;
                        ++n.psum_writes;
                      }
                    n.psum_reads += F;  // the row of sums leaves the PE
                    outputs.insert({m, e});
                  }
            n.glb_weight += static_cast<double>(filter_rows.size()) * S;
            n.glb_input += static_cast<double>(input_rows.size()) * ((F - 1) * V + S);
            for (const auto& [m, e] : outputs) {
              n.glb_psum_writes += F;
              if (!psum_seen.insert({g, m, e}).second) n.glb_psum_reads += F;
            }
          }
  return n;
}

void check_same(const models::conv_dims& d, int rows, int cols) {
  CAPTURE(rows);
  CAPTURE(cols);
  const counts w = walk(d, rows, cols);
  const auto m = models::row_stationary(d, rows, cols);
  CHECK(m.macs == w.macs);
  CHECK(m.macs == d.groups * d.m * d.c * d.e * d.f * d.r * d.s);
  CHECK(m.passes == w.passes);
  CHECK(m.cycles == w.cycles);
  CHECK(m.filter_reads == w.filter_reads);
  CHECK(m.filter_writes == w.filter_writes);
  CHECK(m.input_reads == w.input_reads);
  CHECK(m.input_writes == w.input_writes);
  CHECK(m.psum_reads == w.psum_reads);
  CHECK(m.psum_writes == w.psum_writes);
  CHECK(m.glb_weight_reads == w.glb_weight);
  CHECK(m.glb_input_reads == w.glb_input);
  CHECK(m.glb_psum_reads == w.glb_psum_reads);
  CHECK(m.glb_psum_writes == w.glb_psum_writes);
}

}  // namespace

TEST_CASE("row stationary: a small conv counted by hand") {
  // 3 input channels of 6 x 6, 4 filters of 3 x 3, stride 1: 4 x 4 outputs.
  // On a 4 x 3 array: filter rows 3 (one R tile), output rows 3 + 1 (two E
  // tiles), one channel and one filter per pass: 4 x 3 x 2 = 24 passes of
  // 4 x 3 = 12 cycles.
  models::conv_dims d;
  d.c = 3;
  d.m = 4;
  d.r = d.s = 3;
  d.e = d.f = 4;
  const auto m = models::row_stationary(d, 4, 3);
  CHECK(m.passes == 24);
  CHECK(m.cycles == 24 * 12);
  CHECK(m.macs == 4 * 3 * 16 * 9);  // 1728
  // Scratchpads: 4 accesses per MAC; each of the 4 x 3 x 4 x 3 = 144 PE items
  // fills 3 weights and a 6-wide input row and drains 4 sums.
  CHECK(m.filter_writes == 144 * 3);
  CHECK(m.input_writes == 144 * 6);
  CHECK(m.psum_reads == 1728 + 144 * 4);
  // GLB: each filter row once per E tile (2); input rows per pass: 3 + 3 - 1
  // = 5 for the full tile, 1 + 3 - 1 = 3 for the last, each 6 wide, for every
  // filter and channel; psum rows: 3 channel passes each write 4 x 4 x 4 sums
  // and read back all but the first.
  CHECK(m.glb_weight_reads == 4 * 3 * 9 * 2);
  CHECK(m.glb_input_reads == 4 * 3 * (5 + 3) * 6);
  CHECK(m.glb_psum_writes == 64 * 3);
  CHECK(m.glb_psum_reads == 64 * 2);
  check_same(d, 4, 3);
}

TEST_CASE("row stationary: the closed form equals the loop nest") {
  models::conv_dims d;
  d.c = 3;
  d.m = 4;
  d.r = d.s = 3;
  d.e = d.f = 4;
  // Channels stacked (6 rows = 2 PE sets of 3) and filters side by side (8 columns = 2 sets of 4).
  check_same(d, 6, 8);
  // Filter rows folded over passes (2 array rows for 3 filter rows).
  check_same(d, 2, 5);
  // Stride 2: 9 x 9 inputs, windows no longer overlap as much.
  d.u = d.v = 2;
  check_same(d, 12, 14);
  check_same(d, 3, 3);
  // Groups and a 1 x 1 filter.
  models::conv_dims pw;
  pw.groups = 2;
  pw.c = 5;
  pw.m = 3;
  pw.e = pw.f = 7;
  check_same(pw, 12, 14);
  check_same(pw, 1, 4);
  // A wide filter on a tall array (rows > R, E > columns).
  models::conv_dims w;
  w.c = 2;
  w.m = 5;
  w.r = 5;
  w.s = 2;
  w.e = 9;
  w.f = 3;
  check_same(w, 11, 4);
}

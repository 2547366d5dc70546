#include "models/row_stationary.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "dsl/workload_spec.hpp"

namespace mottsim::models {

conv_dims conv_dims_of(const dsl::layer_spec& l) {
  conv_dims d;
  if (l.kind == dsl::layer_kind::matmul) {
    // Per head, a 1x1 convolution over M positions: K inputs, N outputs.
    d.groups = static_cast<double>(l.heads);
    d.c = static_cast<double>(l.in_shape.channels);
    d.m = static_cast<double>(l.out_shape.channels);
    d.e = static_cast<double>(l.in_shape.height * l.in_shape.width) / d.groups;
    return d;
  }
  if (l.kind == dsl::layer_kind::linear) {
    d.c = static_cast<double>(l.in_shape.elements());
    d.m = static_cast<double>(l.out_features);
    return d;
  }
  d.groups = static_cast<double>(std::max<long long>(1, l.groups));
  d.c = static_cast<double>(l.in_shape.channels) / d.groups;
  d.m = static_cast<double>(l.out_channels) / d.groups;
  // A dilated filter spans (k - 1) x dilation + 1 rows and columns; only k of
  // them hold weights, so a PE keeps k weights and reads the dilated span.
  d.dh = static_cast<double>(l.dilation_h);
  d.dw = static_cast<double>(l.dilation_w);
  d.r = static_cast<double>(l.kernel_h);
  d.s = static_cast<double>(l.kernel_w);
  d.e = static_cast<double>(l.out_shape.height);
  d.f = static_cast<double>(l.out_shape.width);
  d.u = static_cast<double>(l.stride_h);
  d.v = static_cast<double>(l.stride_w);
  return d;
}

namespace {

// Distinct input rows a PE set of `er` output rows x `rr` filter rows reads:
// rows e x U + r x dh, within one span when the windows overlap (exact without
// dilation; with it, the span is an upper bound).
double distinct_rows(double er, double rr, double u, double dh) {
  return std::min(er * rr, (er - 1) * u + (rr - 1) * dh + 1);
}

// Sizes of the tiles of `n` in pieces of `tile`: `full` of them whole, and a
// last one of `rest` (0 when the tiles divide n).
struct tiling {
  double full, rest;
};
tiling tiles_of(double n, double tile) {
  const double full = std::floor(n / tile);
  return {full, n - full * tile};
}

}  // namespace

row_stationary_counts row_stationary(const conv_dims& d, double rows, double cols) {
  row_stationary_counts out;
  const double rr = std::min(d.r, rows), er = std::min(d.e, cols);
  const double r_tiles = std::ceil(d.r / rows), e_tiles = std::ceil(d.e / cols);
  const double vsets = std::max(1.0, std::floor(rows / rr));  // input channels per pass
  const double hsets = std::max(1.0, std::floor(cols / er));  // filters per pass
  const double c_passes = std::ceil(d.c / vsets), m_passes = std::ceil(d.m / hsets);
  out.passes = d.groups * m_passes * c_passes * e_tiles * r_tiles;
  out.cycles = out.passes * d.f * d.s;

  // PE work items: one (filter, channel, output row, filter row) each.
  const double items = d.groups * d.m * d.c * d.e * d.r;
  const double per_item_macs = d.f * d.s;
  const double row_length = (d.f - 1) * d.v + (d.s - 1) * d.dw + 1;
  out.macs = items * per_item_macs;
  out.filter_reads = out.macs;
  out.input_reads = out.macs;
  out.psum_reads = out.macs + items * d.f;  // one per MAC, then the drain
  out.psum_writes = out.macs;
  out.filter_writes = items * d.s;
  out.input_writes = items * row_length;

  // GLB. A filter row is read once per pass for its whole array row.
  out.glb_weight_reads = d.groups * d.m * d.c * d.r * d.s * e_tiles;
  // Input rows: every pass reads the distinct rows of its PE sets, once for
  // all the filters beside each other; the tiles of E and R give the shapes.
  const tiling et = tiles_of(d.e, er), rt = tiles_of(d.r, rr);
  double rows_per_channel = 0;  // over all (E tile, R tile) pairs
  for (const auto& [ne, e_size] : {std::pair{et.full, er}, std::pair{et.rest > 0 ? 1.0 : 0.0, et.rest}})
    for (const auto& [nr, r_size] : {std::pair{rt.full, rr}, std::pair{rt.rest > 0 ? 1.0 : 0.0, rt.rest}})
      if (ne > 0 && nr > 0) rows_per_channel += ne * nr * distinct_rows(e_size, r_size, d.u, d.dh);
  out.glb_input_reads = d.groups * m_passes * d.c * rows_per_channel * row_length;
  // Psum rows: one per pass per output row, read back for all but the first.
  const double contributions = c_passes * r_tiles;
  out.glb_psum_writes = d.groups * d.m * d.e * d.f * contributions;
  out.glb_psum_reads = d.groups * d.m * d.e * d.f * (contributions - 1);
  return out;
}

}  // namespace mottsim::models

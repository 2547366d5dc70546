#include "models/gemm_blocking.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "dsl/workload_spec.hpp"

namespace mottsim::models {

double gemm_problem::a_pass_min_bytes() const {
  return a_unique_bytes > 0 ? std::min(a_unique_bytes, a_full_bytes()) : a_full_bytes();
}

gemm_problem layer_gemm(const dsl::layer_spec& l, double act_bytes, double weight_bytes, double acc_bytes) {
  gemm_problem p;
  p.a_bytes = act_bytes;
  p.b_bytes = weight_bytes;
  p.c_bytes = act_bytes;
  p.acc_bytes = acc_bytes;
  if (l.kind == dsl::layer_kind::matmul) {
    // Per head: M x K activations times K x N activations (B is no weight).
    p.groups = static_cast<double>(l.heads);
    p.m = static_cast<double>(l.in_shape.height * l.in_shape.width) / p.groups;
    p.k = static_cast<double>(l.in_shape.channels);
    p.n = static_cast<double>(l.out_shape.channels);
    p.b_bytes = act_bytes;
    p.a_unique_bytes = p.m * p.k * act_bytes;
    return p;
  }
  if (l.kind == dsl::layer_kind::linear) {
    p.m = 1;
    p.n = static_cast<double>(l.out_features);
    p.k = static_cast<double>(l.in_shape.elements());
    p.a_unique_bytes = p.k * act_bytes;
    return p;
  }
  const double groups = static_cast<double>(std::max<long long>(1, l.groups));
  p.groups = groups;
  p.m = static_cast<double>(l.out_shape.height * l.out_shape.width);
  p.n = static_cast<double>(l.out_channels) / groups;
  p.k = static_cast<double>(l.weight_rows());
  const double cin = static_cast<double>(l.in_shape.channels) / groups;
  // Input rows and columns the windows touch: all of them when windows overlap
  // or abut (kernel >= stride), else `kernel` of every `stride`.
  const auto touched = [](long long in, long long out, long long kernel, long long stride) {
    return static_cast<double>(std::min(in, out * std::min(kernel, stride)));
  };
  const double rows = touched(l.in_shape.height, l.out_shape.height, l.kernel_h, l.stride_h);
  const double cols = touched(l.in_shape.width, l.out_shape.width, l.kernel_w, l.stride_w);
  p.a_unique_bytes = rows * cols * cin * act_bytes;
  const double window_rows = static_cast<double>(std::min(l.in_shape.height, (l.kernel_h - 1) * l.dilation_h + 1));
  p.a_window_bytes = window_rows * static_cast<double>(l.in_shape.width) * cin * act_bytes;
  return p;
}

const char* gemm_order_name(gemm_order o) {
  switch (o) {
    case gemm_order::weights_kept: return "weights kept";
    case gemm_order::inputs_kept: return "inputs kept";
    case gemm_order::output_tiles: return "output tiles";
  }
  return "?";
}

std::string gemm_traffic::describe() const {
  char buf[160];
  switch (order) {
    case gemm_order::weights_kept: std::snprintf(buf, sizeof buf, "weights kept: K x %.0f panels of B", nc); break;
    case gemm_order::inputs_kept: std::snprintf(buf, sizeof buf, "inputs kept: %.0f x K panels of A", mc); break;
    case gemm_order::output_tiles: std::snprintf(buf, sizeof buf, "output tiles: %.0f x %.0f tiles of C", mc, nc); break;
  }
  std::string out = buf;
  if (window_reuse) out += ", input rows kept for the sliding window";
  return out;
}

double compulsory_bytes(const gemm_problem& p) {
  return p.groups * (p.a_pass_min_bytes() + p.b_total_bytes() + p.c_total_bytes());
}

double no_reuse_bytes(const gemm_problem& p) {
  return p.groups * (p.m * p.n * p.k * (p.a_bytes + p.b_bytes) + p.c_total_bytes());
}

gemm_traffic block_gemm(const gemm_problem& p, double capacity_bytes) {
  const double A_full = p.a_full_bytes(), B = p.b_total_bytes(), C = p.c_total_bytes();
  // Nothing kept: every tile of C is 1 x 1 and both operands stream per output.
  gemm_traffic best;
  best.order = gemm_order::output_tiles;
  best.a_read_bytes = p.n * A_full;
  best.b_read_bytes = p.m * B;
  double best_total = best.read_bytes() + C;

  const auto consider = [&](gemm_order order, double mc, double nc, bool window, double a_read, double b_read) {
    const double total = a_read + b_read + C;
    // Strictly better only, so ties keep the earlier (simpler) blocking.
    if (total < best_total) {
      best_total = total;
      best.order = order;
      best.mc = mc;
      best.nc = nc;
      best.window_reuse = window;
      best.a_read_bytes = a_read;
      best.b_read_bytes = b_read;
    }
  };

  const bool can_window = p.a_unique_bytes > 0 && p.a_unique_bytes < A_full;
  for (const bool window : {true, false}) {
    if (window && !can_window) continue;
    // Keeping the window's input rows costs their bytes of capacity.
    const double cap = capacity_bytes - (window ? p.a_window_bytes : 0.0);
    if (cap <= 0) continue;
    const double A_pass = window ? std::min(p.a_unique_bytes, A_full) : A_full;

    // Weights kept: a K x nc panel of B, one row of A and nc accumulators.
    {
      const double nc = std::min(p.n, std::floor((cap - p.k * p.a_bytes) / (p.k * p.b_bytes + p.acc_bytes)));
      if (nc >= 1) consider(gemm_order::weights_kept, 1, nc, window, std::ceil(p.n / nc) * A_pass, B);
    }
    // Inputs kept: an mc x K panel of A, one column of B and mc accumulators.
    {
      const double mc = std::min(p.m, std::floor((cap - p.k * p.b_bytes) / (p.k * p.a_bytes + p.acc_bytes)));
      if (mc >= 1) consider(gemm_order::inputs_kept, mc, 1, window, A_pass, std::ceil(p.m / mc) * B);
    }
    // Output tiles: mc x nc accumulators while one K-slice of A and B streams.
    // The candidate heights do not depend on the capacity, so a larger
    // capacity can only add feasible blockings (traffic never grows with it).
    for (double mc = 1;; mc = std::min(p.m, mc * 2)) {
      const double nc = std::min(p.n, std::floor((cap - mc * p.a_bytes) / (mc * p.acc_bytes + p.b_bytes)));
      if (nc >= 1)
        consider(gemm_order::output_tiles, mc, nc, window, std::ceil(p.n / nc) * A_pass, std::ceil(p.m / mc) * B);
      if (mc >= p.m) break;
    }
  }
  best.a_read_bytes *= p.groups;
  best.b_read_bytes *= p.groups;
  best.c_write_bytes = p.groups * C;
  return best;
}

gemm_roofline roofline(double macs, double peak_macs_per_s, double ceiling, const std::vector<roofline_level>& levels) {
  gemm_roofline r;
  r.bound = "compute";
  if (macs <= 0 || peak_macs_per_s <= 0) return r;
  r.compute_s = macs / (peak_macs_per_s * ceiling);
  for (const auto& l : levels) {
    if (l.bytes_per_s <= 0) continue;
    const double t = l.bytes / l.bytes_per_s;
    if (t > r.memory_s) {
      r.memory_s = t;
      if (t > r.compute_s) r.bound = l.name;
    }
  }
  r.utilization = macs / (peak_macs_per_s * std::max(r.compute_s, r.memory_s));
  return r;
}

double register_tile_fill(double m, double n, double rb) {
  return (m * n) / (std::ceil(m / rb) * rb * std::ceil(n / rb) * rb);
}

}  // namespace mottsim::models

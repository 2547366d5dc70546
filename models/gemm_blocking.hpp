#pragma once
#include <string>
#include <vector>

namespace mottsim::dsl {
struct layer_spec;
}

// Traffic of a blocked GEMM between one level of memory (a cache, a scratchpad)
// and the level below it. Pure arithmetic, no SystemC.
//
// A layer runs as C[m x n] = A[m x k] . B[k x n], `groups` times (grouped
// convolutions are independent GEMMs): A is the im2col view of the input, B the
// weights, C the outputs. A kept block of the fast level is reused; everything
// else is fetched again from the level below. The model does what a tuned GEMM
// library does (Goto & van de Geijn, ACM TOMS 2008): it tries the loop orders
// that keep one operand's panel, or a tile of C, in the fast level, sizes the
// blocks to fit, and keeps the cheapest. The result lies between two bounds:
//   compulsory: every input element the layer uses and every weight read once,
//               every output written once;
//   no reuse:   both operands of every MAC fetched, every output written once.
namespace mottsim::models {

struct gemm_problem {
  double m = 1, n = 1, k = 1;  // per group
  double groups = 1;
  double a_bytes = 1;    // element of A (an input activation)
  double b_bytes = 1;    // element of B (a weight)
  double c_bytes = 1;    // element of C as written out (an output activation)
  double acc_bytes = 4;  // partial sum kept while K is reduced (int32 / fp32)
  // Implicit im2col: the bytes of input one pass over all of A reads when the
  // sliding window's input rows stay in the fast level (each input element once,
  // per group), and the bytes of those rows. Without that, a pass reads the
  // whole im2col matrix, m x k elements.
  double a_unique_bytes = 0;
  double a_window_bytes = 0;

  double macs() const { return m * n * k * groups; }
  double a_full_bytes() const { return m * k * a_bytes; }  // per group
  double b_total_bytes() const { return k * n * b_bytes; }  // per group
  double c_total_bytes() const { return m * n * c_bytes; }  // per group
  double a_pass_min_bytes() const;                          // per group
};

// The im2col GEMM of a conv2d or linear layer (shapes, groups, the input rows a
// sliding window needs). Element sizes in bytes; `acc_bytes` for partial sums.
gemm_problem layer_gemm(const dsl::layer_spec& layer, double act_bytes, double weight_bytes, double acc_bytes);

enum class gemm_order {
  weights_kept,  // a K x nc panel of B stays; A streams once per panel
  inputs_kept,   // an mc x K panel of A stays; B streams once per panel
  output_tiles,  // an mc x nc tile of C stays while K streams through
};
const char* gemm_order_name(gemm_order o);

struct gemm_traffic {
  gemm_order order = gemm_order::output_tiles;
  double mc = 1, nc = 1;       // the block kept (rows of A / columns of B)
  bool window_reuse = false;   // input rows of the sliding window kept
  double a_read_bytes = 0;     // all groups
  double b_read_bytes = 0;
  double c_write_bytes = 0;
  double read_bytes() const { return a_read_bytes + b_read_bytes; }
  double total_bytes() const { return a_read_bytes + b_read_bytes + c_write_bytes; }
  std::string describe() const;  // "weights kept, K x 64 panel, ..."
};

// The cheapest blocking of `p` in a fast level of `capacity_bytes`. Never more
// than no_reuse_bytes(p), never less than compulsory_bytes(p), and never more
// for a larger capacity.
gemm_traffic block_gemm(const gemm_problem& p, double capacity_bytes);

double compulsory_bytes(const gemm_problem& p);
double no_reuse_bytes(const gemm_problem& p);

// The roofline of one blocked GEMM (Williams, Waterman & Patterson, CACM 2009):
// the MACs run at `ceiling` x the peak rate unless some memory level cannot
// move its bytes (from the blocking) in that time. Each level's time is
// bytes / bandwidth; the slowest one bounds the rate.
struct roofline_level {
  std::string name;  // "DRAM", "L2", ...
  double bytes = 0;
  double bytes_per_s = 0;  // 0: not a limit
};
struct gemm_roofline {
  double utilization = 1;    // achieved MAC rate / peak
  std::string bound;         // "compute" or the name of the limiting level
  double compute_s = 0;      // MACs / (peak x ceiling)
  double memory_s = 0;       // the slowest level's time
};
gemm_roofline roofline(double macs, double peak_macs_per_s, double ceiling, const std::vector<roofline_level>& levels);

// Fraction of a register-blocked micro-kernel's lanes that hold real
// outputs: an m x n output in rb x rb register tiles (the last tiles run
// partly empty).
double register_tile_fill(double m, double n, double rb);

}  // namespace mottsim::models

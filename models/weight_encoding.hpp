#pragma once
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "models/cim_tile_params.hpp"
#include "models/crossbar_mapping.hpp"

// How a layer group's weights become cell levels: symmetric integer codes with
// one scale per group, their magnitudes (differential) or offset codes split
// into slices of bits_per_cell, each slice a level snapped to the cell's grid.
// Functional mode programs these levels (models/functional_crossbar.hpp); perf
// mode measures the mean conductance they give (weight_density). Pure.
namespace mottsim::models {

struct weight_codes {
  long long q_max = 0;        // codes are integers in [-q_max, q_max]
  long long offset_code = 0;  // offset encoding: the code stored is w + offset_code
  double scale = 1.0;         // value of one code step
};

// The code range and scale of `weights` (any shape) mapped with `mapping` at
// `weight_bits`: max|w| / q_max, or 1 for integer weights that fit the range.
weight_codes weight_codes_for(const Eigen::MatrixXd& weights, const crossbar_mapping& mapping, int weight_bits,
                              signed_encoding encoding);
// The same from the weights' largest magnitude and whether all are integers.
weight_codes weight_codes_for(double max_abs, bool all_integers, const crossbar_mapping& mapping, int weight_bits,
                              signed_encoding encoding);

// The code of one weight: round(w / scale), clamped to [-q_max, q_max].
// Inline: perf mode codes a model's millions of weights.
inline long long weight_code(double w, const weight_codes& codes) {
  const double qm = static_cast<double>(codes.q_max);
  const double q = w / codes.scale;
  // std::round (halves away from zero) without a library call or a branch
  // per weight (a model's millions of them, in random order): below 2^52 in
  // magnitude the fraction f = q - trunc(q) is exact, and trunc(2 f) is 1
  // from one half up, -1 from minus one half down, else 0.
  double r = q;  // larger ones are whole already (or not finite)
  if (std::fabs(q) < 4503599627370496.0) {
    const double t = static_cast<double>(static_cast<long long>(q));
    r = t + static_cast<double>(static_cast<long long>(2.0 * (q - t)));
  }
  // std::clamp, without its branches; a NaN (no weight of a valid model) takes the lowest code.
  return static_cast<long long>(std::max(-qm, std::min(r, qm)));
}

// The slice levels of code `w` in slice `s` (slices of `slice_bits`, LSB
// first): differential, the (+, -) pair (|w|'s slice on the side of w's
// sign, 0 on the other); offset, `positive` only (the slice of w + offset).
struct slice_levels {
  long long positive = 0;
  long long negative = 0;
};
slice_levels levels_of_slice(long long w, long long s, long long slice_bits, const weight_codes& codes,
                             signed_encoding encoding);

// Level k of a slice of `slice_bits` bits as an index on the cell's grid of
// `levels` conductances (g_min + index (g_max - g_min) / (levels - 1)).
double grid_index(long long k, long long slice_bits, long long levels);

// The mean programmed conductance of the layer's weight cells (every slice
// column, both sides of a pair; not an offset's reference column), relative to
// g_min..g_max, at the nominal levels: what perf mode calls weight_density.
// `weights` is fan_in x outputs of one group.
double mapped_weight_density(const Eigen::MatrixXd& weights, const cim_tile_params& tile,
                             const crossbar_mapping& mapping, int weight_bits);

// mapped_weight_density of one group whose weights come in pieces (a model's
// weights read output by output, never held whole): every piece goes to
// `range` first, then the same pieces in the same order to `add`.
class weight_density_tally {
 public:
  weight_density_tally(const cim_tile_params& tile, const crossbar_mapping& mapping, int weight_bits);
  void range(const float* weights, std::size_t n);
  void range(const double* weights, std::size_t n);
  void add(const float* weights, std::size_t n);
  void add(const double* weights, std::size_t n);
  double density() const;

 private:
  template <class T>
  void range_of(const T* weights, std::size_t n);
  template <class T>
  void add_of(const T* weights, std::size_t n);
  void set_codes();
  double code_sum(long long code) const;  // the relative conductances of one code's cells

  const cim_tile_params& m_tile;
  const crossbar_mapping& m_mapping;
  int m_weight_bits;
  double m_max_abs = 0.0;
  bool m_integers = true;
  bool m_counting = false;  // `add` has begun: the codes are fixed
  weight_codes m_codes;
  std::vector<long long> m_count;  // weights per code, when the codes are few
  double m_sum = 0.0;              // else the sum of code_sum, in order
  long long m_n = 0;
};

}  // namespace mottsim::models

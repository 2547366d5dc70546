#pragma once
#include <Eigen/Core>

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

// The code of one weight: round(w / scale), clamped to [-q_max, q_max].
long long weight_code(double w, const weight_codes& codes);

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

}  // namespace mottsim::models

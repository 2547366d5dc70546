#include "models/weight_encoding.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace mottsim::models {

weight_codes weight_codes_for(const Eigen::MatrixXd& weights, const crossbar_mapping& mapping, int weight_bits,
                              signed_encoding encoding) {
  weight_codes c;
  if (encoding == signed_encoding::differential) {
    c.q_max = (1LL << mapping.magnitude_bits) - 1;
  } else {
    c.q_max = (1LL << (weight_bits - 1)) - 1;
    c.offset_code = 1LL << (weight_bits - 1);
  }
  const double w_max = weights.size() ? weights.cwiseAbs().maxCoeff() : 0.0;
  c.scale = w_max > 0.0 ? w_max / static_cast<double>(c.q_max) : 1.0;
  // Integer weights that fit (edge kernels, say) keep their values exactly
  // instead of being stretched onto the full code range.
  if (w_max <= static_cast<double>(c.q_max) && (weights.array() == weights.array().round()).all()) c.scale = 1.0;
  return c;
}

long long weight_code(double w, const weight_codes& codes) {
  const double qm = static_cast<double>(codes.q_max);
  return static_cast<long long>(std::clamp(std::round(w / codes.scale), -qm, qm));
}

slice_levels levels_of_slice(long long w, long long s, long long slice_bits, const weight_codes& codes,
                             signed_encoding encoding) {
  const long long slice_max = (1LL << slice_bits) - 1;
  slice_levels l;
  if (encoding == signed_encoding::differential) {
    const long long level = (std::llabs(w) >> (slice_bits * s)) & slice_max;
    l.positive = w > 0 ? level : 0;
    l.negative = w < 0 ? level : 0;
  } else {
    l.positive = ((w + codes.offset_code) >> (slice_bits * s)) & slice_max;
  }
  return l;
}

double grid_index(long long k, long long slice_bits, long long levels) {
  const long long slice_max = (1LL << slice_bits) - 1;
  return std::round(static_cast<double>(k) * static_cast<double>(levels - 1) / static_cast<double>(slice_max));
}

double mapped_weight_density(const Eigen::MatrixXd& weights, const cim_tile_params& tile,
                             const crossbar_mapping& mapping, int weight_bits) {
  const weight_codes codes = weight_codes_for(weights, mapping, weight_bits, tile.signed_weights);
  const bool differential = tile.signed_weights == signed_encoding::differential;
  const double top = static_cast<double>(tile.levels - 1);
  double sum = 0.0;
  long long cells = 0;
  for (Eigen::Index k = 0; k < weights.cols(); ++k)
    for (Eigen::Index r = 0; r < weights.rows(); ++r) {
      const long long w = weight_code(weights(r, k), codes);
      for (long long s = 0; s < mapping.slices; ++s) {
        const slice_levels l = levels_of_slice(w, s, tile.bits_per_cell, codes, tile.signed_weights);
        sum += grid_index(l.positive, tile.bits_per_cell, tile.levels) / top;
        ++cells;
        if (differential) {
          sum += grid_index(l.negative, tile.bits_per_cell, tile.levels) / top;
          ++cells;
        }
      }
    }
  return cells ? sum / static_cast<double>(cells) : 0.0;
}

}  // namespace mottsim::models

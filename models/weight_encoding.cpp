#include "models/weight_encoding.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

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
  // The relative conductances of one code's cells, over its slices.
  const auto code_sum = [&](long long w) {
    double sum = 0.0;
    for (long long s = 0; s < mapping.slices; ++s) {
      const slice_levels l = levels_of_slice(w, s, tile.bits_per_cell, codes, tile.signed_weights);
      sum += grid_index(l.positive, tile.bits_per_cell, tile.levels) / top;
      if (differential) sum += grid_index(l.negative, tile.bits_per_cell, tile.levels) / top;
    }
    return sum;
  };
  const Eigen::Index n = weights.size();
  if (n == 0) return 0.0;
  double sum = 0.0;
  if (codes.q_max <= (1LL << 16)) {
    // Weights take at most 2 q_max + 1 codes: count them, then price each code
    // once (an imported network's millions of weights in one pass).
    std::vector<long long> count(static_cast<std::size_t>(2 * codes.q_max + 1), 0);
    for (Eigen::Index i = 0; i < n; ++i) ++count[static_cast<std::size_t>(weight_code(weights.data()[i], codes) + codes.q_max)];
    for (std::size_t c = 0; c < count.size(); ++c)
      if (count[c]) sum += static_cast<double>(count[c]) * code_sum(static_cast<long long>(c) - codes.q_max);
  } else {
    for (Eigen::Index i = 0; i < n; ++i) sum += code_sum(weight_code(weights.data()[i], codes));
  }
  const double cells_per_weight = static_cast<double>(mapping.slices * (differential ? 2 : 1));
  return sum / (static_cast<double>(n) * cells_per_weight);
}

}  // namespace mottsim::models

#include "models/weight_encoding.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdlib>
#include <vector>

namespace mottsim::models {

weight_codes weight_codes_for(double max_abs, bool all_integers, const crossbar_mapping& mapping, int weight_bits,
                              signed_encoding encoding) {
  weight_codes c;
  if (encoding == signed_encoding::differential) {
    c.q_max = (1LL << mapping.magnitude_bits) - 1;
  } else {
    c.q_max = (1LL << (weight_bits - 1)) - 1;
    c.offset_code = 1LL << (weight_bits - 1);
  }
  c.scale = max_abs > 0.0 ? max_abs / static_cast<double>(c.q_max) : 1.0;
  // Integer weights that fit (edge kernels, say) keep their values exactly
  // instead of being stretched onto the full code range.
  if (max_abs <= static_cast<double>(c.q_max) && all_integers) c.scale = 1.0;
  return c;
}

weight_codes weight_codes_for(const Eigen::MatrixXd& weights, const crossbar_mapping& mapping, int weight_bits,
                              signed_encoding encoding) {
  const double w_max = weights.size() ? weights.cwiseAbs().maxCoeff() : 0.0;
  const bool all_integers = (weights.array() == weights.array().round()).all();
  return weight_codes_for(w_max, all_integers, mapping, weight_bits, encoding);
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
  weight_density_tally tally(tile, mapping, weight_bits);
  const auto n = static_cast<std::size_t>(weights.size());
  tally.range(weights.data(), n);
  tally.add(weights.data(), n);
  return tally.density();
}

weight_density_tally::weight_density_tally(const cim_tile_params& tile, const crossbar_mapping& mapping,
                                           int weight_bits)
    : m_tile(tile), m_mapping(mapping), m_weight_bits(weight_bits) {}

template <class T>
void weight_density_tally::range_of(const T* weights, std::size_t n) {
  assert(!m_counting);
  double max_abs = m_max_abs;
  for (std::size_t i = 0; i < n; ++i) max_abs = std::max(max_abs, std::abs(static_cast<double>(weights[i])));
  m_max_abs = max_abs;
  for (std::size_t i = 0; i < n && m_integers; ++i) {
    const double w = weights[i];
    m_integers = w == std::round(w);
  }
}

void weight_density_tally::range(const float* weights, std::size_t n) { range_of(weights, n); }
void weight_density_tally::range(const double* weights, std::size_t n) { range_of(weights, n); }

void weight_density_tally::set_codes() {
  m_codes = weight_codes_for(m_max_abs, m_integers, m_mapping, m_weight_bits, m_tile.signed_weights);
  // Weights take at most 2 q_max + 1 codes: when those are few, count them,
  // then price each code once (an imported network's millions of weights).
  if (m_codes.q_max <= (1LL << 16)) m_count.assign(static_cast<std::size_t>(2 * m_codes.q_max + 1), 0);
  m_counting = true;
}

template <class T>
void weight_density_tally::add_of(const T* weights, std::size_t n) {
  if (!m_counting) set_codes();
  if (!m_count.empty()) {
    for (std::size_t i = 0; i < n; ++i)
      ++m_count[static_cast<std::size_t>(weight_code(weights[i], m_codes) + m_codes.q_max)];
  } else {
    for (std::size_t i = 0; i < n; ++i) m_sum += code_sum(weight_code(weights[i], m_codes));
  }
  m_n += static_cast<long long>(n);
}

void weight_density_tally::add(const float* weights, std::size_t n) { add_of(weights, n); }
void weight_density_tally::add(const double* weights, std::size_t n) { add_of(weights, n); }

double weight_density_tally::code_sum(long long w) const {
  const bool differential = m_tile.signed_weights == signed_encoding::differential;
  const double top = static_cast<double>(m_tile.levels - 1);
  double sum = 0.0;
  for (long long s = 0; s < m_mapping.slices; ++s) {
    const slice_levels l = levels_of_slice(w, s, m_tile.bits_per_cell, m_codes, m_tile.signed_weights);
    sum += grid_index(l.positive, m_tile.bits_per_cell, m_tile.levels) / top;
    if (differential) sum += grid_index(l.negative, m_tile.bits_per_cell, m_tile.levels) / top;
  }
  return sum;
}

double weight_density_tally::density() const {
  if (m_n == 0) return 0.0;
  double sum = m_sum;
  for (std::size_t c = 0; c < m_count.size(); ++c)
    if (m_count[c]) sum += static_cast<double>(m_count[c]) * code_sum(static_cast<long long>(c) - m_codes.q_max);
  const bool differential = m_tile.signed_weights == signed_encoding::differential;
  const double cells_per_weight = static_cast<double>(m_mapping.slices * (differential ? 2 : 1));
  return sum / (static_cast<double>(m_n) * cells_per_weight);
}

}  // namespace mottsim::models

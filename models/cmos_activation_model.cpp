#include "models/cmos_activation_model.hpp"

#include <algorithm>

namespace mottsim::models {

cmos_activation_model::cmos_activation_model(const dsl::block_value& circuit, std::size_t units, std::uint64_t seed)
    : m_noise(circuit.number("noise")), m_saturation(circuit.number("saturation")), m_offsets(units, 0.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  const double sigma = circuit.number("offset_sigma");
  for (auto& o : m_offsets) o = sigma * normal(rng);
}

double cmos_activation_model::transfer(double x) const { return std::clamp(x, 0.0, m_saturation); }

void cmos_activation_model::apply(Eigen::Ref<Eigen::MatrixXd> x, std::mt19937_64& rng) const {
  std::normal_distribution<double> normal(0.0, 1.0);
  const auto rows = std::min<Eigen::Index>(x.rows(), static_cast<Eigen::Index>(m_offsets.size()));
  for (Eigen::Index c = 0; c < x.cols(); ++c)
    for (Eigen::Index r = 0; r < rows; ++r) {
      const double e = m_noise > 0.0 ? m_noise * normal(rng) : 0.0;
      x(r, c) = std::clamp(x(r, c) + m_offsets[static_cast<std::size_t>(r)] + e, 0.0, m_saturation);
    }
}

}  // namespace mottsim::models

#pragma once
#include <Eigen/Core>

#include <cstdint>
#include <random>
#include <vector>

#include "dsl/block_value.hpp"

namespace mottsim::models {

// An analog CMOS activation (TIA and rectifier) as functional mode sees it,
// relative to full scale: circuit j gives
//   y = min(saturation, max(0, x + offset_j + noise)),
// offset_j ~ N(0, offset_sigma) drawn once per circuit (input-referred, Pelgrom
// mismatch), noise ~ N(0, noise) fresh at every evaluation.
class cmos_activation_model {
 public:
  cmos_activation_model(const dsl::block_value& circuit, std::size_t units, std::uint64_t seed);

  double transfer(double x) const;  // the nominal circuit: no offset, no noise
  double offset(std::size_t unit) const { return m_offsets.at(unit); }
  // Row j of x goes through circuit j.
  void apply(Eigen::Ref<Eigen::MatrixXd> x, std::mt19937_64& rng) const;

 private:
  double m_noise = 0.0;
  double m_saturation = 1.0;
  std::vector<double> m_offsets;
};

}  // namespace mottsim::models

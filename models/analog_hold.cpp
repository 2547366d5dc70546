#include "models/analog_hold.hpp"

#include <algorithm>
#include <cmath>

namespace mottsim::models {

namespace {
constexpr double boltzmann_j_per_k = 1.380649e-23;  // exact since the 2019 SI
}

double analog_hold_params::sampling_sigma() const {
  return std::sqrt(boltzmann_j_per_k * temperature_k / capacitance_f) / full_scale_v;
}

double analog_hold_params::droop(double hold_s) const {
  return leakage_a * hold_s / (capacitance_f * full_scale_v);
}

analog_hold_params read_analog_hold(const dsl::block_value& b) {
  analog_hold_params p;
  p.full_scale_v = b.quantity("full_scale_voltage");
  p.capacitance_f = b.quantity("hold_capacitance");
  p.leakage_a = b.quantity("leakage_current");
  p.temperature_k = b.quantity("temperature");
  p.gain_error = b.number("gain_error");
  p.buffer_noise = b.number("buffer_noise");
  return p;
}

void hold_samples(Eigen::Ref<Eigen::MatrixXd> y, const analog_hold_params& p, double hold_s, std::mt19937_64& rng) {
  const double gain = 1.0 + p.gain_error;
  const double sigma = p.sampling_sigma();
  const double droop = p.droop(hold_s);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (Eigen::Index c = 0; c < y.cols(); ++c)
    for (Eigen::Index r = 0; r < y.rows(); ++r) {
      const double e = sigma > 0.0 ? normal(rng) : 0.0;
      y(r, c) = std::max(0.0, gain * y(r, c) + sigma * e - droop);
    }
}

}  // namespace mottsim::models

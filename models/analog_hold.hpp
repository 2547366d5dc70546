#pragma once
#include <Eigen/Core>

#include <random>

#include "dsl/block_value.hpp"

namespace mottsim::models {

// What a sample-and-hold cell and its row buffer do to an analog activation,
// relative to the held full scale (1 = full_scale_voltage):
//  - gain error g: the held value is (1 + g) y (a follower of finite gain);
//  - sampling noise: kT/C on the hold capacitor, sigma = sqrt(k_B T / C) / V_fs,
//    drawn once per sample;
//  - droop: the switch leaks I_leak off the capacitor for the hold time t,
//    lowering the value by I_leak t / (C V_fs) (never below 0 V);
//  - buffer noise: each drive of a word line adds its own rms noise (applied by
//    the consumer, see functional_layer::set_analog_input).
struct analog_hold_params {
  double full_scale_v = 0.5;
  double capacitance_f = 50e-15;
  double leakage_a = 1e-12;
  double temperature_k = 300.0;
  double gain_error = 0.0;
  double buffer_noise = 0.0;

  double sampling_sigma() const;      // kT/C, relative to full scale
  double droop(double hold_s) const;  // relative to full scale
};

analog_hold_params read_analog_hold(const dsl::block_value& sample_hold);

// Holds `y` (relative to full scale) for `hold_s`: gain error, one kT/C draw per
// value, droop; clamped at 0.
void hold_samples(Eigen::Ref<Eigen::MatrixXd> y, const analog_hold_params& p, double hold_s, std::mt19937_64& rng);

}  // namespace mottsim::models

#pragma once
#include <string>
#include <vector>

#include "dsl/block_value.hpp"

namespace mottsim::models {

// One level of a piecewise-constant current waveform.
struct current_level {
  double current_a = 0.0;
  double duration_s = 0.0;
};

// Joule heat of a piecewise-constant current through a resistor: sum I_k^2 R t_k.
double joule_energy(const std::vector<current_level>& pulse, double resistance_ohm);

// Time for a temperature rise `rise_k` above ambient to relax, with time
// constant tau, to within `tolerance_k` of ambient: tau ln(rise / tolerance);
// zero when the rise is already within the tolerance.
double cooling_time(double tau_s, double rise_k, double tolerance_k);

// A single-pole stage of -3 dB bandwidth f settles to 1 % of a step in ln(100) / (2 pi f).
double stage_settling_time(double bandwidth_hz);

// What one activation of a thermal Mott neuron costs, from the same device model
// (mott_neuron_model) that gives its transfer curve, so the two cannot disagree.
//
// A read is one heater pulse of settling_time, current I(x) = I_bias + x I_fs
// (after negative-input handling), from ambient. Its energy is the sum of:
//   heater:      I(x)^2 R_h t_p, the Joule heat of the pulse;
//   read:        the integral of V_read^2 / R(T(t)) over the pulse, T(t) the step
//                response of the thermal RC and R the film on its heating branch;
//   gain stage:  its quiescent power over its settling plus the pulse, and the
//                drop across its output source, (V_rail - I R_h) x its share of I,
//                over the pulse;
//   bias source: the drop across the output source for the bias share of I.
// V_rail is gain_stage.supply_voltage, or the lowest rail that reaches full scale:
// (I_bias + I_fs) R_h + output_headroom.
//
// The input x is a pre-activation, which perf mode does not compute: the neuron's
// input_mean and input_rms state its statistic, and every term is averaged over
// x = mean - sd and x = mean + sd (equal weights: the two points have that mean
// and that rms, so the quadratic heater term is exact).
//
// After the pulse the film must cool back to within cooling_tolerance of ambient
// before the next read starts from ambient, as the transfer curve assumes: the
// worst case is the full-scale input, whose rise at the end of the pulse is
// P(1)/G_th (1 - exp(-t_p / tau)).
struct thermal_neuron_cost {
  double heater_j = 0.0;
  double read_j = 0.0;
  double gain_stage_j = 0.0;
  double bias_source_j = 0.0;
  double total_j() const { return heater_j + read_j + gain_stage_j + bias_source_j; }

  double pulse_s = 0.0;             // settling_time
  double stage_settling_s = 0.0;    // the gain stage's, before the pulse counts
  double time_constant_s = 0.0;     // C_th / G_th
  double peak_rise_k = 0.0;         // film rise at the end of a full-scale pulse
  double cooling_s = 0.0;           // back within cooling_tolerance of ambient
  double supply_v = 0.0;            // the heater rail
  double minimum_supply_v = 0.0;    // (I_bias + I_fs) R_h + output_headroom
  double input_low = 0.0, input_high = 0.0;  // the two inputs standing for the statistic

  // What each figure is made of, with its inputs and where they came from.
  std::string heater_source, read_source, gain_stage_source, bias_source_source, cooling_source;
};

// `neuron` is a validated mott_neuron block whose model is thermal.
thermal_neuron_cost thermal_neuron_costs(const dsl::block_value& neuron);

// The time a neuron is occupied by one read beyond max(read time, settling_time),
// for any model: the gain stage's settling before (thermal) and the recovery
// after it (thermal: the cooling time; ideal and table: recovery_time).
struct neuron_occupancy {
  double before_s = 0.0;
  double after_s = 0.0;
};
neuron_occupancy neuron_read_occupancy(const dsl::block_value& neuron);

}  // namespace mottsim::models

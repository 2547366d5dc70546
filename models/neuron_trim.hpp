#pragma once
#include <cstdint>
#include <vector>

#include "models/mott_neuron_model.hpp"

namespace mottsim::models {

// What the chip can see of a neuron: its output (relative to the full-scale
// output) only through the ADC after it.
struct neuron_readout {
  // The ADC's decision levels in the neuron's output domain, increasing: the
  // code of output y is the number of levels at or below y.
  std::vector<double> decision_levels;
  // The nominal neuron's input (relative to its full scale) at which its output
  // reaches the first decision level: where code 1 begins.
  double first_code_input = 0.0;
};

// The measured bias trim, the step of a chip's calibration that lines up its
// thermal neurons (bias_trim: measured). Nothing here reads a device's Tc.
//
// For each neuron j the chip applies zero input and searches its bias current
// by bisection over [0, I_bias + 4 I_fs] (trim_steps halvings). At each
// candidate bias it reads the neuron `reads` times through the ADC, each read
// with the neuron's cycle noise N(0, cycle_noise), and averages whether each
// read reached code 1: when half of them or more did, zero input already
// reaches the first code, so the bias is too high. (The share of reads is an
// unbiased test of the noiseless output against the level, P(y + e >= t) =
// 1/2 exactly at y = t, where the mean code is not: the curve's foot packs
// several levels within one noise sigma.) The search ends at b*, the bias at
// which zero input sits on the first decision level. The nominal neuron gets there at input
// first_code_input, i.e. at heater current I_bias + first_code_input I_fs, so
// neuron j's bias becomes b* - first_code_input I_fs (at least 0): its first
// code then begins at the same input as the nominal neuron's.
//
// With no cycle noise the comparison is exact and the trim matches the first
// code transition to bisection precision; with noise, a comparison errs when
// the output lies within a few cycle_noise / sqrt(reads) of the level. Models other than thermal are left as
// they are. Returns the largest |b - I_bias| applied (A), for reports.
constexpr int trim_steps = 40;
double trim_neurons_measured(mott_neuron_model& neuron, const neuron_readout& readout, long long reads,
                             std::uint64_t seed);

}  // namespace mottsim::models

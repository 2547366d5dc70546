#pragma once
#include <Eigen/Core>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "dsl/block_value.hpp"
#include "models/cim_tile_params.hpp"
#include "models/analog_hold.hpp"
#include "models/cmos_activation_model.hpp"
#include "models/crossbar_mapping.hpp"
#include "models/gaussian_source.hpp"
#include "models/mott_neuron_model.hpp"

namespace mottsim::models {

// What a functional_layer did, counted like the perf model counts actions.
struct functional_counts {
  long long vectors = 0;
  long long macs = 0;                // fan_in x outputs x vectors
  long long crossbar_reads = 0;      // one read of one crossbar (all its columns at once)
  long long cell_reads = 0;          // driven rows x programmed columns of each read
  long long adc_conversions = 0;
  long long neuron_activations = 0;
  long long clipped_inputs = 0;      // inputs outside [0, full_scale] after the input offset
};

// The quantization steps from which the error of ideal devices is bounded (see
// the test that derives the bound). Weight and activation steps are in the
// layer's value domain.
struct functional_steps {
  double weight_step = 0.0;      // max|w| / q_max
  double activation_step = 0.0;  // input full_scale / (2^bits - 1)
  long long weight_levels = 0;   // q_max: weights are integers in [-q_max, q_max]
  long long activation_levels = 0;  // inputs are integers in [0, activation_levels]
  // ADC path: one ADC step of the first row block per column read, in level units
  // (conductance / slice step x drive fraction); neuron path: one step of the
  // neuron's ADC in the value domain.
  double adc_step = 0.0;
};

// One group of a conv/linear layer computed by the devices it is mapped onto.
//
// Weights (fan_in x outputs) are quantized symmetrically to weight_bits with a
// per-layer scale max|w|; their magnitudes split into slices of bits_per_cell
// (LSB slice first), each programmed as one of the cell's `levels` conductances
// (level k of a slice at g_min + k (g_max - g_min)/(2^b - 1), snapped to the
// device's grid), with programming variation, clipped at 0, and stuck cells.
// Differential: a (+, -) column pair per slice. Offset: w + 2^(bits-1) in one
// column per slice, and one reference column per crossbar at g_max whose current,
// scaled, removes both the g_min floor of the slice columns and the offset.
//
// Inputs (fan_in x vectors, value domain) are shifted by input_offset() (default
// 0), clipped to [0, full_scale] of the input driver (unipolar read pulses) and
// quantized to activation_bits; they enter bit-serially, in DAC chunks or as one
// pulse-width read (pulse widths resolve min(activation_bits, dac_bits) bits and
// count as their time-average drive). Each read gives column currents
// I = V_read G^T d with multiplicative read noise per cell read.
//
// ADC path: every column of every read is converted (bits and full_scale of the
// tile's first adc; top code = full_scale x the largest current the column can
// carry, rows of its block x g_max x V_read), then shift-and-add over input bits
// and slices, pair subtraction, the digital sum of row blocks, bias, ReLU.
// Analog path without neuron (a layer with no activation): the same sum, read
// by the ADC as a signed value over [-full scale, +full scale].
// Neuron path: currents of all row blocks, slices (binary weighted) and the pair
// add in analog, the bias adds as an ideal current, the sum is normalized to the
// neuron's full scale (analog_full_scale(), value domain), goes through output
// j's own device, then through the adc after the neuron (its full_scale relative
// to the neuron's full-scale output), and is rescaled back to the value domain.
// The precisions functional_layer carries: weight and activation codes of 1 to
// functional_max_bits bits (their products and sums stay exact in a double),
// and at least 2 weight bits when signed weights use an offset column (one bit
// is the sign). Each says what is wrong, or "" when the width is fine.
inline constexpr int functional_max_bits = 30;
std::string functional_weight_bits_problem(int weight_bits, signed_encoding encoding);
std::string functional_activation_bits_problem(int activation_bits);

class functional_layer {
 public:
  functional_layer(const Eigen::MatrixXd& weights, const Eigen::VectorXd& bias, const cim_tile_params& tile_params,
                   const dsl::block_value& tile, const crossbar_mapping& mapping, int weight_bits,
                   int activation_bits, bool relu, std::uint64_t seed);
  ~functional_layer();
  functional_layer(functional_layer&&) noexcept;
  functional_layer& operator=(functional_layer&&) noexcept;

  // outputs x vectors. Read noise and neuron cycle noise are fresh at every call;
  // the same seed and the same sequence of calls give the same bytes, whatever
  // the number of threads.
  Eigen::MatrixXd forward(const Eigen::MatrixXd& inputs);
  // The call-th forward(): the noise that call would draw, without changing
  // the layer, so several threads may run batches at once, in any order, with
  // the same result (counts add up under a lock).
  Eigen::MatrixXd forward(const Eigen::MatrixXd& inputs, std::uint64_t call) const;
  // Threads sharing the chunks of 4096 vectors of one forward() call (default:
  // the hardware's, at most 8; 1 runs on the caller's thread).
  void set_threads(int threads);
  int threads() const;
  // The float layer with the same weights: W^T x + b, then ReLU if the layer has one.
  Eigen::MatrixXd reference(const Eigen::MatrixXd& inputs) const;

  // Inputs are shifted by `offset` before the unipolar drivers see them (so a
  // first layer with inputs in [-offset, full_scale - offset] is exact); the
  // shift is taken back out through the bias, as offset x the column sums of the
  // quantized weights.
  void set_input_offset(double offset);
  double input_offset() const;
  // The activation mapped to the full read pulse (default: the tile's
  // input.full_scale). Hidden layers see activations on their own scale; a chip
  // chooses which bits it sends, so each layer may set its own.
  void set_input_full_scale(double value);
  double input_full_scale() const;

  bool neuron_path() const;
  // The whole sum is read at once: by the neuron, or (a layer without
  // activation on a neuron tile) by a bipolar ADC.
  bool analog_path() const;
  // Analog path: the pre-activation (value domain) mapped to the neuron's
  // full-scale input, or to the bipolar ADC's full scale. Default: the largest
  // the weights can produce for inputs in range, so nothing clips.
  // calibrate_analog_sum() sets it to a quantile of the float pre-activations of
  // sample inputs (positive ones for the neuron, magnitudes for the ADC: a
  // programmable gain set once per layer) and returns it.
  double analog_full_scale() const;
  void set_analog_full_scale(double value);
  double calibrate_analog_sum(const Eigen::MatrixXd& sample_inputs, double quantile = 1.0);
  // ADC path: the column current, in conductance steps (g_max - g_min) / (2^b
  // - 1) of a slice, mapped to the ADC's top code before its full_scale: one
  // programmable reference for the whole layer. NaN (the default) keeps the
  // worst case, each crossbar's rows x g_max. calibrate_adc_range() sets it to
  // a quantile of the nonzero column currents that nominal devices (no
  // variation or noise) carry for the sample inputs, over every read, column
  // and crossbar, and returns it; the analog path is left alone (NaN).
  double adc_range() const;
  void set_adc_range(double conductance_steps);
  double calibrate_adc_range(const Eigen::MatrixXd& sample_inputs, double quantile = 1.0);
  // Current gain needed between the summed column current (MSB slice at unit
  // weight) and the heater: full_scale_current / current at analog_full_scale().
  double neuron_drive_gain() const;
  const mott_neuron_model* neuron() const;
  // The analog CMOS activation in place of the Mott neuron, when the tile has one.
  const cmos_activation_model* cmos_activation() const;

  // The ADC-free analog path. set_held_output: the activation's outputs are not
  // converted but held in sample-and-hold cells for `hold_s` (gain error, kT/C
  // noise, droop: analog_hold.hpp) and returned in the value domain, for the
  // next layer to take as they are. set_analog_input: inputs come from such held
  // values through analog row buffers: not quantized, clipped to the drivers'
  // [0, full scale], each drive with `buffer_noise` rms (relative to full scale)
  // of its own. Both need the layer to read its inputs in one read.
  void set_held_output(const analog_hold_params& hold, double hold_s);
  void set_analog_input(double buffer_noise);
  bool held_output() const;
  bool analog_input() const;

  functional_steps steps() const;
  const functional_counts& counts() const;
  long long crossbars() const;            // row blocks x column blocks
  long long programmed_columns() const;   // outputs x columns per weight (+ reference columns)
  long long reads_per_vector() const;
  long long fan_in() const;
  long long outputs() const;

 private:
  struct impl;
  std::unique_ptr<impl> m;
};

}  // namespace mottsim::models

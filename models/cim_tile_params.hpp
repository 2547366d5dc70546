#pragma once
#include <memory>
#include <string>
#include <vector>

#include "dsl/block_value.hpp"
#include "models/readout_stage.hpp"

namespace mottsim::models {

enum class input_mode { bit_serial, dac, pulse_width };
enum class signed_encoding { differential, offset };

// The timing-relevant figures of a cim_tile, typed. Energies and areas are the
// estimator's business (pricing.cpp) and are not repeated here.
struct cim_tile_params {
  long long arrays = 8;
  long long rows = 128;
  long long columns = 128;
  long long levels = 16;
  long long bits_per_cell = 2;
  double g_min = 1e-6;    // the cell's conductance range, for the read energy of the data
  double g_max = 100e-6;
  double read_pulse_s = 10e-9;
  double write_time_s = 100e-9;
  signed_encoding signed_weights = signed_encoding::differential;

  input_mode input = input_mode::bit_serial;
  long long dac_bits = 1;

  // The readout chain in signal order: each stage's registered type, which
  // says what the stage is to the tile (models/readout_stage.hpp). The figures
  // below are filled from the chain's first stage of each type, by its type.
  std::vector<std::shared_ptr<const readout_stage_type>> readout;
  // Where the chain's roles sit, as indices into it (-1: the chain has none):
  // its analog activation, its analog hold, and the converter that reads the
  // activation's output (the first after the activation, else the first).
  int activation_stage = -1;
  int hold_stage = -1;
  int converter_stage = -1;
  // First converter of the chain (every valid chain has one).
  long long adc_bits = 8;
  long long columns_per_adc = 128;
  double adc_rate_hz = 1.28e9;
  // The chain's analog activation, when it has one: a Mott neuron or an analog
  // CMOS circuit (both apply the activation to the analog sum; `activation_label`
  // names it in readout paths, `activation_part` names its part of the tile as
  // the YAML names its type).
  bool has_neuron = false;
  std::string activation_label = "mott neuron";
  std::string activation_part = "activation";
  long long columns_per_neuron = 1;
  double settling_s = 200e-9;
  // A read also occupies the neuron before (the gain stage settling) and after
  // (cooling, or an ideal/table neuron's recovery_time) its settling.
  double neuron_before_s = 0.0;
  double neuron_after_s = 0.0;
  // The actions one activation is priced as (one count each per activation).
  std::vector<std::string> neuron_actions;
  bool has_shift_add = false;
  long long shift_add_units = 4;
  bool has_digital_activation = false;
  long long activation_units = 8;

  // Sample-and-hold after the activation: outputs may stay analog and drive
  // the next layer's rows (see platform/analog_forwarding).
  bool has_sample_hold = false;
  long long hold_cells = 0;          // S&H cells per tile
  double buffer_settling_s = 0.0;    // a row buffer settling its word line
  long long reach_tiles = 0;

  // Crossbar arrays that take turns on one readout group (an activation array,
  // an ADC bank, a sample-and-hold array): 1 gives every array its own.
  long long readout_share = 1;

  bool analog_accumulation = false;
  double clock_hz = 1e9;
  double buffer_bytes = 65536;

  // Readout groups per tile: group g serves arrays g x readout_share onwards.
  long long readout_groups() const { return (arrays + readout_share - 1) / readout_share; }
  long long adcs_per_array() const { return (columns + columns_per_adc - 1) / columns_per_adc; }
  long long neurons_per_array() const {
    return has_neuron ? (columns + columns_per_neuron - 1) / columns_per_neuron : 0;
  }
  // How long one read occupies a neuron: its setup, max(crossbar read, settling), its recovery.
  double neuron_read_period_s(double read_time_s) const {
    return neuron_before_s + (read_time_s > settling_s ? read_time_s : settling_s) + neuron_after_s;
  }
  // Rows one neuron can sum as current: every row of every array in the tile.
  long long analog_span_rows() const { return arrays * rows; }
};

// The tile's figures from its validated parameters; each readout stage is
// looked up in `stages` (the validator passes only registered types).
cim_tile_params read_cim_tile_params(const dsl::block_value& tile, const readout_stage_registry& stages);

const char* input_mode_name(input_mode m);

}  // namespace mottsim::models

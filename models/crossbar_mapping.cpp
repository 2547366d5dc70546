#include "models/crossbar_mapping.hpp"

#include <algorithm>

#include "dsl/checked_arithmetic.hpp"

namespace mottsim::models {

using dsl::ceil_div;

bool map_matrix(const layer_matrix& m, const cim_tile_params& tile, crossbar_mapping& out, std::string& why) {
  crossbar_mapping r;
  const bool differential = tile.signed_weights == signed_encoding::differential;
  // Differential pairs store |w| on one side: sign costs a column, not a bit.
  r.magnitude_bits = differential ? std::max(1, m.weight_bits - 1) : m.weight_bits;
  r.slices = ceil_div(r.magnitude_bits, tile.bits_per_cell);
  r.columns_per_weight = r.slices * (differential ? 2 : 1);
  // Checked: a huge layer is a user error, never a wrapped count.
  const auto too_large = [&] {
    why = "the layer needs more crossbar cells than 64-bit counts hold";
    return false;
  };
  if (!dsl::checked_mul(m.outputs, r.columns_per_weight, r.physical_columns)) return too_large();
  r.usable_columns = tile.columns - (differential ? 0 : 1);
  if (r.usable_columns < r.columns_per_weight) {
    why = "one weight needs " + std::to_string(r.columns_per_weight) + " columns (" + std::to_string(r.slices) +
          " slices of " + std::to_string(tile.bits_per_cell) + " bits" + (differential ? ", differential" : "") +
          ") but a crossbar has " + std::to_string(r.usable_columns) + " usable";
    return false;
  }
  // Keep a weight's slices in one crossbar so they read together.
  const long long weights_per_block = r.usable_columns / r.columns_per_weight;
  r.row_blocks = ceil_div(m.fan_in, tile.rows);
  r.column_blocks = ceil_div(m.outputs, weights_per_block);
  if (!dsl::checked_mul(r.row_blocks, r.column_blocks, r.crossbars) ||
      !dsl::checked_mul(r.crossbars, m.groups, r.crossbars) ||
      !dsl::checked_mul(m.fan_in, r.physical_columns, r.used_cells) ||
      !dsl::checked_mul(r.used_cells, m.groups, r.used_cells))
    return too_large();
  r.utilization = static_cast<double>(r.used_cells) /
                  (static_cast<double>(r.crossbars) * static_cast<double>(tile.rows * tile.columns));

  const long long input_bits = m.activation_bits;
  switch (tile.input) {
    case input_mode::bit_serial:
      r.reads_per_vector = input_bits;
      r.read_time_s = tile.read_pulse_s;
      break;
    case input_mode::dac:
      r.reads_per_vector = ceil_div(input_bits, tile.dac_bits);
      r.read_time_s = tile.read_pulse_s;
      break;
    case input_mode::pulse_width:
      r.reads_per_vector = 1;
      r.read_time_s = static_cast<double>((1LL << std::min<long long>(tile.dac_bits, 30)) - 1) * tile.read_pulse_s;
      break;
  }

  const bool single_read = r.reads_per_vector == 1;
  const bool fits_span = m.fan_in <= tile.analog_span_rows();
  if (tile.has_neuron && m.relu && tile.analog_accumulation && fits_span && single_read) {
    r.analog_sum = true;
    r.neuron_used = true;
    r.path = tile.activation_label + " on the analog sum of " + std::to_string(r.row_blocks) + " row block(s) x " +
             std::to_string(r.columns_per_weight) + " column(s) per weight";
  } else if (tile.has_neuron && m.relu && r.row_blocks == 1 && r.columns_per_weight == 1 && single_read) {
    r.neuron_used = true;
    r.path = tile.activation_label + " per column (one row block, one column per weight)";
  } else if (tile.has_neuron && !m.relu && tile.analog_accumulation && fits_span && single_read) {
    // No activation to apply: the same analog sum goes straight to the ADC,
    // one conversion per output instead of one per column.
    r.analog_sum = true;
    r.path = "adc on the analog sum of " + std::to_string(r.row_blocks) + " row block(s) x " +
             std::to_string(r.columns_per_weight) + " column(s) per weight (no activation: the " +
             tile.activation_label + " is bypassed)";
  } else {
    r.path = "adc per column, digital sum";
    if (tile.has_neuron) {
      // Say why the neuron was bypassed, so a user can change the cause.
      if (!m.relu) r.path += " (no activation: the " + tile.activation_label + " is bypassed)";
      else if (!single_read) r.path += " (inputs take several reads: the neuron needs the whole sum at once)";
      else if (!fits_span)
        r.path += " (fan-in " + std::to_string(m.fan_in) + " exceeds the tile's analog span of " +
                  std::to_string(tile.analog_span_rows()) + " rows)";
      else r.path += " (no analog accumulation)";
    }
  }
  if (r.analog_sum && r.row_blocks > tile.arrays) {
    why = "analog summation needs all " + std::to_string(r.row_blocks) + " row blocks in one tile of " +
          std::to_string(tile.arrays) + " arrays";
    return false;
  }
  out = r;
  return true;
}

}  // namespace mottsim::models

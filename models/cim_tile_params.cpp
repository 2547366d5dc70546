#include "models/cim_tile_params.hpp"

#include "models/mott_neuron_energy.hpp"

namespace mottsim::models {

const char* input_mode_name(input_mode m) {
  switch (m) {
    case input_mode::bit_serial: return "bit_serial";
    case input_mode::dac: return "dac";
    case input_mode::pulse_width: return "pulse_width";
  }
  return "?";
}

cim_tile_params read_cim_tile_params(const dsl::block_value& tile) {
  cim_tile_params p;
  p.arrays = tile.integer("arrays");
  p.readout_share = tile.integer("readout_share");
  const auto& xbar = tile.block("crossbar");
  p.rows = xbar.integer("rows");
  p.columns = xbar.integer("columns");
  p.read_pulse_s = xbar.quantity("read_pulse");
  p.signed_weights = xbar.text("signed_weights") == "offset" ? signed_encoding::offset : signed_encoding::differential;
  const auto& cell = xbar.block("cell");
  p.levels = cell.integer("levels");
  p.bits_per_cell = cell.integer("bits_per_cell");
  p.g_min = cell.quantity("g_min");
  p.g_max = cell.quantity("g_max");
  p.write_time_s = cell.quantity("write_time");
  const auto& in = tile.block("input");
  const std::string& mode = in.text("mode");
  p.input = mode == "dac" ? input_mode::dac : mode == "pulse_width" ? input_mode::pulse_width : input_mode::bit_serial;
  p.dac_bits = in.integer("dac_bits");
  bool adc_seen = false;
  for (const auto& stage : tile.blocks("readout")) {
    if (stage.type == "adc") {
      p.readout.push_back(readout_stage_kind::adc);
      if (!adc_seen) {
        p.adc_bits = stage.integer("bits");
        p.columns_per_adc = stage.integer("columns_per_adc");
        p.adc_rate_hz = stage.quantity("sample_rate");
        adc_seen = true;
      }
    } else if (stage.type == "mott_neuron") {
      p.readout.push_back(readout_stage_kind::mott_neuron);
      p.has_neuron = true;
      p.columns_per_neuron = stage.integer("columns_per_neuron");
      p.settling_s = stage.quantity("settling_time");
      const neuron_occupancy o = neuron_read_occupancy(stage);
      p.neuron_before_s = o.before_s;
      p.neuron_after_s = o.after_s;
      if (stage.text("model") == "thermal")
        p.neuron_actions = {"neuron_heater", "neuron_read", "neuron_gain_stage", "neuron_bias_source"};
      else
        p.neuron_actions = {"neuron_activation"};
    } else if (stage.type == "cmos_activation") {
      p.readout.push_back(readout_stage_kind::cmos_activation);
      p.has_neuron = true;
      p.cmos_activation = true;
      p.activation_label = "cmos activation";
      p.columns_per_neuron = stage.integer("columns_per_unit");
      p.settling_s = stage.quantity("settling_time");
      // Priced per activation like an ideal neuron; it needs no recovery.
      p.neuron_actions = {"neuron_activation"};
    } else if (stage.type == "sample_hold") {
      p.readout.push_back(readout_stage_kind::sample_hold);
      p.has_sample_hold = true;
      p.hold_cells = stage.integer("cells");
      p.buffer_settling_s = stage.quantity("buffer_settling");
      p.reach_tiles = stage.integer("reach_tiles");
    } else if (stage.type == "shift_add") {
      p.readout.push_back(readout_stage_kind::shift_add);
      p.has_shift_add = true;
      p.shift_add_units = stage.integer("units");
    } else if (stage.type == "digital_activation") {
      p.readout.push_back(readout_stage_kind::digital_activation);
      p.has_digital_activation = stage.text("function") == "relu";
      p.activation_units = stage.integer("units");
    }
  }
  p.analog_accumulation = tile.block("accumulation").text("mode") == "analog";
  p.clock_hz = tile.quantity("clock");
  p.buffer_bytes = tile.block("buffer").quantity("capacity");
  return p;
}

}  // namespace mottsim::models

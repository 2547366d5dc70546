#include "models/cim_tile_params.hpp"

#include <algorithm>
#include <stdexcept>

namespace mottsim::models {

const char* input_mode_name(input_mode m) {
  switch (m) {
    case input_mode::bit_serial: return "bit_serial";
    case input_mode::dac: return "dac";
    case input_mode::pulse_width: return "pulse_width";
  }
  return "?";
}

cim_tile_params read_cim_tile_params(const dsl::block_value& tile, const readout_stage_registry& stages) {
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
  const auto& chain = tile.blocks("readout");
  for (std::size_t i = 0; i < chain.size(); ++i) {
    const dsl::block_value& stage = chain[i];
    auto type = stages.find(stage.type);
    if (!type)  // the validator passes only registered stage types: a simulator bug
      throw std::logic_error("cim_tile: readout stage type '" + stage.type + "' is not registered");
    const readout_stage_traits& t = type->traits;
    const int index = static_cast<int>(i);
    if (t.analog_activation && p.activation_stage < 0) {
      p.activation_stage = index;
      p.has_neuron = true;
      p.activation_part = stage.type;
    }
    if (t.holds_analog && p.hold_stage < 0) {
      p.hold_stage = index;
      p.has_sample_hold = true;
    }
    // The converter reading the activation's output: the first after it.
    if (t.converter && (p.converter_stage < 0 || (p.activation_stage >= 0 && p.converter_stage < p.activation_stage)))
      p.converter_stage = index;
    // The first stage of a type sets its figures, as it prices the type's actions.
    const bool first_of_type =
        std::none_of(p.readout.begin(), p.readout.end(), [&](const auto& seen) { return seen == type; });
    p.readout.push_back(type);
    if (first_of_type && type->read) type->read(stage, p);
  }
  p.analog_accumulation = tile.block("accumulation").text("mode") == "analog";
  p.clock_hz = tile.quantity("clock");
  p.buffer_bytes = tile.block("buffer").quantity("capacity");
  return p;
}

}  // namespace mottsim::models

#include "models/builtin_readout_stages.hpp"

#include <initializer_list>

#include "models/cim_tile_params.hpp"
#include "models/mott_neuron_energy.hpp"
#include "models/readout_estimators.hpp"
#include "models/schemas.hpp"

namespace mottsim::models {

namespace {

// Functional mode's ideal devices: the named parameters of `b` set to zero.
void zero(dsl::block_value& b, std::initializer_list<const char*> names) {
  for (const char* name : names)
    if (b.has(name)) b.params.at(name).number = 0.0;
}

}  // namespace

readout_stage_type adc_stage() {
  readout_stage_type t;
  t.schema = adc_schema();
  t.traits.converter = true;
  t.read = [](const dsl::block_value& adc, cim_tile_params& p) {
    p.adc_bits = adc.integer("bits");
    p.columns_per_adc = adc.integer("columns_per_adc");
    p.adc_rate_hz = adc.quantity("sample_rate");
  };
  t.estimator = price_adc_stage;
  return t;
}

readout_stage_type mott_neuron_stage() {
  readout_stage_type t;
  t.schema = mott_neuron_schema();
  t.traits.analog_activation = true;
  t.read = [](const dsl::block_value& neuron, cim_tile_params& p) {
    p.activation_label = "mott neuron";
    p.columns_per_neuron = neuron.integer("columns_per_neuron");
    p.settling_s = neuron.quantity("settling_time");
    const neuron_occupancy o = neuron_read_occupancy(neuron);
    p.neuron_before_s = o.before_s;
    p.neuron_after_s = o.after_s;
    if (neuron.text("model") == "thermal")
      p.neuron_actions = {"neuron_heater", "neuron_read", "neuron_gain_stage", "neuron_bias_source"};
    else
      p.neuron_actions = {"neuron_activation"};
  };
  t.estimator = price_mott_neuron_stage;
  t.functional = activation_model::mott_neuron;
  t.idealize = [](dsl::block_value& neuron) {
    zero(neuron, {"sigma_tc", "sigma_threshold", "cycle_noise"});
    // The gain stage in front of a thermal neuron: no offset, no noise.
    auto gain = std::make_shared<dsl::block_value>(*neuron.params.at("gain_stage").block);
    zero(*gain, {"noise", "offset_sigma"});
    neuron.params.at("gain_stage").block = gain;
  };
  return t;
}

readout_stage_type cmos_activation_stage() {
  readout_stage_type t;
  t.schema = cmos_activation_schema();
  t.traits.analog_activation = true;
  t.read = [](const dsl::block_value& cmos, cim_tile_params& p) {
    p.activation_label = "cmos activation";
    p.columns_per_neuron = cmos.integer("columns_per_unit");
    p.settling_s = cmos.quantity("settling_time");
    // Priced per activation like an ideal neuron; it needs no recovery.
    p.neuron_actions = {"neuron_activation"};
  };
  t.estimator = price_cmos_activation_stage;
  t.functional = activation_model::cmos;
  t.idealize = [](dsl::block_value& cmos) { zero(cmos, {"offset_sigma", "noise"}); };
  return t;
}

readout_stage_type sample_hold_stage() {
  readout_stage_type t;
  t.schema = sample_hold_schema();
  t.traits.holds_analog = true;
  t.read = [](const dsl::block_value& hold, cim_tile_params& p) {
    p.hold_cells = hold.integer("cells");
    p.buffer_settling_s = hold.quantity("buffer_settling");
    p.reach_tiles = hold.integer("reach_tiles");
  };
  t.estimator = price_sample_hold_stage;
  return t;
}

readout_stage_type shift_add_stage() {
  readout_stage_type t;
  t.schema = shift_add_schema();
  t.read = [](const dsl::block_value& shift_add, cim_tile_params& p) {
    p.has_shift_add = true;
    p.shift_add_units = shift_add.integer("units");
  };
  t.estimator = price_shift_add_stage;
  return t;
}

readout_stage_type digital_activation_stage() {
  readout_stage_type t;
  t.schema = digital_activation_schema();
  t.read = [](const dsl::block_value& activation, cim_tile_params& p) {
    p.has_digital_activation = activation.text("function") == "relu";
    p.activation_units = activation.integer("units");
  };
  t.estimator = price_digital_activation_stage;
  return t;
}

}  // namespace mottsim::models

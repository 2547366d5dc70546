#pragma once
// Readout stage types that exist only in the tests, each registered in one
// add_readout_stage call and nowhere else: a column converter, an analog
// activation and an analog hold, each with nothing but its schema, its traits,
// its reader of the tile's figures and its estimator.
#include <string>

#include "dsl/schema.hpp"
#include "models/cim_tile_params.hpp"
#include "models/readout_estimators.hpp"
#include "models/readout_stage.hpp"
#include "platform/elaboration/model_registry.hpp"

namespace mottsim::test_support {

// A converter of its own kind: a ramp ADC per `columns_per_unit` columns, at a
// fixed energy per conversion.
inline models::readout_stage_type test_ramp_stage() {
  using dsl::dimension;
  models::readout_stage_type t;
  t.schema = dsl::schema_builder("test_ramp", "test-only converter: a ramp ADC per group of columns")
                 .integer("bits", "6", "resolution")
                 .range(1, 16)
                 .integer("columns_per_unit", "32", "columns sharing one converter")
                 .range(1, 65536)
                 .quantity("sample_rate", dimension::frequency, "1.28 GHz", "conversions per second")
                 .above(0)
                 .quantity("energy_per_conversion", dimension::energy, "3 pJ", "energy of one conversion")
                 .at_least(0)
                 .quantity("area", dimension::area, "100 um^2", "area of one converter")
                 .at_least(0)
                 .number("full_scale", "1", "input mapped to the top code (functional mode)")
                 .above(0)
                 .choice("code_spacing", {"uniform"}, "uniform", "reference levels")
                 .build();
  t.traits.converter = true;
  t.read = [](const dsl::block_value& s, models::cim_tile_params& p) {
    p.adc_bits = s.integer("bits");
    p.columns_per_adc = s.integer("columns_per_unit");
    p.adc_rate_hz = s.quantity("sample_rate");
  };
  t.estimator = [](const dsl::block_value& s, const models::tile_context& tile) {
    models::stage_pricing out;
    out.actions["adc_conversion"] = {s.quantity("energy_per_conversion"), models::energy_category::adc,
                                     "test ramp conversion"};
    const long long units = (tile.columns + s.integer("columns_per_unit") - 1) / s.integer("columns_per_unit");
    models::add_stage_units(out, s, tile, "test ramps", units, true, s.quantity("area"), "");
    return out;
  };
  return t;
}

// An analog activation with a settling time and no functional model.
inline models::readout_stage_type test_clamp_stage() {
  using dsl::dimension;
  models::readout_stage_type t;
  t.schema = dsl::schema_builder("test_clamp", "test-only analog activation: a diode clamp per column")
                 .quantity("settling_time", dimension::time, "50 ns", "time for the output to settle")
                 .above(0)
                 .quantity("energy_per_activation", dimension::energy, "0.1 pJ", "energy of one activation")
                 .at_least(0)
                 .build();
  t.traits.analog_activation = true;
  t.read = [](const dsl::block_value& s, models::cim_tile_params& p) {
    p.activation_label = "test clamp";
    p.settling_s = s.quantity("settling_time");
    p.neuron_actions = {"neuron_activation"};
  };
  t.estimator = [](const dsl::block_value& s, const models::tile_context&) {
    models::stage_pricing out;
    out.actions["neuron_activation"] = {s.quantity("energy_per_activation"), models::energy_category::neurons,
                                        "test clamp activation"};
    return out;
  };
  return t;
}

// An analog hold, priced at nothing.
inline models::readout_stage_type test_hold_stage() {
  models::readout_stage_type t;
  t.schema = dsl::schema_builder("test_hold", "test-only analog hold").build();
  t.traits.holds_analog = true;
  t.estimator = [](const dsl::block_value&, const models::tile_context&) { return models::stage_pricing{}; };
  return t;
}

// The built-in types and the three above.
inline platform::model_registry registry_with_test_stages() {
  platform::model_registry r;
  platform::register_builtin_models(r);
  r.add_readout_stage(test_ramp_stage());
  r.add_readout_stage(test_clamp_stage());
  r.add_readout_stage(test_hold_stage());
  return r;
}

}  // namespace mottsim::test_support

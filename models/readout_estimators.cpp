#include "models/readout_estimators.hpp"

#include "dsl/units.hpp"
#include "models/adc_estimator.hpp"
#include "models/logic_scaling.hpp"
#include "models/mott_neuron_energy.hpp"
#include "models/pricing_support.hpp"

namespace mottsim::models {

namespace {

using dsl::block_value;
using dsl::dimension;

std::string per_arrays(const tile_context& t) { return std::to_string(t.arrays) + " arrays x "; }

// A readout group (activation array, ADC bank) serves readout_share arrays.
std::string per_groups(const tile_context& t) {
  return t.readout_groups == t.arrays ? per_arrays(t) : std::to_string(t.readout_groups) + " readout groups x ";
}

// Digital units characterized at a node (shift-and-add, activation): their
// energy and area scale to the architecture's.
stage_pricing price_logic_stage(const block_value& s, const tile_context& t, const char* action, const char* name) {
  stage_pricing out;
  const logic_scale scale = logic_scaling(s, t.node_m);
  out.actions[action] = scaled_energy(s, "energy_per_op", energy_category::accumulation, scale);
  std::string scaled;
  const double unit_area = scaled_area(s, scale, scaled);
  add_stage_units(out, s, t, name, s.integer("units"), false, unit_area,
                  scale.area_note.empty() ? std::string() : " (" + scaled + ")", &scale);
  return out;
}

}  // namespace

void add_stage_units(stage_pricing& out, const block_value& stage, const tile_context& tile, const std::string& name,
                     long long units, bool per_array, double unit_area, const std::string& unit_source,
                     const logic_scale* scale) {
  const double n = (per_array ? static_cast<double>(tile.readout_groups) : 1.0) * static_cast<double>(units);
  const std::string count = (per_array ? per_groups(tile) : std::string()) + std::to_string(units) + " x ";
  out.area.push_back({name, n * unit_area, count + show(unit_area, dimension::area) + unit_source + entry_note(stage)});
  if (!stage.has("leakage")) return;
  if (!scale) {
    out.leakage.push_back({name, n * stage.quantity("leakage"), count + show(stage.quantity("leakage"), dimension::power)});
    return;
  }
  std::string source;
  const double unit_leakage = scaled_leakage(stage, *scale, source);
  out.leakage.push_back({name, n * unit_leakage, count + show(unit_leakage, dimension::power) + " (" + source + ")"});
}

// ADCs hang off each array's columns; each one's energy and area come from
// its class, bits and rate (models/adc_estimator.hpp).
stage_pricing price_adc_stage(const block_value& adc, const tile_context& t) {
  stage_pricing out;
  const adc_estimate converter = estimate_adc(adc, t.node_m);
  out.actions["adc_conversion"] = {converter.energy_j, energy_category::adc, converter.energy_source};
  const long long units = div_round_up(t.columns, adc.integer("columns_per_adc"));
  out.figures["adcs_per_array"] = static_cast<double>(units);
  add_stage_units(out, adc, t, "ADCs", units, true, converter.area_m2, " (" + converter.area_source + ")");
  return out;
}

// A thermal neuron's activation is priced from its device model, in four parts
// (models/mott_neuron_energy.hpp); ideal and table neurons state theirs. A
// thermal neuron's gain stage is hardware of its own.
stage_pricing price_mott_neuron_stage(const block_value& neuron, const tile_context& t) {
  stage_pricing out;
  const bool thermal = neuron.text("model") == "thermal";
  if (!thermal) {
    out.actions["neuron_activation"] = direct(neuron, "energy_per_activation", energy_category::neurons);
  } else {
    const thermal_neuron_cost c = thermal_neuron_costs(neuron);
    out.actions["neuron_heater"] = {c.heater_j, energy_category::neurons, c.heater_source};
    out.actions["neuron_read"] = {c.read_j, energy_category::neurons, c.read_source};
    out.actions["neuron_gain_stage"] = {c.gain_stage_j, energy_category::neurons, c.gain_stage_source};
    out.actions["neuron_bias_source"] = {c.bias_source_j, energy_category::neurons, c.bias_source_source};
  }
  const long long units = div_round_up(t.columns, neuron.integer("columns_per_neuron"));
  out.figures["neurons_per_array"] = static_cast<double>(units);
  add_stage_units(out, neuron, t, "Mott neurons", units, true, neuron.quantity("area"), "");
  if (thermal) {
    const block_value& stage = neuron.block("gain_stage");
    const double n = static_cast<double>(t.readout_groups) * static_cast<double>(units);
    // After the neurons' own area, before any leakage: the tile lists area first.
    out.area.push_back({"neuron gain stages", n * stage.quantity("area"),
                        per_groups(t) + std::to_string(units) + " x " + show(stage.quantity("area"), dimension::area) +
                            entry_note(stage)});
  }
  return out;
}

// An analog CMOS activation draws its static power while it settles.
stage_pricing price_cmos_activation_stage(const block_value& cmos, const tile_context& t) {
  stage_pricing out;
  const double power = cmos.quantity("power");
  const double settle = cmos.quantity("settling_time");
  out.actions["neuron_activation"] = {power * settle, energy_category::neurons,
                                      "power x settling_time = " + show(power, dimension::power) + " x " +
                                          show(settle, dimension::time) + " " +
                                          cited({{cmos, "power"}, {cmos, "settling_time"}})};
  add_stage_units(out, cmos, t, "CMOS activation", div_round_up(t.columns, cmos.integer("columns_per_unit")), true,
                  cmos.quantity("area"), "");
  return out;
}

// The ADC-free path: a sample costs one S&H cell's power over its sampling
// period; an analog row drive costs a buffer's power over the analog read it
// drives (its settling, then the read pulse or the activation's settling,
// whichever is longer). The S&H array serves the tile; its row buffers sit on
// every word line.
stage_pricing price_sample_hold_stage(const block_value& hold, const tile_context& t) {
  stage_pricing out;
  const block_value& xbar = t.crossbar;
  const double power = hold.quantity("power");
  const double rate = hold.quantity("sample_rate");
  out.actions["hold_sample"] = {power / rate, energy_category::buffers,
                                "power / sample_rate = " + show(power, dimension::power) + " / " +
                                    show(rate, dimension::frequency) + " " +
                                    cited({{hold, "power"}, {hold, "sample_rate"}})};
  double window = xbar.quantity("read_pulse");
  std::string window_src = "read_pulse " + show(window, dimension::time) + " " + cited({{xbar, "read_pulse"}});
  // The activation whose output is held sets how long a drive lasts.
  for (const auto& s : t.readout)
    if (s.has("settling_time") && s.quantity("settling_time") > window) {
      window = s.quantity("settling_time");
      window_src = s.type + ".settling_time " + show(window, dimension::time) + " " + cited({{s, "settling_time"}});
    }
  const double buffer = hold.quantity("buffer_power");
  const double settle = hold.quantity("buffer_settling");
  out.actions["analog_drive"] = {buffer * (settle + window), energy_category::input_drivers,
                                 "buffer_power x (buffer_settling + " + window_src + ") = " +
                                     show(buffer, dimension::power) + " x (" + show(settle, dimension::time) + " + " +
                                     show(window, dimension::time) + ") " +
                                     cited({{hold, "buffer_power"}, {hold, "buffer_settling"}})};
  out.area.push_back({"S&H cells", static_cast<double>(hold.integer("cells")) * hold.quantity("area"),
                      std::to_string(hold.integer("cells")) + " x " + show(hold.quantity("area"), dimension::area) +
                          entry_note(hold)});
  out.area.push_back({"analog row buffers",
                      static_cast<double>(t.arrays) * static_cast<double>(t.rows) * hold.quantity("buffer_area"),
                      per_arrays(t) + std::to_string(t.rows) + " x " +
                          show(hold.quantity("buffer_area"), dimension::area) + entry_note(hold)});
  return out;
}

// Shift-and-add and activation units serve the whole tile (ISAAC: 4
// shift-and-add per IMA).
stage_pricing price_shift_add_stage(const block_value& shift_add, const tile_context& t) {
  return price_logic_stage(shift_add, t, "shift_add", "shift-and-add");
}

stage_pricing price_digital_activation_stage(const block_value& activation, const tile_context& t) {
  return price_logic_stage(activation, t, "activation", "digital activation");
}

}  // namespace mottsim::models

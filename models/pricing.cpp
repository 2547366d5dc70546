#include "models/pricing.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <vector>

#include "dsl/units.hpp"
#include "models/adc_estimator.hpp"
#include "models/cell_geometry.hpp"
#include "models/driver_estimator.hpp"
#include "models/logic_scaling.hpp"
#include "models/memory_pricing.hpp"
#include "models/mott_neuron_energy.hpp"
#include "models/pricing_support.hpp"

namespace mottsim::models {

const char* category_name(energy_category c) {
  switch (c) {
    case energy_category::crossbar: return "crossbar";
    case energy_category::input_drivers: return "input_drivers";
    case energy_category::adc: return "adc";
    case energy_category::neurons: return "neurons";
    case energy_category::accumulation: return "accumulation";
    case energy_category::buffers: return "buffers";
    case energy_category::bus: return "bus";
    case energy_category::dram: return "dram";
    case energy_category::compute: return "compute";
    case energy_category::leakage: return "leakage";
  }
  return "?";
}

namespace {

using dsl::block_value;
using dsl::dimension;

action_price direct(const block_value& b, const char* name, energy_category c) {
  return {b.quantity(name), c, origin(b, name)};
}

// Energy per byte of a per-bit figure: buses and DRAM move bytes.
action_price per_byte_from_bit(const block_value& b, energy_category c) {
  const double e = b.quantity("energy_per_bit");
  return {8.0 * e, c, "8 x energy_per_bit " + show(e, dimension::energy) + " " + cited({{b, "energy_per_bit"}})};
}

component_pricing price_dram(const block_value& p) {
  component_pricing out;
  out.actions["read_bytes"] = per_byte_from_bit(p, energy_category::dram);
  out.actions["write_bytes"] = per_byte_from_bit(p, energy_category::dram);
  out.leakage_w = p.quantity("background_power");
  out.leakage_source = origin(p, "background_power");
  out.area_m2 = 0.0;
  out.area_source = "off-chip: not counted in chip area";
  return out;
}

component_pricing price_bus(const block_value& p) {
  component_pricing out;
  out.actions["transfer_bytes"] = per_byte_from_bit(p, energy_category::bus);
  out.leakage_w = p.quantity("leakage");
  out.leakage_source = origin(p, "leakage");
  out.area_m2 = p.quantity("area");
  out.area_source = origin(p, "area");
  return out;
}

void static_figures(const block_value& p, component_pricing& out) {
  out.leakage_w = p.quantity("leakage");
  out.leakage_source = origin(p, "leakage");
  out.area_m2 = p.quantity("area");
  out.area_source = origin(p, "area");
}

// The controller's core and vector unit, and a systolic array's PEs, are logic
// characterized at a node: they scale to the architecture's.
component_pricing price_controller(const block_value& p, double node_m) {
  component_pricing out;
  const logic_scale scale = logic_scaling(p, node_m);
  out.actions["command"] = scaled_energy(p, "energy_per_command", energy_category::compute, scale);
  out.actions["vector_op"] = scaled_energy(p, "energy_per_op", energy_category::compute, scale);
  static_figures(p, out);
  out.area_m2 = scaled_area(p, scale, out.area_source);
  return out;
}

// The cores' leakage plus the static power of what surrounds them (uncore,
// rest of the SoC, board): all of it is drawn for as long as the run lasts.
component_pricing price_processor(const block_value& p) {
  component_pricing out;
  out.actions["instruction"] = direct(p, "energy_per_instruction", energy_category::compute);
  out.actions["int8_mac"] = direct(p, "energy_per_int8_mac", energy_category::compute);
  out.actions["fp32_mac"] = direct(p, "energy_per_fp32_mac", energy_category::compute);
  static_figures(p, out);
  std::string parts = "cores " + show(out.leakage_w, dimension::power) + " (" + out.leakage_source + ")";
  for (const char* name : {"uncore_power", "soc_power", "platform_power"}) {
    const double w = p.quantity(name);
    if (w == 0.0) continue;
    out.leakage_w += w;
    parts += std::string(" + ") + name + " " + show(w, dimension::power) + " (" + origin(p, name) + ")";
  }
  out.leakage_source = parts;
  return out;
}

component_pricing price_systolic_array(const block_value& p, double node_m) {
  component_pricing out;
  const logic_scale scale = logic_scaling(p, node_m);
  out.actions["mac"] = scaled_energy(p, "energy_per_mac", energy_category::compute, scale);
  out.actions["weight_load"] = scaled_energy(p, "energy_per_weight_load", energy_category::compute, scale);
  out.actions["vector_op"] = scaled_energy(p, "energy_per_vector_op", energy_category::compute, scale);
  out.actions["pe_storage_bits"] = pe_storage_price(p, node_m);
  static_figures(p, out);
  out.area_m2 = scaled_area(p, scale, out.area_source);
  return out;
}

// ---- cim_tile ---------------------------------------------------------------

const block_value* first_stage(const std::vector<block_value>& chain, const char* type) {
  for (const auto& s : chain)
    if (s.type == type) return &s;
  return nullptr;
}

long long ceil_div(long long a, long long b) { return (a + b - 1) / b; }

std::string entry_note(const block_value& b) { return b.tech_entry.empty() ? "" : ", " + b.tech_entry; }

// One line of a tile's area or leakage breakdown.
struct part {
  std::string name;
  double value;
  std::string detail;
};

// Zero parts are left out (a tile's drivers and ADCs rarely list leakage),
// unless nothing else is left to say.
std::string breakdown(const std::vector<part>& parts, dimension d) {
  std::string out;
  bool any = false;
  for (const auto& p : parts) any |= p.value != 0.0;
  for (const auto& p : parts) {
    if (any && p.value == 0.0) continue;
    if (!out.empty()) out += " + ";
    out += p.name + " " + (d == dimension::area ? show_area(p.value) : show(p.value, d)) + " (" + p.detail + ")";
  }
  return out;
}

// A thermal neuron's activation is priced from its device model, in four parts
// (models/mott_neuron_energy.hpp); ideal and table neurons state theirs.
void price_neuron(const block_value& neuron, component_pricing& out) {
  if (neuron.text("model") != "thermal") {
    out.actions["neuron_activation"] = direct(neuron, "energy_per_activation", energy_category::neurons);
    return;
  }
  const thermal_neuron_cost c = thermal_neuron_costs(neuron);
  out.actions["neuron_heater"] = {c.heater_j, energy_category::neurons, c.heater_source};
  out.actions["neuron_read"] = {c.read_j, energy_category::neurons, c.read_source};
  out.actions["neuron_gain_stage"] = {c.gain_stage_j, energy_category::neurons, c.gain_stage_source};
  out.actions["neuron_bias_source"] = {c.bias_source_j, energy_category::neurons, c.bias_source_source};
}

// An analog CMOS activation draws its static power while it settles.
action_price price_cmos_activation(const block_value& cmos) {
  const double power = cmos.quantity("power");
  const double settle = cmos.quantity("settling_time");
  return {power * settle, energy_category::neurons,
          "power x settling_time = " + show(power, dimension::power) + " x " + show(settle, dimension::time) + " " +
              cited({{cmos, "power"}, {cmos, "settling_time"}})};
}

// The ADC-free path: a sample costs one S&H cell's power over its sampling
// period; an analog row drive costs a buffer's power over the analog read it
// drives (its settling, then the read pulse or the activation's settling,
// whichever is longer).
void price_sample_hold(const block_value& hold, const block_value& xbar, const std::vector<block_value>& chain,
                       component_pricing& out) {
  const double power = hold.quantity("power");
  const double rate = hold.quantity("sample_rate");
  out.actions["hold_sample"] = {power / rate, energy_category::buffers,
                                "power / sample_rate = " + show(power, dimension::power) + " / " +
                                    show(rate, dimension::frequency) + " " +
                                    cited({{hold, "power"}, {hold, "sample_rate"}})};
  double window = xbar.quantity("read_pulse");
  std::string window_src = "read_pulse " + show(window, dimension::time) + " " + cited({{xbar, "read_pulse"}});
  for (const auto& s : chain)
    if ((s.type == "mott_neuron" || s.type == "cmos_activation") && s.quantity("settling_time") > window) {
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
}

component_pricing price_cim_tile(const block_value& p, double node_m) {
  component_pricing out;
  const long long arrays = p.integer("arrays");
  const block_value& xbar = p.block("crossbar");
  const block_value& cell = xbar.block("cell");
  const block_value& input = p.block("input");
  const block_value& acc = p.block("accumulation");
  const auto& chain = p.blocks("readout");
  const long long rows = xbar.integer("rows");
  const long long columns = xbar.integer("columns");
  const std::string& mode = input.text("mode");
  const long long dac_bits = input.integer("dac_bits");
  const double n_arrays = static_cast<double>(arrays);

  // Pulse-width inputs: the read window holds 2^b - 1 unit pulses and a uniform
  // input lasts half of it on average.
  const double expected_pulses = (std::ldexp(1.0, static_cast<int>(dac_bits)) - 1.0) / 2.0;
  const std::string pulse_note = " x (2^" + std::to_string(dac_bits) + " - 1)/2 = " + show(expected_pulses) +
                                 " unit pulses, the expected width of a uniform pulse-width input (the count "
                                 "carries the workload's input_density against its 0.5) " +
                                 cited({{input, "dac_bits"}});
  const bool pulse_width = mode == "pulse_width";

  // cell_read
  {
    action_price a;
    a.category = energy_category::crossbar;
    if (cell.has("read_energy")) {
      a.energy_j = cell.quantity("read_energy");
      a.source = origin(cell, "read_energy");
      if (pulse_width) a.source = "read_energy " + show(a.energy_j, dimension::energy) + " (" + a.source + ")";
    } else {
      const double v = xbar.quantity("read_voltage");
      const double g = (cell.quantity("g_min") + cell.quantity("g_max")) / 2.0;
      const double t = xbar.quantity("read_pulse");
      a.energy_j = v * v * g * t;
      a.source = "V_read^2 x G_mean x t_read = (" + show(v, dimension::voltage) + ")^2 x " +
                 show(g, dimension::conductance) + " x " + show(t, dimension::time) +
                 ", G_mean = (g_min + g_max)/2 (the count carries the workload's weight_density and "
                 "input_density) " +
                 cited({{xbar, "read_voltage"}, {cell, "g_min"}, {cell, "g_max"}, {xbar, "read_pulse"}});
    }
    if (pulse_width) {
      a.energy_j *= expected_pulses;
      a.source += pulse_note;
    }
    out.actions["cell_read"] = a;
    // One crossbar read: counted for reference; its energy is in the cell reads,
    // drives and conversions it causes.
    action_price mvm;
    mvm.energy_j = 0.0;
    mvm.category = energy_category::crossbar;
    mvm.source = "bookkeeping: an MVM's energy is counted as cell_read, input_drive and readout actions";
    out.actions["mvm"] = mvm;
  }

  // input_drive, and the driver area/leakage scale of a multi-bit DAC
  const double driver_scale = mode == "dac" ? std::ldexp(1.0, static_cast<int>(dac_bits - 1)) : 1.0;
  {
    const driver_estimate d = estimate_input_drive(input, xbar, node_m);
    out.actions["input_drive"] = {d.energy_j, energy_category::input_drivers, d.source};
    out.figures["word_line_capacitance_f"] = d.line_capacitance_f;
  }

  const block_value* adc = first_stage(chain, "adc");
  const block_value* neuron = first_stage(chain, "mott_neuron");
  const block_value* shift_add = first_stage(chain, "shift_add");
  const block_value* activation = first_stage(chain, "digital_activation");

  // The first ADC of the chain prices the conversions; each ADC stage's area
  // comes from its own estimate below.
  if (adc) {
    const adc_estimate converter = estimate_adc(*adc, node_m);
    out.actions["adc_conversion"] = {converter.energy_j, energy_category::adc, converter.energy_source};
  }
  if (neuron) price_neuron(*neuron, out);
  if (const block_value* cmos = first_stage(chain, "cmos_activation"))
    out.actions["neuron_activation"] = price_cmos_activation(*cmos);
  if (const block_value* hold = first_stage(chain, "sample_hold")) price_sample_hold(*hold, xbar, chain, out);
  if (shift_add)
    out.actions["shift_add"] =
        scaled_energy(*shift_add, "energy_per_op", energy_category::accumulation, logic_scaling(*shift_add, node_m));
  if (activation)
    out.actions["activation"] =
        scaled_energy(*activation, "energy_per_op", energy_category::accumulation, logic_scaling(*activation, node_m));
  const logic_scale acc_scale = logic_scaling(acc, node_m);
  out.actions["partial_sum_add"] = scaled_energy(acc, "energy_per_add", energy_category::accumulation, acc_scale);
  out.actions["cell_write"] = direct(cell, "write_energy", energy_category::crossbar);

  const component_pricing buffer = price_memory(p.block("buffer"), node_m);
  out.actions["buffer_read_bytes"] = buffer.actions.at("read_bytes");
  out.actions["buffer_write_bytes"] = buffer.actions.at("write_bytes");

  const long long adcs_per_array = adc ? ceil_div(columns, adc->integer("columns_per_adc")) : 0;
  const long long neurons_per_array = neuron ? ceil_div(columns, neuron->integer("columns_per_neuron")) : 0;
  const cell_footprint footprint = cell_geometry(cell);
  const double cell_area = footprint.area_f2 * node_m * node_m;
  out.figures["adcs_per_array"] = static_cast<double>(adcs_per_array);
  out.figures["neurons_per_array"] = static_cast<double>(neurons_per_array);
  for (const char* f : {"access_latency_s", "cycle_time_s", "parallel_accesses"})
    out.figures[std::string("buffer_") + f] = buffer.figures.at(f);
  out.figures["cell_area_m2"] = cell_area;

  // Area and leakage: per-array parts times `arrays`, then the shared parts.
  // Every readout stage listed is hardware, so all of them count here; the
  // per-array ADC and neuron counts come from each stage's own sharing.
  const std::string per_arrays = std::to_string(arrays) + " arrays x ";
  const std::string driver_note =
      mode == "dac" ? " x 2^(" + std::to_string(dac_bits) + " - 1) for a " + std::to_string(dac_bits) + "-bit DAC" : "";
  std::vector<part> area{
      {"cells", n_arrays * static_cast<double>(rows * columns) * cell_area,
       per_arrays + std::to_string(rows) + "x" + std::to_string(columns) + " x " + footprint.source + " at " +
           show(node_m, dimension::length) + entry_note(cell)},
      {"drivers", n_arrays * static_cast<double>(rows) * input.quantity("area") * driver_scale,
       per_arrays + std::to_string(rows) + " x " + show(input.quantity("area"), dimension::area) + driver_note +
           entry_note(input)},
  };
  std::vector<part> leak{
      {"drivers", n_arrays * static_cast<double>(rows) * input.quantity("leakage") * driver_scale,
       per_arrays + std::to_string(rows) + " x " + show(input.quantity("leakage"), dimension::power) + driver_note},
  };
  if (xbar.quantity("area_overhead") > 0)
    area.push_back({"array overhead", n_arrays * xbar.quantity("area_overhead"),
                    per_arrays + show(xbar.quantity("area_overhead"), dimension::area)});
  for (const auto& s : chain) {
    long long units = 0;
    std::string name;
    if (s.type == "adc") {
      units = ceil_div(columns, s.integer("columns_per_adc"));
      name = "ADCs";
    } else if (s.type == "mott_neuron") {
      units = ceil_div(columns, s.integer("columns_per_neuron"));
      name = "Mott neurons";
    } else if (s.type == "cmos_activation") {
      units = ceil_div(columns, s.integer("columns_per_unit"));
      name = "CMOS activation";
    } else if (s.type == "sample_hold") {
      // The S&H array serves the tile; its row buffers sit on every word line.
      area.push_back({"S&H cells", static_cast<double>(s.integer("cells")) * s.quantity("area"),
                      std::to_string(s.integer("cells")) + " x " + show(s.quantity("area"), dimension::area) +
                          entry_note(s)});
      area.push_back({"analog row buffers", n_arrays * static_cast<double>(rows) * s.quantity("buffer_area"),
                      per_arrays + std::to_string(rows) + " x " + show(s.quantity("buffer_area"), dimension::area) +
                          entry_note(s)});
      continue;
    } else if (s.type == "shift_add") {
      units = s.integer("units");
      name = "shift-and-add";
    } else if (s.type == "digital_activation") {
      units = s.integer("units");
      name = "digital activation";
    } else {
      std::fprintf(stderr, "mottsim internal error: cim_tile readout stage of unknown type '%s'\n", s.type.c_str());
      std::abort();
    }
    // ADCs and neurons hang off each array's columns; shift-and-add and
    // activation units serve the whole tile (ISAAC: 4 shift-and-add per IMA).
    const bool per_array = s.type == "adc" || s.type == "mott_neuron" || s.type == "cmos_activation";
    const double n = (per_array ? n_arrays : 1.0) * static_cast<double>(units);
    const std::string count = (per_array ? per_arrays : std::string()) + std::to_string(units) + " x ";
    double unit_area = 0.0;
    std::string unit_source;
    if (s.type == "adc") {
      const adc_estimate converter = estimate_adc(s, node_m);
      unit_area = converter.area_m2;
      unit_source = " (" + converter.area_source + ")";
    } else if (s.type == "shift_add" || s.type == "digital_activation") {
      const logic_scale scale = logic_scaling(s, node_m);
      std::string scaled;
      unit_area = scaled_area(s, scale, scaled);
      if (!scale.area_note.empty()) unit_source = " (" + scaled + ")";
    } else {
      unit_area = s.quantity("area");
    }
    area.push_back({name, n * unit_area, count + show(unit_area, dimension::area) + unit_source + entry_note(s)});
    if (s.type == "mott_neuron" && s.text("model") == "thermal") {
      const block_value& stage = s.block("gain_stage");
      area.push_back({"neuron gain stages", n * stage.quantity("area"),
                      count + show(stage.quantity("area"), dimension::area) + entry_note(stage)});
    }
    if (s.has("leakage"))
      leak.push_back({name, n * s.quantity("leakage"), count + show(s.quantity("leakage"), dimension::power)});
  }
  {
    std::string acc_source;
    const double acc_area = scaled_area(acc, acc_scale, acc_source);
    area.push_back({"accumulation", acc_area, acc_source});
  }
  area.push_back({"buffer", buffer.area_m2, buffer.area_source});
  leak.push_back({"buffer", buffer.leakage_w, buffer.leakage_source});

  for (const auto& a : area) out.area_m2 += a.value;
  for (const auto& l : leak) out.leakage_w += l.value;
  out.area_source = breakdown(area, dimension::area);
  out.leakage_source = breakdown(leak, dimension::power);
  return out;
}

}  // namespace

component_pricing price_component(const std::string& type, const dsl::block_value& params, double node_m) {
  if (type == "dram") return price_dram(params);
  if (type == "sram") return price_memory(params, node_m);
  if (type == "bus") return price_bus(params);
  if (type == "controller") return price_controller(params, node_m);
  if (type == "processor") return price_processor(params);
  if (type == "systolic_array") return price_systolic_array(params, node_m);
  if (type == "cim_tile") return price_cim_tile(params, node_m);
  std::fprintf(stderr, "mottsim internal error: no estimator prices components of type '%s'\n", type.c_str());
  std::abort();
}

}  // namespace mottsim::models

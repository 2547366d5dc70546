#include "models/component_estimators.hpp"

#include <initializer_list>

#include "dsl/units.hpp"
#include "models/logic_scaling.hpp"
#include "models/memory_pricing.hpp"
#include "models/pricing_support.hpp"

namespace mottsim::models {

namespace {

using dsl::block_value;
using dsl::dimension;

void static_figures(const block_value& p, component_pricing& out) {
  out.leakage_w = p.quantity("leakage");
  out.leakage_source = origin(p, "leakage");
  out.area_m2 = p.quantity("area");
  out.area_source = origin(p, "area");
}

// The area and static power of `units` identical units (cores, processing
// elements): the whole when a source gives it (`area`, `leakage`), else units
// x the per-unit figure, so a larger array or cluster costs silicon and
// leakage. Each is scaled to the node as the component's other logic is.
void replicated_static_figures(const block_value& p, long long units, const std::string& units_text,
                               const char* area_per, const char* leakage_per, const logic_scale& scale,
                               component_pricing& out) {
  for (const bool area : {true, false}) {
    const char* whole = area ? "area" : "leakage";
    const char* name = p.has(whole) ? whole : area ? area_per : leakage_per;
    const scaled_kind kind = area ? scaled_kind::area : scaled_kind::leakage;
    // scaled_figure names the parameter itself when it scales it to the node;
    // otherwise its source is the value's origin alone.
    std::string source;
    const double figure = scaled_figure(p, name, kind, scale, source);
    const double given = p.quantity(name);
    if (source == origin(p, name))
      source = std::string(name) + " " +
               (area ? show_area(given) : show(given, dimension::power)) + " (" + source + ")";
    double value = figure;
    if (p.has(whole)) {
      source = "given for the whole, whatever its size: " + source;
      // A per-unit figure given too is not used: said, so a sweep over it is not silently flat.
      const char* per = area ? area_per : leakage_per;
      if (!p.at(per).from_default)
        out.notes.push_back(std::string(whole) + " is given for the whole (" + origin(p, whole) + "), so " + per +
                            " (" + origin(p, per) + ") is not used");
    } else {
      value = static_cast<double>(units) * figure;
      source = units_text + " x " + source;
    }
    (area ? out.area_m2 : out.leakage_w) = value;
    (area ? out.area_source : out.leakage_source) = source;
  }
}

}  // namespace

// Off-chip memory is I/O, not logic: its figures are not scaled by node.
component_pricing price_dram(const block_value& p, const pricing_context&) {
  component_pricing out;
  out.actions["read_bytes"] = scaled_per_byte(p, energy_category::dram, logic_scale{});
  out.actions["write_bytes"] = out.actions["read_bytes"];
  out.leakage_w = p.quantity("background_power");
  out.leakage_source = origin(p, "background_power");
  out.area_m2 = 0.0;
  out.area_source = "off-chip: not counted in chip area";
  return out;
}

component_pricing price_sram(const block_value& p, const pricing_context& at) { return price_memory(p, at.node_m); }

// A bus's wires and arbiters are characterized at a node like logic: at
// another node its figures scale by Stillmaker & Baas (reference_node).
component_pricing price_bus(const block_value& p, const pricing_context& at) {
  component_pricing out;
  const logic_scale scale = logic_scaling(p, at.node_m);
  out.actions["transfer_bytes"] = scaled_per_byte(p, energy_category::bus, scale);
  out.leakage_w = scaled_leakage(p, scale, out.leakage_source);
  out.area_m2 = scaled_area(p, scale, out.area_source);
  return out;
}

// The controller's core and vector unit, and a systolic array's PEs, are logic
// characterized at a node: they scale to the architecture's.
component_pricing price_controller(const block_value& p, const pricing_context& at) {
  component_pricing out;
  const logic_scale scale = logic_scaling(p, at.node_m);
  out.actions["command"] = scaled_energy(p, "energy_per_command", energy_category::compute, scale);
  out.actions["vector_op"] = scaled_energy(p, "energy_per_op", energy_category::compute, scale);
  static_figures(p, out);
  out.area_m2 = scaled_area(p, scale, out.area_source);
  out.leakage_w = scaled_leakage(p, scale, out.leakage_source);
  return out;
}

// The cores' leakage plus the static power of what surrounds them (uncore,
// rest of the SoC, board): all of it is drawn for as long as the run lasts.
component_pricing price_processor(const block_value& p, const pricing_context&) {
  component_pricing out;
  out.actions["instruction"] = direct(p, "energy_per_instruction", energy_category::compute);
  out.actions["core_cycle"] = direct(p, "energy_per_core_cycle", energy_category::compute);
  out.actions["int8_mac"] = direct(p, "energy_per_int8_mac", energy_category::compute);
  out.actions["fp32_mac"] = direct(p, "energy_per_fp32_mac", energy_category::compute);
  const long long cores = p.integer("cores");
  replicated_static_figures(p, cores, std::to_string(cores) + " cores " + cited({{p, "cores"}}), "area_per_core",
                            "leakage_per_core", logic_scale{}, out);
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

component_pricing price_systolic_array(const block_value& p, const pricing_context& at) {
  component_pricing out;
  const logic_scale scale = logic_scaling(p, at.node_m);
  out.actions["mac"] = scaled_energy(p, "energy_per_mac", energy_category::compute, scale);
  out.actions["weight_load"] = scaled_energy(p, "energy_per_weight_load", energy_category::compute, scale);
  out.actions["vector_op"] = scaled_energy(p, "energy_per_vector_op", energy_category::compute, scale);
  out.actions["pe_storage_bits"] = pe_storage_price(p, at.node_m);
  const long long rows = p.integer("rows"), columns = p.integer("columns");
  replicated_static_figures(p, rows * columns,
                            std::to_string(rows) + " x " + std::to_string(columns) + " PEs " +
                                cited({{p, "rows"}, {p, "columns"}}),
                            "area_per_pe", "leakage_per_pe", scale, out);
  return out;
}

}  // namespace mottsim::models

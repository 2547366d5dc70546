#include "models/cim_tile_pricing.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <vector>

#include "dsl/units.hpp"
#include "models/cell_geometry.hpp"
#include "models/driver_estimator.hpp"
#include "models/logic_scaling.hpp"
#include "models/memory_pricing.hpp"
#include "models/pricing_support.hpp"

namespace mottsim::models {

namespace {

using dsl::block_value;
using dsl::dimension;

// How far a cell's stated read energy may be from its V^2 G t before the run
// says the two disagree.
constexpr double stated_energy_tolerance = 3.0;

// cell_read (and the bookkeeping mvm): a cell's V^2 G t at the mean
// conductance, or the cell's stated read energy; pulse-width inputs last the
// expected width of a uniform input.
void price_cell_read(const block_value& xbar, const block_value& input, component_pricing& out) {
  const block_value& cell = xbar.block("cell");
  const long long dac_bits = input.integer("dac_bits");
  const bool pulse_width = input.text("mode") == "pulse_width";
  // Pulse-width inputs: the read window holds 2^b - 1 unit pulses and a uniform
  // input lasts half of it on average.
  const double expected_pulses = (std::ldexp(1.0, static_cast<int>(dac_bits)) - 1.0) / 2.0;
  const std::string pulse_note = " x (2^" + std::to_string(dac_bits) + " - 1)/2 = " + show(expected_pulses) +
                                 " unit pulses, the expected width of a uniform pulse-width input (the count "
                                 "carries the workload's input_density against its 0.5) " +
                                 cited({{input, "dac_bits"}});
  action_price a;
  a.category = energy_category::crossbar;
  const double v = xbar.quantity("read_voltage");
  const double g = (cell.quantity("g_min") + cell.quantity("g_max")) / 2.0;
  const double t = xbar.quantity("read_pulse");
  const double physics_j = v * v * g * t;
  const std::string physics = "V_read^2 x G_mean x t_read = (" + show(v, dimension::voltage) + ")^2 x " +
                              show(g, dimension::conductance) + " x " + show(t, dimension::time) + " = " +
                              show(physics_j, dimension::energy);
  const std::string physics_cited =
      cited({{xbar, "read_voltage"}, {cell, "g_min"}, {cell, "g_max"}, {xbar, "read_pulse"}});
  if (cell.has("read_energy")) {
    a.energy_j = cell.quantity("read_energy");
    a.source = origin(cell, "read_energy");
    if (pulse_width) a.source = "read_energy " + show(a.energy_j, dimension::energy) + " (" + a.source + ")";
    // A stated energy wins over the estimate, but one device's figures should
    // agree: beyond a factor of 3 either way (more than the spread of the
    // data's conductances and a different read voltage explain) one of them
    // is not this device's, and the run says so.
    const double ratio = physics_j / a.energy_j;
    if (a.energy_j > 0 && (ratio > stated_energy_tolerance || ratio < 1.0 / stated_energy_tolerance)) {
      char times[32];
      std::snprintf(times, sizeof times, "%.3g", ratio > 1 ? ratio : 1.0 / ratio);
      const std::string ratio_text = ratio > 1 ? std::string(times) + " times the stated"
                                               : "1/" + std::string(times) + " of the stated";
      const std::string note = "the cell's stated read_energy " + show(a.energy_j, dimension::energy) + " (" +
                               origin(cell, "read_energy") + ") prices its reads, but its own conductances give " +
                               physics + ", " + ratio_text + " " + physics_cited +
                               ": the two are not of one device; correct one of them";
      a.source += "; at odds with " + physics;
      out.notes.push_back(note);
    }
  } else {
    a.energy_j = physics_j;
    a.source = physics + ", G_mean = (g_min + g_max)/2 (the count carries the workload's weight_density and "
                         "input_density) " +
               physics_cited;
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

}  // namespace

component_pricing price_cim_tile(const block_value& p, const pricing_context& at) {
  component_pricing out;
  const double node_m = at.node_m;
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

  price_cell_read(xbar, input, out);

  // input_drive, and the driver area/leakage scale of a multi-bit DAC
  const double driver_scale = mode == "dac" ? std::ldexp(1.0, static_cast<int>(dac_bits - 1)) : 1.0;
  {
    const driver_estimate d = estimate_input_drive(input, xbar, node_m);
    out.actions["input_drive"] = {d.energy_j, energy_category::input_drivers, d.source};
    out.figures["word_line_capacitance_f"] = d.line_capacitance_f;
  }

  const logic_scale acc_scale = logic_scaling(acc, node_m);
  out.actions["partial_sum_add"] = scaled_energy(acc, "energy_per_add", energy_category::accumulation, acc_scale);
  out.actions["cell_write"] = direct(cell, "write_energy", energy_category::crossbar);

  const component_pricing buffer = price_memory(p.block("buffer"), node_m);
  out.actions["buffer_read_bytes"] = buffer.actions.at("read_bytes");
  out.actions["buffer_write_bytes"] = buffer.actions.at("write_bytes");

  const cell_footprint footprint = cell_geometry(cell);
  const double cell_area = footprint.area_f2 * node_m * node_m;
  out.figures["adcs_per_array"] = 0.0;
  out.figures["neurons_per_array"] = 0.0;
  for (const char* f : {"access_latency_s", "cycle_time_s", "parallel_accesses"})
    out.figures[std::string("buffer_") + f] = buffer.figures.at(f);
  out.figures["cell_area_m2"] = cell_area;

  // Area and leakage: per-array parts times `arrays`, then the readout stages,
  // then the shared parts.
  const std::string per_arrays = std::to_string(arrays) + " arrays x ";
  const std::string driver_note =
      mode == "dac" ? " x 2^(" + std::to_string(dac_bits) + " - 1) for a " + std::to_string(dac_bits) + "-bit DAC" : "";
  std::vector<cost_part> area{
      {"cells", n_arrays * static_cast<double>(rows * columns) * cell_area,
       per_arrays + std::to_string(rows) + "x" + std::to_string(columns) + " x " + footprint.source + " at " +
           show(node_m, dimension::length) + entry_note(cell)},
      {"drivers", n_arrays * static_cast<double>(rows) * input.quantity("area") * driver_scale,
       per_arrays + std::to_string(rows) + " x " + show(input.quantity("area"), dimension::area) + driver_note +
           entry_note(input)},
  };
  std::vector<cost_part> leak{
      {"drivers", n_arrays * static_cast<double>(rows) * input.quantity("leakage") * driver_scale,
       per_arrays + std::to_string(rows) + " x " + show(input.quantity("leakage"), dimension::power) + driver_note},
  };
  if (xbar.quantity("area_overhead") > 0)
    area.push_back({"array overhead", n_arrays * xbar.quantity("area_overhead"),
                    per_arrays + show(xbar.quantity("area_overhead"), dimension::area)});

  // Each readout stage through its type's estimator. The first stage of a type
  // prices the type's actions; every stage listed is hardware, so all of them
  // add their area and leakage.
  const long long readout_share = p.integer("readout_share");
  const tile_context context{p,    xbar,    chain, node_m, arrays, rows, columns,
                             (arrays + readout_share - 1) / readout_share};
  std::set<std::string> priced;
  for (const auto& s : chain) {
    const block_estimator* estimator = at.catalog ? at.catalog->find_block_estimator(s.type) : nullptr;
    if (!estimator) {
      std::fprintf(stderr, "mottsim internal error: no estimator prices cim_tile readout stages of type '%s'\n",
                   s.type.c_str());
      std::abort();
    }
    stage_pricing stage = (*estimator)(s, context);
    if (priced.insert(s.type).second) {
      for (auto& [name, price] : stage.actions) out.actions[name] = std::move(price);
      for (const auto& [name, value] : stage.figures) out.figures[name] = value;
    }
    for (auto& a : stage.area) area.push_back(std::move(a));
    for (auto& l : stage.leakage) leak.push_back(std::move(l));
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

}  // namespace mottsim::models

#include "models/driver_estimator.hpp"

#include <cmath>

#include "dsl/units.hpp"
#include "models/cell_geometry.hpp"
#include "models/pricing_support.hpp"

namespace mottsim::models {

using dsl::dimension;

double mean_square_level(long long levels) {
  const double l = static_cast<double>(levels);
  return (2.0 * l + 1.0) / (6.0 * l);
}

driver_estimate estimate_input_drive(const dsl::block_value& input, const dsl::block_value& crossbar, double node_m) {
  driver_estimate out;
  const std::string& mode = input.text("mode");
  const long long dac_bits = input.integer("dac_bits");
  const double t_read = crossbar.quantity("read_pulse");
  // How long the driver holds its line per read: the pulse, or for pulse-width
  // inputs the expected width of a uniform input, (2^b - 1) / 2 unit pulses.
  const double pulses = mode == "pulse_width" ? (std::ldexp(1.0, static_cast<int>(dac_bits)) - 1.0) / 2.0 : 1.0;
  const double held = pulses * t_read;
  const std::string held_text =
      mode == "pulse_width"
          ? "(2^" + std::to_string(dac_bits) + " - 1)/2 = " + show(pulses) + " unit pulses of " +
                show(t_read, dimension::time) + ", the expected width of a uniform pulse-width input"
          : "read_pulse " + show(t_read, dimension::time);

  if (input.text("energy_model") == "power") {
    const double p = input.quantity("active_power");
    out.energy_j = p * held;
    std::vector<cite> used = {{input, "active_power"}, {crossbar, "read_pulse"}};
    if (mode == "pulse_width") used.push_back({input, "dac_bits"});  // the levels set the time held
    out.source = "active_power x the time it drives = " + show(p, dimension::power) + " x " + held_text + " " +
                 cited(used);
    return out;
  }

  // The word line spans the crossbar's columns: one cell width of wire per
  // column (models/cell_geometry.hpp).
  const dsl::block_value& cell = crossbar.block("cell");
  const long long columns = crossbar.integer("columns");
  const cell_footprint footprint = cell_geometry(cell);
  const double pitch = footprint.width_f * node_m;
  const double per_um = input.quantity("wire_capacitance_per_um");
  const double own = input.quantity("driver_capacitance");
  const double c_line = static_cast<double>(columns) * per_um * (pitch / 1e-6) + own;
  const double v = crossbar.quantity("read_voltage");
  out.line_capacitance_f = c_line;
  const std::string c_text = "C_line = " + std::to_string(columns) + " columns x " + show(per_um, dimension::capacitance) +
                             "/um x " + show(pitch, dimension::length) + " cell pitch (" + footprint.source + ") + driver " +
                             show(own, dimension::capacitance) + " = " + show(c_line, dimension::capacitance);
  double charge = c_line * v * v;
  std::string text = "C_line x V_read^2 = " + show(c_line, dimension::capacitance) + " x (" +
                     show(v, dimension::voltage) + ")^2";
  // Cites what enters the figure, as it enters: the read's length only when a
  // static power is held over it, the levels only where they count.
  std::vector<cite> used = {{crossbar, "columns"}, {input, "wire_capacitance_per_um"}, {input, "driver_capacitance"},
                            {crossbar, "read_voltage"}};
  if (mode == "dac") {
    used.push_back({input, "dac_bits"});
    const long long levels = (1LL << dac_bits) - 1;
    const double share = mean_square_level(levels);
    charge *= share;
    text += " x " + show(share) + " (mean (k/L)^2 of a uniform " + std::to_string(dac_bits) + "-bit level)";
  }
  out.energy_j = charge;
  out.source = "word-line load: " + text;
  const double counter = input.quantity("counter_energy_per_level");
  if (mode == "pulse_width" && counter > 0.0) {
    out.energy_j += counter * pulses;
    out.source += " + counter_energy_per_level " + show(counter, dimension::energy) + " x " + show(pulses) + " levels";
    used.push_back({input, "counter_energy_per_level"});
  }
  const double hold = input.quantity("static_power");
  if (hold > 0.0) {
    out.energy_j += hold * held;
    out.source += " + static_power " + show(hold, dimension::power) + " x " + held_text;
    used.push_back({input, "static_power"});
    used.push_back({crossbar, "read_pulse"});
  }
  // A pulse-width input's levels set the counter's steps and the time held.
  if (mode == "pulse_width" && (counter > 0.0 || hold > 0.0)) used.push_back({input, "dac_bits"});
  out.source += " = " + show(out.energy_j, dimension::energy) + "; " + c_text + " " + cited(used);
  return out;
}

}  // namespace mottsim::models

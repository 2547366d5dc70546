#include "models/mott_neuron_energy.hpp"

#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <utility>

#include "dsl/units.hpp"
#include "models/mott_neuron_model.hpp"

namespace mottsim::models {

double joule_energy(const std::vector<current_level>& pulse, double resistance_ohm) {
  double e = 0.0;
  for (const auto& level : pulse) e += level.current_a * level.current_a * resistance_ohm * level.duration_s;
  return e;
}

double cooling_time(double tau_s, double rise_k, double tolerance_k) {
  if (!(rise_k > tolerance_k)) return 0.0;
  return tau_s * std::log(rise_k / tolerance_k);
}

double stage_settling_time(double bandwidth_hz) { return std::log(100.0) / (2.0 * M_PI * bandwidth_hz); }

namespace {

using dsl::dimension;

std::string show(double si, dimension d) { return dsl::format_quantity(si, d); }
std::string show(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", x);
  return buf;
}

// "(heater_resistance: configs/tech/x.yaml:20:24; bias_current: ...)"
std::string cited(const dsl::block_value& b, std::initializer_list<const char*> names) {
  std::string out = "(";
  for (const char* n : names) {
    if (out.size() > 1) out += "; ";
    out += std::string(n) + ": " + b.origin(n);
  }
  return out + ")";
}

// V^2 / R(T(t)) integrated over the pulse by Simpson's rule: the film warms
// along the step response on its heating branch (it starts insulating).
double read_energy(const mott_neuron_model& m, double x, double v_read) {
  constexpr int intervals = 256;  // even; the integrand is smooth on the scale t_p / 256
  const double t_p = m.settling_time();
  const double h = t_p / intervals;
  auto power = [&](double t) {
    const double t_k = m.temperature_at(x, t);
    return v_read * v_read / m.film().resistance(t_k, m.film().insulating_fraction(t_k, true));
  };
  double sum = power(0.0) + power(t_p);
  for (int i = 1; i < intervals; ++i) sum += (i % 2 ? 4.0 : 2.0) * power(i * h);
  return sum * h / 3.0;
}

}  // namespace

thermal_neuron_cost thermal_neuron_costs(const dsl::block_value& neuron) {
  const mott_neuron_model m(neuron, 0, 0, thermal_time_basis::at_settling_time);
  const dsl::block_value& stage = neuron.block("gain_stage");
  thermal_neuron_cost c;
  const double r_h = m.heater_resistance();
  const double i_b = m.bias_current();
  const double i_fs = m.full_scale_current();
  c.pulse_s = m.settling_time();
  c.stage_settling_s = stage_settling_time(stage.quantity("bandwidth"));
  c.time_constant_s = m.time_constant();

  // The input statistic as two equally likely inputs with its mean and rms.
  const double mean = neuron.number("input_mean");
  const double rms = neuron.number("input_rms");
  const double sd = std::sqrt(std::max(0.0, rms * rms - mean * mean));
  c.input_low = mean - sd;
  c.input_high = mean + sd;
  const double inputs[2] = {c.input_low, c.input_high};

  const double headroom = stage.quantity("output_headroom");
  c.minimum_supply_v = m.heater_current(1.0) * r_h + headroom;
  const bool given_supply = stage.has("supply_voltage");
  c.supply_v = given_supply ? stage.quantity("supply_voltage") : c.minimum_supply_v;

  double signal_loss = 0.0, bias_loss = 0.0, heater = 0.0, read = 0.0;
  const double v_read = neuron.quantity("read_voltage");
  for (double x : inputs) {
    const double i = m.heater_current(x);
    heater += 0.5 * joule_energy({{i, c.pulse_s}}, r_h);
    read += 0.5 * read_energy(m, x, v_read);
    // The output source carries the whole heater current; the share up to the
    // bias is the bias source's, the rest the signal's.
    const double drop = std::max(0.0, c.supply_v - i * r_h);
    const double bias_share = std::min(i, i_b);
    bias_loss += 0.5 * drop * bias_share * c.pulse_s;
    signal_loss += 0.5 * drop * (i - bias_share) * c.pulse_s;
  }
  const double quiescent = stage.quantity("quiescent_power") * (c.stage_settling_s + c.pulse_s);
  c.heater_j = heater;
  c.read_j = read;
  c.gain_stage_j = quiescent + signal_loss;
  c.bias_source_j = bias_loss;

  c.peak_rise_k = m.temperature_at(1.0, c.pulse_s) - m.ambient();
  const double tolerance = neuron.quantity("cooling_tolerance");
  c.cooling_s = cooling_time(c.time_constant_s, c.peak_rise_k, tolerance);

  const std::string at_inputs = "averaged over x = " + show(c.input_low) + " and " + show(c.input_high) +
                                " (input mean " + show(mean) + ", rms " + show(rms) + " of full scale, the stated perf-mode "
                                "input statistic " + cited(neuron, {"input_mean", "input_rms"}) + ")";
  const std::string pulse = "t_p = settling_time " + show(c.pulse_s, dimension::time);
  c.heater_source = "(I_bias + x I_fs)^2 R_h t_p, I_bias " + show(i_b, dimension::current) + ", I_fs " +
                    show(i_fs, dimension::current) + ", R_h " + show(r_h, dimension::resistance) + ", " + pulse + ", " +
                    at_inputs + " " +
                    cited(neuron, {"bias_current", "full_scale_current", "heater_resistance", "settling_time"});
  c.read_source = "integral of V_read^2 / R(T(t)) over t_p, V_read " + show(v_read, dimension::voltage) +
                  ", T(t) the thermal RC's step response (tau " + show(c.time_constant_s, dimension::time) +
                  "), R the VO2 film on its heating branch, " + at_inputs + " " +
                  cited(neuron, {"read_voltage", "heat_capacity", "thermal_conductance"});
  const std::string rail = "V_rail " + show(c.supply_v, dimension::voltage) +
                           (given_supply ? " " + cited(stage, {"supply_voltage"})
                                         : " = (I_bias + I_fs) R_h + output_headroom " +
                                               show(headroom, dimension::voltage) + " " +
                                               cited(stage, {"output_headroom"}));
  c.gain_stage_source = "quiescent " + show(stage.quantity("quiescent_power"), dimension::power) +
                        " x (its 1 % settling ln(100)/(2 pi f) " + show(c.stage_settling_s, dimension::time) + " + " +
                        pulse + ") " + cited(stage, {"quiescent_power", "bandwidth"}) +
                        " + (V_rail - I R_h) x the signal share of I over t_p, " + rail + ", " + at_inputs;
  c.bias_source_source = "(V_rail - I R_h) x the bias share of I over t_p, " + rail + ", " + at_inputs;
  c.cooling_source = "tau ln(rise / cooling_tolerance) = " + show(c.time_constant_s, dimension::time) + " x ln(" +
                     show(c.peak_rise_k) + " K / " + show(tolerance) + " K): the full-scale pulse's rise at its end, " +
                     "P(1)/G_th (1 - exp(-t_p/tau)) " + cited(neuron, {"cooling_tolerance"});
  return c;
}

neuron_occupancy neuron_read_occupancy(const dsl::block_value& neuron) {
  neuron_occupancy o;
  if (neuron.text("model") == "thermal") {
    const thermal_neuron_cost c = thermal_neuron_costs(neuron);
    o.before_s = c.stage_settling_s;
    o.after_s = c.cooling_s;
  } else if (neuron.has("recovery_time")) {
    o.after_s = neuron.quantity("recovery_time");
  }
  return o;
}

}  // namespace mottsim::models

#pragma once
#include <Eigen/Core>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "dsl/block_value.hpp"
#include "models/gaussian_source.hpp"
#include "models/seed_stream.hpp"

namespace mottsim::models {

enum class neuron_model_kind { ideal, table, thermal };

// How each thermal neuron's bias current is trimmed against its Tc offset.
//   none:     every neuron takes the nominal bias.
//   measured: the chip's calibration measures each neuron through its readout
//             and trims from the measurement (models/neuron_trim.hpp); until
//             then the bias is nominal.
//   oracle:   set from the device's true Tc, which no chip can read: an upper
//             bound on what a trim can do.
enum class bias_trim_kind { none, measured, oracle };

// Which film temperature the thermal model reads.
//   at_settling_time: the step response T(t_s) = ambient + P/G_th (1 - exp(-t_s/tau)),
//     starting from ambient. Functional mode uses this one: the timing model samples
//     the neuron output settling_time after the input is applied, so perf and
//     functional modes describe the same hardware, and a sweep of settling_time
//     shows its accuracy cost instead of making a shorter settle look free.
//   steady_state: t -> infinity, the quasi-static curve a slow measurement records.
enum class thermal_time_basis { at_settling_time, steady_state };

// One evaluation of the transfer curve. Temperature and resistance are NaN for
// the ideal and table models.
struct neuron_point {
  double input = 0.0;   // relative to the neuron's full-scale input
  double output = 0.0;  // relative to the full-scale output
  double temperature_k = std::numeric_limits<double>::quiet_NaN();
  double resistance_ohm = std::numeric_limits<double>::quiet_NaN();
};

// The VO2 compact model of Zhang et al. (Adv. Mater. 2024):
//   R(T) = R0 exp(Ea/T) g(T) + R_met,  g = 1/2 [1 + tanh(beta (s w/2 + Tc - T))],
// g being the insulating fraction. s = +1 on heating (g crosses 1/2 at Tc + w/2:
// the film stays insulating longer while it warms) and s = -1 on cooling (it stays
// metallic down to Tc - w/2), which opens the hysteresis loop of width w.
struct vo2_film {
  double tc_k = 332.8;
  double width_k = 7.19;
  double beta_per_k = 0.253;
  double r0_ohm = 5.36e-3;
  double ea_k = 5220.0;
  double r_metal_ohm = 1290.0;

  double insulating_fraction(double t_k, bool heating) const;
  // The hysteretic phase as a play operator: g stays between the cooling branch
  // (below) and the heating branch (above) and moves only when a branch pushes it.
  double next_fraction(double g, double t_k) const;
  double resistance(double t_k, double g) const;
};

// Device-to-device draws of one neuron.
struct neuron_device {
  double tc_k = 0.0;            // its transition temperature (thermal)
  double threshold_scale = 1.0; // its threshold relative to the nominal one
  double bias_a = 0.0;          // its heater bias current (thermal; trimmed or nominal)
  double offset = 0.0;          // its gain stage's input offset, relative to full scale
};

// The Mott neuron's transfer curve, from a validated mott_neuron block.
//
// Input x is the column sum relative to the neuron's full scale; the output is
// relative to the full-scale output: 0 at x = 0 and 1 at x = 1 for the nominal
// device, so every model behaves as a (ReLU-like) activation of x.
//  - ideal:   y = min(saturation, gain max(0, x - threshold_j)), threshold_j =
//             threshold (1 + d_j), d_j ~ N(0, sigma_threshold).
//  - table:   piecewise-linear through the CSV's (input, output) points, flat
//             beyond its ends; device j reads it at x / (1 + d_j), which scales
//             its threshold by (1 + d_j).
//  - thermal: heater I = I_bias + x I_fs, P = I^2 R_h; T = ambient + P/G_th (x the
//             time basis factor); the bias is pulsed with the input, so every
//             evaluation starts from ambient with the film insulating, on the
//             heating branch (a DC bias inside the hysteresis loop would leave
//             the film metallic after the first large input); output = (G(T) - G_0) / (G_1 - G_0) with
//             G = 1/R the read conductance (the read current V_read G scales out),
//             G_0 the nominal film at ambient and G_1 the nominal film at x = 1.
//             Device j has Tc_j = Tc + N(0, sigma_tc) and reads x / (1 + d_j);
//             with bias_trim oracle its bias current is set (once, by
//             bisection on its true Tc) so its conductance at x = 0 equals the
//             nominal one; bias_trim measured leaves it to the chip's
//             calibration (models/neuron_trim.hpp).
//             Normalizing with the nominal device keeps variation visible, as a
//             chip calibrates its ADC range once, not per neuron.
// sigma_tc applies to the thermal model only; negative_input to the thermal model
// only (ideal is a ReLU by definition, a table states its own negative side).
// Thermal only: the gain stage in front of the heater adds its offset (device j: N(0,
// gain_stage.offset_sigma), relative to full scale) and, per read in apply(),
// N(0, gain_stage.noise) to x before the neuron sees it; the trim sees the offset.
// cycle_noise adds N(0, cycle_noise) to each output in apply().
class mott_neuron_model {
 public:
  static constexpr std::size_t nominal = static_cast<std::size_t>(-1);

  // `devices` neurons with their own variation, drawn from `seed`: the same seed
  // gives the same devices. A table file that cannot be read throws
  // dsl::input_error located at the offending line.
  explicit mott_neuron_model(const dsl::block_value& neuron, std::size_t devices = 1, std::uint64_t seed = 0,
                             thermal_time_basis basis = thermal_time_basis::at_settling_time);

  neuron_model_kind kind() const { return m_kind; }
  bias_trim_kind bias_trim() const { return m_trim_kind; }
  double cycle_noise() const { return m_cycle_noise; }
  // The gain stage's input noise per read (relative to full scale; thermal only).
  double stage_noise() const { return m_stage_noise; }
  // A trim sets device j's heater bias (thermal model).
  void set_device_bias(std::size_t j, double bias_a) { m_devices.at(j).bias_a = bias_a; }
  thermal_time_basis time_basis() const { return m_basis; }
  std::size_t devices() const { return m_devices.size(); }
  const neuron_device& device(std::size_t j) const { return m_devices.at(j); }

  // Steady transfer (no cycle noise) of the nominal device, or of device j.
  double transfer(double x) const { return evaluate(x, nominal).output; }
  double transfer(double x, std::size_t device) const { return evaluate(x, device).output; }
  neuron_point evaluate(double x, std::size_t device = nominal) const;

  // In place: row j of `x` (one row per column / neuron, one column per input
  // vector) goes through device j, then cycle noise. Needs rows <= devices().
  void apply(Eigen::Ref<Eigen::MatrixXd> x);
  // The same with the cycle noise drawn from `rng` (thread-safe: the model is
  // not changed).
  void apply(Eigen::Ref<Eigen::MatrixXd> x, std::mt19937_64& rng) const;
  // The same with the gain stage's and the cycle noise drawn from `noise`, and
  // the transfer of transfer_rows().
  void apply(Eigen::Ref<Eigen::MatrixXd> x, gaussian_source& noise) const;
  // Row j of `x` through device j's steady transfer, in place (no noise): the
  // thermal model on whole matrices with vectorized arithmetic, equal to
  // transfer(x, j) to rounding; the other models element by element.
  void transfer_rows(Eigen::Ref<Eigen::MatrixXd> x) const;

  // `points` evenly spaced (input, output) pairs of the nominal device.
  std::vector<std::pair<double, double>> curve(double x_min, double x_max, int points) const;

  // Thermal physics (meaningful for the thermal model).
  double heater_current(double x) const;               // A, after negative-input handling (nominal bias)
  double heater_current(double x, double bias_a) const;
  double heater_power(double x) const;                 // W, after negative-input handling (nominal bias)
  double heater_power(double x, double bias_a) const;  // W, with a device's own bias current
  double steady_temperature(double x) const;           // K
  double temperature_at(double x, double t_s) const;   // K, step response from ambient
  double time_constant() const { return m_cth / m_gth; }
  // 1 - exp(-t / time_constant()), exact for t far below the time constant.
  double rise_fraction(double t_s) const;
  double settled_fraction() const;                     // 1 - exp(-settling_time/tau)
  double effective_temperature(double x) const;        // the one the transfer reads
  double effective_temperature(double x, double bias_a) const;
  // Input at which the nominal film reaches the heating-branch midpoint Tc + w/2
  // (negative when the bias alone gets there).
  double effective_threshold() const;
  const vo2_film& film() const { return m_film; }
  double heater_resistance() const { return m_heater_ohm; }
  double bias_current() const { return m_bias_a; }
  double full_scale_current() const { return m_full_scale_a; }
  double settling_time() const { return m_settling_s; }
  double ambient() const { return m_ambient_k; }
  double heat_capacity() const { return m_cth; }
  double thermal_conductance() const { return m_gth; }
  double conductance_at_zero() const { return m_g0; }
  double conductance_at_full_scale() const { return m_g1; }

 private:
  double thermal_output(double x_eff, double tc_k, double bias_a, double& t_k, double& r_ohm) const;
  double trimmed_bias(double tc_k, double offset) const;
  double table_output(double x) const;

  neuron_model_kind m_kind = neuron_model_kind::thermal;
  thermal_time_basis m_basis = thermal_time_basis::at_settling_time;
  // ideal
  double m_gain = 1.0, m_threshold = 0.0, m_saturation = 1.0;
  // table
  std::vector<double> m_table_x, m_table_y;
  // thermal
  vo2_film m_film;
  double m_heater_ohm = 1e3, m_full_scale_a = 3e-3, m_bias_a = 0.0, m_ambient_k = 300.0;
  bias_trim_kind m_trim_kind = bias_trim_kind::none;
  double m_cth = 49.6e-12, m_gth = 0.206e-3, m_settling_s = 200e-9;
  bool m_rectify = false;
  double m_basis_factor = 1.0;  // share of the steady temperature rise the transfer reads
  double m_g0 = 0.0, m_g1 = 1.0;
  // variation and noise
  double m_sigma_tc = 0.0, m_sigma_threshold = 0.0, m_cycle_noise = 0.0;
  double m_stage_noise = 0.0, m_stage_offset_sigma = 0.0;
  std::vector<neuron_device> m_devices;
  std::mt19937_64 m_noise;
};

// One neuron driven by a sequence of inputs, remembering its temperature and its
// VO2 phase, so heating and cooling follow different branches (hysteresis).
class mott_neuron_trace {
 public:
  explicit mott_neuron_trace(const mott_neuron_model& model, std::size_t device = mott_neuron_model::nominal);

  // Holds input x for `duration_s` (the temperature relaxes toward its steady
  // value with the thermal time constant; infinity reaches it), then returns the
  // state. Output is normalized as the model's transfer.
  neuron_point drive(double x, double duration_s = std::numeric_limits<double>::infinity());

  double temperature_k() const { return m_t_k; }
  double insulating_fraction() const { return m_g; }

 private:
  const mott_neuron_model& m_model;
  vo2_film m_film;
  double m_scale = 1.0;
  double m_t_k = 0.0;
  double m_g = 1.0;
};

// Reads a measured transfer curve: lines "input,output", an optional header line,
// '#' comments and blank lines. Inputs must increase strictly; at least two
// points. Every problem is reported at file:line, all at once (dsl::input_error).
void read_neuron_table(const std::string& path, std::vector<double>& inputs, std::vector<double>& outputs);

}  // namespace mottsim::models

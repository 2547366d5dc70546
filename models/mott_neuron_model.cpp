#include "models/mott_neuron_model.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "dsl/diagnostics.hpp"
#include "dsl/input_file.hpp"

namespace mottsim::models {

// ---------------------------------------------------------------- VO2 film

double vo2_film::insulating_fraction(double t_k, bool heating) const {
  const double shift = heating ? 0.5 * width_k : -0.5 * width_k;
  return 0.5 * (1.0 + std::tanh(beta_per_k * (shift + tc_k - t_k)));
}

double vo2_film::next_fraction(double g, double t_k) const {
  // Heating branch lies above the cooling branch (g_+ >= g_-).
  return std::clamp(g, insulating_fraction(t_k, false), insulating_fraction(t_k, true));
}

double vo2_film::resistance(double t_k, double g) const { return r0_ohm * std::exp(ea_k / t_k) * g + r_metal_ohm; }

// ---------------------------------------------------------------- table file

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// Parses a whole field as a number; false when it is not one.
bool parse_number(const std::string& field, double& out) {
  const std::string t = trim(field);
  if (t.empty()) return false;
  errno = 0;
  char* end = nullptr;
  out = std::strtod(t.c_str(), &end);
  return end == t.c_str() + t.size();
}

}  // namespace

void read_neuron_table(const std::string& path, std::vector<double>& inputs, std::vector<double>& outputs) {
  inputs.clear();
  outputs.clear();
  dsl::diagnostics errors;
  std::istringstream in(dsl::read_input_file(path, "neuron table file"));
  std::string line;
  int number = 0;
  int last_line = 0;
  bool header_allowed = true;
  while (std::getline(in, line)) {
    ++number;
    const auto hash = line.find('#');
    const std::string body = hash == std::string::npos ? line : line.substr(0, hash);
    if (trim(body).empty()) continue;
    const auto where = [&](std::size_t col) { return dsl::source_location{path, number, static_cast<int>(col) + 1}; };
    const auto comma = body.find(',');
    const std::size_t first_col = body.find_first_not_of(" \t");
    if (comma == std::string::npos || body.find(',', comma + 1) != std::string::npos) {
      errors.error(where(first_col), "expected two comma-separated values 'input,output', got '" + trim(body) + "'");
      header_allowed = false;
      continue;
    }
    double x = 0.0, y = 0.0;
    const bool x_ok = parse_number(body.substr(0, comma), x);
    const bool y_ok = parse_number(body.substr(comma + 1), y);
    if (!x_ok && !y_ok && header_allowed) {  // a header line such as "input,output"
      header_allowed = false;
      continue;
    }
    header_allowed = false;
    if (!x_ok || !y_ok) {
      const std::size_t col = x_ok ? comma + 1 : first_col;
      const std::string field = trim(x_ok ? body.substr(comma + 1) : body.substr(0, comma));
      errors.error(where(col), "'" + field + "' is not a number");
      continue;
    }
    if (!std::isfinite(x) || !std::isfinite(y)) {
      errors.error(where(std::isfinite(x) ? comma + 1 : first_col), "values must be finite numbers (no NaN or inf)");
      continue;
    }
    if (!inputs.empty() && !(x > inputs.back())) {
      errors.error(where(first_col), "inputs must increase strictly: " + trim(body.substr(0, comma)) +
                                         " follows the input of line " + std::to_string(last_line));
      continue;
    }
    inputs.push_back(x);
    outputs.push_back(y);
    last_line = number;
  }
  if (!errors.has_errors() && inputs.size() < 2)
    errors.error(dsl::source_location{path, std::max(number, 1), 1},
                 "a transfer curve needs at least two input,output points, found " + std::to_string(inputs.size()));
  if (errors.has_errors()) throw dsl::input_error(errors);
}

// ---------------------------------------------------------------- model

mott_neuron_model::mott_neuron_model(const dsl::block_value& neuron, std::size_t devices, std::uint64_t seed,
                                     thermal_time_basis basis)
    : m_basis(basis), m_noise(seed_stream(seed, 1)) {
  // Any registered stage type simulated by this model has every parameter of
  // mott_neuron's schema (readout_stage_registry::add checks it).
  const std::string& model = neuron.text("model");
  m_kind = model == "ideal" ? neuron_model_kind::ideal
           : model == "table" ? neuron_model_kind::table
                              : neuron_model_kind::thermal;
  m_gain = neuron.number("gain");
  m_threshold = neuron.number("threshold");
  m_saturation = neuron.number("saturation");
  if (m_kind == neuron_model_kind::table) read_neuron_table(neuron.text("table_file"), m_table_x, m_table_y);

  m_film.tc_k = neuron.quantity("transition_temperature");
  m_film.width_k = neuron.quantity("hysteresis_width");
  m_film.beta_per_k = neuron.quantity("transition_sharpness");
  m_film.r0_ohm = neuron.quantity("r0");
  m_film.ea_k = neuron.quantity("activation_temperature");
  m_film.r_metal_ohm = neuron.quantity("r_metal");
  m_heater_ohm = neuron.quantity("heater_resistance");
  m_full_scale_a = neuron.quantity("full_scale_current");
  m_bias_a = neuron.quantity("bias_current");
  const std::string& trim = neuron.text("bias_trim");
  m_trim_kind = trim == "oracle" ? bias_trim_kind::oracle : trim == "measured" ? bias_trim_kind::measured : bias_trim_kind::none;
  m_ambient_k = neuron.quantity("ambient");
  m_cth = neuron.quantity("heat_capacity");
  m_gth = neuron.quantity("thermal_conductance");
  m_settling_s = neuron.quantity("settling_time");
  m_rectify = neuron.text("negative_input") == "rectify";
  m_sigma_tc = neuron.number("sigma_tc");
  m_sigma_threshold = neuron.number("sigma_threshold");
  m_cycle_noise = neuron.number("cycle_noise");
  const dsl::block_value& stage = neuron.block("gain_stage");
  // The gain stage is part of the thermal neuron's circuit; ideal and table
  // neurons state their whole behaviour (and energy) as parameters.
  if (m_kind == neuron_model_kind::thermal) {
    m_stage_noise = stage.number("noise");
    m_stage_offset_sigma = stage.number("offset_sigma");
  }
  m_basis_factor = m_basis == thermal_time_basis::steady_state ? 1.0 : settled_fraction();

  // Normalization: the nominal film at zero input and at full scale.
  const double t0 = effective_temperature(0.0);
  const double t1 = effective_temperature(1.0);
  m_g0 = 1.0 / m_film.resistance(t0, m_film.insulating_fraction(t0, true));
  m_g1 = 1.0 / m_film.resistance(t1, m_film.insulating_fraction(t1, true));

  // Device j depends on (seed, j) only.
  m_devices.resize(devices);
  for (std::size_t j = 0; j < devices; ++j) {
    std::mt19937_64 rng(seed_stream(seed_stream(seed, 0), j));
    std::normal_distribution<double> normal(0.0, 1.0);
    const double tc_draw = normal(rng);
    const double threshold_draw = normal(rng);
    m_devices[j].tc_k = m_film.tc_k + m_sigma_tc * tc_draw;
    // A threshold cannot flip sign: keep the scale positive (5 sigma at the 20 %
    // the schema allows would otherwise reach it).
    m_devices[j].threshold_scale = std::max(0.05, 1.0 + m_sigma_threshold * threshold_draw);
    // The gain stage's offset comes from a stream of its own, so adding it
    // leaves every other draw of device j where it was.
    std::mt19937_64 stage_rng(seed_stream(seed_stream(seed, 2), j));
    m_devices[j].offset = m_stage_offset_sigma > 0.0 ? m_stage_offset_sigma * normal(stage_rng) : 0.0;
    const bool oracle = m_trim_kind == bias_trim_kind::oracle && m_kind == neuron_model_kind::thermal;
    m_devices[j].bias_a =
        oracle ? trimmed_bias(m_devices[j].tc_k, m_devices[j].offset / m_devices[j].threshold_scale) : m_bias_a;
  }
}

double mott_neuron_model::trimmed_bias(double tc_k, double offset) const {
  // The zero-input conductance rises monotonically with the bias current on the
  // heating branch; bisect for the bias that gives the nominal device's. The
  // trim reads the neuron through its gain stage, so it sees (and cancels) the
  // stage's offset too.
  double t = 0.0, r = 0.0;
  const double target = m_g0;  // the nominal film at zero input
  double lo = 0.0, hi = m_bias_a + 4.0 * m_full_scale_a;
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (lo + hi);
    thermal_output(offset, tc_k, mid, t, r);
    (1.0 / r < target ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

double mott_neuron_model::heater_current(double x) const { return heater_current(x, m_bias_a); }

double mott_neuron_model::heater_current(double x, double bias_a) const {
  const double i = bias_a + x * m_full_scale_a;
  return m_rectify ? std::abs(i) : std::max(0.0, i);  // clamp: a series diode blocks negative current
}

double mott_neuron_model::heater_power(double x) const { return heater_power(x, m_bias_a); }

double mott_neuron_model::heater_power(double x, double bias_a) const {
  const double current = heater_current(x, bias_a);
  return current * current * m_heater_ohm;
}

double mott_neuron_model::steady_temperature(double x) const { return m_ambient_k + heater_power(x) / m_gth; }

// The step response's share reached after t, 1 - exp(-t G_th / C_th), by
// expm1 so that a slow film (t far below its time constant) still heats by
// P t / C_th instead of rounding to nothing.
double mott_neuron_model::rise_fraction(double t_s) const { return -std::expm1(-t_s * m_gth / m_cth); }

double mott_neuron_model::temperature_at(double x, double t_s) const {
  return m_ambient_k + heater_power(x) * rise_fraction(t_s) / m_gth;
}

double mott_neuron_model::settled_fraction() const { return rise_fraction(m_settling_s); }

double mott_neuron_model::effective_temperature(double x) const { return effective_temperature(x, m_bias_a); }

double mott_neuron_model::effective_temperature(double x, double bias_a) const {
  return m_ambient_k + heater_power(x, bias_a) / m_gth * m_basis_factor;
}

double mott_neuron_model::effective_threshold() const {
  const double rise = m_film.tc_k + 0.5 * m_film.width_k - m_ambient_k;
  if (rise <= 0.0) return -m_bias_a / m_full_scale_a;
  return (std::sqrt(rise * m_gth / (m_basis_factor * m_heater_ohm)) - m_bias_a) / m_full_scale_a;
}

double mott_neuron_model::thermal_output(double x_eff, double tc_k, double bias_a, double& t_k, double& r_ohm) const {
  t_k = effective_temperature(x_eff, bias_a);
  const double g = 0.5 * (1.0 + std::tanh(m_film.beta_per_k * (0.5 * m_film.width_k + tc_k - t_k)));  // heating branch
  r_ohm = m_film.resistance(t_k, g);
  return (1.0 / r_ohm - m_g0) / (m_g1 - m_g0);
}

double mott_neuron_model::table_output(double x) const {
  if (x <= m_table_x.front()) return m_table_y.front();
  if (x >= m_table_x.back()) return m_table_y.back();
  const auto hi = static_cast<std::size_t>(std::upper_bound(m_table_x.begin(), m_table_x.end(), x) - m_table_x.begin());
  const std::size_t lo = hi - 1;
  const double f = (x - m_table_x[lo]) / (m_table_x[hi] - m_table_x[lo]);
  return m_table_y[lo] + f * (m_table_y[hi] - m_table_y[lo]);
}

neuron_point mott_neuron_model::evaluate(double x, std::size_t device) const {
  const bool own = device != nominal;
  const double scale = own ? m_devices.at(device).threshold_scale : 1.0;
  neuron_point p;
  p.input = x;
  if (own) x += m_devices[device].offset;
  switch (m_kind) {
    case neuron_model_kind::ideal:
      p.output = std::min(m_saturation, m_gain * std::max(0.0, x - m_threshold * scale));
      break;
    case neuron_model_kind::table: p.output = table_output(x / scale); break;
    case neuron_model_kind::thermal:
      p.output = thermal_output(x / scale, own ? m_devices[device].tc_k : m_film.tc_k,
                                own ? m_devices[device].bias_a : m_bias_a, p.temperature_k, p.resistance_ohm);
      break;
  }
  return p;
}

void mott_neuron_model::apply(Eigen::Ref<Eigen::MatrixXd> x) { apply(x, m_noise); }

void mott_neuron_model::apply(Eigen::Ref<Eigen::MatrixXd> x, std::mt19937_64& rng) const {
  if (static_cast<std::size_t>(x.rows()) > m_devices.size())
    throw std::invalid_argument("mott_neuron_model::apply: more rows than devices");
  // The gain stage's noise adds to the input of every read.
  if (m_stage_noise > 0.0) {
    std::normal_distribution<double> normal(0.0, m_stage_noise);
    for (Eigen::Index c = 0; c < x.cols(); ++c)
      for (Eigen::Index r = 0; r < x.rows(); ++r) x(r, c) += normal(rng);
  }
  // Column-major: walk rows inside columns, with per-row device constants.
  for (Eigen::Index c = 0; c < x.cols(); ++c)
    for (Eigen::Index r = 0; r < x.rows(); ++r) x(r, c) = evaluate(x(r, c), static_cast<std::size_t>(r)).output;
  if (m_cycle_noise > 0.0) {
    std::normal_distribution<double> normal(0.0, m_cycle_noise);
    for (Eigen::Index c = 0; c < x.cols(); ++c)
      for (Eigen::Index r = 0; r < x.rows(); ++r) x(r, c) += normal(rng);
  }
}

namespace {

// x += sigma N(0, 1), one draw per element, column by column.
void add_normal(Eigen::Ref<Eigen::MatrixXd> x, double sigma, gaussian_source& noise) {
  if (!(sigma > 0.0)) return;
  Eigen::ArrayXf eps(x.rows());
  for (Eigen::Index c = 0; c < x.cols(); ++c) {
    noise.fill(eps.data(), static_cast<std::size_t>(eps.size()));
    x.col(c).array() += sigma * eps.cast<double>();
  }
}

}  // namespace

void mott_neuron_model::apply(Eigen::Ref<Eigen::MatrixXd> x, gaussian_source& noise) const {
  if (static_cast<std::size_t>(x.rows()) > m_devices.size())
    throw std::invalid_argument("mott_neuron_model::apply: more rows than devices");
  add_normal(x, m_stage_noise, noise);
  transfer_rows(x);
  add_normal(x, m_cycle_noise, noise);
}

void mott_neuron_model::transfer_rows(Eigen::Ref<Eigen::MatrixXd> x) const {
  if (m_kind != neuron_model_kind::thermal) {
    // Column-major: walk rows inside columns, with per-row device constants.
    for (Eigen::Index c = 0; c < x.cols(); ++c)
      for (Eigen::Index r = 0; r < x.rows(); ++r) x(r, c) = evaluate(x(r, c), static_cast<std::size_t>(r)).output;
    return;
  }
  // The thermal curve of evaluate(), on whole matrices with per-row device
  // constants. The heating branch 0.5 (1 + tanh(z)) is written 1 / (1 +
  // exp(-2 z)), the same function to rounding, so every step is a vectorized
  // exp instead of two scalar calls per element.
  const Eigen::Index rows = x.rows();
  Eigen::ArrayXd offset(rows), inv_scale(rows), bias(rows), edge(rows);
  for (Eigen::Index j = 0; j < rows; ++j) {
    const neuron_device& d = m_devices[static_cast<std::size_t>(j)];
    offset(j) = d.offset;
    inv_scale(j) = m_full_scale_a / d.threshold_scale;
    bias(j) = d.bias_a;
    edge(j) = 2.0 * m_film.beta_per_k * (0.5 * m_film.width_k + d.tc_k);
  }
  const double heat = m_heater_ohm / m_gth * m_basis_factor;
  Eigen::ArrayXXd a = ((x.array().colwise() + offset).colwise() * inv_scale).colwise() + bias;  // heater current
  if (m_rectify) a = a.abs();
  else a = a.max(0.0);
  const Eigen::ArrayXXd t = m_ambient_k + a.square() * heat;  // film temperature
  a = ((2.0 * m_film.beta_per_k) * t).colwise() - edge;        // -2 z
  a = (m_film.r0_ohm * (m_film.ea_k / t).exp()) / (1.0 + a.exp()) + m_film.r_metal_ohm;  // resistance
  x = ((a.inverse() - m_g0) / (m_g1 - m_g0)).matrix();
}

std::vector<std::pair<double, double>> mott_neuron_model::curve(double x_min, double x_max, int points) const {
  std::vector<std::pair<double, double>> out;
  if (points <= 0) return out;
  out.reserve(static_cast<std::size_t>(points));
  for (int i = 0; i < points; ++i) {
    const double x = points == 1 ? x_min : x_min + (x_max - x_min) * i / (points - 1);
    out.emplace_back(x, transfer(x));
  }
  return out;
}

// ---------------------------------------------------------------- trace

mott_neuron_trace::mott_neuron_trace(const mott_neuron_model& model, std::size_t device)
    : m_model(model), m_film(model.film()) {
  if (device != mott_neuron_model::nominal) {
    m_film.tc_k = model.device(device).tc_k;
    m_scale = model.device(device).threshold_scale;
  }
  m_t_k = model.steady_temperature(0.0);
  m_g = m_film.insulating_fraction(m_t_k, true);
}

neuron_point mott_neuron_trace::drive(double x, double duration_s) {
  neuron_point p;
  p.input = x;
  if (m_model.kind() != neuron_model_kind::thermal) {
    p.output = m_model.transfer(x);
    return p;
  }
  // Relax toward the steady temperature by the step response's share, kept
  // as a difference so a slow film does not lose its rise to rounding.
  const double target = m_model.steady_temperature(x / m_scale);
  const double share = std::isinf(duration_s) ? 1.0 : m_model.rise_fraction(duration_s);
  m_t_k += (target - m_t_k) * share;
  // A monotonic relaxation ends where the play operator applied at its end
  // point would put it, so one update per step is exact.
  m_g = m_film.next_fraction(m_g, m_t_k);
  p.temperature_k = m_t_k;
  p.resistance_ohm = m_film.resistance(m_t_k, m_g);
  p.output = (1.0 / p.resistance_ohm - m_model.conductance_at_zero()) /
             (m_model.conductance_at_full_scale() - m_model.conductance_at_zero());
  return p;
}

}  // namespace mottsim::models

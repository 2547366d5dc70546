#include <doctest/doctest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "dsl/diagnostics.hpp"
#include "dsl/validator.hpp"
#include "dsl/yaml_tree.hpp"
#include "models/mott_neuron_model.hpp"
#include "models/neuron_trim.hpp"
#include "platform/cli/commands.hpp"
#include "platform/elaboration/model_registry.hpp"
#include "test_support.hpp"

using namespace mottsim;
using models::mott_neuron_model;
using models::thermal_time_basis;

namespace {

using mottsim::test_support::scratch_dir;
using mottsim::test_support::registry;

namespace fs = std::filesystem;

// A mott_neuron block from YAML text, validated by the real schema (defaults filled).
dsl::block_value neuron_block(const std::string& text) {
  dsl::diagnostics errors;
  auto root = dsl::load_yaml_string(text.empty() ? std::string("{}") : text, "neuron.yaml", errors);
  INFO(errors.to_string());
  REQUIRE(root.get() != nullptr);
  dsl::validator check(registry(), nullptr, errors);
  dsl::block_value v = check.validate(*root, *registry().find_schema("mott_neuron"), "block 'neuron'", {});
  INFO(errors.to_string());
  REQUIRE_FALSE(errors.has_errors());
  return v;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
#define CHECK_CONTAINS(text, part) CHECK_MESSAGE(contains(text, part), "'" << (text) << "' lacks '" << (part) << "'")

// The shipped default device, written out by hand from the schema defaults and
// the published compact model (Zhang et al. 2024), independently of the model code.
constexpr double R_h = 1e3, I_fs = 3e-3, T_amb = 300.0, G_th = 0.206e-3, C_th = 49.6e-12;
constexpr double Tc = 332.8, w = 7.19, beta = 0.253, R0 = 5.36e-3, Ea = 5220.0, R_met = 1290.0;

double hand_temperature(double x, double fraction) { return T_amb + (x * I_fs) * (x * I_fs) * R_h / G_th * fraction; }
double hand_resistance_heating(double t) {
  const double g = 0.5 * (1.0 + std::tanh(beta * (w / 2 + Tc - t)));
  return R0 * std::exp(Ea / t) * g + R_met;
}
double hand_output(double x, double fraction) {
  const double g0 = 1.0 / hand_resistance_heating(hand_temperature(0.0, fraction));
  const double g1 = 1.0 / hand_resistance_heating(hand_temperature(1.0, fraction));
  return (1.0 / hand_resistance_heating(hand_temperature(x, fraction)) - g0) / (g1 - g0);
}

std::string table_error(const std::string& csv_text) {
  scratch_dir dir;
  const std::string path = dir.write("curve.csv", csv_text);
  std::vector<double> x, y;
  try {
    models::read_neuron_table(path, x, y);
  } catch (const dsl::input_error& e) {
    std::string text = e.errors().to_string();
    // Relative to the file name, so the checks read as the user sees them.
    for (auto at = text.find(path); at != std::string::npos; at = text.find(path))
      text.replace(at, path.size(), "curve.csv");
    return text;
  }
  return "no error";
}

}  // namespace

TEST_CASE("mott neuron: thermal steady-state curve matches the heater and VO2 formulas") {
  const mott_neuron_model model(neuron_block(""), 1, 0, thermal_time_basis::steady_state);
  REQUIRE(model.kind() == models::neuron_model_kind::thermal);
  CHECK(model.time_constant() == doctest::Approx(C_th / G_th).scale(0));
  // Hand-computed at x = 0.5, 0.9 and 1: T = T_amb + (x I_fs)^2 R_h / G_th, R(T) on the heating branch.
  for (double x : {0.5, 0.9, 1.0}) {
    CAPTURE(x);
    const double t = hand_temperature(x, 1.0);
    const models::neuron_point p = model.evaluate(x);
    CHECK(p.temperature_k == doctest::Approx(t).scale(0).epsilon(1e-12));
    CHECK(p.resistance_ohm == doctest::Approx(hand_resistance_heating(t)).scale(0).epsilon(1e-12));
    CHECK(p.output == doctest::Approx(hand_output(x, 1.0)).scale(0).epsilon(1e-9));
  }
  // Known numbers: full scale heats 43.69 K above ambient, past Tc + w/2 = 336.4 K.
  CHECK(hand_temperature(1.0, 1.0) == doctest::Approx(343.689).scale(0).epsilon(1e-5));
  CHECK(model.evaluate(1.0).resistance_ohm == doctest::Approx(1804.8).scale(0).epsilon(1e-3));
  CHECK(model.evaluate(0.0).resistance_ohm == doctest::Approx(194437).scale(0).epsilon(1e-4));
  CHECK(std::abs(model.transfer(0.0)) < 1e-12);
  CHECK(model.transfer(1.0) == doctest::Approx(1.0).scale(0).epsilon(1e-12));
  // Threshold: the heating branch's midpoint Tc + w/2 is reached at x = 0.913.
  const double x_th = std::sqrt((Tc + w / 2 - T_amb) * G_th / R_h) / I_fs;
  CHECK(model.effective_threshold() == doctest::Approx(x_th).scale(0).epsilon(1e-12));
}

TEST_CASE("mott neuron: thermal curve is monotonic and near zero below threshold") {
  for (auto basis : {thermal_time_basis::steady_state, thermal_time_basis::at_settling_time}) {
    const mott_neuron_model model(neuron_block(""), 1, 0, basis);
    const auto curve = model.curve(0.0, 1.0, 401);
    REQUIRE(curve.size() == 401);
    CHECK(curve.front().first == 0.0);
    CHECK(curve.back().first == 1.0);
    for (std::size_t i = 1; i < curve.size(); ++i) CHECK(curve[i].second >= curve[i - 1].second);
    CHECK(std::abs(curve.front().second) < 1e-12);
    CHECK(curve.back().second == doctest::Approx(1.0).scale(0).epsilon(1e-12));
  }
  const mott_neuron_model steady(neuron_block(""), 1, 0, thermal_time_basis::steady_state);
  for (double x : {0.1, 0.3, 0.5, 0.7}) CHECK(steady.transfer(x) < 0.03);  // the insulating side
  CHECK(steady.transfer(0.95) > 0.2);                                       // through the transition
}

TEST_CASE("mott neuron: functional mode reads the film at settling_time") {
  // tau = 240.8 ns; the shipped settling_time of 200 ns reaches 1 - exp(-200/240.8) = 56.4 %.
  const mott_neuron_model model(neuron_block(""));
  CHECK(model.time_basis() == thermal_time_basis::at_settling_time);
  const double fraction = 1.0 - std::exp(-200e-9 / (C_th / G_th));
  CHECK(model.settled_fraction() == doctest::Approx(fraction).scale(0).epsilon(1e-12));
  CHECK(fraction == doctest::Approx(0.5642).scale(0).epsilon(1e-3));
  for (double x : {0.4, 0.8}) {
    const models::neuron_point p = model.evaluate(x);
    CHECK(p.temperature_k == doctest::Approx(hand_temperature(x, fraction)).scale(0).epsilon(1e-12));
    CHECK(p.output == doctest::Approx(hand_output(x, fraction)).scale(0).epsilon(1e-9));
  }
  // Step response: one time constant reaches 1 - 1/e of the rise.
  const double tau = model.time_constant();
  CHECK(model.temperature_at(1.0, tau) - T_amb ==
        doctest::Approx((hand_temperature(1.0, 1.0) - T_amb) * (1.0 - std::exp(-1.0))).scale(0).epsilon(1e-12));
  // A settling time of 8 tau gives nearly the steady curve.
  const mott_neuron_model slow(neuron_block("settling_time: 2 us"));
  const mott_neuron_model steady(neuron_block(""), 1, 0, thermal_time_basis::steady_state);
  CHECK(slow.transfer(0.95) == doctest::Approx(steady.transfer(0.95)).scale(0).epsilon(0.05));
}

TEST_CASE("mott neuron: a film far slower than its pulse heats by P t / C_th, not by nothing") {
  // G_th = 1e-20 W/K: tau = C_th / G_th = 4.96e9 s, 2.5e16 times the 200 ns
  // pulse, so 1 - exp(-t/tau) rounds to 0 in double while the rise is
  // P t / C_th = (3 mA)^2 x 1 kOhm x 200 ns / 49.6 pF = 36.29 K at full scale.
  const mott_neuron_model slow(neuron_block("thermal_conductance: 1e-20 W/K"));
  const double rise = I_fs * I_fs * R_h * 200e-9 / C_th;
  CHECK(slow.temperature_at(1.0, 200e-9) - T_amb == doctest::Approx(rise).scale(0).epsilon(1e-9));
  CHECK(slow.settled_fraction() == doctest::Approx(200e-9 / (C_th / 1e-20)).scale(0).epsilon(1e-9));
  // The trace relaxes by the same share: one full-scale pulse from ambient.
  models::mott_neuron_trace trace(slow);
  const models::neuron_point p = trace.drive(1.0, 200e-9);
  CHECK(p.temperature_k - T_amb == doctest::Approx(rise).scale(0).epsilon(1e-6));
  CHECK(std::isfinite(p.output));
}

TEST_CASE("mott neuron: a pulsed bias current puts the zero input at the foot of the transition") {
  // The shipped operating point (configs/tech/mott_neurons.yaml): heater current
  // I = I_b + x I_fs from ambient, read at 1 - exp(-200/240.8) of the steady rise.
  constexpr double I_b = 3.6e-3, I_s = 0.6e-3;
  const mott_neuron_model model(neuron_block("bias_current: 3.6 mA\nfull_scale_current: 0.6 mA"));
  const double fraction = 1.0 - std::exp(-200e-9 / (C_th / G_th));
  const auto temperature = [&](double x) {
    const double i = std::max(0.0, I_b + x * I_s);  // the series diode blocks a net negative current
    return T_amb + i * i * R_h / G_th * fraction;
  };
  const auto conductance = [&](double x) { return 1.0 / hand_resistance_heating(temperature(x)); };
  CHECK(temperature(0.0) == doctest::Approx(335.50).scale(0).epsilon(1e-4));  // just under Tc + w/2 = 336.4 K
  CHECK(temperature(0.0) < Tc + w / 2);
  CHECK(temperature(1.0) == doctest::Approx(348.30).scale(0).epsilon(1e-4));
  CHECK(hand_resistance_heating(temperature(1.0)) < 1.04 * R_met);  // metallic at full scale
  for (double x : {-0.5, 0.25, 0.5, 0.75}) {
    CAPTURE(x);
    const models::neuron_point p = model.evaluate(x);
    CHECK(p.temperature_k == doctest::Approx(temperature(x)).scale(0).epsilon(1e-12));
    CHECK(p.output ==
          doctest::Approx((conductance(x) - conductance(0.0)) / (conductance(1.0) - conductance(0.0))).scale(0).epsilon(1e-9));
  }
  // Below zero the output falls under its zero (an ADC starting at zero reads 0: a ReLU).
  CHECK(model.transfer(-0.5) < 0.0);
  CHECK(model.evaluate(-7.0).temperature_k == doctest::Approx(T_amb).scale(0));  // net current blocked
  const auto curve = model.curve(-1.0, 1.5, 251);
  for (std::size_t i = 1; i < curve.size(); ++i) CHECK(curve[i].second >= curve[i - 1].second);
  const double x_th = (std::sqrt((Tc + w / 2 - T_amb) * G_th / (R_h * fraction)) - I_b) / I_s;
  CHECK(model.effective_threshold() == doctest::Approx(x_th).scale(0).epsilon(1e-12));
  CHECK(x_th > 0.0);
  CHECK(x_th < 0.1);
}

TEST_CASE("mott neuron: the oracle bias trim cancels Tc variation at zero input") {
  // Without gain-stage offsets, so the trim has only Tc to cancel.
  const std::string device =
      "bias_current: 3.6 mA\nfull_scale_current: 0.6 mA\nsigma_tc: 1\nsigma_threshold: 0\ngain_stage: {offset_sigma: 0}\n";
  const mott_neuron_model raw(neuron_block(device + "bias_trim: none"), 200, 7);
  const mott_neuron_model trimmed(neuron_block(device + "bias_trim: oracle"), 200, 7);
  const double r0 = trimmed.evaluate(0.0).resistance_ohm;
  double spread_raw = 0.0, spread_trimmed = 0.0;
  for (std::size_t j = 0; j < 200; ++j) {
    CAPTURE(j);
    // Same draws with and without the trim.
    REQUIRE(trimmed.device(j).tc_k == raw.device(j).tc_k);
    CHECK(trimmed.evaluate(0.0, j).resistance_ohm == doctest::Approx(r0).scale(0).epsilon(1e-9));
    // A hotter Tc needs more bias, a cooler one less.
    if (trimmed.device(j).tc_k > Tc + 0.01) CHECK(trimmed.device(j).bias_a > 3.6e-3);
    if (trimmed.device(j).tc_k < Tc - 0.01) CHECK(trimmed.device(j).bias_a < 3.6e-3);
    CHECK(raw.device(j).bias_a == doctest::Approx(3.6e-3).scale(0));
    spread_raw += std::pow(raw.transfer(0.5, j) - raw.transfer(0.5), 2);
    spread_trimmed += std::pow(trimmed.transfer(0.5, j) - trimmed.transfer(0.5), 2);
  }
  // Mid-scale outputs scatter far less once each zero is aligned.
  CHECK(spread_trimmed < 0.05 * spread_raw);
}

namespace {

// A 4-bit ADC after the neuron with codes on the nominal curve at evenly
// spaced inputs (code_spacing: neuron_input), as functional mode builds it.
models::neuron_readout curve_matched_readout(const mott_neuron_model& m) {
  models::neuron_readout r;
  for (int k = 1; k <= 15; ++k) r.decision_levels.push_back(m.transfer((k - 0.5) / 15.0));
  r.first_code_input = 0.5 / 15.0;
  return r;
}

}  // namespace

TEST_CASE("mott neuron: the measured trim lines up each neuron's first code without reading its Tc") {
  // Tc is the only variation (the stage's offset is cancelled the same way:
  // the trim reads through the stage), and without noise every comparison is
  // exact.
  const std::string device =
      "bias_current: 3.6 mA\nfull_scale_current: 0.6 mA\nsigma_tc: 1\nsigma_threshold: 0\ngain_stage: {noise: 0, offset_sigma: 0}\n";
  const std::size_t n = 200;
  mott_neuron_model measured(neuron_block(device + "bias_trim: measured"), n, 7);
  const mott_neuron_model raw(neuron_block(device + "bias_trim: none"), n, 7);
  const mott_neuron_model oracle(neuron_block(device + "bias_trim: oracle"), n, 7);
  const models::neuron_readout readout = curve_matched_readout(measured);
  const double t1 = readout.decision_levels.front(), step = readout.decision_levels[1] - t1;
  // Before the trim every neuron has the nominal bias.
  for (std::size_t j = 0; j < n; ++j) REQUIRE(measured.device(j).bias_a == doctest::Approx(3.6e-3).scale(0));
  models::trim_neurons_measured(measured, readout, 64, 11);
  double raw_error = 0.0;
  for (std::size_t j = 0; j < n; ++j) {
    CAPTURE(j);
    REQUIRE(measured.device(j).tc_k == raw.device(j).tc_k);
    // Without cycle noise each comparison is exact: neuron j reaches the first
    // decision level at the nominal input of that level, to the precision of 40
    // halvings of a 6 mA search range (6 fA, far below one code).
    CHECK(std::abs(measured.transfer(readout.first_code_input, j) - t1) < 1e-3 * step);
    raw_error = std::max(raw_error, std::abs(raw.transfer(readout.first_code_input, j) - t1));
    // The trim follows Tc as the oracle's does, and lands close to it: both
    // cancel the same Tc offset, at the first code or at zero input.
    if (measured.device(j).tc_k > Tc + 0.01) CHECK(measured.device(j).bias_a > 3.6e-3);
    if (measured.device(j).tc_k < Tc - 0.01) CHECK(measured.device(j).bias_a < 3.6e-3);
    CHECK(std::abs(measured.device(j).bias_a - oracle.device(j).bias_a) <
          0.1 * std::abs(oracle.device(j).bias_a - 3.6e-3) + 1e-6);
  }
  // Untrimmed, sigma_tc = 1 K puts some neuron's first code several codes off.
  CHECK(raw_error > 2 * step);
}

TEST_CASE("mott neuron: the measured trim errs with cycle noise, less with more reads averaged") {
  const double sigma = 0.02;
  const std::string device = "bias_current: 3.6 mA\nfull_scale_current: 0.6 mA\nsigma_tc: 1\nsigma_threshold: 0\n"
                             "cycle_noise: 0.02\ngain_stage: {noise: 0}\n";
  const std::size_t n = 300;
  const auto rms_error = [&](long long reads) {
    mott_neuron_model m(neuron_block(device), n, 7);
    const models::neuron_readout readout = curve_matched_readout(m);
    models::trim_neurons_measured(m, readout, reads, 5);
    double sum = 0.0;
    for (std::size_t j = 0; j < n; ++j) sum += std::pow(m.transfer(readout.first_code_input, j) - readout.decision_levels[0], 2);
    return std::sqrt(sum / static_cast<double>(n));
  };
  const double one = rms_error(1), many = rms_error(256);
  // Each comparison decides on the share of N noisy reads reaching the level,
  // which is wrong only when the output sits within a few sigma / sqrt(N) of
  // it: the error shrinks like 1 / sqrt(N) (16 times from 1 to 256 reads) and
  // stays within 3 sigma / sqrt(N).
  CHECK(one > 0.0);
  CHECK(many < one / 4);
  CHECK(many < 3 * sigma / std::sqrt(256.0));
  CHECK(one < 3 * sigma);
}

TEST_CASE("mott neuron: the measured trim hears the gain stage's input noise through the curve's slope") {
  // No cycle noise: only the stage's input noise N(0, s) makes a comparison err,
  // carried to the output by the curve's slope at the first code, y'(x1) s.
  const double s = 0.01;
  const std::string device = "bias_current: 3.6 mA\nfull_scale_current: 0.6 mA\nsigma_tc: 1\nsigma_threshold: 0\n"
                             "gain_stage: {noise: 1 %}\n";
  const std::size_t n = 300;
  const auto rms_error = [&](long long reads, double& output_sigma) {
    mott_neuron_model m(neuron_block(device), n, 7);
    const models::neuron_readout readout = curve_matched_readout(m);
    const double x1 = readout.first_code_input;
    output_sigma = (m.transfer(x1 + 1e-4) - m.transfer(x1 - 1e-4)) / 2e-4 * s;
    models::trim_neurons_measured(m, readout, reads, 5);
    double sum = 0.0;
    for (std::size_t j = 0; j < n; ++j) sum += std::pow(m.transfer(x1, j) - readout.decision_levels[0], 2);
    return std::sqrt(sum / static_cast<double>(n));
  };
  double sigma = 0.0;
  const double one = rms_error(1, sigma), many = rms_error(256, sigma);
  REQUIRE(sigma > 0.0);
  CHECK(one > 0.0);
  CHECK(many < one / 4);
  CHECK(many < 3 * sigma / std::sqrt(256.0));
  CHECK(one < 3 * sigma);
}

TEST_CASE("mott neuron: hysteresis, the heating and cooling branches differ around Tc") {
  const models::vo2_film film;
  // The heating branch crosses g = 1/2 at Tc + w/2, the cooling branch at Tc - w/2.
  CHECK(film.insulating_fraction(Tc + w / 2, true) == doctest::Approx(0.5).scale(0).epsilon(1e-12));
  CHECK(film.insulating_fraction(Tc - w / 2, false) == doctest::Approx(0.5).scale(0).epsilon(1e-12));
  CHECK(film.insulating_fraction(Tc, true) > film.insulating_fraction(Tc, false));

  const mott_neuron_model model(neuron_block(""), 1, 0, thermal_time_basis::steady_state);
  // The input that holds the film at Tc in steady state.
  const double x_tc = std::sqrt((Tc - T_amb) * G_th / R_h) / I_fs;
  models::mott_neuron_trace trace(model);
  std::vector<double> up, down;
  const int n = 41;
  for (int i = 0; i < n; ++i) up.push_back(trace.drive(1.2 * i / (n - 1)).output);
  for (int i = n - 1; i >= 0; --i) down.push_back(trace.drive(1.2 * i / (n - 1)).output);
  // Same input, different branch: the cooling film stays metallic longer.
  models::mott_neuron_trace heat(model);
  heat.drive(0.0);
  const models::neuron_point heating = heat.drive(x_tc);
  models::mott_neuron_trace cool(model);
  cool.drive(1.2);
  const models::neuron_point cooling = cool.drive(x_tc);
  CHECK(heating.temperature_k == doctest::Approx(Tc).scale(0).epsilon(1e-9));
  CHECK(cooling.temperature_k == doctest::Approx(Tc).scale(0).epsilon(1e-9));
  CHECK(cooling.resistance_ohm < 0.5 * heating.resistance_ohm);
  CHECK(cooling.output > heating.output + 0.1);
  // Heating follows the steady ascending curve; the loop closes at both ends.
  for (int i = 0; i < n; ++i)
    CHECK(std::abs(up[static_cast<std::size_t>(i)] - model.transfer(1.2 * i / (n - 1))) < 1e-9);
  CHECK(std::abs(down.back() - up.front()) < 1e-6);
  // Inside the loop (heated to Tc, cooled 2 K) the phase does not move.
  models::mott_neuron_trace minor(model);
  minor.drive(x_tc);
  const double g_at_tc = minor.insulating_fraction();
  minor.drive(std::sqrt((Tc - 2.0 - T_amb) * G_th / R_h) / I_fs);
  CHECK(minor.insulating_fraction() == doctest::Approx(g_at_tc).scale(0).epsilon(1e-12));
  // Time domain: one time constant from ambient reaches 1 - 1/e of the rise.
  models::mott_neuron_trace step(model);
  step.drive(1.0, model.time_constant());
  CHECK(step.temperature_k() == doctest::Approx(model.temperature_at(1.0, model.time_constant())).scale(0).epsilon(1e-12));
}

TEST_CASE("mott neuron: negative inputs are clamped by the diode or rectified by the heater") {
  const mott_neuron_model clamp(neuron_block(""), 1, 0, thermal_time_basis::steady_state);
  CHECK(std::abs(clamp.transfer(-0.8)) < 1e-12);
  CHECK(clamp.heater_power(-0.8) == 0.0);
  const mott_neuron_model rectify(neuron_block("negative_input: rectify"), 1, 0, thermal_time_basis::steady_state);
  CHECK(rectify.transfer(-0.97) == doctest::Approx(rectify.transfer(0.97)).scale(0).epsilon(1e-12));
  CHECK(rectify.heater_power(-0.5) == doctest::Approx(0.25 * I_fs * I_fs * R_h).scale(0).epsilon(1e-12));
}

TEST_CASE("mott neuron: ideal model") {
  const mott_neuron_model model(
      neuron_block("model: ideal\nenergy_per_activation: 1 pJ\ngain: 2\nthreshold: 0.1\nsaturation: 0.9\nsigma_threshold: 0"));
  CHECK(model.transfer(-0.5) == 0.0);
  CHECK(model.transfer(0.1) == 0.0);
  CHECK(model.transfer(0.3) == doctest::Approx(0.4).scale(0).epsilon(1e-12));
  CHECK(model.transfer(0.9) == doctest::Approx(0.9).scale(0).epsilon(1e-12));
  const models::neuron_point p = model.evaluate(0.3);
  CHECK(std::isnan(p.temperature_k));
  CHECK(std::isnan(p.resistance_ohm));
}

TEST_CASE("mott neuron: device variation is seeded, cycle noise is per evaluation") {
  const auto block = neuron_block("sigma_tc: 2\nsigma_threshold: 10 %\ngain_stage: {noise: 0}");
  const mott_neuron_model a(block, 400, 7, thermal_time_basis::steady_state);
  const mott_neuron_model b(block, 400, 7, thermal_time_basis::steady_state);
  const mott_neuron_model c(block, 400, 8, thermal_time_basis::steady_state);
  double sum = 0.0, sum2 = 0.0;
  bool differs = false;
  for (std::size_t j = 0; j < 400; ++j) {
    CHECK(a.device(j).tc_k == b.device(j).tc_k);
    CHECK(a.device(j).threshold_scale == b.device(j).threshold_scale);
    differs |= a.device(j).tc_k != c.device(j).tc_k;
    sum += a.device(j).tc_k - Tc;
    sum2 += (a.device(j).tc_k - Tc) * (a.device(j).tc_k - Tc);
  }
  CHECK(differs);
  CHECK(std::abs(sum / 400) < 0.4);                      // mean 0, standard error 0.1 K
  CHECK(std::sqrt(sum2 / 400) == doctest::Approx(2.0).scale(0).epsilon(0.15));
  // Device j's curve follows its own Tc; more devices do not move device 0.
  const mott_neuron_model few(block, 3, 7, thermal_time_basis::steady_state);
  CHECK(few.device(0).tc_k == a.device(0).tc_k);
  CHECK(a.transfer(0.95, 0) != a.transfer(0.95, 1));
  // A device with a higher Tc conducts less at the same input.
  std::size_t hot = 0, cold = 0;
  for (std::size_t j = 0; j < 400; ++j) {
    if (a.device(j).tc_k > a.device(hot).tc_k) hot = j;
    if (a.device(j).tc_k < a.device(cold).tc_k) cold = j;
  }
  const mott_neuron_model tc_only(neuron_block("sigma_tc: 2\nsigma_threshold: 0"), 400, 7,
                                  thermal_time_basis::steady_state);
  CHECK(tc_only.transfer(0.95, hot) < tc_only.transfer(0.95, cold));

  // Cycle noise: zero mean, sigma as set, independent of the device curve.
  mott_neuron_model noisy(
      neuron_block("model: ideal\nenergy_per_activation: 1 pJ\nsigma_threshold: 0\ncycle_noise: 2 %"), 4, 1);
  Eigen::MatrixXd x = Eigen::MatrixXd::Constant(4, 20000, 0.5);
  noisy.apply(x);
  const double mean = x.mean();
  const double sd = std::sqrt((x.array() - mean).square().mean());
  CHECK(mean == doctest::Approx(0.5).scale(0).epsilon(1e-3));
  CHECK(sd == doctest::Approx(0.02).scale(0).epsilon(0.03));
  // Rows go through their own devices.
  mott_neuron_model rows(block, 3, 7, thermal_time_basis::steady_state);
  Eigen::MatrixXd y = Eigen::MatrixXd::Constant(3, 2, 0.95);
  rows.apply(y);
  for (Eigen::Index r = 0; r < 3; ++r) CHECK(y(r, 1) == rows.transfer(0.95, static_cast<std::size_t>(r)));
}

TEST_CASE("mott neuron: table model interpolates the CSV") {
  scratch_dir dir;
  const std::string csv = dir.write("curve.csv",
                                    "# measured at 300 K\n"
                                    "input,output\n"
                                    "0, 0\n"
                                    "0.5,0.2   # knee\n"
                                    "\n"
                                    "1,1\n");
  const mott_neuron_model model(neuron_block("model: table\nenergy_per_activation: 1 pJ\nsigma_threshold: 0\ntable_file: " + csv));
  CHECK(model.kind() == models::neuron_model_kind::table);
  CHECK(model.transfer(0.0) == 0.0);
  CHECK(model.transfer(0.5) == doctest::Approx(0.2).scale(0).epsilon(1e-15));
  CHECK(model.transfer(1.0) == doctest::Approx(1.0).scale(0).epsilon(1e-15));
  CHECK(model.transfer(0.25) == doctest::Approx(0.1).scale(0).epsilon(1e-12));
  CHECK(model.transfer(0.75) == doctest::Approx(0.6).scale(0).epsilon(1e-12));
  CHECK(model.transfer(0.6) == doctest::Approx(0.2 + 0.1 * 1.6).scale(0).epsilon(1e-12));
  // Flat beyond the measured range.
  CHECK(model.transfer(-1.0) == 0.0);
  CHECK(model.transfer(2.0) == doctest::Approx(1.0).scale(0).epsilon(1e-15));
  // Threshold variation stretches the input axis per device.
  const mott_neuron_model varied(neuron_block("model: table\nenergy_per_activation: 1 pJ\nsigma_threshold: 10 %\ntable_file: " + csv), 2, 3);
  const double s = varied.device(1).threshold_scale;
  CHECK(varied.transfer(0.5, 1) == doctest::Approx(model.transfer(0.5 / s)).scale(0).epsilon(1e-12));
}

TEST_CASE("mott neuron: bad table files give located errors") {
  CHECK_CONTAINS(table_error("0,0\n0.5,0.2\n0.4,0.3\n"), "curve.csv:3:1: error: inputs must increase strictly");
  CHECK_CONTAINS(table_error("0,0\n0.5,0.2\n0.5,0.3\n"), "curve.csv:3:1: error: inputs must increase strictly");
  CHECK_CONTAINS(table_error("0,0\n0.5,nan\n1,1\n"), "curve.csv:2:5: error: values must be finite");
  CHECK_CONTAINS(table_error("input,output\n0,0\nabc,1\n"), "curve.csv:3:1: error: 'abc' is not a number");
  CHECK_CONTAINS(table_error("0,0\n0.5,0.2,7\n1,1\n"), "curve.csv:2:1: error: expected two comma-separated values");
  CHECK_CONTAINS(table_error("0,0\n1,x\n"), "curve.csv:2:3: error: 'x' is not a number");
  CHECK_CONTAINS(table_error(""), "curve.csv:1:1: error: a transfer curve needs at least two");
  CHECK_CONTAINS(table_error("# only a comment\ninput,output\n"), "needs at least two input,output points, found 0");
  CHECK_CONTAINS(table_error("0,0\n"), "found 1");
  // Every error at once.
  const std::string all = table_error("0,0\n0.5,nan\nz,1\n-1,2\n");
  CHECK_CONTAINS(all, "curve.csv:2:");
  CHECK_CONTAINS(all, "curve.csv:3:");
  CHECK_CONTAINS(all, "curve.csv:4:");
  // Through the model, as a user meets it.
  scratch_dir dir;
  const std::string bad = dir.write("bad.csv", "0,0\n1,0.5\n0.5,1\n");
  CHECK_THROWS_AS(mott_neuron_model(neuron_block("model: table\nenergy_per_activation: 1 pJ\ntable_file: " + bad)), dsl::input_error);
}

TEST_CASE("mott neuron: neuron-curve command") {
  const std::string arch = std::string(MOTTSIM_SOURCE_DIR) + "/configs/arch/";
  platform::neuron_curve_options o;
  o.architecture = arch + "mott_cim.yaml";
  o.points = 5;
  std::ostringstream out, err;
  REQUIRE(platform::command_neuron_curve(registry(), o, out, err) == 0);
  std::istringstream lines(out.str());
  std::string line;
  std::getline(lines, line);
  CHECK(line == "input,output,temperature_k,resistance_ohm");
  int rows = 0;
  double last_t = 0.0;
  while (std::getline(lines, line)) {
    ++rows;
    double x = 0, y = 0, t = 0, r = 0;
    char c1 = 0, c2 = 0, c3 = 0;
    std::istringstream fields(line);
    fields >> x >> c1 >> y >> c2 >> t >> c3 >> r;
    CHECK(c3 == ',');
    CHECK(t > last_t);
    CHECK(r > 0.0);
    last_t = t;
  }
  CHECK(rows == 5);
  CHECK_CONTAINS(err.str(), "settling_time");

  // Another model leaves the thermal columns blank.
  o.overrides = {"components.tile.readout[0].model=ideal",
                 "components.tile.readout[0].energy_per_activation=1 pJ"};
  std::ostringstream ideal_out, ideal_err;
  REQUIRE(platform::command_neuron_curve(registry(), o, ideal_out, ideal_err) == 0);
  CHECK_CONTAINS(ideal_out.str(), "\n0.5,0.5,,\n");

  // Written to a file.
  scratch_dir dir;
  o.overrides.clear();
  o.output = dir.path("curve.csv");
  o.steady_state = true;
  std::ostringstream file_out, file_err;
  REQUIRE(platform::command_neuron_curve(registry(), o, file_out, file_err) == 0);
  std::ifstream written(o.output);
  std::string header;
  std::getline(written, header);
  CHECK(header == "input,output,temperature_k,resistance_ohm");
  // Settled, the shipped bias alone takes the film past its transition (the
  // read at settling_time is what makes it a ReLU): the one note says so.
  CHECK_CONTAINS(file_err.str(), "past its transition");
  CHECK(file_err.str().find("read at settling_time") == std::string::npos);

  // Bad input: located, exit 2.
  platform::neuron_curve_options none;
  none.architecture = arch + "adc_cim.yaml";
  std::ostringstream e1, o1;
  CHECK(platform::command_neuron_curve(registry(), none, o1, e1) == 2);
  CHECK_CONTAINS(e1.str(), "adc_cim.yaml:");
  CHECK_CONTAINS(e1.str(), "no mott_neuron stage");
  platform::neuron_curve_options points;
  points.architecture = arch + "mott_cim.yaml";
  points.points = 1;
  std::ostringstream e2, o2;
  CHECK(platform::command_neuron_curve(registry(), points, o2, e2) == 2);
  CHECK_CONTAINS(e2.str(), "--points: error:");
  platform::neuron_curve_options set;
  set.architecture = arch + "mott_cim.yaml";
  set.overrides = {"components.tile.readout[0].modle=ideal"};
  std::ostringstream e3, o3;
  CHECK(platform::command_neuron_curve(registry(), set, o3, e3) == 2);
  CHECK_CONTAINS(e3.str(), "error:");
}

TEST_CASE("mott neuron: the gain stage's offset is drawn per device, trimmed away, and its noise is per read") {
  const std::string device = "sigma_tc: 0\nsigma_threshold: 0\nbias_current: 3.6 mA\nfull_scale_current: 0.6 mA\n"
                             "gain_stage: {offset_sigma: 2 %, noise: 1 %}\n";
  const mott_neuron_model raw(neuron_block(device), 400, 5);
  double sum2 = 0.0;
  for (std::size_t j = 0; j < 400; ++j) sum2 += raw.device(j).offset * raw.device(j).offset;
  CHECK(std::sqrt(sum2 / 400) == doctest::Approx(0.02).scale(0).epsilon(0.15));
  // The offset adds to the input before the heater: device j at x reads as the
  // nominal device at x + offset_j.
  CHECK(raw.transfer(0.5, 3) == doctest::Approx(raw.transfer(0.5 + raw.device(3).offset)).epsilon(1e-12).scale(0));
  // The offset draws leave the Tc draws where they were.
  const mott_neuron_model none(neuron_block("sigma_tc: 1\nsigma_threshold: 0\ngain_stage: {offset_sigma: 0}"), 4, 5);
  const mott_neuron_model with_offset(neuron_block("sigma_tc: 1\nsigma_threshold: 0\ngain_stage: {offset_sigma: 2 %}"), 4,
                                      5);
  for (std::size_t j = 0; j < 4; ++j) CHECK(none.device(j).tc_k == with_offset.device(j).tc_k);
  // The oracle trim sets the zero-input conductance through the stage, so
  // it cancels the offset there.
  const mott_neuron_model trimmed(neuron_block(device + "bias_trim: oracle\n"), 50, 5);
  for (std::size_t j = 0; j < 50; ++j)
    CHECK(trimmed.evaluate(0.0, j).resistance_ohm ==
          doctest::Approx(trimmed.evaluate(0.0).resistance_ohm).epsilon(1e-9).scale(0));
  // Noise: the same device read many times scatters around its noiseless output.
  mott_neuron_model ideal_noise(neuron_block("sigma_tc: 0\nsigma_threshold: 0\nbias_current: 3.6 mA\n"
                                             "full_scale_current: 0.6 mA\ngain_stage: {offset_sigma: 0, noise: 1 %}"),
                                1, 9);
  Eigen::MatrixXd x = Eigen::MatrixXd::Constant(1, 4000, 0.5);
  ideal_noise.apply(x);
  const double mean = x.mean();
  const double sd = std::sqrt((x.array() - mean).square().mean());
  // Small input noise passes through the curve's slope at 0.5.
  const double slope = (ideal_noise.transfer(0.51) - ideal_noise.transfer(0.49)) / 0.02;
  CHECK(sd == doctest::Approx(0.01 * slope).epsilon(0.1).scale(0));
  // Ideal and table neurons have no gain stage: their devices carry no offset.
  const mott_neuron_model ideal(
      neuron_block("model: ideal\nenergy_per_activation: 1 pJ\ngain_stage: {offset_sigma: 5 %}"), 3, 5);
  for (std::size_t j = 0; j < 3; ++j) CHECK(ideal.device(j).offset == 0.0);
}

TEST_CASE("mott neuron: the vectorized thermal transfer equals the device-by-device curve") {
  // Every device its own Tc, threshold, offset and trimmed bias; inputs over
  // the whole range, negative ones included (clamped, or rectified).
  for (std::string negative : {"clamp", "rectify"}) {
    CAPTURE(negative);
    const mott_neuron_model model(
        neuron_block("sigma_tc: 1\nsigma_threshold: 5 %\nbias_trim: oracle\nnegative_input: " + negative +
                     "\ngain_stage: {offset_sigma: 1 %}"),
        7, 3);
    Eigen::MatrixXd x(7, 500);
    for (Eigen::Index c = 0; c < x.cols(); ++c)
      for (Eigen::Index r = 0; r < x.rows(); ++r) x(r, c) = -0.6 + 1.8 * static_cast<double>(c * 7 + r) / 3500.0;
    Eigen::MatrixXd y = x;
    model.transfer_rows(y);
    double worst = 0.0;
    for (Eigen::Index c = 0; c < x.cols(); ++c)
      for (Eigen::Index r = 0; r < x.rows(); ++r)
        worst = std::max(worst, std::abs(y(r, c) - model.transfer(x(r, c), static_cast<std::size_t>(r))));
    MESSAGE("largest difference " << worst);
    CHECK(worst < 1e-12);
    CHECK(y.maxCoeff() > 1.0);  // the range reaches past full scale
  }
}

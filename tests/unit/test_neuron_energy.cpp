// The Mott neuron's energy and timing from its device model, against hand
// arithmetic: Joule heat of a pulse, the cooling limit, the four parts of a
// thermal activation, the refusal of contradicting constants, and how the
// figures reach pricing and tile timing.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "dsl/architecture_loader.hpp"
#include "dsl/validator.hpp"
#include "dsl/yaml_tree.hpp"
#include "models/cim_tile_params.hpp"
#include "models/mott_neuron_energy.hpp"
#include "models/pricing.hpp"
#include "models/tile_job.hpp"
#include "test_support.hpp"

using namespace mottsim;

namespace {

using mottsim::test_support::registry;

constexpr double nJ = 1e-9, pJ = 1e-12, ns = 1e-9, mA = 1e-3, uW = 1e-6, mW = 1e-3;

// A block of `type` from YAML text through the real schema; errors (if any) in `errors`.
dsl::block_value block(const std::string& type, const std::string& text, dsl::diagnostics& errors) {
  auto root = dsl::load_yaml_string(text.empty() ? std::string("{}") : text, "neuron.yaml", errors);
  REQUIRE(root.get() != nullptr);
  dsl::validator check(registry(), nullptr, errors);
  return check.validate(*root, *registry().find_schema(type), "block 'x'", {});
}

dsl::block_value valid(const std::string& type, const std::string& text) {
  dsl::diagnostics errors;
  dsl::block_value v = block(type, text, errors);
  INFO(errors.to_string());
  REQUIRE_FALSE(errors.has_errors());
  return v;
}

dsl::architecture_spec shipped_arch(const std::string& file, std::vector<std::string> overrides = {}) {
  dsl::diagnostics errors;
  auto load = dsl::load_architecture(std::string(MOTTSIM_SOURCE_DIR) + "/configs/arch/" + file, overrides, registry(),
                                     errors);
  INFO(errors.to_string());
  REQUIRE_FALSE(errors.has_errors());
  return load.spec;
}

const dsl::block_value& first_neuron(const dsl::architecture_spec& arch) {
  const dsl::component_spec* tile = arch.find("tile");
  REQUIRE(tile != nullptr);
  return tile->params.blocks("readout").front();
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
#define CHECK_CONTAINS(text, part) CHECK_MESSAGE(contains(text, part), "'" << (text) << "' lacks '" << (part) << "'")

}  // namespace

TEST_CASE("neuron energy: Joule heat of constant and two-level pulses") {
  // 2 mA through 1 kOhm for 100 ns: (2e-3)^2 x 1e3 x 1e-7 = 0.4 nJ.
  CHECK(models::joule_energy({{2 * mA, 100 * ns}}, 1e3) == doctest::Approx(0.4 * nJ).scale(0));
  // 3 mA for 50 ns then 1 mA for 150 ns: 0.45 nJ + 0.15 nJ.
  CHECK(models::joule_energy({{3 * mA, 50 * ns}, {1 * mA, 150 * ns}}, 1e3) == doctest::Approx(0.6 * nJ).scale(0));
  CHECK(models::joule_energy({}, 1e3) == 0.0);
}

TEST_CASE("neuron energy: the cooling limit is tau ln(rise / tolerance)") {
  CHECK(models::cooling_time(241 * ns, 48.3, 1.0) == doctest::Approx(241 * ns * std::log(48.3)).scale(0));
  CHECK(models::cooling_time(50 * ns, 10.0, 0.5) == doctest::Approx(50 * ns * std::log(20.0)).scale(0));
  // Already within the tolerance: no wait.
  CHECK(models::cooling_time(241 * ns, 0.8, 1.0) == 0.0);
  // A single pole settles to 1 % in ln(100) / (2 pi f).
  CHECK(models::stage_settling_time(100e6) == doctest::Approx(std::log(100.0) / (2 * M_PI * 100e6)).scale(0));
}

TEST_CASE("neuron energy: the four parts of a thermal activation, by hand") {
  // No clamping (x >= -3): E_heater = R t (Ib^2 + 2 Ib Ifs mean + Ifs^2 rms^2).
  const std::string device =
      "bias_current: 3 mA\nfull_scale_current: 1 mA\nheater_resistance: 1 kOhm\nsettling_time: 100 ns\n"
      "gain_stage: {quiescent_power: 1 mW, bandwidth: 100 MHz, output_headroom: 0.5 V}\n";
  const auto c = models::thermal_neuron_costs(valid("mott_neuron", device + "input_mean: 0.2\ninput_rms: 0.4\n"));
  const double rt = 1e3 * 100 * ns;
  CHECK(c.heater_j == doctest::Approx(rt * (9e-6 + 2 * 3e-3 * 1e-3 * 0.2 + 1e-6 * 0.16)).scale(0));  // 1.036 nJ
  CHECK(c.heater_j == doctest::Approx(1.036 * nJ).scale(0));
  // The two inputs standing for the statistic: 0.2 -/+ sqrt(0.16 - 0.04).
  CHECK(c.input_low == doctest::Approx(0.2 - std::sqrt(0.12)).scale(0));
  CHECK(c.input_high == doctest::Approx(0.2 + std::sqrt(0.12)).scale(0));
  // The rail reaches full scale: 4 mA x 1 kOhm + 0.5 V.
  CHECK(c.supply_v == doctest::Approx(4.5).scale(0));
  // Gain stage: quiescent over (settling + pulse) plus the drop V_rail - I R_h on
  // the signal share of I; bias source: the same drop on the bias share. The low
  // input (0.2 - 0.346) is negative: the signal share is then zero and the bias
  // share the whole (reduced) current.
  const double quiescent = 1 * mW * (std::log(100.0) / (2 * M_PI * 100e6) + 100 * ns);
  double signal_clamped = 0.0, bias = 0.0;
  for (double x : {c.input_low, c.input_high}) {
    const double i = 3 * mA + x * mA;
    const double drop = 4.5 - 1e3 * i;
    signal_clamped += 0.5 * drop * std::max(0.0, i - 3 * mA) * 100 * ns;
    bias += 0.5 * drop * std::min(i, 3 * mA) * 100 * ns;
  }
  CHECK(c.gain_stage_j == doctest::Approx(quiescent + signal_clamped).scale(0));
  CHECK(c.bias_source_j == doctest::Approx(bias).scale(0));
  CHECK(c.total_j() == doctest::Approx(c.heater_j + c.read_j + c.gain_stage_j + c.bias_source_j).scale(0));

  // Clamping: mean 0, rms 0.5 with Ib 1 mA, Ifs 3 mA reads x = -0.5 (I clamped
  // to 0) and x = 0.5 (2.5 mA): (2.5 mA)^2 x 1 kOhm x 100 ns / 2.
  const std::string clamp = "bias_current: 1 mA\nfull_scale_current: 3 mA\nsettling_time: 100 ns\n"
                            "input_mean: 0\ninput_rms: 0.5\n";
  CHECK(models::thermal_neuron_costs(valid("mott_neuron", clamp)).heater_j ==
        doctest::Approx(0.5 * 6.25e-6 * 1e3 * 100 * ns).scale(0));
  // Rectified, x = -0.5 heats with |1 - 1.5| = 0.5 mA.
  CHECK(models::thermal_neuron_costs(valid("mott_neuron", clamp + "negative_input: rectify\n")).heater_j ==
        doctest::Approx(0.5 * (6.25e-6 + 0.25e-6) * 1e3 * 100 * ns).scale(0));
}

TEST_CASE("neuron energy: the read bias of a film that stays at ambient is V^2 / R(T_amb) t") {
  // No heater current at all: the film stays at 300 K, insulating.
  const auto n = valid("mott_neuron", "bias_current: 0 A\ninput_mean: 0\ninput_rms: 0\nread_voltage: 0.1 V\n");
  const auto c = models::thermal_neuron_costs(n);
  CHECK(c.heater_j == 0.0);
  // Zhang et al. film at 300 K on its heating branch: g = (1 + tanh(0.253 (3.595 + 332.8 - 300)))/2.
  const double g = 0.5 * (1 + std::tanh(0.253 * (7.19 / 2 + 332.8 - 300)));
  const double r = 5.36e-3 * std::exp(5220.0 / 300.0) * g + 1290.0;  // 194 kOhm (147 kOhm at 305 K)
  CHECK(r == doctest::Approx(194.4e3).epsilon(0.001).scale(0));
  CHECK(c.read_j == doctest::Approx(0.01 / r * 200 * ns).epsilon(1e-6).scale(0));
}

TEST_CASE("neuron energy: the shipped device's cooling limit and energy by hand") {
  const auto arch = shipped_arch("mott_cim.yaml");
  const auto c = models::thermal_neuron_costs(first_neuron(arch));
  const double tau = 49.6e-12 / 0.206e-3;  // 240.8 ns
  CHECK(c.time_constant_s == doctest::Approx(tau).scale(0));
  // Full-scale pulse: (4.2 mA)^2 x 1 kOhm / G_th x (1 - exp(-200 ns / tau)) = 48.3 K.
  const double rise = 4.2e-3 * 4.2e-3 * 1e3 / 0.206e-3 * (1 - std::exp(-200 * ns / tau));
  CHECK(rise == doctest::Approx(48.3).epsilon(0.002).scale(0));
  CHECK(c.peak_rise_k == doctest::Approx(rise).scale(0));
  CHECK(c.cooling_s == doctest::Approx(-tau * std::log(1.0 / rise)).scale(0));  // 934 ns
  CHECK(c.cooling_s == doctest::Approx(934 * ns).epsilon(0.001).scale(0));
  // Heater at the default statistic (mean 0, rms 0.324): R t (Ib^2 + Ifs^2 rms^2).
  CHECK(c.heater_j == doctest::Approx(1e3 * 200 * ns * (3.6e-3 * 3.6e-3 + 0.6e-3 * 0.6e-3 * 0.324 * 0.324)).scale(0));
  // Rail 4.2 mA x 1 kOhm + 0.2 V = 4.4 V; the bias source drops 4.4 V - I R_h on
  // min(I, Ib) at I = 3.6 mA -/+ 0.324 x 0.6 mA.
  CHECK(c.supply_v == doctest::Approx(4.4).scale(0));
  const double i_lo = 3.6e-3 - 0.324 * 0.6e-3, i_hi = 3.6e-3 + 0.324 * 0.6e-3;
  CHECK(c.bias_source_j ==
        doctest::Approx(0.5 * ((4.4 - 1e3 * i_lo) * i_lo + (4.4 - 1e3 * i_hi) * 3.6e-3) * 200 * ns).epsilon(1e-6).scale(0));
  CHECK(c.total_j() == doctest::Approx(3.18 * nJ).epsilon(0.005).scale(0));

  // The ideal entry carries the thermal device's figures: they must not drift apart.
  const auto ideal = shipped_arch("mott_cim.yaml", {"components.tile.readout[0].use=mott_neurons.ideal_relu"});
  CHECK(first_neuron(ideal).quantity("energy_per_activation") == doctest::Approx(c.total_j()).epsilon(1e-3).scale(0));
  CHECK(first_neuron(ideal).quantity("recovery_time") == doctest::Approx(c.cooling_s).epsilon(1e-3).scale(0));

  // The nanoscale set keeps the transfer curve and scales time and energy.
  const auto nano = shipped_arch("mott_cim.yaml", {"components.tile.readout[0].use=mott_neurons.vo2_nanoscale"});
  const auto cn = models::thermal_neuron_costs(first_neuron(nano));
  CHECK(cn.time_constant_s == doctest::Approx(50 * ns).epsilon(0.002).scale(0));
  CHECK(cn.peak_rise_k == doctest::Approx(rise).epsilon(0.005).scale(0));
  CHECK(cn.cooling_s == doctest::Approx(50 * ns * std::log(rise)).epsilon(0.005).scale(0));
  CHECK(cn.total_j() < c.total_j() / 100);
}

TEST_CASE("neuron energy: a constant contradicting the thermal model is an error at its line") {
  SUBCASE("energy_per_activation on a thermal neuron") {
    dsl::diagnostics errors;
    block("mott_neuron", "model: thermal\nenergy_per_activation: 10 pJ\n", errors);
    REQUIRE(errors.size() == 1);
    CHECK_CONTAINS(errors.to_string(), "neuron.yaml:2:24: error: a thermal mott_neuron derives its energy");
    CHECK_CONTAINS(errors.to_string(), "per activation here: heater");
  }
  SUBCASE("recovery_time on a thermal neuron") {
    dsl::diagnostics errors;
    block("mott_neuron", "recovery_time: 1 us\n", errors);
    REQUIRE(errors.size() == 1);
    CHECK_CONTAINS(errors.to_string(), "neuron.yaml:1:16: error: a thermal mott_neuron derives its recovery");
  }
  SUBCASE("an ideal or table neuron needs its energy") {
    dsl::diagnostics errors;
    block("mott_neuron", "model: ideal\n", errors);
    REQUIRE(errors.size() == 1);
    CHECK_CONTAINS(errors.to_string(), "neuron.yaml:1:8: error: model 'ideal' takes its energy as a parameter");
    dsl::diagnostics fine;
    block("mott_neuron", "model: ideal\nenergy_per_activation: 10 pJ\nrecovery_time: 50 ns\n", fine);
    CHECK_FALSE(fine.has_errors());
  }
  SUBCASE("a heater rail too low for full scale") {
    dsl::diagnostics errors;
    // 0.6 mA x 1 kOhm + 0.2 V = 0.8 V is needed.
    block("mott_neuron", "full_scale_current: 0.6 mA\ngain_stage:\n  supply_voltage: 0.7 V\n", errors);
    REQUIRE(errors.size() == 1);
    CHECK_CONTAINS(errors.to_string(), "neuron.yaml:3:19: error: the heater rail 700 mV cannot drive");
    dsl::diagnostics fine;
    block("mott_neuron", "full_scale_current: 0.6 mA\ngain_stage:\n  supply_voltage: 0.8 V\n", fine);
    CHECK_FALSE(fine.has_errors());
  }
}

TEST_CASE("neuron energy: pricing shows each part, and a gain-stage change moves only its own") {
  const auto base = shipped_arch("mott_cim.yaml");
  const auto more = shipped_arch("mott_cim.yaml", {"components.tile.readout[0].gain_stage.quiescent_power=172 uW"});
  const auto p = test_support::registry().price("cim_tile", base.find("tile")->params, base.node_m);
  const auto q = test_support::registry().price("cim_tile", more.find("tile")->params, more.node_m);
  for (const char* a : {"neuron_heater", "neuron_read", "neuron_gain_stage", "neuron_bias_source"}) {
    REQUIRE(p.actions.count(a) == 1);
    CHECK(p.actions.at(a).category == models::energy_category::neurons);
  }
  CHECK(p.actions.count("neuron_activation") == 0);
  const auto c = models::thermal_neuron_costs(first_neuron(base));
  CHECK(p.actions.at("neuron_heater").energy_j == doctest::Approx(c.heater_j).scale(0));
  CHECK_CONTAINS(p.actions.at("neuron_heater").source, "mott_neurons.yaml:");
  CHECK_CONTAINS(p.actions.at("neuron_heater").source, "input statistic");
  // 100 uW more for (7.33 ns settling + 200 ns pulse).
  const double step = 100 * uW * (std::log(100.0) / (2 * M_PI * 100e6) + 200 * ns);
  CHECK(q.actions.at("neuron_gain_stage").energy_j - p.actions.at("neuron_gain_stage").energy_j ==
        doctest::Approx(step).scale(0));
  CHECK(q.actions.at("neuron_heater").energy_j == p.actions.at("neuron_heater").energy_j);
  CHECK(q.actions.at("neuron_bias_source").energy_j == p.actions.at("neuron_bias_source").energy_j);
  // Each neuron brings its gain stage's area: 32 arrays x 256 x 100 um^2.
  CHECK_CONTAINS(p.area_source, "neuron gain stages 0.8192 mm^2");

  // An ideal neuron is priced as its parameter, in one action.
  const auto ideal = shipped_arch("mott_cim.yaml", {"components.tile.readout[0].use=mott_neurons.ideal_relu"});
  const auto pi = test_support::registry().price("cim_tile", ideal.find("tile")->params, ideal.node_m);
  CHECK(pi.actions.at("neuron_activation").energy_j == doctest::Approx(3.183 * nJ).scale(0));
  CHECK(pi.actions.count("neuron_heater") == 0);
}

TEST_CASE("neuron energy: a read occupies the neuron for settling, cooling and the gain stage") {
  const auto arch = shipped_arch("mott_cim.yaml");
  const auto tile = models::read_cim_tile_params(arch.find("tile")->params, test_support::registry().readout_stages());
  const auto c = models::thermal_neuron_costs(first_neuron(arch));
  CHECK(tile.neuron_before_s == doctest::Approx(std::log(100.0) / (2 * M_PI * 100e6)).scale(0));
  CHECK(tile.neuron_after_s == doctest::Approx(c.cooling_s).scale(0));
  // 255 ns of pulse-width read is longer than the 200 ns settling.
  CHECK(tile.neuron_read_period_s(255 * ns) == doctest::Approx(7.33 * ns + 255 * ns + 934 * ns).epsilon(0.001).scale(0));
  CHECK(tile.neuron_read_period_s(10 * ns) == doctest::Approx(7.33 * ns + 200 * ns + 934 * ns).epsilon(0.001).scale(0));
  CHECK(tile.neuron_actions.size() == 4);

  // A job of 600 outputs on one array of 256 neurons takes 3 passes per vector.
  models::tile_job job;
  job.crossbars = 1;
  job.outputs = 600;
  job.vectors = 10;
  job.active_rows = 100;
  job.active_cells = 100 * 600;
  job.mapping.neuron_used = true;
  job.mapping.analog_sum = true;
  job.mapping.reads_per_vector = 1;
  job.mapping.read_time_s = 255 * ns;
  const auto cost = models::cost_tile_job(tile, job);
  CHECK(cost.read_stage_s == doctest::Approx(3 * tile.neuron_read_period_s(255 * ns)).scale(0));
  for (const auto& a : tile.neuron_actions) CHECK(cost.actions.at(a) == 10 * 600);

  // ideal and table neurons wait their recovery_time.
  const auto ideal = shipped_arch("mott_cim.yaml", {"components.tile.readout[0].use=mott_neurons.ideal_relu",
                                                     "components.tile.readout[0].recovery_time=100 ns"});
  const auto it = models::read_cim_tile_params(ideal.find("tile")->params, test_support::registry().readout_stages());
  CHECK(it.neuron_before_s == 0.0);
  CHECK(it.neuron_after_s == doctest::Approx(100 * ns).scale(0));
  CHECK(it.neuron_actions == std::vector<std::string>{"neuron_activation"});
}

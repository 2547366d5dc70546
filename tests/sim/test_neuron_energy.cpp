// The Mott neuron's derived energy and recovery through a whole run: a change of
// the gain stage's quiescent power reaches the ledger as count x its price
// difference and nothing else, and the cooling time occupies the neurons.
#include <cmath>
#include <string>

#include "run_mottsim.hpp"

namespace {

double action_field(const nlohmann::json& report, const std::string& action, const char* field) {
  for (const auto& c : report["components"])
    if (c["name"] == "tile" && c["actions"].contains(action)) return c["actions"][action][field].get<double>();
  return 0.0;
}

}  // namespace

TEST_CASE("neuron energy: a gain-stage change shows up in the ledger, and only there") {
  const std::string arch = "configs/arch/mott_cim.yaml", net = "configs/workloads/lenet5_mnist.yaml";
  const auto base = run_mottsim(arch, net);
  REQUIRE_MESSAGE(base.status == 0, base.output);
  const auto more = run_mottsim(arch, net, "--set 'components.tile.readout[0].gain_stage.quiescent_power=172 uW'");
  REQUIRE_MESSAGE(more.status == 0, more.output);

  const double count = action_field(base.report, "neuron_gain_stage", "count");
  REQUIRE(count > 0);
  // Every activation is priced in its four parts, counted once each.
  for (const char* a : {"neuron_heater", "neuron_read", "neuron_bias_source"})
    CHECK(action_field(base.report, a, "count") == count);
  // 100 uW more over the stage's 1 % settling (ln 100 / (2 pi 100 MHz)) and the 200 ns pulse.
  const double step = 100e-6 * (std::log(100.0) / (2 * M_PI * 100e6) + 200e-9);
  const double delta = action_field(more.report, "neuron_gain_stage", "energy_j") -
                       action_field(base.report, "neuron_gain_stage", "energy_j");
  CHECK(delta == doctest::Approx(count * step).epsilon(1e-9).scale(0));
  // Timing does not move, so neither does anything else.
  CHECK(more.report["totals"]["latency_s"].get<double>() == base.report["totals"]["latency_s"].get<double>());
  CHECK(more.report["totals"]["energy_j"].get<double>() - base.report["totals"]["energy_j"].get<double>() ==
        doctest::Approx(delta).epsilon(1e-6).scale(0));
}

TEST_CASE("neuron energy: a looser cooling tolerance shortens the run, a tighter one lengthens it") {
  const std::string arch = "configs/arch/mott_cim.yaml", net = "configs/workloads/lenet5_mnist.yaml";
  const auto base = run_mottsim(arch, net);
  const auto loose = run_mottsim(arch, net, "--set 'components.tile.readout[0].cooling_tolerance=10 K'");
  const auto tight = run_mottsim(arch, net, "--set 'components.tile.readout[0].cooling_tolerance=0.1 K'");
  REQUIRE(base.status == 0);
  REQUIRE(loose.status == 0);
  REQUIRE(tight.status == 0);
  const double t = base.report["totals"]["latency_s"].get<double>();
  CHECK(loose.report["totals"]["latency_s"].get<double>() < t);
  CHECK(tight.report["totals"]["latency_s"].get<double>() > t);
  // The energy per activation does not depend on the tolerance.
  CHECK(action_field(loose.report, "neuron_heater", "energy_per_action_j") ==
        action_field(base.report, "neuron_heater", "energy_per_action_j"));
}

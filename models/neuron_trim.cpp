#include "models/neuron_trim.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace mottsim::models {

double trim_neurons_measured(mott_neuron_model& neuron, const neuron_readout& readout, long long reads,
                             std::uint64_t seed) {
  if (neuron.kind() != neuron_model_kind::thermal || readout.decision_levels.empty()) return 0.0;
  const double nominal = neuron.bias_current();
  const double first_level = readout.decision_levels.front();
  const double cycle_noise = neuron.cycle_noise();
  const double stage_noise = neuron.stage_noise();
  // Without noise every read gives the same code: one read is the average.
  const long long n = cycle_noise > 0.0 || stage_noise > 0.0 ? std::max(1LL, reads) : 1;
  double largest = 0.0;
  for (std::size_t j = 0; j < neuron.devices(); ++j) {
    // Neuron j's own noise stream: its trim does not depend on how many others there are.
    std::mt19937_64 rng(seed_stream(seed, j));
    std::normal_distribution<double> normal(0.0, 1.0);
    // The share of reads whose code is 1 or more.
    const auto reaching = [&](double bias) {
      neuron.set_device_bias(j, bias);
      const double y = neuron.evaluate(0.0, j).output;
      // The gain stage's input noise reaches the output through the curve's
      // local slope; it adds in quadrature to the cycle noise.
      const double slope = stage_noise > 0.0 ? (neuron.evaluate(stage_noise, j).output - y) / stage_noise : 0.0;
      const double noise = std::hypot(cycle_noise, slope * stage_noise);
      long long count = 0;
      for (long long k = 0; k < n; ++k) count += (noise > 0.0 ? y + noise * normal(rng) : y) >= first_level;
      return static_cast<double>(count) / static_cast<double>(n);
    };
    double lo = 0.0, hi = nominal + 4.0 * neuron.full_scale_current();
    for (int step = 0; step < trim_steps; ++step) {
      const double mid = 0.5 * (lo + hi);
      (reaching(mid) >= 0.5 ? hi : lo) = mid;
    }
    const double at_first_code = 0.5 * (lo + hi);
    const double bias = std::max(0.0, at_first_code - readout.first_code_input * neuron.full_scale_current());
    neuron.set_device_bias(j, bias);
    largest = std::max(largest, std::abs(bias - nominal));
  }
  return largest;
}

}  // namespace mottsim::models

#include "platform/session/pipeline_bottleneck.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "models/interconnect_topology.hpp"

namespace mottsim::platform {

namespace {

std::string percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %%", 100.0 * fraction);
  return buf;
}

// Rounded down, for a figure below a threshold: 94.95 % shown as 95.0 % would
// read as the threshold it missed.
std::string percent_below(double fraction) { return percent(std::floor(1000.0 * fraction) / 1000.0); }

void by_utilization(std::vector<reports::busy_share>& v, double period_s) {
  for (auto& b : v) b.utilization = period_s > 0 ? b.busy_s / period_s : 0.0;
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.utilization > b.utilization; });
}

// The layer a resource worked for most, "" when none.
std::string main_layer(const std::map<int, double>& busy_by_layer, const dsl::workload_spec& workload) {
  int top = -1;
  double most = 0.0;
  for (const auto& [layer, seconds] : busy_by_layer)
    if (layer >= 0 && static_cast<std::size_t>(layer) < workload.layers.size() && seconds > most) {
      most = seconds;
      top = layer;
    }
  return top < 0 ? std::string() : workload.layers[static_cast<std::size_t>(top)].name;
}

}  // namespace

std::vector<reports::busy_share> pipeline_resources(const std::vector<component_runtime>& components,
                                                    const ledger_extras& extras, const dsl::workload_spec& workload,
                                                    double inferences) {
  std::vector<reports::busy_share> out;
  const auto add = [&](std::string name, const std::string& kind, const models::busy_resource& r) {
    const double busy = inference_busy_s(r) / inferences;
    if (busy > 0) out.push_back({std::move(name), kind, main_layer(r.busy_by_layer(), workload), busy, 0.0});
  };
  for (const auto& c : components) {
    const auto resources = resources_of(c, extras);
    for (std::size_t i = 0; i < resources.size(); ++i)
      add(resource_label(c, i, resources.size()), c.spec->type, *resources[i]);
    if (c.network)
      for (const auto& link : c.network->links()) add(c.spec->name + " " + link.name, c.spec->type, *link.busy);
  }
  return out;
}

std::vector<reports::busy_share> pipeline_stages(const std::vector<reports::layer_result>& layers) {
  std::vector<reports::busy_share> out;
  for (const auto& l : layers)
    if (l.latency_s > 0) out.push_back({l.name, "stage", l.name, l.latency_s, 0.0});
  return out;
}

std::vector<reports::busy_share> rank_busy(std::vector<reports::busy_share> resources,
                                           std::vector<reports::busy_share> stages, double period_s,
                                           reports::busy_share& bottleneck, std::string& reason) {
  by_utilization(resources, period_s);
  by_utilization(stages, period_s);
  const bool saturated = !resources.empty() && resources.front().utilization >= saturated_utilization;
  if (saturated) {
    bottleneck = resources.front();
    reason = bottleneck.name + " is busy " + percent(bottleneck.utilization) + " of the period (saturated: " +
             percent(saturated_utilization) + " or more), so the stages wait for it";
  } else if (!stages.empty()) {
    bottleneck = stages.front();
    reason = "no resource is busy " + percent(saturated_utilization) + " of the period (the busiest, " +
             (resources.empty() ? std::string("none") : resources.front().name + ", " +
                                                             percent_below(resources.front().utilization)) +
             "): the slowest stage, '" + bottleneck.name + "' (" + percent(bottleneck.utilization) +
             "), sets the pace by its own chain of work (its tiles' compute and its transfers one after another, "
             "each waiting its turn at the shared bus and memories)";
  }
  std::vector<reports::busy_share> all = std::move(resources);
  all.insert(all.end(), stages.begin(), stages.end());
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.utilization > b.utilization; });
  return all;
}

}  // namespace mottsim::platform

#include "platform/elaboration/ledger.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "models/interconnect_topology.hpp"

namespace mottsim::platform {

std::vector<const models::busy_resource*> resources_of(const component_runtime& c, const ledger_extras& extras) {
  std::vector<const models::busy_resource*> resources(c.resources.begin(), c.resources.end());
  if (auto e = extras.resources.find(c.spec->name); e != extras.resources.end())
    resources.insert(resources.end(), e->second.begin(), e->second.end());
  return resources;
}

std::string resource_label(const component_runtime& c, std::size_t index, std::size_t count) {
  return count == 1 ? c.spec->name : c.spec->name + "[" + std::to_string(index) + "]";
}

namespace {

// Adds a resource's busy time in the inferences to `total`, layer by layer
// (the order the sums have always been taken in, so the report's bytes stay).
void add_inference_busy(const models::busy_resource& resource, double& total) {
  for (const auto& [layer, seconds] : resource.busy_by_layer())
    if (layer != setup_layer) total += seconds;
}

}  // namespace

double inference_busy_s(const models::busy_resource& resource) {
  double busy = 0.0;
  add_inference_busy(resource, busy);
  return busy;
}

void price_run(reports::run_result& r, const std::vector<component_runtime>& components, const ledger_extras& extras,
               double period_s, double window_s, double inferences) {
  const double per = 1.0 / std::max(1.0, inferences);
  std::map<int, std::map<std::string, double>> layer_category;
  std::map<int, double> layer_dynamic;
  double leakage_power = 0.0;
  for (const auto& c : components) {
    reports::component_result cr;
    cr.name = c.spec->name;
    cr.type = c.spec->type;
    cr.count = c.spec->count;
    cr.area_mm2 = c.pricing.area_m2 * static_cast<double>(c.spec->count) * 1e6;
    cr.area_source = c.pricing.area_source;
    long long leaking = c.spec->count;
    if (auto e = extras.leaking_instances.find(cr.name); e != extras.leaking_instances.end())
      leaking = std::min(leaking, e->second);
    cr.leakage_w = c.pricing.leakage_w * static_cast<double>(leaking);
    cr.leakage_source = c.pricing.leakage_source;
    cr.leakage_j = cr.leakage_w * period_s;
    leakage_power += cr.leakage_w;
    for (const auto& note : c.pricing.notes) {
      const std::string said = "component '" + cr.name + "': " + note;
      if (std::find(r.notes.begin(), r.notes.end(), said) == r.notes.end()) r.notes.push_back(said);
    }

    std::vector<const models::action_counter*> counters;
    if (c.counts) counters.push_back(c.counts);
    if (auto e = extras.counts.find(cr.name); e != extras.counts.end())
      counters.insert(counters.end(), e->second.begin(), e->second.end());
    for (const auto* counter : counters) {
      for (const auto& [layer, actions] : counter->by_layer()) {
        for (const auto& [action, count] : actions) {
          auto price = c.pricing.actions.find(action);
          if (price == c.pricing.actions.end()) {
            std::fprintf(stderr, "mottsim internal error: %s (%s) counted '%s' but has no price for it\n",
                         cr.name.c_str(), cr.type.c_str(), action.c_str());
            std::abort();
          }
          const std::string category = models::category_name(price->second.category);
          if (layer == setup_layer) {
            r.programming_energy_j += count * price->second.energy_j;
            r.programming_energy_by_action_j[cr.name + "." + action] += count * price->second.energy_j;
            continue;
          }
          const double energy = per * count * price->second.energy_j;
          auto& a = cr.actions[action];
          a.count += per * count;
          a.energy_j += energy;
          a.price_j = price->second.energy_j;
          a.category = category;
          a.source = price->second.source;
          cr.dynamic_j += energy;
          layer_dynamic[layer] += energy;
          layer_category[layer][category] += energy;
          r.energy_by_category_j[category] += energy;
        }
      }
    }

    const auto resources = resources_of(c, extras);
    double busy = 0.0;
    for (const auto* res : resources) add_inference_busy(*res, busy);
    busy *= per;
    cr.busy_s = busy;
    const double window = window_s * static_cast<double>(std::max<std::size_t>(1, resources.size()));
    cr.utilization = window > 0 ? std::min(1.0, busy / window) : 0.0;
    if (c.network) {
      for (const auto& link : c.network->links()) {
        const double seconds = per * inference_busy_s(*link.busy);
        if (seconds <= 0.0) continue;
        double bytes = 0.0;
        for (const auto& [layer, b] : *link.bytes_by_layer)
          if (layer != setup_layer) bytes += per * b;
        cr.links.push_back({link.name, bytes, seconds, window_s > 0 ? std::min(1.0, seconds / window_s) : 0.0});
      }
      std::stable_sort(cr.links.begin(), cr.links.end(),
                       [](const auto& a, const auto& b) { return a.busy_s > b.busy_s; });
    }
    cr.energy_j = cr.dynamic_j + cr.leakage_j;
    r.energy_j += cr.energy_j;
    r.area_mm2 += cr.area_mm2;
    r.components.push_back(std::move(cr));
  }
  r.energy_by_category_j["leakage"] = leakage_power * period_s;

  double stage_sum = 0.0;
  for (const auto& l : r.layers) stage_sum += l.latency_s;
  for (std::size_t i = 0; i < r.layers.size(); ++i) {
    auto& l = r.layers[i];
    const double leak = stage_sum > 0 ? leakage_power * period_s * l.latency_s / stage_sum : 0.0;
    l.energy_by_category_j = layer_category[static_cast<int>(i)];
    l.energy_by_category_j["leakage"] = leak;
    l.energy_j = layer_dynamic[static_cast<int>(i)] + leak;
  }
}

}  // namespace mottsim::platform

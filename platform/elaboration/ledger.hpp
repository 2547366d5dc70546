#pragma once
#include <map>
#include <string>
#include <vector>

#include "models/action_counter.hpp"
#include "models/busy_resource.hpp"
#include "platform/elaboration/elaborator.hpp"
#include "reports/run_result.hpp"

namespace mottsim::platform {

// Actions and busy time another module recorded for a component (an initiator
// counting the private memory it drives without the bus), by component name.
struct ledger_extras {
  std::map<std::string, std::vector<const models::action_counter*>> counts;
  std::map<std::string, std::vector<const models::busy_resource*>> resources;
  // Instances that leak, where fewer than `count` do (power-gated idle tiles).
  std::map<std::string, long long> leaking_instances;
};

// A component's busy resources: its own, then those another module drove for
// it (ledger_extras), in the order the report and the trace number them.
std::vector<const models::busy_resource*> resources_of(const component_runtime& c, const ledger_extras& extras);
// How the report and the trace name resource `index` of the `count` that
// resources_of gives: the component's name, with [index] when it has several.
std::string resource_label(const component_runtime& c, std::size_t index, std::size_t count);

// Work counted under this layer index happens once before inferences start
// (programming resident weights): priced into r.programming_energy_j, kept out
// of the inference's energy and busy time.
constexpr int setup_layer = reports::programming_layer;

// The ledger (DESIGN decision 5): multiplies every counted action by its price,
// charges each component's leakage for `period_s` (one inference), and fills
// r.components, r.energy_j, r.area_mm2, r.energy_by_category_j and the energy
// of every layer in r.layers (whose latency_s must be set: leakage is shared
// out by time). The run simulated `inferences` inferences (the pipeline
// schedule's K): counts, bytes and busy times are divided by it, so every
// figure is per inference. Utilization is busy time per inference over
// `window_s` per resource.
void price_run(reports::run_result& r, const std::vector<component_runtime>& components, const ledger_extras& extras,
               double period_s, double window_s, double inferences = 1.0);

// A resource's busy time in the inferences, weight programming left out.
double inference_busy_s(const models::busy_resource& resource);

}  // namespace mottsim::platform

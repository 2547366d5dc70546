#pragma once
#include <string>
#include <vector>

#include "dsl/workload_spec.hpp"
#include "platform/elaboration/elaborator.hpp"
#include "platform/elaboration/ledger.hpp"
#include "reports/run_result.hpp"

namespace mottsim::platform {

// A resource busier than this share of the period is saturated: the stages
// spend their time waiting for it, so it, not the stage that waits longest,
// sets the period. Below it no resource is the limit, and the slowest stage's
// own chain of work (its tiles' compute, its transfers' latency) is.
constexpr double saturated_utilization = 0.95;

// Ranks the hardware resources (busy time per inference) and the stages (mean
// run per inference) against `period_s`, busiest first, and names the
// bottleneck: the busiest resource when it is saturated, else the slowest
// stage. `reason` says which rule chose it.
// Every resource the run's `inferences` inferences kept busy, with its busy
// time per inference, named as trace.json names it (a network's directed
// links too), and the layer it worked for most.
std::vector<reports::busy_share> pipeline_resources(const std::vector<component_runtime>& components,
                                                    const ledger_extras& extras, const dsl::workload_spec& workload,
                                                    double inferences);
// Each stage's mean run per inference (the layers' latency_s).
std::vector<reports::busy_share> pipeline_stages(const std::vector<reports::layer_result>& layers);

std::vector<reports::busy_share> rank_busy(std::vector<reports::busy_share> resources,
                                           std::vector<reports::busy_share> stages, double period_s,
                                           reports::busy_share& bottleneck, std::string& reason);

}  // namespace mottsim::platform

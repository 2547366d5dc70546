#pragma once
#include <string>
#include <vector>

#include "platform/model_registry.hpp"
#include "platform/network_plan.hpp"
#include "reports/run_result.hpp"

namespace mottsim::platform {

struct run_options {
  std::string architecture;
  std::string workload;
  std::vector<std::string> overrides;
  schedule_kind schedule = schedule_kind::layer;
  unsigned long long seed = 1;
  std::string mode = "perf";
};

// Loads, maps, elaborates and simulates one workload on one architecture, then
// prices the counted actions. Bad input throws dsl::input_error. SystemC
// elaborates once per process, so call this at most once per process.
reports::run_result run_session(const run_options& options, const model_registry& registry);

}  // namespace mottsim::platform

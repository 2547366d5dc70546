#pragma once
#include <functional>
#include <string>
#include <vector>

#include "platform/elaboration/model_registry.hpp"
#include "platform/mapping/network_plan.hpp"
#include "platform/mapping/work_estimate.hpp"
#include "reports/run_result.hpp"

namespace mottsim::platform {

struct run_options {
  std::string architecture;
  std::string workload;
  std::vector<std::string> overrides;
  schedule_kind schedule = schedule_kind::layer;
  // Where the schedule was chosen, for errors about it: the flag, or the line
  // of a validation design's expected.yaml.
  dsl::source_location schedule_where{"--schedule", 0, 0};
  unsigned long long seed = 1;
  std::string mode = "perf";
  std::string image;  // functional mode: input image instead of the workload's
  long long chips = 1;  // functional mode: independent chips (device draws) to average over
  // Record every busy interval for trace.json and report.html. Sweeps, which
  // read report.json only, switch it off.
  bool timeline = true;
  // How much the run may cost (--max-work, --max-memory); `functional` is set
  // from `mode`.
  work_budget budget;
  // Called once the inputs are loaded, before planning and simulating, with
  // the names of the maps a functional run will write (none in perf mode), so
  // a command can refuse its outputs early without loading the workload again.
  std::function<void(const std::vector<std::string>& map_names)> before_simulating;
};

struct functional_outcome;

// Loads, maps, elaborates and simulates one workload on one architecture, then
// prices the counted actions. Bad input throws dsl::input_error. SystemC
// elaborates once per process, so call this at most once per process.
// In functional mode the device-level results also go to `functional` (the
// output maps to write as images), when given.
reports::run_result run_session(const run_options& options, const model_registry& registry,
                                functional_outcome* functional = nullptr);

}  // namespace mottsim::platform

#pragma once
#include <string>

#include "dsl/architecture_spec.hpp"
#include "dsl/diagnostics.hpp"
#include "dsl/workload_spec.hpp"
#include "models/systolic_array_module.hpp"

namespace mottsim::platform {

// How a workload runs on the architecture's systolic array: per layer, the
// weight tiles, the array cycles, the scratchpad traffic and the DRAM traffic
// of the GEMM blocked in the buffer.
struct systolic_plan {
  std::string component;
  models::systolic_program program;
};

// Plans every layer; user mistakes are located errors in `errors`.
systolic_plan plan_systolic(const dsl::workload_spec& w, const dsl::architecture_spec& arch,
                            dsl::diagnostics& errors);

}  // namespace mottsim::platform

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
// The memories a systolic array reaches, checked against what it needs
// whatever the workload (validate checks them without one): a bus, its
// unified buffer, the accumulators and weight FIFO it names, a DRAM on its
// bus. Each missing one is an error; ok when all it needs is there.
struct systolic_memories {
  const dsl::component_spec *buffer = nullptr, *accumulators = nullptr, *weight_fifo = nullptr, *dram = nullptr;
  bool ok = false;
};
systolic_memories check_systolic_memories(const dsl::architecture_spec& arch, const dsl::component_spec& array,
                                          dsl::diagnostics& errors);

systolic_plan plan_systolic(const dsl::workload_spec& w, const dsl::architecture_spec& arch,
                            dsl::diagnostics& errors);

}  // namespace mottsim::platform

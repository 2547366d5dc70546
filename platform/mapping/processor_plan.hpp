#pragma once
#include <string>

#include "dsl/architecture_spec.hpp"
#include "dsl/diagnostics.hpp"
#include "dsl/workload_spec.hpp"
#include "models/processor_module.hpp"

namespace mottsim::platform {

class model_registry;

// How a workload runs on the architecture's processor: per layer, the work
// and the traffic (from the GEMM's blocking at each cache level) it gives the
// processor model.
struct processor_plan {
  std::string component;  // the processor's name
  models::processor_program program;
};

// Plans every layer. User mistakes (a cache that is not an sram, a precision
// the datapath cannot compute, a workload larger than the DRAM) are located
// errors in `errors`. Memory rates come from the memories' estimators in
// `registry`.
processor_plan plan_processor(const dsl::workload_spec& w, const dsl::architecture_spec& arch,
                              const model_registry& registry, dsl::diagnostics& errors);

}  // namespace mottsim::platform

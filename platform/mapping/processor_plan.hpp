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
// The memories a processor reaches, checked against what it needs whatever
// the workload (validate checks them without one): a bus, its L1 (one
// instance per core), its L2 and L3 on its bus when it names them, a DRAM on
// its bus. Each missing one is an error; ok when all it needs is there.
struct processor_memories {
  const dsl::component_spec *l1 = nullptr, *l2 = nullptr, *l3 = nullptr, *dram = nullptr;
  const dsl::connection_spec *l2_window = nullptr, *l3_window = nullptr;
  bool ok = false;
};
processor_memories check_processor_memories(const dsl::architecture_spec& arch, const dsl::component_spec& cpu,
                                            dsl::diagnostics& errors);

processor_plan plan_processor(const dsl::workload_spec& w, const dsl::architecture_spec& arch,
                              const model_registry& registry, dsl::diagnostics& errors);

}  // namespace mottsim::platform

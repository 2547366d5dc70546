#pragma once
#include "dsl/architecture_spec.hpp"
#include "dsl/diagnostics.hpp"

namespace mottsim::platform {

// What a compute-in-memory architecture needs before any workload can run on
// it: one cim_tile component (with `count:` for more tiles), a dram to hold
// the input and the weights, and a controller to run the schedule. Each one
// missing is an error at the key whose null removed it from a base
// architecture, or at the file. Returns false when a plan cannot go on (no
// cim_tile or no dram). `validate` checks an architecture with a cim_tile
// through it, and a run through the network plan.
bool check_cim_components(const dsl::architecture_spec& arch, dsl::diagnostics& errors);

// The error for an architecture without a controller.
dsl::diagnostic missing_controller(const dsl::architecture_spec& arch);

}  // namespace mottsim::platform

#pragma once
#include "dsl/architecture_loader.hpp"
#include "dsl/workload_spec.hpp"
#include "platform/session/session.hpp"

namespace mottsim::platform {

// True when the architecture runs networks on a conventional engine (a
// processor or a systolic array) rather than on CIM tiles.
bool is_baseline_architecture(const dsl::architecture_spec& arch);

// What a baseline's engine needs of its architecture whatever the workload
// (its caches or buffers, a DRAM on its bus, no cim_tile beside it), for
// validate, which has no workload: each missing one an error.
void check_baseline_components(const dsl::architecture_spec& arch, dsl::diagnostics& errors);

// Checks that `workload` can run on a baseline architecture within `budget`
// (its planner's located errors go to `errors`), without elaborating anything.
void check_baseline_plan(const dsl::workload_spec& workload, const dsl::architecture_spec& arch,
                         const model_registry& registry, dsl::diagnostics& errors, const work_budget& budget = {});

// run_session for baseline architectures: plans the workload for the processor
// or the systolic array, elaborates, simulates and prices, filling the same
// report as the CIM path (layers, components, energy by category with compute,
// provenance). Bad input throws dsl::input_error. Once per process.
reports::run_result run_baseline_session(const run_options& options, const dsl::architecture_load& arch,
                                         const dsl::workload_spec& workload, const model_registry& registry);

}  // namespace mottsim::platform

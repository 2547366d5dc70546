#pragma once
#include "dsl/architecture_loader.hpp"
#include "dsl/workload_spec.hpp"
#include "platform/session/session.hpp"
#include "reports/run_result.hpp"

namespace mottsim::platform {

// Completes a priced run the same way for every kind of architecture: the
// derived totals (TOPS, efficiencies, energy-delay product) and the provenance
// (version, seed, files, configuration hash), and every file the run read. `r` must already hold latency,
// throughput, energy, area and MACs.
void finish_run_result(reports::run_result& r, const run_options& options, const dsl::architecture_load& arch,
                       const dsl::workload_spec& workload, double quantum_s, long long transactions);

}  // namespace mottsim::platform

#pragma once
#include "dsl/diagnostics.hpp"
#include "dsl/workload_spec.hpp"

namespace mottsim::dsl {

// What the float reference, and so functional mode, needs of a workload that
// the workload itself tells, without reading its weights file or images.
// Perf mode needs neither. Each problem is an error at its layer.

// Every layer computes from the network input: no `load` (a tensor with no
// values), no layer missing the constants or the reordering it needs.
void check_computable(const workload_spec& workload, diagnostics& errors);

// Every conv2d/linear layer has weights to come from: its own `weights:`, or
// the workload's `weights_file:`.
void check_weights_given(const workload_spec& workload, diagnostics& errors);

}  // namespace mottsim::dsl

#pragma once
#include <string>
#include <vector>

#include "dsl/diagnostics.hpp"
#include "dsl/workload_spec.hpp"
#include "models/processor_module.hpp"
#include "models/systolic_array_module.hpp"

namespace mottsim::platform {

struct network_plan;

// What a simulation will cost, worked out from the mapping plan before anything
// is elaborated or placed, so a workload that would run for hours or exhaust
// memory is refused in well under a second.
struct work_estimate {
  // TLM transactions the initiator will issue: what the simulation's time
  // follows. Exact for the baselines; for CIM chips an upper bound, exact when
  // every copy of a layer sits on one tile (at most 20 % above the count on the
  // shipped networks and architectures).
  double transactions = 0;
  double jobs = 0;         // CIM: tile jobs (one per tile a layer copy touches); baselines: streamed steps
  double bytes_moved = 0;  // bytes those transactions carry
  double plan_bytes = 0;   // memory the plan and program take (jobs and ops)
  // Functional mode: weights, device conductances, inputs and activations held
  // while values go through the device models (0 in perf mode).
  double functional_bytes = 0;
  long long inferences = 1;  // simulated: the pipeline schedule's inferences in flight

  double memory_bytes() const { return plan_bytes + functional_bytes; }
};

// Defaults comfortably above every shipped workload on every shipped
// architecture (VGG-16 on adc_cim takes about 290,000 transactions, a few
// seconds; functional LeNet-5 and edge detection about 100 MiB), and low
// enough that a run they refuse would take minutes or exhaust the machine.
constexpr double default_max_work = 1e7;                            // transactions
constexpr double default_max_memory = 4.0 * 1024 * 1024 * 1024;     // bytes

// How much a run may cost (--max-work, --max-memory), and whether it is a
// functional run, whose weights and activations count towards memory.
struct work_budget {
  double max_transactions = default_max_work;
  double max_memory_bytes = default_max_memory;
  bool functional = false;
  long long chips = 1;  // functional mode: the chips drawn (--chips), each programmed at once
};

// Reads --max-work (a positive number of transactions, "2e8" allowed) and
// --max-memory (a data size, "16 GiB"); empty texts keep the defaults. Errors
// are located at the flag.
work_budget parse_work_budget(const std::string& max_work, const std::string& max_memory, dsl::diagnostics& errors);

// The estimate of a CIM chip's run from its plan: every layer mapped, its
// copies laid out (layer_plan::copy_spans) and its chunks decided, before any
// tile job is built. `functional` adds the functional-mode memory. Under the
// pipeline schedule every inference's traffic is counted (plan.inferences),
// the weights programmed once.
work_estimate estimate_cim_work(const dsl::workload_spec& workload, const network_plan& plan, bool functional,
                                long long chips = 1);

// The exact estimate of a processor's or a systolic array's run from its
// program; `transaction_bytes` is the engine's burst size (`transaction`).
work_estimate estimate_stream_work(const models::processor_program& program, double transaction_bytes);
work_estimate estimate_stream_work(const models::systolic_program& program, double transaction_bytes);

// Adds an error located at the workload file when the estimate exceeds the
// budget, giving the estimate and the flag that raises the limit. False then.
bool check_work(const work_estimate& estimate, const work_budget& budget, const dsl::workload_spec& workload,
                const std::string& architecture, dsl::diagnostics& errors);

}  // namespace mottsim::platform

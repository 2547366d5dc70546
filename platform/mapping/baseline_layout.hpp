#pragma once
#include <string>
#include <vector>

#include "dsl/architecture_spec.hpp"
#include "dsl/diagnostics.hpp"
#include "dsl/workload_spec.hpp"
#include "platform/mapping/element_ops.hpp"

// What the planners of the conventional baselines (processor, systolic array)
// share: where tensors live in DRAM, which memories an initiator reaches, and
// what a workload's precision asks of a datapath.
namespace mottsim::platform {

// Every tensor in its own DRAM region: all weights, the network input and every
// layer's output (layers run one after another; activations go back to DRAM).
struct dram_layout {
  struct region {
    unsigned long long address = 0;  // bus address
    unsigned long long bytes = 0;
  };
  std::string dram;  // component name
  region input;
  std::vector<region> weights;  // per layer (empty for layers without weights)
  std::vector<region> outputs;  // per layer
  unsigned long long total_bytes = 0;

  // The tensor layer i reads (its producer's output or the network input), and
  // for `add` the one it adds.
  const region& input_of(const dsl::workload_spec& w, std::size_t i) const;
  const region& added_of(const dsl::workload_spec& w, std::size_t i) const;
};

// Lays the workload out in `dram` (activations and weights of the given sizes
// in bytes). A workload larger than the DRAM is an error located at its
// capacity; `who` names the initiator in the message.
dram_layout layout_dram(const dsl::workload_spec& w, const dsl::architecture_spec& arch, const dsl::component_spec& dram,
                        double act_bytes, double weight_bytes, const std::string& who, dsl::diagnostics& errors);

// The bus an initiator issues on (its first connection), or empty.
std::string bus_of(const dsl::component_spec& c);
// The address window of a target on `bus`, or nullptr when it is not on it.
const dsl::connection_spec* window_on(const dsl::component_spec& target, const std::string& bus);

// The sram component a text parameter (`l1:`, `buffer:` ...) names, checked to
// exist and be an sram; errors located at the parameter. Null when unset or wrong.
const dsl::component_spec* sram_named(const dsl::architecture_spec& arch, const dsl::component_spec& owner,
                                      const std::string& param, dsl::diagnostics& errors);

// The first dram component on `bus`; an error when there is none.
const dsl::component_spec* dram_on(const dsl::architecture_spec& arch, const dsl::component_spec& owner,
                                   const std::string& bus, dsl::diagnostics& errors);

// Where a component's parameter was set, or the component when it holds its default.
dsl::source_location param_location(const dsl::component_spec& c, const std::string& param);

// Where the workload file sets `precision:` (the file itself when it does not).
dsl::source_location precision_location(const dsl::workload_spec& w);

// Steps a layer is streamed in: about 16 KiB of DRAM traffic each, 1..64.
long long stream_steps(double dram_bytes);

// Bytes of one element of `bits`, rounded up to whole bytes.
double element_bytes(int bits);

}  // namespace mottsim::platform

#pragma once
// Where every layer's output lives on a CIM chip: the global buffer or DRAM,
// and which layers share storage instead of moving values.

#include <string>
#include <vector>

#include "dsl/workload_spec.hpp"
#include "platform/mapping/network_plan.hpp"

namespace mottsim::platform {

struct memory_window {
  std::string name;
  unsigned long long base = 0;
  unsigned long long size = 0;
};

// The global buffer: one memory, or one slice per router of a routed network
// (slice i at the router of the tiles tiles_per_slice x i onwards), so a
// tensor can live beside the tiles that read it.
struct activation_buffer {
  std::vector<memory_window> slices;  // empty: the chip has none
  long long tiles_per_slice = 0;      // 0: one memory, beside no tiles in particular
  // The slice beside tile `tile`.
  std::size_t slice_of_tile(long long tile) const;
};

// True for a layer that moves no values: a flatten, a reshape that keeps the
// order, a slice, or an activation layer with no function. It is a view of
// its input's storage.
bool is_view(const dsl::layer_spec& l);

// Gives every layer of `plan` its output home and its inputs' homes, and the
// copies some layers need (layer_plan::copies):
// - a view shares its input's storage (a slice at its offset);
// - a concat's operands are written straight into the concat's storage by the
//   layers that produce them, so joining moves nothing; an operand that cannot
//   be (the network input, a load's tensor, or a tensor another concat already
//   holds) is copied in by DMA, and so is a stored constant (a class token),
//   from DRAM;
// - a reshape that reorders its values (a transpose) is a strided copy by DMA.
// Layers sharing storage form one tensor with one home: a half of the global
// buffer (of one slice of it) when it is written by consecutive layers, read
// outside them only by the next layer, not the network's output, and fits in
// half the buffer (slice); DRAM otherwise (the network input always starts
// there). A sliced buffer keeps the tensor in the slice beside the tiles of
// the layer that reads it (the middle one of its tiles; a layer the controller
// runs, such as a pooling, passes on its own reader's choice), so readers
// fetch from their own router and producers write over the network. Each
// slice alternates its halves between the tensors it holds. Returns the first
// DRAM address past the activations.
unsigned long long place_activations(const dsl::workload_spec& workload, const activation_buffer& buffer,
                                     const memory_window& dram, network_plan& plan);

}  // namespace mottsim::platform

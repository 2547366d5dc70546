#pragma once
#include <string>

#include "dsl/diagnostics.hpp"
#include "dsl/generated_workload.hpp"

namespace mottsim::dsl {

// True when `header` (a CSV file's first non-blank line) is a SCALE-Sim
// topology's: it starts with "Layer".
bool is_scalesim_header(const std::string& header);

// A SCALE-Sim topology CSV (SCALE-Sim v2, topologies/*.csv) read as a mottsim
// workload (YAML text, as `mottsim import` writes it, each line remembering
// the row it comes from). Two formats, told apart
// by the header:
//
//   convolution:  Layer name, IFMAP Height, IFMAP Width, Filter Height,
//                 Filter Width, Channels, Num Filter, Strides[, Stride width],
//   GEMM:         Layer, M, N, K,
//
// SCALE-Sim simulates every row on its own: a row's IFMAP is that layer's
// input, padding included, and its output is ceil((IFMAP - filter) / stride)
// + 1 per axis: a last, partial window counts. mottsim keeps exactly those
// shapes and MAC counts:
//   - where the stride leaves a remainder r, the convolution pads
//     ceil((stride - r) / 2) on each side, which gives SCALE-Sim's output;
//   - a row whose IFMAP is the previous row's output, grown by at most half
//     the filter on each side, reads that output with the difference as zero
//     padding;
//   - any other row reads a `load` layer of its own IFMAP shape (a tensor that
//     starts in DRAM), as SCALE-Sim reads each layer's IFMAP;
//   - a row whose name contains "DP" is depthwise, as SCALE-Sim takes it: one
//     filter per input channel (groups = channels, channels x Num Filter
//     outputs);
//   - a GEMM row of M x K by K x N is a 1x1 convolution over an M x 1 map of K
//     channels with N filters (M x N x K MACs).
// No activations (the topology has none) and 8-bit data. A bad field or row is
// a located error (file.csv:LINE:COL).
generated_workload scalesim_topology_to_yaml(const std::string& path, const std::string& text, diagnostics& errors);

}  // namespace mottsim::dsl

#pragma once
#include <string>

#include "dsl/diagnostics.hpp"
#include "dsl/generated_workload.hpp"

namespace mottsim::dsl {

// True for a path that names a network CSV (by its extension, .csv).
bool is_network_csv_path(const std::string& path);

// DNN+NeuroSim's network description (NetWork_*.csv): one row per convolution
// or fully connected layer, eight integers
//
//   IFM height, IFM width, IFM channels, kernel height, kernel width,
//   output channels, max pooling after it (1) or not (0), stride
//
// read as a mottsim workload (YAML text, as `mottsim import` writes it, each
// line remembering the row it comes from). A row
// whose input is 1x1 with a 1x1 kernel is a linear layer; a flatten goes before
// the first one that follows a map. Convolutions pad (kernel - 1) / 2 on each
// side, so that each row's input is the previous row's output, as NeuroSim's
// files chain them; pooling is 2x2 max pooling with stride 2; every layer but
// the last has a ReLU. A row that breaks the chain, a field that is not a
// positive integer, a row of the wrong length or text that is not UTF-8 is a
// located error (file.csv:LINE:COL). A file whose first line is a SCALE-Sim header ("Layer
// name, ..." or "Layer, M, N, K") is read as a SCALE-Sim topology instead
// (dsl/scalesim_topology.hpp).
generated_workload network_csv_to_yaml(const std::string& path, diagnostics& errors);

}  // namespace mottsim::dsl

#pragma once
#include <string>
#include <vector>

#include "dsl/block_value.hpp"
#include "dsl/workload_spec.hpp"
#include "models/cim_tile_params.hpp"

namespace mottsim::platform {

// The data statistics perf mode prices a layer's crossbar reads and drives
// with (docs/modelling.md, "Crossbar reads and the data"), and where each
// came from.
struct layer_density {
  double input = 0.5;   // fraction of input bits that are 1 (of the window a pulse lasts)
  std::string input_source;
  double weight = 0.5;  // mean programmed conductance of the weight cells, relative to g_min..g_max
  std::string weight_source;
};

// One per workload layer (in workload order; meaningful for conv2d and
// linear). A workload with shipped trained weights (weights_file) has them
// measured on the tile `tile` (its parameter block `tile_block`):
//  - weight: the weights as the mapping programs them (symmetric codes,
//    slices of bits_per_cell, differential pairs or offset columns, levels on
//    the cell's grid), the mean of (G - g_min) / (g_max - g_min) over every
//    weight cell;
//  - input: the layer's inputs in a float forward pass over the workload's
//    calibration digits of the MNIST training split (never a scored digit),
//    quantized as the drivers do (full scale the largest input the layer sees
//    there, or the driver's full_scale under range_calibration worst_case):
//    the fraction of input bits that are 1, or of the window a pulse lasts.
// Every layer or figure that cannot be measured (no weights file, another
// input source, the digits absent) takes the workload's stated value, and
// its source says why. A weights file the workload names but that is absent
// (`make models` not run) is one of those, and `absent_weights` (when given)
// gets a sentence saying so for the run's notes; one that is there but cannot
// be read or does not fit the workload is a located error (dsl::input_error).
std::vector<layer_density> layer_densities(const dsl::workload_spec& workload, const models::cim_tile_params& tile,
                                           const dsl::block_value& tile_block,
                                           std::string* absent_weights = nullptr);

// The fraction of input bits that are 1 (bit-serial and DAC inputs) or of the
// read window the pulses last (pulse-width inputs) of `values` driven at
// `full_scale` with `bits` of input resolution: the drivers' quantization
// (values clipped to [0, full_scale], codes round(x / full_scale (2^b - 1))).
double quantized_input_density(const std::vector<double>& values, double full_scale, int bits, models::input_mode mode);

}  // namespace mottsim::platform

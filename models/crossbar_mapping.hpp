#pragma once
#include <string>

#include "models/cim_tile_params.hpp"

namespace mottsim::models {

// One conv/linear layer as a weight matrix (im2col): `fan_in` rows (inputs of one
// output) by `outputs` columns, repeated per group, applied to `vectors` input
// vectors per inference (output positions; 1 for linear layers).
struct layer_matrix {
  long long fan_in = 0;
  long long outputs = 0;  // per group
  long long groups = 1;
  long long vectors = 1;
  int weight_bits = 8;
  int activation_bits = 8;
  bool relu = false;
  double input_density = 0.5;   // the workload's data statistics (dsl/workload_spec.hpp)
  double weight_density = 0.5;
};

// How a layer's matrix occupies crossbars, and which readout path it takes.
struct crossbar_mapping {
  long long magnitude_bits = 0;     // weight bits stored per sign
  long long slices = 0;             // cells per weight per sign (bit slices)
  long long columns_per_weight = 0; // slices x 2 (differential) or slices (offset)
  long long physical_columns = 0;   // per group: outputs x columns_per_weight
  long long usable_columns = 0;     // per crossbar (offset encoding reserves a reference column)
  long long row_blocks = 0;
  long long column_blocks = 0;
  long long crossbars = 0;          // all groups
  long long used_cells = 0;
  double utilization = 0.0;         // used cells / cells of the crossbars used
  // Readout path. The Mott neuron is a nonlinearity, so it may only see a
  // complete weighted sum: it is used when the layer has a ReLU and the whole
  // fan-in sums as current inside one tile; otherwise the columns are read
  // linearly by the ADC and summed digitally (and ReLU applied digitally).
  // A layer without activation on a neuron tile reads its analog sum with the
  // ADC directly (analog_sum without neuron_used).
  bool analog_sum = false;
  bool neuron_used = false;
  long long reads_per_vector = 0;   // crossbar reads per input vector (input bits / bits per read)
  double read_time_s = 0.0;         // duration of one read
  std::string path;                 // "mott neuron, analog sum of 9 row blocks", "adc, digital sum", ...
};

// Maps a matrix onto crossbars of the given tile type. Returns false (with a
// reason) when the layer cannot be mapped at all.
bool map_matrix(const layer_matrix& m, const cim_tile_params& tile, crossbar_mapping& out, std::string& why);

}  // namespace mottsim::models

#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "dsl/diagnostics.hpp"
#include "dsl/onnx_import.hpp"
#include "dsl/workload_spec.hpp"

namespace mottsim::platform {

// Trained weights for functional mode: a JSON file named by a workload's
// `weights_file:`.
//
//   {"format": "mottsim.weights/1", "network": "lenet5_mnist",
//    "layout": "...", "trained_with": "<command>", "seed": 2021,
//    "train_top1": 0.99, "test_top1": 0.98,            (fractions, optional)
//    "layers": {"conv1": {"shape": [6, 5, 5, 1], "weights": [...], "bias": [...]}, ...}}
//
// Layouts, the ones the mapper's im2col uses (dsl/workload_spec.hpp):
//  - conv2d: shape [out_channels, kernel_h, kernel_w, in_channels / groups],
//    weights in [out_channel][kernel_row][kernel_col][in_channel] order (the
//    innermost index varies fastest); output channel o belongs to group
//    o / (out_channels / groups) and sees that group's input channels only.
//  - linear: shape [out_features, in_features], weights in [out][in] order.
//  - bias: one value per output channel / feature; present exactly when the
//    workload layer has `bias: true` (the default).
// Tensors are height x width x channels (HxWxC), so `flatten` turns an HxWxC map
// into the vector index (row * W + col) * C + channel, and linear weights after
// a flatten follow that order. Values are float32, written so they read back
// bit-identically.
inline constexpr const char* weights_format = "mottsim.weights/1";
extern const char* const weights_layout_text;  // the above, as stored in "layout"

struct layer_weights {
  std::vector<long long> shape;
  std::vector<float> weights;  // a JSON file's; empty when `in_model` holds them
  std::vector<float> bias;     // empty when the layer has none
  int line = 0;                // where the layer's entry starts in the file (0 = unknown)
  // An ONNX model's weights stay in the model and are converted as they are
  // read (perf mode needs only their statistics, never a copy).
  dsl::onnx_weights in_model;

  long long count() const;
  // All weights, in the layout above.
  std::vector<float> values() const;
  // Outputs [first, first + count)'s weights (the layout's [out] index, each
  // `fan_in` of them), into `out`.
  void read_outputs(long long first, long long count, long long fan_in, float* out) const;
};

struct weights_file {
  std::string path;
  std::string network;
  std::string trained_with;
  std::string dataset;   // free text: which data and split
  std::string training;  // free text: optimizer, epochs, ...
  std::uint64_t seed = 0;
  double train_top1 = -1;  // fraction; negative = not recorded
  double test_top1 = -1;
  std::vector<std::pair<std::string, layer_weights>> layers;  // in file order
  // An ONNX model's file: its stored constants (dsl::onnx_constant) are read
  // from it by name. Null for a JSON file.
  std::shared_ptr<const dsl::onnx_model> model;

  const layer_weights* find(const std::string& layer) const;
};

// Reads and checks the file's own structure. Every problem goes to one
// dsl::input_error (located file:line:col where the JSON gives a position).
// An ONNX model's weights are left in the model (layer_weights::in_model).
weights_file read_weights_file(const std::string& path);
// The workload's weights_file; when that is the ONNX model the workload was
// imported from, the model is not read again.
weights_file read_weights_file(const dsl::workload_spec& workload);

// Serializes (one layer per line) and writes atomically.
std::string weights_file_text(const weights_file& file);
void write_weights_file(const std::string& path, const weights_file& file);

// [out, kh, kw, in/groups] for conv2d, [out, in] for linear, empty otherwise.
std::vector<long long> expected_weight_shape(const dsl::layer_spec& layer);

// Checks `file` against `workload`: every conv2d/linear layer without weights in
// the workload itself has an entry with the right shape, weight count and bias;
// no entry names a layer the workload lacks or one with inline weights.
void check_weights(const weights_file& file, const dsl::workload_spec& workload, dsl::diagnostics& errors);

}  // namespace mottsim::platform

#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <functional>

#include "dsl/workload_spec.hpp"
#include "platform/data/weights_file.hpp"

namespace mottsim::platform {

// A layer's constants stored with the network: an add/mul/concat operand,
// a layer normalization's scale and shift (each empty when it has none).
struct stored_constants {
  std::vector<float> values;
  std::vector<float> scale, shift;
};

// The ideal float software result of a workload: what the hardware would
// compute with exact arithmetic in float32. Functional mode measures accuracy,
// PSNR and SSIM against it.
//
// Semantics (tensors HxWxC, row-major, as everywhere in mottsim):
//  - conv2d: cross-correlation via im2col (patch order [kernel_row][kernel_col]
//    [in_channel], the mapper's) and an Eigen GEMM, with stride, zero padding,
//    dilation and groups; then bias, then the activation.
//  - linear: W [out][in] times the input vector, plus bias.
//  - maxpool: padded positions are ignored. avgpool: padded positions count as
//    zeros and the sum is divided by the full window (kernel_h * kernel_w), as a
//    fixed hardware divider does (PyTorch's count_include_pad=True).
//  - add: element-wise sum of the layer's input and its `with:` layer.
//  - flatten: HxWxC -> 1x1x(H*W*C) in memory order, (row * W + col) * C + channel.
//  - mul: element-wise product with the `with:` layer, or with one value per
//    channel of it (a squeeze-excitation gate) broadcast over the positions.
//  - matmul: per head h, rows [h M, (h+1) M) of the input (M x K) times rows
//    [h K, (h+1) K) of the `with:` layer (K x N).
//  - concat: rows, or each position's channels, of the input then the other;
//    slice: a range of rows or channels; reshape and activation layers keep
//    the values in memory order.
//  - stored constants (given inline as `values:` or named as tensors of the
//    weights file's ONNX model): add/mul take one value, one per channel or
//    one per element; concat joins them before or after the input; layernorm
//    normalizes each position's channels (population variance plus epsilon)
//    and scales and shifts them per channel. A reshape that reorders reads its
//    input as `from:` and permutes the axes by `order:`.
//  - the activation is applied after any layer that has it (softmax over each
//    position's channels). Layers whose constants or reordering the workload
//    does not give are refused (perf mode still runs them).
class reference_network {
 public:
  // Weights written in the workload itself win (with a zero bias: a workload
  // cannot write one); the other conv2d/linear layers take theirs from
  // `weights` (checked with check_weights). Throws dsl::input_error listing
  // every problem.
  reference_network(const dsl::workload_spec& workload, const weights_file* weights);
  // Reads workload.weights_file when some layer needs it.
  explicit reference_network(const dsl::workload_spec& workload);
  // Throws what the first constructor would, without copying any weight
  // (perf mode reads a model's weights only for their statistics).
  static void check(const dsl::workload_spec& workload, const weights_file* weights);

  const dsl::workload_spec& workload() const { return m_workload; }

  // One sample (workload().input.elements() floats, HxWxC) -> each layer's
  // output, in workload order.
  std::vector<std::vector<float>> forward_all(const std::vector<float>& input) const;
  // The same pass with every conv/linear product computed by `matrix`: given
  // the layer index, the group and the im2col inputs (inputs of one output x
  // positions), it returns outputs x positions with bias (and ReLU) applied.
  // Functional mode passes the device models here; pooling, adds and flatten
  // stay exact (digital).
  using matrix_fn = std::function<Eigen::MatrixXd(std::size_t layer, long long group, const Eigen::MatrixXd& inputs)>;
  std::vector<std::vector<float>> forward_all(const std::vector<float>& input, const matrix_fn& matrix) const;
  // Several inputs at once: each conv/linear group is one `matrix` call over
  // the columns of every input (larger products, far fewer calls). Returns
  // [input][layer] outputs. A `matrix` call that returns an empty matrix ends
  // the pass there: that layer's outputs and the later ones stay empty (a
  // caller that only needs the inputs of the last products says so). With
  // last_slice_values > 0, when the last conv/linear layer is a conv, its
  // inputs come in slices of at most that many values (at least one column;
  // each group, each input, its positions in order) and the pass ends there,
  // so a caller that only watches them never holds the whole matrix (the
  // slices' return values are not read).
  std::vector<std::vector<std::vector<float>>> forward_batch(const std::vector<std::vector<float>>& inputs,
                                                             const matrix_fn& matrix,
                                                             long long last_slice_values = 0) const;
  std::vector<float> forward(const std::vector<float>& input) const;
  // The float product of conv/linear layer `layer`'s group `group` on its
  // im2col inputs (inputs of one output x positions), bias added: what
  // `matrix` computes with ideal devices, for a pass that only watches the
  // inputs.
  Eigen::MatrixXd product(std::size_t layer, long long group, const Eigen::MatrixXd& inputs) const;

  // Index of the largest output (the first one on ties): the predicted class.
  std::size_t classify(const std::vector<float>& input) const;
  // A conv/linear layer's weights (im2col order, see weights_file.hpp) and bias.
  const std::vector<float>& layer_weights_of(std::size_t layer) const { return m_layers.at(layer).weights; }
  const std::vector<float>& layer_bias_of(std::size_t layer) const { return m_layers.at(layer).bias; }

 private:
  struct bound_layer {
    std::vector<float> weights;  // im2col order, see weights_file.hpp
    std::vector<float> bias;     // empty = none
    stored_constants stored;
    int input = -1;              // index of the producing layer, -1 = network input
    int other = -1;              // `add`: the `with:` layer
  };

  void bind(const weights_file* weights);
  // Each layer's inputs and weights, checked (every problem thrown as one
  // dsl::input_error); the weights are copied into `out` when it is given.
  static void link(const dsl::workload_spec& workload, const weights_file* weights, std::vector<bound_layer>* out);

  dsl::workload_spec m_workload;
  std::vector<bound_layer> m_layers;
};

std::size_t argmax(const std::vector<float>& values);

// Layer l's `what` (its weights, bias, stored constants), values[0, n) of the
// `total` from index `first` on: an error at the layer for the first that is
// not a finite number (a damaged or badly exported model: NaN or inf weights
// gave "PSNR 100 dB" and measured densities without a word). Returns whether
// all were finite.
bool check_finite_values(const dsl::layer_spec& l, const std::string& what, const float* values, std::size_t n,
                         dsl::diagnostics& errors, std::size_t first = 0, std::size_t total = 0);

}  // namespace mottsim::platform

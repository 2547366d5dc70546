#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dsl/source_location.hpp"

namespace mottsim::dsl {

class onnx_model;  // dsl/onnx_import.hpp

// conv2d and linear hold weights in crossbars; `matmul` multiplies two
// activations (attention), so it runs on a digital unit; the others are
// element-wise or data-movement layers.
enum class layer_kind {
  conv2d, linear, maxpool, avgpool, add, flatten,
  activation,  // an activation function alone (when no layer before can take it)
  mul,         // element-wise product with an earlier layer (broadcast per channel) or a stored constant
  matmul,      // product of two activations, per head
  layernorm,   // normalizes each position over its channels, then scales and shifts
  concat,      // joins an earlier layer or stored constant rows/channels to the input
  reshape,     // the same values seen as another height x width x channels
  slice,       // a range of rows or channels
  // A tensor that starts in memory with the shape it states, read by the
  // layers after it: a network of independent layers (a SCALE-Sim topology,
  // whose rows each read their own input) is a chain of loads and layers.
  load
};
// The function applied to a layer's outputs. Only relu is the Mott/CMOS
// neuron's curve; every other one is computed by a digital unit.
enum class activation_kind { none, relu, relu6, sigmoid, hard_sigmoid, hard_swish, tanh, gelu, silu, softmax };

const char* layer_kind_name(layer_kind k);
const char* activation_name(activation_kind a);
// The kind named `name` (as in a workload file); false when it is none.
bool parse_activation(const std::string& name, activation_kind& out);
const std::vector<std::string>& activation_names();
// y = f(x) of an activation applied to one value; softmax is not one value's
// function (it is computed over a position's channels) and returns x.
double apply_activation(activation_kind a, double x);

// Feature maps are height x width x channels; a flattened vector is 1 x 1 x N.
struct tensor_shape {
  long long height = 1;
  long long width = 1;
  long long channels = 1;

  long long elements() const { return height * width * channels; }
  std::string to_string() const;  // "28x28x1"
  bool operator==(const tensor_shape& o) const {
    return height == o.height && width == o.width && channels == o.channels;
  }
  bool operator!=(const tensor_shape& o) const { return !(*this == o); }
};

struct layer_spec {
  std::string name;
  layer_kind kind = layer_kind::conv2d;
  activation_kind activation = activation_kind::none;
  source_location where;

  // Which earlier layer feeds this one; empty means the previous layer (or the
  // network input for the first layer). Lets residual branches be written down.
  std::string input;
  // `add`, `mul`, `matmul`, `concat`: the earlier layer that is the second
  // operand (empty with a stored constant instead).
  std::string add_from;
  // `add`, `mul`: the second operand is a constant stored with the network
  // (a position embedding, a scale); `concat`: the size of the stored constant
  // joined along the axis (a class token's row).
  bool constant = false;
  long long constant_size = 0;
  // The stored constant's values, for the float reference and functional
  // mode: `tensor:` names a float tensor of the workload's weights_file (an
  // ONNX model's initializer or Constant node), `values:` writes them inline.
  // `add`/`mul`: one value, one per channel, or one per element of the input
  // (in its memory order); `concat`: the joined rows or channels.
  std::string constant_tensor;
  std::vector<double> constant_values;
  bool constant_first = false;  // concat: the constant comes before the input
  bool divide = false;          // mul: divides by the constant (an ONNX Div)
  // layernorm: (x - mean) / sqrt(var + epsilon) * scale + shift over each
  // position's channels; scale and shift name tensors of channels values
  // (none: 1 and 0). Unset epsilon: not computable (perf mode only).
  std::optional<double> epsilon;
  std::string scale_tensor, shift_tensor;
  // `matmul`: the products run per head; the input holds heads x M rows of K
  // channels, the second operand heads x K rows of N channels.
  long long heads = 1;
  // `concat`, `slice`: along the rows (height) instead of the channels.
  bool along_height = false;
  // `slice`: [begin, end) along the axis.
  long long slice_begin = 0, slice_end = 0;
  // `reshape`: the output shape.
  tensor_shape reshape_to;
  // reshape: its values are read in another order (an ONNX Transpose), not
  // in memory order; perf mode prices a strided copy by DMA, functional mode
  // computes it from reorder_from and reorder_order.
  bool reorders = false;
  // reshape with reorders: the input's values read as the row-major tensor
  // `reorder_from`, its axes permuted (output axis i is axis reorder_order[i],
  // ONNX Transpose's perm), and read out row-major. Empty: unknown.
  std::vector<long long> reorder_from, reorder_order;
  // conv2d / linear: run on a digital unit instead of crossbars (`placement:
  // digital`), e.g. a depthwise convolution that would leave a crossbar empty;
  // `digital_from_workload`: by the workload's `depthwise_placement: digital`.
  bool digital = false;
  bool digital_from_workload = false;

  // conv2d and pooling windows.
  long long out_channels = 0;  // conv2d
  long long kernel_h = 1, kernel_w = 1;
  long long stride_h = 1, stride_w = 1;
  long long pad_h = 0, pad_w = 0;
  long long dilation_h = 1, dilation_w = 1;
  long long groups = 1;
  // linear
  long long out_features = 0;
  bool bias = true;  // conv2d and linear

  // Fixed weights written in the file (e.g. edge-detection kernels), in
  // [out_channel][kernel_row][kernel_col][in_channel] order; empty = from the
  // workload's weights file or random in perf mode.
  std::vector<double> weights;

  // Inferred by the loader.
  tensor_shape in_shape;
  tensor_shape out_shape;
  long long macs = 0;  // multiply-accumulates per inference (conv2d, linear, matmul)

  bool is_matrix_layer() const { return kind == layer_kind::conv2d || kind == layer_kind::linear; }
  // A convolution with one group per input channel (its shapes inferred).
  bool is_depthwise() const { return kind == layer_kind::conv2d && groups > 1 && groups == in_shape.channels; }
  // Flatten and reshape (views of their input) and load (data already in
  // memory) compute and move nothing themselves.
  bool computes_nothing() const {
    return kind == layer_kind::flatten || kind == layer_kind::reshape || kind == layer_kind::load;
  }
  // A layer of matrix products: the matrix layers and `matmul` (whose right
  // operand is another layer's output, not stored weights).
  bool has_products() const { return is_matrix_layer() || kind == layer_kind::matmul; }
  // Why the float reference (and functional mode) cannot compute this layer:
  // it uses stored constants or a reordering whose values or permutation the
  // workload does not give; empty when it can.
  std::string uncomputable_reason() const;
  // True when the layer joins, adds or multiplies by a constant stored with
  // the network (a class token, a position embedding, a scale).
  bool uses_stored_constant() const { return constant || constant_size > 0; }
  // Why `count` values cannot be this layer's stored constant (its shapes
  // inferred), or empty when they can: add/mul take one value, one per
  // channel or one per element of the input; concat exactly what it joins.
  std::string constant_count_problem(long long count) const;
  // im2col weight matrix: rows = kernel_h*kernel_w*in_channels/groups (inputs of
  // one output), columns = out_channels (or out_features).
  long long weight_rows() const;
  long long weight_cols() const;
  long long weight_count() const;  // all weights of the layer (all groups)
};

// mottsim's fixed split of the 10,000 MNIST digits (platform/data/mnist_dataset.hpp
// makes it): how many test digits source mnist_test can score, and how many
// training digits it can calibrate on.
inline constexpr long long mnist_test_digits = 2000;
inline constexpr long long mnist_training_digits = 8000;

// What functional mode feeds the network.
struct input_source {
  std::string source = "random";  // random | image | mnist_test
  std::string file;               // image path, resolved relative to the workload file
  std::string fallback;           // image scored when `file` is absent
  std::string calibration;        // directory of calibration images
  long long calibration_count = 256;  // MNIST training digits, or at most this many images
  long long count = 2000;         // MNIST test digits (absent: the rest of the split from `first`)
  long long first = 0;            // index of the first of them
  source_location where, file_where, fallback_where, calibration_where;
  source_location count_where, first_where, calibration_count_where;  // `where` when not given
};

struct workload_spec {
  std::string name;
  std::string description;
  std::string file;
  tensor_shape input;
  int weight_bits = 8;
  int activation_bits = 8;
  // Where each precision was given (the file itself when it was not), and
  // the `precision:` key (the top of the file without one; the file alone for
  // an imported model, which has no lines).
  source_location weight_bits_where, activation_bits_where, precision_where;
  // Data statistics perf mode prices the crossbar reads and drives with
  // (docs/modelling.md, "Crossbar reads and the data"): the fraction of input
  // bits that are 1 (or of the pulse-width window a pulse lasts), and the mean
  // programmed conductance of the weight cells relative to g_min..g_max.
  double input_density = 0.5;
  double weight_density = 0.5;
  source_location input_density_where, weight_density_where;  // empty file: the default
  // `depthwise_placement: digital`: depthwise convolutions without their own
  // `placement` run on the digital unit (a crossbar would hold 9 rows of each).
  bool depthwise_digital = false;
  std::string weights_file;  // trained weights for functional mode, optional
  // The ONNX model the workload was imported from (its weights_file), kept
  // read so its weights are not read from the file again.
  std::shared_ptr<const onnx_model> imported_model;
  input_source inputs;
  std::vector<layer_spec> layers;

  long long total_macs() const;
  long long total_weights() const;
  const layer_spec* find(const std::string& name) const;
  // The index of the layer called `name`; -1 if there is none.
  int index_of(const std::string& name) const;
  // The index of the layer that writes layer i's (first) input: the layer its
  // `input:` names, else the one before it; -1 is the network's input.
  int producer_of(int i) const;
};

}  // namespace mottsim::dsl

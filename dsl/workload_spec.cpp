#include "dsl/workload_spec.hpp"

#include <algorithm>
#include <cmath>

namespace mottsim::dsl {

const char* layer_kind_name(layer_kind k) {
  switch (k) {
    case layer_kind::conv2d: return "conv2d";
    case layer_kind::linear: return "linear";
    case layer_kind::maxpool: return "maxpool";
    case layer_kind::avgpool: return "avgpool";
    case layer_kind::add: return "add";
    case layer_kind::flatten: return "flatten";
    case layer_kind::activation: return "activation";
    case layer_kind::mul: return "mul";
    case layer_kind::matmul: return "matmul";
    case layer_kind::layernorm: return "layernorm";
    case layer_kind::concat: return "concat";
    case layer_kind::reshape: return "reshape";
    case layer_kind::slice: return "slice";
    case layer_kind::load: return "load";
  }
  return "?";
}

namespace {
constexpr activation_kind all_activations[] = {
    activation_kind::none,       activation_kind::relu, activation_kind::relu6, activation_kind::sigmoid,
    activation_kind::hard_sigmoid, activation_kind::hard_swish, activation_kind::tanh, activation_kind::gelu,
    activation_kind::silu,       activation_kind::softmax};

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
// PyTorch's Hardsigmoid (and ONNX HardSigmoid with alpha 1/6, beta 1/2).
double hard_sigmoid(double x) { return std::clamp(x / 6.0 + 0.5, 0.0, 1.0); }
}  // namespace

const char* activation_name(activation_kind a) {
  switch (a) {
    case activation_kind::none: return "none";
    case activation_kind::relu: return "relu";
    case activation_kind::relu6: return "relu6";
    case activation_kind::sigmoid: return "sigmoid";
    case activation_kind::hard_sigmoid: return "hard_sigmoid";
    case activation_kind::hard_swish: return "hard_swish";
    case activation_kind::tanh: return "tanh";
    case activation_kind::gelu: return "gelu";
    case activation_kind::silu: return "silu";
    case activation_kind::softmax: return "softmax";
  }
  return "?";
}

const std::vector<std::string>& activation_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (auto a : all_activations) v.emplace_back(activation_name(a));
    return v;
  }();
  return names;
}

bool parse_activation(const std::string& name, activation_kind& out) {
  for (auto a : all_activations)
    if (name == activation_name(a)) {
      out = a;
      return true;
    }
  return false;
}

double apply_activation(activation_kind a, double x) {
  switch (a) {
    case activation_kind::none:
    case activation_kind::softmax: return x;
    case activation_kind::relu: return std::max(x, 0.0);
    case activation_kind::relu6: return std::clamp(x, 0.0, 6.0);
    case activation_kind::sigmoid: return sigmoid(x);
    case activation_kind::hard_sigmoid: return hard_sigmoid(x);
    case activation_kind::hard_swish: return x * hard_sigmoid(x);
    case activation_kind::tanh: return std::tanh(x);
    case activation_kind::gelu: return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));  // the exact (erf) form
    case activation_kind::silu: return x * sigmoid(x);
  }
  return x;
}

std::string tensor_shape::to_string() const {
  return std::to_string(height) + "x" + std::to_string(width) + "x" + std::to_string(channels);
}

std::string layer_spec::uncomputable_reason() const {
  const bool constant_values_given = !constant_tensor.empty() || !constant_values.empty();
  if (uses_stored_constant() && !constant_values_given)
    return "uses a constant stored with the network whose values it does not give: add 'tensor:' (a tensor of the "
           "workload's weights_file) or 'values:'";
  if (kind == layer_kind::layernorm && !epsilon)
    return "is a layer normalization without 'epsilon:' (and 'scale:'/'shift:', the tensors of the weights_file "
           "holding its scale and shift)";
  if (kind == layer_kind::reshape && reorders && reorder_order.empty())
    return "reorders its values (a transpose) without saying how: add 'from:' and 'order:'";
  return "";
}

std::string layer_spec::constant_count_problem(long long count) const {
  if (kind == layer_kind::concat) {
    const long long needed =
        constant_size * (along_height ? in_shape.width * in_shape.channels : in_shape.height * in_shape.width);
    if (count == needed) return "";
    return "its stored constant (" + std::to_string(constant_size) + (along_height ? " row(s)" : " channel(s)") +
           " joined to " + in_shape.to_string() + ") needs " + std::to_string(needed) + " values, not " +
           std::to_string(count);
  }
  if (count == 1 || count == in_shape.channels || count == in_shape.elements()) return "";
  return "its stored constant has " + std::to_string(count) + " values; " + in_shape.to_string() +
         " takes one, one per channel (" + std::to_string(in_shape.channels) + ") or one per element (" +
         std::to_string(in_shape.elements()) + ")";
}

long long layer_spec::weight_rows() const {
  switch (kind) {
    case layer_kind::conv2d: return groups > 0 ? kernel_h * kernel_w * (in_shape.channels / groups) : 0;
    case layer_kind::linear: return in_shape.elements();
    default: return 0;
  }
}

long long layer_spec::weight_cols() const {
  switch (kind) {
    case layer_kind::conv2d: return out_channels;
    case layer_kind::linear: return out_features;
    default: return 0;
  }
}

// Each output channel sees only its own group's inputs, so rows x columns is
// already the count over all groups. Biases are not weights here: they are
// added after the crossbar, not stored in it.
long long layer_spec::weight_count() const { return weight_rows() * weight_cols(); }

long long workload_spec::total_macs() const {
  long long sum = 0;
  for (const auto& l : layers)
    if (l.has_products()) sum += l.macs;
  return sum;
}

long long workload_spec::total_weights() const {
  long long sum = 0;
  for (const auto& l : layers)
    if (l.is_matrix_layer()) sum += l.weight_count();
  return sum;
}

const layer_spec* workload_spec::find(const std::string& layer_name) const {
  for (const auto& l : layers)
    if (l.name == layer_name) return &l;
  return nullptr;
}

int workload_spec::index_of(const std::string& layer_name) const {
  for (std::size_t j = 0; j < layers.size(); ++j)
    if (layers[j].name == layer_name) return static_cast<int>(j);
  return -1;
}

int workload_spec::producer_of(int i) const {
  const auto& l = layers[static_cast<std::size_t>(i)];
  if (!l.input.empty())
    for (int j = 0; j < i; ++j)
      if (layers[static_cast<std::size_t>(j)].name == l.input) return j;
  return i - 1;
}

}  // namespace mottsim::dsl

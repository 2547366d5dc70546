#include "platform/data/reference_forward.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>

#include <Eigen/Core>

#include "dsl/functional_requirements.hpp"

namespace mottsim::platform {

namespace {

using row_matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using index = Eigen::Index;

std::size_t at(long long row, long long col, long long channel, const dsl::tensor_shape& s) {
  return static_cast<std::size_t>((row * s.width + col) * s.channels + channel);
}

// im2col of group g into dst: patch p (output position oy * width + ox) at
// dst + (p - first) k, for the `count` positions from `first` on (all of them
// by default), as [kernel_row][kernel_col][in_channel]. The same memory is a
// row-major positions x k matrix (the float GEMM's) and a column-major k x
// positions one (the device models' inputs, one column per patch).
template <typename T>
void im2col_into(const dsl::layer_spec& l, const std::vector<float>& in, long long g, T* dst, long long first = 0,
                 long long count = -1) {
  const dsl::tensor_shape& is = l.in_shape;
  const dsl::tensor_shape& os = l.out_shape;
  const long long cin_g = is.channels / l.groups;
  const long long k = l.kernel_h * l.kernel_w * cin_g;
  const long long end = count < 0 ? os.height * os.width : first + count;
  const long long span_w = (l.kernel_w - 1) * l.dilation_w;  // the patch's reach beyond its first column
  for (long long p = first, oy = first / os.width, ox = first % os.width; p < end; ++p) {
    T* row = dst + (p - first) * k;
    const long long ix0 = ox * l.stride_w - l.pad_w;
    // Most patches lie inside the image across: their rows copy without a test per column.
    const bool inside_w = ix0 >= 0 && ix0 + span_w < is.width;
    for (long long kr = 0; kr < l.kernel_h; ++kr) {
      const long long iy = oy * l.stride_h - l.pad_h + kr * l.dilation_h;
      if (inside_w && iy >= 0 && iy < is.height) {
        const float* from = in.data() + at(iy, ix0, g * cin_g, is);
        T* to = row + kr * l.kernel_w * cin_g;
        const long long step = l.dilation_w * is.channels;
        if (cin_g == 1)
          for (long long kc = 0; kc < l.kernel_w; ++kc) to[kc] = static_cast<T>(from[kc * step]);
        else
          for (long long kc = 0; kc < l.kernel_w; ++kc)
            for (long long c = 0; c < cin_g; ++c) to[kc * cin_g + c] = static_cast<T>(from[kc * step + c]);
        continue;
      }
      for (long long kc = 0; kc < l.kernel_w; ++kc) {
        const long long ix = ox * l.stride_w - l.pad_w + kc * l.dilation_w;
        T* to = row + (kr * l.kernel_w + kc) * cin_g;
        if (iy < 0 || iy >= is.height || ix < 0 || ix >= is.width) {
          for (long long c = 0; c < cin_g; ++c) to[c] = T(0);
        } else {
          const float* from = in.data() + at(iy, ix, g * cin_g, is);
          for (long long c = 0; c < cin_g; ++c) to[c] = static_cast<T>(from[c]);
        }
      }
    }
    if (++ox == os.width) {
      ox = 0;
      ++oy;
    }
  }
}

// im2col of group g: one row per output position.
void im2col(const dsl::layer_spec& l, const std::vector<float>& in, long long g, row_matrix& cols) {
  cols.resize(l.out_shape.height * l.out_shape.width, l.kernel_h * l.kernel_w * (l.in_shape.channels / l.groups));
  im2col_into(l, in, g, cols.data());
}

std::vector<float> conv2d(const dsl::layer_spec& l, const std::vector<float>& in, const std::vector<float>& weights,
                          const std::vector<float>& bias, const reference_network::matrix_fn* matrix = nullptr,
                          std::size_t layer_index = 0) {
  const dsl::tensor_shape& is = l.in_shape;
  const dsl::tensor_shape& os = l.out_shape;
  const long long cin_g = is.channels / l.groups, cout_g = l.out_channels / l.groups;
  const long long k = l.kernel_h * l.kernel_w * cin_g;  // inputs of one output
  const long long positions = os.height * os.width;
  std::vector<float> out(static_cast<std::size_t>(os.elements()));
  row_matrix cols(positions, k);
  row_matrix result(positions, cout_g);
  for (long long g = 0; g < l.groups; ++g) {
    im2col(l, in, g, cols);
    if (matrix) {
      // The devices compute this group: inputs as columns, bias included.
      const Eigen::MatrixXd device = (*matrix)(layer_index, g, cols.transpose().cast<double>());
      for (long long p = 0; p < positions; ++p)
        for (long long o = 0; o < cout_g; ++o)
          out[static_cast<std::size_t>(p * os.channels + g * cout_g + o)] = static_cast<float>(device(o, p));
      continue;
    }
    const Eigen::Map<const row_matrix> w(weights.data() + g * cout_g * k, cout_g, k);
    result.noalias() = cols * w.transpose();
    for (long long p = 0; p < positions; ++p)
      for (long long o = 0; o < cout_g; ++o) {
        const long long channel = g * cout_g + o;
        out[static_cast<std::size_t>(p * os.channels + channel)] =
            result(p, o) + (bias.empty() ? 0.0f : bias[static_cast<std::size_t>(channel)]);
      }
  }
  return out;
}

std::vector<float> linear(const dsl::layer_spec& l, const std::vector<float>& in, const std::vector<float>& weights,
                          const std::vector<float>& bias, const reference_network::matrix_fn* matrix = nullptr,
                          std::size_t layer_index = 0) {
  const index n_out = l.out_features, n_in = l.in_shape.elements();
  if (matrix) {
    const Eigen::MatrixXd x = Eigen::Map<const Eigen::VectorXf>(in.data(), n_in).cast<double>();
    const Eigen::MatrixXd device = (*matrix)(layer_index, 0, x);
    std::vector<float> out(static_cast<std::size_t>(n_out));
    for (index o = 0; o < n_out; ++o) out[static_cast<std::size_t>(o)] = static_cast<float>(device(o, 0));
    return out;
  }
  const Eigen::Map<const row_matrix> w(weights.data(), n_out, n_in);
  const Eigen::Map<const Eigen::VectorXf> x(in.data(), n_in);
  Eigen::VectorXf y = w * x;
  std::vector<float> out(y.data(), y.data() + n_out);
  if (!bias.empty())
    for (std::size_t o = 0; o < out.size(); ++o) out[o] += bias[o];
  return out;
}

std::vector<float> pool(const dsl::layer_spec& l, const std::vector<float>& in) {
  const dsl::tensor_shape& is = l.in_shape;
  const dsl::tensor_shape& os = l.out_shape;
  const bool max = l.kind == dsl::layer_kind::maxpool;
  const float window = static_cast<float>(l.kernel_h * l.kernel_w);
  std::vector<float> out(static_cast<std::size_t>(os.elements()));
  for (long long oy = 0; oy < os.height; ++oy)
    for (long long ox = 0; ox < os.width; ++ox)
      for (long long c = 0; c < os.channels; ++c) {
        float acc = max ? -std::numeric_limits<float>::infinity() : 0.0f;
        for (long long kr = 0; kr < l.kernel_h; ++kr) {
          const long long iy = oy * l.stride_h - l.pad_h + kr;
          if (iy < 0 || iy >= is.height) continue;
          for (long long kc = 0; kc < l.kernel_w; ++kc) {
            const long long ix = ox * l.stride_w - l.pad_w + kc;
            if (ix < 0 || ix >= is.width) continue;
            const float v = in[at(iy, ix, c, is)];
            acc = max ? std::max(acc, v) : acc + v;
          }
        }
        out[at(oy, ox, c, os)] = max ? acc : acc / window;
      }
  return out;
}

// Each position's channels normalized to mean 0 and variance 1 (the
// population variance, plus epsilon), then scaled and shifted per channel;
// sums in double.
std::vector<float> layer_norm(const dsl::layer_spec& l, const std::vector<float>& in, const stored_constants& k) {
  const std::size_t c = static_cast<std::size_t>(l.in_shape.channels);
  std::vector<float> out(in.size());
  for (std::size_t p = 0; p + c <= in.size(); p += c) {
    double sum = 0.0;
    for (std::size_t i = p; i < p + c; ++i) sum += in[i];
    const double mean = sum / static_cast<double>(c);
    double squares = 0.0;
    for (std::size_t i = p; i < p + c; ++i) squares += (in[i] - mean) * (in[i] - mean);
    const double inv = 1.0 / std::sqrt(squares / static_cast<double>(c) + *l.epsilon);
    for (std::size_t i = 0; i < c; ++i) {
      const double y = (in[p + i] - mean) * inv;
      out[p + i] = static_cast<float>(y * (k.scale.empty() ? 1.0 : k.scale[i]) + (k.shift.empty() ? 0.0 : k.shift[i]));
    }
  }
  return out;
}

// The input read as the row-major tensor l.reorder_from, its axes permuted by
// l.reorder_order, read out row-major (an ONNX Transpose between reshapes).
std::vector<float> reorder(const dsl::layer_spec& l, const std::vector<float>& in) {
  const std::size_t rank = l.reorder_from.size();
  std::vector<long long> in_stride(rank, 1);
  for (std::size_t a = rank; a-- > 1;) in_stride[a - 1] = in_stride[a] * l.reorder_from[a];
  std::vector<long long> size(rank), stride(rank), at(rank, 0);  // per output axis
  for (std::size_t i = 0; i < rank; ++i) {
    size[i] = l.reorder_from[static_cast<std::size_t>(l.reorder_order[i])];
    stride[i] = in_stride[static_cast<std::size_t>(l.reorder_order[i])];
  }
  std::vector<float> out(in.size());
  long long from = 0;
  for (float& v : out) {
    v = in[static_cast<std::size_t>(from)];
    for (std::size_t i = rank; i-- > 0;) {  // the next output index, odometer-wise
      from += stride[i];
      if (++at[i] < size[i]) break;
      from -= stride[i] * size[i];
      at[i] = 0;
    }
  }
  return out;
}

// The stored constant's value for element k of a tensor of `count` values
// with `channels` channels: one value, one per channel or one per element.
float constant_at(const std::vector<float>& constant, std::size_t k, std::size_t count, std::size_t channels) {
  if (constant.size() == 1) return constant[0];
  return constant.size() == count ? constant[k] : constant[k % channels];
}

// The layers without weights, on HxWxC tensors in memory order; `other` is the
// `with:` layer's output (the input itself when there is none).
std::vector<float> element_layer(const dsl::layer_spec& l, const std::vector<float>& in,
                                 const std::vector<float>& other, const stored_constants& stored) {
  std::vector<float> out;
  const std::vector<float>& constant = stored.values;
  switch (l.kind) {
    case dsl::layer_kind::conv2d:
    case dsl::layer_kind::linear:
    case dsl::layer_kind::load: break;  // not element layers / refused when bound
    case dsl::layer_kind::layernorm: return layer_norm(l, in, stored);
    case dsl::layer_kind::maxpool:
    case dsl::layer_kind::avgpool: return pool(l, in);
    case dsl::layer_kind::add: {
      out = in;
      const std::size_t c = static_cast<std::size_t>(l.in_shape.channels);
      if (!constant.empty())
        for (std::size_t k = 0; k < out.size(); ++k) out[k] += constant_at(constant, k, out.size(), c);
      else
        for (std::size_t k = 0; k < out.size(); ++k) out[k] += other[k];
      return out;
    }
    case dsl::layer_kind::mul: {
      // Same shape, or one value per channel broadcast over the positions.
      out = in;
      const std::size_t c = static_cast<std::size_t>(l.in_shape.channels);
      if (!constant.empty() && l.divide)
        for (std::size_t k = 0; k < out.size(); ++k) out[k] /= constant_at(constant, k, out.size(), c);
      else if (!constant.empty())
        for (std::size_t k = 0; k < out.size(); ++k) out[k] *= constant_at(constant, k, out.size(), c);
      else
        for (std::size_t k = 0; k < out.size(); ++k) out[k] *= other.size() == out.size() ? other[k] : other[k % c];
      return out;
    }
    case dsl::layer_kind::matmul: {
      // Per head h: rows [h M, (h+1) M) of the input (M x K) times rows
      // [h K, (h+1) K) of `with` (K x N).
      const long long k = l.in_shape.channels, n = l.out_shape.channels;
      const long long m = l.in_shape.height * l.in_shape.width / l.heads;
      out.assign(static_cast<std::size_t>(l.out_shape.elements()), 0.0f);
      for (long long h = 0; h < l.heads; ++h) {
        const Eigen::Map<const row_matrix> a(in.data() + h * m * k, m, k);
        const Eigen::Map<const row_matrix> b(other.data() + h * k * n, k, n);
        Eigen::Map<row_matrix>(out.data() + h * m * n, m, n) = a * b;
      }
      return out;
    }
    case dsl::layer_kind::concat: {
      // Rows: the input's rows, then the other's (or the stored constant's,
      // before or after). Channels: the same per position.
      std::vector<const std::vector<float>*> parts = {&in, constant.empty() ? &other : &constant};
      if (!constant.empty() && l.constant_first) std::swap(parts[0], parts[1]);
      if (l.along_height) {
        for (const auto* part : parts) out.insert(out.end(), part->begin(), part->end());
        return out;
      }
      const auto positions = static_cast<std::size_t>(l.in_shape.height * l.in_shape.width);
      for (std::size_t p = 0; p < positions; ++p)
        for (const auto* part : parts) {
          const std::size_t c = part->size() / positions;
          out.insert(out.end(), part->begin() + static_cast<long long>(p * c),
                     part->begin() + static_cast<long long>((p + 1) * c));
        }
      return out;
    }
    case dsl::layer_kind::slice: {
      const long long c = l.in_shape.channels, w = l.in_shape.width;
      if (l.along_height)
        return {in.begin() + l.slice_begin * w * c, in.begin() + l.slice_end * w * c};
      for (long long p = 0; p < l.in_shape.height * w; ++p)
        out.insert(out.end(), in.begin() + p * c + l.slice_begin, in.begin() + p * c + l.slice_end);
      return out;
    }
    case dsl::layer_kind::reshape:
      if (l.reorders) return reorder(l, in);
      return in;  // the same values in memory order
    case dsl::layer_kind::flatten:
    case dsl::layer_kind::activation: return in;  // the same values in memory order
  }
  return out;
}

// The layer's activation, in place; softmax over each position's channels.
void activate(const dsl::layer_spec& l, std::vector<float>& v) {
  if (l.activation == dsl::activation_kind::none) return;
  if (l.activation == dsl::activation_kind::softmax) {
    const std::size_t c = static_cast<std::size_t>(l.out_shape.channels);
    for (std::size_t p = 0; p + c <= v.size(); p += c) {
      const float top = *std::max_element(v.begin() + static_cast<long long>(p), v.begin() + static_cast<long long>(p + c));
      double sum = 0.0;
      for (std::size_t k = p; k < p + c; ++k) sum += (v[k] = std::exp(v[k] - top));
      for (std::size_t k = p; k < p + c; ++k) v[k] = static_cast<float>(v[k] / sum);
    }
    return;
  }
  for (float& x : v) x = static_cast<float>(dsl::apply_activation(l.activation, x));
}

}  // namespace

namespace {

// Layers the float forward cannot compute (dsl::check_computable).
void refuse_uncomputable(const dsl::workload_spec& workload) {
  dsl::diagnostics errors;
  dsl::check_computable(workload, errors);
  if (errors.has_errors()) throw dsl::input_error(errors);
}

// A layer names stored constants (read from the weights file's ONNX model).
bool names_tensors(const dsl::layer_spec& l) {
  return !l.constant_tensor.empty() || !l.scale_tensor.empty() || !l.shift_tensor.empty();
}

// Layer l's stored tensor `name` (given by `key`) from `model` into `out`,
// checked: `count` values (or, with -1, as many as the layer's constant
// takes). Nothing when no name is given.
void bind_tensor(const dsl::layer_spec& l, const std::string& name, const char* key, long long count,
                 const dsl::onnx_model* model, std::vector<float>& out, dsl::diagnostics& errors) {
  if (name.empty()) return;
  const std::string context = "layer '" + l.name + "': '" + key + ": " + name + "'";
  if (!model) {
    errors.error(l.where, context + " names a tensor of the workload's weights_file, which is no ONNX model");
    return;
  }
  std::string problem;
  if (!dsl::onnx_constant(*model, name, out, problem)) {
    errors.error(l.where, context + ": " + problem);
    return;
  }
  const long long n = static_cast<long long>(out.size());
  const std::string wrong = count >= 0 ? (n == count ? "" : "it has " + std::to_string(n) + " values, " +
                                                                 l.in_shape.to_string() + " needs one per channel (" +
                                                                 std::to_string(count) + ")")
                                       : l.constant_count_problem(n);
  if (!wrong.empty()) errors.error(l.where, context + ": " + wrong);
}

}  // namespace

reference_network::reference_network(const dsl::workload_spec& workload, const weights_file* weights)
    : m_workload(workload) {
  refuse_uncomputable(workload);
  bind(weights);
}

reference_network::reference_network(const dsl::workload_spec& workload) : m_workload(workload) {
  refuse_uncomputable(workload);
  bool needs_file = false;
  for (const auto& l : workload.layers)
    needs_file = needs_file || (l.is_matrix_layer() && l.weights.empty()) || names_tensors(l);
  if (!needs_file) {
    bind(nullptr);
    return;
  }
  if (workload.weights_file.empty()) {
    dsl::diagnostics errors;
    dsl::check_weights_given(workload, errors);
    if (errors.has_errors()) throw dsl::input_error(errors);
    bind(nullptr);  // says which named tensors have no model to come from
    return;
  }
  const weights_file file = read_weights_file(workload);
  bind(&file);
}

void reference_network::bind(const weights_file* weights) { link(m_workload, weights, &m_layers); }

void reference_network::check(const dsl::workload_spec& workload, const weights_file* weights) {
  refuse_uncomputable(workload);
  link(workload, weights, nullptr);
}

void reference_network::link(const dsl::workload_spec& workload, const weights_file* weights,
                             std::vector<bound_layer>* out) {
  dsl::diagnostics errors;
  if (weights) check_weights(*weights, workload, errors);
  // The model named tensors are read from: the weights file's, else the one
  // the workload was imported from.
  const dsl::onnx_model* model = weights && weights->model ? weights->model.get() : workload.imported_model.get();
  std::map<std::string, int> by_name;
  for (std::size_t i = 0; i < workload.layers.size(); ++i) {
    const dsl::layer_spec& l = workload.layers[i];
    bound_layer b;
    b.input = static_cast<int>(i) - 1;
    if (!l.input.empty()) b.input = by_name.count(l.input) ? by_name.at(l.input) : -2;
    if (!l.add_from.empty()) b.other = by_name.count(l.add_from) ? by_name.at(l.add_from) : -2;
    // Stored constants (a position embedding, a class token, a layer
    // normalization's scale and shift): inline, or tensors of the model.
    b.stored.values.assign(l.constant_values.begin(), l.constant_values.end());
    bind_tensor(l, l.constant_tensor, "tensor", -1, model, b.stored.values, errors);
    bind_tensor(l, l.scale_tensor, "scale", l.in_shape.channels, model, b.stored.scale, errors);
    bind_tensor(l, l.shift_tensor, "shift", l.in_shape.channels, model, b.stored.shift, errors);
    if (b.input == -2 || b.other == -2)
      errors.error(l.where, "layer '" + l.name + "' names an input that is not an earlier layer");
    if (l.is_matrix_layer()) {
      long long count = 0;
      if (!l.weights.empty()) {
        count = static_cast<long long>(l.weights.size());
        if (out) b.weights.assign(l.weights.begin(), l.weights.end());
        if (out && l.bias) b.bias.assign(static_cast<std::size_t>(l.weight_cols()), 0.0f);  // no way to write one inline
      } else if (const layer_weights* w = weights ? weights->find(l.name) : nullptr) {
        count = w->count();
        if (out) b.weights = w->values();
        if (out) b.bias = w->bias;
      } else if (!weights) {
        errors.error(l.where, "layer '" + l.name + "' has no weights: give 'weights:' in the layer or "
                              "'weights_file:' in the workload");
      }
      if (!errors.has_errors() && count != l.weight_count())
        errors.error(l.where, "layer '" + l.name + "' has " + std::to_string(count) + " weights, needs " +
                                  std::to_string(l.weight_count()));
    }
    if (out) {
      check_finite_values(l, "weight", b.weights.data(), b.weights.size(), errors);
      check_finite_values(l, "bias value", b.bias.data(), b.bias.size(), errors);
      check_finite_values(l, "stored value", b.stored.values.data(), b.stored.values.size(), errors);
      check_finite_values(l, "scale value", b.stored.scale.data(), b.stored.scale.size(), errors);
      check_finite_values(l, "shift value", b.stored.shift.data(), b.stored.shift.size(), errors);
      // A division by a stored 0 (an ONNX Div by a constant) makes every
      // value after it infinite.
      if (l.divide)
        for (std::size_t k = 0; k < b.stored.values.size(); ++k)
          if (b.stored.values[k] == 0.0f) {
            errors.error(l.where, "layer '" + l.name + "' divides by its stored values, and value " +
                                      std::to_string(k) + " of " + std::to_string(b.stored.values.size()) + " is 0");
            break;
          }
    }
    if (!l.name.empty() && !by_name.count(l.name)) by_name[l.name] = static_cast<int>(i);
    if (out) out->push_back(std::move(b));
  }
  if (errors.has_errors()) throw dsl::input_error(errors);
}

std::vector<std::vector<float>> reference_network::forward_all(const std::vector<float>& input) const {
  return forward_all(input, matrix_fn());
}

std::vector<std::vector<float>> reference_network::forward_all(const std::vector<float>& input,
                                                               const matrix_fn& matrix) const {
  const matrix_fn* device = matrix ? &matrix : nullptr;
  if (static_cast<long long>(input.size()) != m_workload.input.elements())
    throw std::invalid_argument("reference_network: input has " + std::to_string(input.size()) + " values, " +
                                m_workload.name + " needs " + m_workload.input.to_string());
  std::vector<std::vector<float>> outputs(m_layers.size());
  for (std::size_t i = 0; i < m_layers.size(); ++i) {
    const dsl::layer_spec& l = m_workload.layers[i];
    const bound_layer& b = m_layers[i];
    const std::vector<float>& in = b.input < 0 ? input : outputs[static_cast<std::size_t>(b.input)];
    std::vector<float> out;
    if (l.kind == dsl::layer_kind::conv2d) out = conv2d(l, in, b.weights, b.bias, device, i);
    else if (l.kind == dsl::layer_kind::linear) out = linear(l, in, b.weights, b.bias, device, i);
    else out = element_layer(l, in, b.other < 0 ? in : outputs[static_cast<std::size_t>(b.other)], b.stored);
    activate(l, out);
    outputs[i] = std::move(out);
  }
  return outputs;
}

std::vector<std::vector<std::vector<float>>> reference_network::forward_batch(
    const std::vector<std::vector<float>>& inputs, const matrix_fn& matrix, long long last_slice_values) const {
  std::size_t last_matrix = m_layers.size();
  for (std::size_t i = 0; i < m_layers.size(); ++i)
    if (m_workload.layers[i].is_matrix_layer()) last_matrix = i;
  const std::size_t n = inputs.size();
  for (const auto& x : inputs)
    if (static_cast<long long>(x.size()) != m_workload.input.elements())
      throw std::invalid_argument("reference_network: input has " + std::to_string(x.size()) + " values, " +
                                  m_workload.name + " needs " + m_workload.input.to_string());
  std::vector<std::vector<std::vector<float>>> outputs(n, std::vector<std::vector<float>>(m_layers.size()));
  for (std::size_t i = 0; i < m_layers.size(); ++i) {
    const dsl::layer_spec& l = m_workload.layers[i];
    const bound_layer& b = m_layers[i];
    auto in_of = [&](std::size_t s) -> const std::vector<float>& {
      return b.input < 0 ? inputs[s] : outputs[s][static_cast<std::size_t>(b.input)];
    };
    if (l.kind == dsl::layer_kind::conv2d && matrix) {
      const dsl::tensor_shape& os = l.out_shape;
      const long long cout_g = l.out_channels / l.groups;
      const long long k = l.kernel_h * l.kernel_w * (l.in_shape.channels / l.groups);
      const long long positions = os.height * os.width;
      if (i == last_matrix && last_slice_values > 0) {
        // The pass ends at these inputs: slices of them, never the whole matrix.
        const long long slice = std::max<long long>(1, last_slice_values / k);
        Eigen::MatrixXd x;
        for (long long g = 0; g < l.groups; ++g)
          for (std::size_t s = 0; s < n; ++s)
            for (long long first = 0; first < positions; first += slice) {
              const long long count = std::min(slice, positions - first);
              x.resize(k, count);
              im2col_into(l, in_of(s), g, x.data(), first, count);
              matrix(i, g, x);
            }
        return outputs;
      }
      for (std::size_t s = 0; s < n; ++s) outputs[s][i].assign(static_cast<std::size_t>(os.elements()), 0.0f);
      for (long long g = 0; g < l.groups; ++g) {
        Eigen::MatrixXd x(k, positions * static_cast<long long>(n));
        for (std::size_t s = 0; s < n; ++s)
          im2col_into(l, in_of(s), g, x.data() + static_cast<index>(s) * positions * k);
        const Eigen::MatrixXd y = matrix(i, g, x);
        if (y.size() == 0) {
          for (std::size_t s = 0; s < n; ++s) outputs[s][i].clear();
          return outputs;
        }
        for (std::size_t s = 0; s < n; ++s)
          for (long long p = 0; p < positions; ++p)
            for (long long o = 0; o < cout_g; ++o)
              outputs[s][i][static_cast<std::size_t>(p * os.channels + g * cout_g + o)] =
                  static_cast<float>(y(o, static_cast<index>(s) * positions + p));
      }
    } else if (l.kind == dsl::layer_kind::linear && matrix) {
      const index n_in = l.in_shape.elements();
      Eigen::MatrixXd x(n_in, static_cast<index>(n));
      for (std::size_t s = 0; s < n; ++s)
        x.col(static_cast<index>(s)) = Eigen::Map<const Eigen::VectorXf>(in_of(s).data(), n_in).cast<double>();
      const Eigen::MatrixXd y = matrix(i, 0, x);
      if (y.size() == 0) return outputs;
      for (std::size_t s = 0; s < n; ++s) {
        outputs[s][i].resize(static_cast<std::size_t>(l.out_features));
        for (index o = 0; o < l.out_features; ++o)
          outputs[s][i][static_cast<std::size_t>(o)] = static_cast<float>(y(o, static_cast<index>(s)));
      }
    } else {
      for (std::size_t s = 0; s < n; ++s) {
        const std::vector<float>& in = in_of(s);
        std::vector<float> out;
        if (l.kind == dsl::layer_kind::conv2d) out = conv2d(l, in, b.weights, b.bias);
        else if (l.kind == dsl::layer_kind::linear) out = linear(l, in, b.weights, b.bias);
        else out = element_layer(l, in, b.other < 0 ? in : outputs[s][static_cast<std::size_t>(b.other)], b.stored);
        outputs[s][i] = std::move(out);
      }
    }
    for (std::size_t s = 0; s < n; ++s) activate(l, outputs[s][i]);
  }
  return outputs;
}

Eigen::MatrixXd reference_network::product(std::size_t layer, long long group, const Eigen::MatrixXd& inputs) const {
  const dsl::layer_spec& l = m_workload.layers.at(layer);
  const bound_layer& b = m_layers.at(layer);
  const long long outs = l.kind == dsl::layer_kind::conv2d ? l.out_channels / l.groups : l.out_features;
  const index k = inputs.rows();
  const Eigen::Map<const row_matrix> w(b.weights.data() + group * outs * k, outs, k);
  Eigen::MatrixXd y = w.cast<double>() * inputs;
  if (!b.bias.empty())
    for (long long o = 0; o < outs; ++o) y.row(o).array() += b.bias[static_cast<std::size_t>(group * outs + o)];
  return y;
}

std::vector<float> reference_network::forward(const std::vector<float>& input) const {
  auto all = forward_all(input);
  return all.empty() ? input : std::move(all.back());
}

std::size_t reference_network::classify(const std::vector<float>& input) const { return argmax(forward(input)); }

bool check_finite_values(const dsl::layer_spec& l, const std::string& what, const float* values, std::size_t n,
                         dsl::diagnostics& errors, std::size_t first, std::size_t total) {
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(values[i])) {
      errors.error(l.where, "layer '" + l.name + "': " + what + " " + std::to_string(first + i) + " of " +
                                std::to_string(total ? total : n) +
                                " is " + (std::isnan(values[i]) ? "NaN" : values[i] > 0 ? "+inf" : "-inf") +
                                "; mottsim computes with finite numbers (a damaged or badly exported model?)");
      return false;
    }
  return true;
}

std::size_t argmax(const std::vector<float>& values) {
  return static_cast<std::size_t>(std::max_element(values.begin(), values.end()) - values.begin());
}

}  // namespace mottsim::platform

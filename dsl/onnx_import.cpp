#include "dsl/onnx_import.hpp"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cstdint>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "dsl/input_file.hpp"
#include "dsl/onnx_model.hpp"
#include "dsl/utf8.hpp"
#include "dsl/yaml_quote.hpp"

namespace mottsim::dsl {

namespace fs = std::filesystem;

bool is_onnx_path(const std::string& path) { return has_extension(path, ".onnx"); }

// Where a float or double tensor's values are: little-endian bytes in the
// message or left in the model's file, or the message's float_data or
// double_data.
struct stored_values {
  const char* raw = nullptr;                      // raw_data held in the message
  std::optional<onnx_model::file_span> in_file;  // raw_data left in the file
  const onnx::TensorProto* tensor = nullptr;      // else its float_data / double_data
  bool is_double = false;
  long long count = 0;
};

// A crossbar layer's weights as the model stores them and the steps that
// make them mottsim's (each value converted exactly as a whole copy would
// be: to float, times Gemm's alpha, then each BatchNormalization's factor).
struct onnx_weights::source {
  std::shared_ptr<const onnx_model> model;  // the file `values` may be in
  stored_values values;
  bool conv = true;
  long long outputs = 0;
  // conv2d: ONNX [out][in/groups][row][col] to mottsim [out][row][col][in/groups].
  long long in_per_group = 0, kh = 1, kw = 1;
  // linear (or a 1x1 convolution over tokens): ONNX [k][out], or [out][k]
  // with transB, times alpha; inputs flattened from a CxHxW map larger than
  // 1x1 move to mottsim's HxWxC order.
  long long k = 0;
  bool trans_b = false;
  float alpha = 1.0f;
  long long from_c = 0, from_hw = 1;
  std::vector<std::vector<double>> folds;  // factor per output of each BatchNormalization folded in, in order

  long long fan_in() const { return conv ? in_per_group * kh * kw : k; }
  // Each output's values are one run of the tensor (else a column of [k][out]).
  bool runs() const { return conv || trans_b; }
  // Output o's values into `out`; load(e) is element e of the tensor, whose
  // [k][out] rows are `row` elements apart.
  template <class Load>
  void gather(long long o, long long row, float* out, Load load) const {
    if (conv) {
      const long long area = kh * kw;
      for (long long i = 0; i < in_per_group; ++i)
        for (long long p = 0; p < area; ++p) out[p * in_per_group + i] = load((o * in_per_group + i) * area + p);
    } else if (from_hw > 1) {
      for (long long i = 0; i < k; ++i)
        out[(i % from_hw) * from_c + i / from_hw] = alpha * load(trans_b ? o * k + i : i * row + o);
    } else {
      for (long long i = 0; i < k; ++i) out[i] = alpha * load(trans_b ? o * k + i : i * row + o);
    }
  }
};

namespace {

// Calls use(load) with the loader of little-endian bytes at `base` holding
// elements from `first` on: load(e) is element e as a float (a double
// rounded to float).
template <class Use>
void with_bytes(const char* base, long long first, bool is_double, Use use) {
  if (is_double) {
    use([=](long long e) {
      double x;
      std::memcpy(&x, base + 8 * (e - first), 8);
      return static_cast<float>(x);
    });
  } else {
    use([=](long long e) {
      float x;
      std::memcpy(&x, base + 4 * (e - first), 4);
      return x;
    });
  }
}

// The same for values the message holds (not those left in the file).
template <class Use>
void with_loader(const stored_values& v, Use use) {
  if (v.raw) {
    with_bytes(v.raw, 0, v.is_double, use);
  } else if (!v.is_double) {
    use([&](long long e) { return v.tensor->float_data(static_cast<int>(e)); });
  } else {
    use([&](long long e) { return static_cast<float>(v.tensor->double_data(static_cast<int>(e))); });
  }
}

}  // namespace

long long onnx_weights::outputs() const { return m_source ? m_source->outputs : 0; }
long long onnx_weights::fan_in() const { return m_source ? m_source->fan_in() : 0; }

void onnx_weights::read_outputs(long long first, long long count, float* out) const {
  const source& s = *m_source;
  const long long n = s.fan_in();
  const auto each = [&](long long o_base, long long row, auto load) {
    for (long long o = first; o < first + count; ++o) s.gather(o - o_base, row, out + (o - first) * n, load);
  };
  if (const auto& span = s.values.in_file) {
    // Read into a buffer kept for the next read: on some machines touching
    // fresh memory (or a mapped file) the first time costs more than reading.
    thread_local std::vector<char> buffer;
    const long long width = s.values.is_double ? 8 : 4;
    buffer.resize(static_cast<std::size_t>(count * n * width));
    if (s.runs()) {  // the outputs' values: one run, from element first n on
      s.model->read_file(span->offset + static_cast<std::uint64_t>(first * n * width), buffer.size(), buffer.data());
      with_bytes(buffer.data(), first * n, s.values.is_double, [&](auto load) { each(0, s.outputs, load); });
    } else {  // these outputs' columns of [k][out]: a [k][count] block, read row by row
      for (long long i = 0; i < s.k; ++i)
        s.model->read_file(span->offset + static_cast<std::uint64_t>((i * s.outputs + first) * width),
                           static_cast<std::size_t>(count * width), buffer.data() + i * count * width);
      with_bytes(buffer.data(), 0, s.values.is_double, [&](auto load) { each(first, count, load); });
    }
  } else {
    with_loader(s.values, [&](auto load) { each(0, s.outputs, load); });
  }
  for (const auto& factors : s.folds)
    for (long long o = first; o < first + count; ++o) {
      const double f = factors[static_cast<std::size_t>(o)];
      float* w = out + (o - first) * n;
      for (long long j = 0; j < n; ++j) w[j] = static_cast<float>(w[j] * f);
    }
}

std::vector<float> onnx_weights::values() const {
  const long long n = fan_in();
  std::vector<float> all(static_cast<std::size_t>(outputs() * n));
  const long long batch = std::max(1LL, onnx_weights_per_read / std::max(1LL, n));
  for (long long o = 0; o < outputs(); o += batch)
    read_outputs(o, std::min(batch, outputs() - o), all.data() + o * n);
  return all;
}

namespace {

constexpr const char* supported_ops =
    "Conv, BatchNormalization (after a Conv), Relu, Clip (as ReLU6), Sigmoid, HardSigmoid, HardSwish, Tanh, Softmax, "
    "GELU (Erf written out as Div, Erf, Add, Mul, Mul), SiLU (Sigmoid and Mul), LayerNormalization (or written out as "
    "ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add), MaxPool, AveragePool, GlobalAveragePool, Gemm, "
    "MatMul (with a weight initializer, or between two activations), Add, Mul, Div (by a constant), Concat, Slice, "
    "Gather (one row), Flatten, Reshape, Transpose, Dropout and Identity, with Shape, Constant, ConstantOfShape, "
    "Equal, Where and Expand on constants";

// What the walk knows of one tensor of the graph.
struct tensor_state {
  int layer = -1;  // index of the mottsim layer that produces it; -1: the network input
  // mottsim's view of it: an image [1, C, H, W] is HxWxC; any other tensor is
  // (all its dimensions but the last, multiplied) x 1 x (the last).
  long long c = 0, h = 1, w = 1;
  bool flat = false;  // a [batch, features] vector (features in c)
  bool image = false;  // an [1, C, H, W] image (a convolution's or pooling's output, or the input)
  std::vector<long long> dims;  // its ONNX shape
  // A vector flattened in ONNX's CxHxW order from a map larger than 1x1: the
  // linear layer that reads it takes its weights reordered to mottsim's HxWxC.
  long long from_c = 0, from_h = 0, from_w = 0;
  // Its values in memory order are not its producer's (a Transpose was taken).
  bool reordered = false;
  // How its values (row-major over dims) come from its producer's memory:
  // that memory read as the row-major tensor mem_dims, its axes permuted by
  // perm (axis i is mem_dims[perm[i]]), read out row-major. Axes of size 1
  // are left out (they move nothing). Unknown (a Reshape that splits what a
  // Transpose moved in a way no axis split follows) when mem_known is false.
  std::vector<long long> mem_dims, perm;
  bool mem_known = true;
};

// Drops the axes of size 1 from a (mem_dims, perm) pair.
void drop_unit_axes(std::vector<long long>& dims, std::vector<long long>& perm) {
  std::vector<long long> index(dims.size(), -1), kept_dims, kept_perm;
  for (std::size_t a = 0; a < dims.size(); ++a)
    if (dims[a] != 1) {
      index[a] = static_cast<long long>(kept_dims.size());
      kept_dims.push_back(dims[a]);
    }
  for (long long a : perm)
    if (index[static_cast<std::size_t>(a)] >= 0) kept_perm.push_back(index[static_cast<std::size_t>(a)]);
  dims = std::move(kept_dims);
  perm = std::move(kept_perm);
}

// The tensor's values are its producer's memory in order: mottsim keeps an
// image [1, C, H, W] as HxWxC, any other tensor row-major.
void own_memory(tensor_state& s) {
  if (s.image) {
    s.mem_dims = {s.dims[0], s.dims[2], s.dims[3], s.dims[1]};
    s.perm = {0, 3, 1, 2};
  } else {
    s.mem_dims = s.dims;
    s.perm.resize(s.dims.size());
    for (std::size_t i = 0; i < s.perm.size(); ++i) s.perm[i] = static_cast<long long>(i);
  }
  drop_unit_axes(s.mem_dims, s.perm);
  s.mem_known = true;
}

// Its values, in the order mottsim views the tensor (an image HxWxC, any
// other row-major), are not its producer's memory in order.
bool moves_values(const tensor_state& s) {
  if (!s.mem_known) return true;
  if (!s.image) return !std::is_sorted(s.perm.begin(), s.perm.end());
  tensor_state own = s;
  own_memory(own);
  return own.mem_dims != s.mem_dims || own.perm != s.perm;
}

// The state of `in` transposed by `order` (over in.dims' axes) into a tensor
// of `out_dims`: the permutation composed with the one `in` already has, on
// the finest axes both its memory view and its dims split into.
void compose_transpose(const tensor_state& in, const std::vector<long long>& order, tensor_state& out) {
  out.mem_known = false;
  if (!in.mem_known) return;
  std::vector<long long> dims, dim_axis;  // in.dims without 1s, and which axis each was
  for (std::size_t a = 0; a < in.dims.size(); ++a)
    if (in.dims[a] != 1) {
      dims.push_back(in.dims[a]);
      dim_axis.push_back(static_cast<long long>(a));
    }
  std::vector<long long> seen;  // the permuted memory's axis sizes
  for (long long a : in.perm) seen.push_back(in.mem_dims[static_cast<std::size_t>(a)]);
  // Common refinement: pieces, each within one axis of `seen` and of `dims`.
  std::vector<long long> pieces;
  std::vector<std::vector<std::size_t>> of_seen(seen.size()), of_dims(dims.size());
  std::size_t i = 0, j = 0;
  long long a = seen.empty() ? 1 : seen[0], b = dims.empty() ? 1 : dims[0];
  while (i < seen.size() && j < dims.size()) {
    const long long piece = std::min(a, b);
    if (std::max(a, b) % piece != 0) return;
    of_seen[i].push_back(pieces.size());
    of_dims[j].push_back(pieces.size());
    pieces.push_back(piece);
    a /= piece;
    b /= piece;
    if (a == 1 && ++i < seen.size()) a = seen[i];
    if (b == 1 && ++j < dims.size()) b = dims[j];
  }
  if (i != seen.size() || j != dims.size()) return;
  // The memory's axes split into the pieces, in memory order.
  std::vector<long long> mem, piece_axis(pieces.size());
  for (std::size_t m = 0; m < in.mem_dims.size(); ++m) {
    const auto at = std::find(in.perm.begin(), in.perm.end(), static_cast<long long>(m));
    const auto k = static_cast<std::size_t>(at - in.perm.begin());
    for (std::size_t p : of_seen[k]) {
      piece_axis[p] = static_cast<long long>(mem.size());
      mem.push_back(pieces[p]);
    }
  }
  // The transposed tensor's axes, each the pieces of one of in.dims' axes.
  std::vector<long long> perm;
  for (long long o : order) {
    const auto at = std::find(dim_axis.begin(), dim_axis.end(), o);
    if (at == dim_axis.end()) continue;  // an axis of size 1
    for (std::size_t p : of_dims[static_cast<std::size_t>(at - dim_axis.begin())]) perm.push_back(piece_axis[p]);
  }
  out.mem_dims = std::move(mem);
  out.perm = std::move(perm);
  out.mem_known = true;
}

// A (mem_dims, perm) pair with the axes that stay next to each other in the
// same order merged: the fewest axes that say the same reordering.
void merge_runs(std::vector<long long>& dims, std::vector<long long>& perm) {
  std::vector<std::vector<long long>> runs;
  for (long long a : perm)
    if (!runs.empty() && runs.back().back() + 1 == a) runs.back().push_back(a);
    else runs.push_back({a});
  std::vector<std::size_t> by_start(runs.size());
  for (std::size_t r = 0; r < runs.size(); ++r) by_start[r] = r;
  std::sort(by_start.begin(), by_start.end(), [&](std::size_t x, std::size_t y) { return runs[x][0] < runs[y][0]; });
  std::vector<long long> merged(runs.size()), new_index(runs.size());
  for (std::size_t k = 0; k < by_start.size(); ++k) {
    long long size = 1;
    for (long long a : runs[by_start[k]]) size *= dims[static_cast<std::size_t>(a)];
    merged[k] = size;
    new_index[by_start[k]] = static_cast<long long>(k);
  }
  dims = std::move(merged);
  perm = std::move(new_index);
}

// One layer of the workload being written.
struct out_layer {
  std::string name;
  std::string type;
  int input = -2;      // producing layer; -1: the network input; -2: unset
  int with = -1;       // `add`: the other operand's layer
  std::vector<std::pair<std::string, std::string>> params;  // written in this order
  bool bias = false;
  std::string nodes;   // the ONNX nodes it stands for, for the comment
  std::string output;  // the ONNX tensor holding its output
  long long out_c = 0, out_h = 1, out_w = 1;  // its output shape in mottsim
  std::string activation = "none";
  long long macs = 0;
  long long weight_count = 0;
  std::vector<long long> shape;
  std::shared_ptr<onnx_weights::source> weights;  // when asked for
  std::vector<float> bias_values;
};

std::string ints_text(long long a, long long b) {
  return a == b ? std::to_string(a) : "[" + std::to_string(a) + ", " + std::to_string(b) + "]";
}

// A YAML double-quoted scalar.
std::string quoted(const std::string& s) { return yaml_quoted(s); }

std::string with_commas(long long n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// An integer tensor's values (a Reshape's shape); empty for another type.
std::vector<long long> int64_values(const onnx_model& model, const onnx::TensorProto& t) {
  std::vector<long long> v;
  if (t.data_type() != onnx::TensorProto::INT64) return v;
  std::string storage;
  if (const auto raw = model.raw_data(t, storage)) {
    v.resize(raw->size() / 8);
    std::memcpy(v.data(), raw->data(), v.size() * 8);
  } else {
    v.assign(t.int64_data().begin(), t.int64_data().end());
  }
  return v;
}

long long window_output(long long in, long long kernel, long long stride, long long pad, long long dilation) {
  const long long span = in + 2 * pad - dilation * (kernel - 1) - 1;
  return span < 0 ? 0 : span / stride + 1;
}

long long product(const std::vector<long long>& v, std::size_t from = 0, std::size_t to = SIZE_MAX) {
  long long p = 1;
  for (std::size_t i = from; i < std::min(to, v.size()); ++i) p *= v[i];
  return p;
}

std::string dims_text(const std::vector<long long>& d) {
  std::string s = "[";
  for (std::size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
  return s + "]";
}

// A tensor of the given ONNX shape as mottsim sees it (tensor_state's view).
tensor_state viewed(const std::vector<long long>& dims, int layer, bool image) {
  tensor_state s;
  s.layer = layer;
  s.dims = dims;
  s.image = image && dims.size() == 4 && dims[0] == 1;
  if (s.image) {
    s.c = dims[1];
    s.h = dims[2];
    s.w = dims[3];
  } else if (dims.size() == 2 && dims[0] == 1) {
    s.c = dims[1];
    s.flat = true;
  } else {
    s.c = dims.empty() ? 1 : dims.back();
    s.h = dims.empty() ? 1 : product(dims, 0, dims.size() - 1);
  }
  own_memory(s);
  return s;
}

// An axis attribute made non-negative; -1 when outside the rank.
long long axis_of(long long axis, std::size_t rank) {
  const long long r = static_cast<long long>(rank);
  if (axis < 0) axis += r;
  return axis < 0 || axis >= r ? -1 : axis;
}

// A small integer tensor the importer computed (shapes and their arithmetic).
struct int_tensor {
  std::vector<long long> dims;
  std::vector<long long> values;
};

// Where tensor t's values are, checked: float or double, not in an external
// file, as many as its dims say; false (with why in `problem`) otherwise.
bool stored_tensor(const onnx_model& model, const onnx::TensorProto& t, stored_values& out, std::string& problem) {
  long long count = 1;
  for (const auto d : t.dims()) {
    if (d < 0) {
      problem = "initializer '" + t.name() + "' has a negative dimension (" + std::to_string(d) + ")";
      return false;
    }
    if (d > 0 && count > std::numeric_limits<long long>::max() / d) {
      problem = "initializer '" + t.name() + "' has more elements than 64 bits count";
      return false;
    }
    count *= d;
  }
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    problem = "initializer '" + t.name() + "' keeps its data in an external file, which mottsim does not read";
    return false;
  }
  out = stored_values{};
  out.tensor = &t;
  out.count = count;
  long long held = 0;
  if (t.data_type() == onnx::TensorProto::FLOAT || t.data_type() == onnx::TensorProto::DOUBLE) {
    out.is_double = t.data_type() == onnx::TensorProto::DOUBLE;
    const std::uint64_t width = out.is_double ? 8 : 4;
    if (const auto bytes = model.raw_data_size(t)) {
      if (*bytes != static_cast<std::uint64_t>(count) * width) {
        problem = "initializer '" + t.name() + "' holds " + std::to_string(*bytes) + " bytes for " +
                  std::to_string(count) + (out.is_double ? " doubles" : " floats");
        return false;
      }
      out.in_file = model.raw_data_in_file(t);
      if (!out.in_file) out.raw = t.raw_data().data();  // ONNX stores little-endian
      held = count;
    } else {
      held = out.is_double ? t.double_data_size() : t.float_data_size();
    }
  } else {
    problem = "initializer '" + t.name() + "' has element type " + std::to_string(t.data_type()) +
              "; mottsim reads float and double weights";
    return false;
  }
  if (held != count) {
    problem = "initializer '" + t.name() + "' holds " + std::to_string(held) + " values for its " +
              std::to_string(count) + " elements";
    return false;
  }
  return true;
}

// Tensor t's values copied as floats (biases, normalization parameters, stored constants).
bool float_tensor(const onnx_model& model, const onnx::TensorProto& t, std::vector<float>& out, std::string& problem) {
  stored_values v;
  if (!stored_tensor(model, t, v, problem)) return false;
  std::string bytes;
  if (v.in_file) {  // a large tensor: read from the file
    model.raw_data(t, bytes);
    v.raw = bytes.data();
  }
  out.resize(static_cast<std::size_t>(v.count));
  with_loader(v, [&](auto load) {
    for (long long i = 0; i < v.count; ++i) out[static_cast<std::size_t>(i)] = load(i);
  });
  return true;
}

class onnx_reader {
 public:
  onnx_reader(std::shared_ptr<const onnx_model> model, std::string path, bool with_weights, diagnostics& errors)
      : m_model(std::move(model)), m_path(std::move(path)), m_with_weights(with_weights), m_errors(errors) {}

  onnx_workload read(const std::string& weights_ref);

 private:
  // Located at the model file; names the node, its op type and the opset.
  void node_error(const onnx::NodeProto& n, const std::string& message) {
    m_errors.error({m_path, 0, 0}, "node '" + node_name(n) + "' (" + n.op_type() + ", opset " +
                                       std::to_string(m_opset) + "): " + message);
  }
  void model_error(const std::string& message) { m_errors.error({m_path, 0, 0}, message); }
  std::string node_name(const onnx::NodeProto& n) const {
    return n.name().empty() ? n.op_type() + "_" + std::to_string(m_node_index) : n.name();
  }

  // False (reported) when a name the workload would take from the model is
  // not UTF-8 text.
  bool names_are_text(const onnx::GraphProto& g);
  bool read_input(const onnx::GraphProto& g);
  void walk(const onnx::GraphProto& g);
  bool node(const onnx::NodeProto& n);
  std::string write_yaml(const std::string& weights_ref) const;

  // The node's activation input `i`, or null (reported) when it is unknown or an initializer.
  const tensor_state* activation(const onnx::NodeProto& n, int i);
  // The node's first input as an image (not a vector), or null (reported).
  const tensor_state* image_input(const onnx::NodeProto& n, const char* what);
  const onnx::TensorProto* initializer(const onnx::NodeProto& n, int i, bool required);
  // Where tensor t's values are, checked: float or double, not in an
  // external file, as many as its dims say; false (reported) otherwise.
  bool stored(const onnx::NodeProto& n, const onnx::TensorProto& t, stored_values& out);
  // Tensor t's values copied as floats (biases, normalization parameters).
  bool floats(const onnx::NodeProto& n, const onnx::TensorProto& t, std::vector<float>& out);
  // A bias of `outputs` values (one value is broadcast where ONNX allows it:
  // Gemm's C and an Add); false (reported) when the count is wrong.
  // Whether t stores `outputs` values (or one, with `broadcast`), from its
  // layout alone: import and validate, which read no values, check it as run does.
  bool count_fits(const onnx::NodeProto& n, const onnx::TensorProto& t, long long outputs, bool broadcast,
                  const std::string& label, const std::string& unit);
  bool bias(const onnx::NodeProto& n, const onnx::TensorProto& t, long long outputs, bool broadcast,
            const char* what, std::vector<float>& out);
  long long attr_int(const onnx::NodeProto& n, const char* key, long long fallback) const;
  std::vector<long long> attr_ints(const onnx::NodeProto& n, const char* key) const;
  std::string attr_text(const onnx::NodeProto& n, const char* key) const;
  // kernel/stride/pads/dilations of a 2-D window; false (reported) when not one.
  bool window(const onnx::NodeProto& n, long long kh, long long kw, long long& sh, long long& sw, long long& ph,
              long long& pw, long long& dh, long long& dw);
  // The producer of `t` as the layer a fused node (BatchNormalization, Relu,
  // a bias Add) can be folded into: sole consumer, no activation yet.
  int foldable(const onnx::NodeProto& n, const std::string& tensor, const char* what);
  int add_layer(out_layer l, const tensor_state& in, const onnx::NodeProto& n, tensor_state& out);
  // The node's activation input `i` as a layer's input: a layer output seen in
  // another shape (after a Reshape or Transpose) gets a reshape layer first.
  const tensor_state* layer_input(const onnx::NodeProto& n, int i);
  // The layer an activation function on `tensor` folds into (read by
  // `uses` nodes of the pattern, all of them), or -1.
  int fold_target(const std::string& tensor, int uses) const;
  // Applies `kind` to `tensor`: folded into the layer that makes it when it
  // can, else as an `activation` layer. `output` is the pattern's result.
  bool apply_activation(const onnx::NodeProto& n, const std::string& tensor, int uses, const std::string& kind,
                        const std::string& output, const std::string& nodes);
  // The only node reading `tensor` when it is of type `op`; null otherwise.
  const onnx::NodeProto* sole_consumer(const std::string& tensor, const char* op) const;
  // Constants: ONNX shape of a constant tensor, integer values.
  bool const_dims(const std::string& name, std::vector<long long>& dims) const;
  bool int_values(const std::string& name, int_tensor& out) const;
  bool float_scalar(const std::string& name, double& out);
  bool is_constant(const std::string& name) const {
    return m_initializers.count(name) || m_ints.count(name) || m_const_dims.count(name);
  }
  bool constant_op(const onnx::NodeProto& n, bool& handled);
  // Adds to `l` what gives the values of stored constant `name`: inline
  // `values:` when they are few, else `tensor:` naming the initializer or
  // Constant node; nothing when no stored tensor holds them (perf mode only).
  // True when it added them.
  bool constant_params(const std::string& name, out_layer& l);
  // The name onnx_constant finds tensor `name`'s values by: the initializer
  // or Constant node it is (an Identity passes one on under another name).
  std::string stored_name(const std::string& name) const;
  void set_output(const onnx::NodeProto& n, const tensor_state& s) { m_tensors[n.output(0)] = s; }

  bool conv(const onnx::NodeProto& n);
  bool batch_norm(const onnx::NodeProto& n);
  bool relu(const onnx::NodeProto& n);
  bool pool(const onnx::NodeProto& n);
  bool global_pool(const onnx::NodeProto& n);
  bool flatten(const onnx::NodeProto& n, const char* how);
  bool reshape(const onnx::NodeProto& n);
  bool dense(const onnx::NodeProto& n);
  bool add(const onnx::NodeProto& n);
  // A `type` layer (add, mul) of node n's input 0 with its input 1, both
  // layers' outputs; `input_error` when either is the network input.
  bool two_layer_op(const onnx::NodeProto& n, const char* type, const std::string& input_error);
  // A `type` layer (add, mul) of node n's activation operand with its stored
  // constant operand `constant_input` (`constant: true`).
  bool constant_op_layer(const onnx::NodeProto& n, int constant_input, const char* type,
                         const std::string& input_error);
  bool activation_op(const onnx::NodeProto& n);
  bool gelu(const onnx::NodeProto& n, bool& handled);
  bool layer_norm(const onnx::NodeProto& n, bool decomposed);
  bool mul(const onnx::NodeProto& n);
  bool matmul(const onnx::NodeProto& n);
  bool transpose(const onnx::NodeProto& n);
  bool slice(const onnx::NodeProto& n, bool gather);
  bool concat(const onnx::NodeProto& n);

  std::shared_ptr<const onnx_model> m_model;
  std::string m_path;
  bool m_with_weights;
  diagnostics& m_errors;
  long long m_opset = 0;
  std::size_t m_node_index = 0;
  std::string m_producer;
  long long m_ir_version = 0;
  std::map<std::string, const onnx::TensorProto*> m_initializers;
  std::map<std::string, int> m_uses;  // how many node inputs read each tensor
  std::map<std::string, std::vector<int>> m_consumers;  // the nodes reading each tensor
  std::set<int> m_fused;  // nodes already taken into a pattern (GELU, SiLU, layer normalization)
  std::map<const onnx::NodeProto*, int> m_index_of;
  const onnx::GraphProto* m_graph = nullptr;
  std::map<std::string, int_tensor> m_ints;  // integer constants computed from shapes
  std::map<std::string, std::vector<long long>> m_const_dims;  // float constants expanded (no values kept)
  std::map<std::string, std::string> m_const_source;  // an expanded constant holding one's values unchanged
  std::map<std::string, tensor_state> m_tensors;
  std::vector<out_layer> m_layers;
  std::set<std::string> m_names;
  long long m_in_c = 0, m_in_h = 1, m_in_w = 1;
  std::size_t m_nodes = 0;
};

// ONNX's names are UTF-8 text, and mottsim names its layers and the
// tensors it reads after them, in a workload (YAML) and in reports (JSON),
// both UTF-8. A name that is not text is refused rather than rewritten: a
// rewritten name would name nothing in the model. The first one found is
// reported, its bytes escaped (\xNN); nodes by their index in the graph, as
// their names are what is broken.
bool onnx_reader::names_are_text(const onnx::GraphProto& g) {
  const auto bad = [](const std::string& name) { return !is_valid_utf8(name); };
  const auto refuse = [&](const std::string& what, const std::string& name) {
    model_error(what + " '" + printable_text(name) + "' is not UTF-8 text; ONNX names are UTF-8");
    return false;
  };
  for (int k = 0; k < g.node_size(); ++k) {
    const onnx::NodeProto& n = g.node(k);
    const std::string node = "node " + std::to_string(k) + " of the graph (counting from 0" +
                             (n.op_type().empty() ? "" : "; op type '" + printable_text(n.op_type()) + "'") + ")";
    if (bad(n.name())) return refuse(node + ": its name", n.name());
    if (bad(n.op_type())) return refuse(node + ": its op type", n.op_type());
    if (bad(n.domain())) return refuse(node + ": its domain", n.domain());
    for (int i = 0; i < n.input_size(); ++i)
      if (bad(n.input(i))) return refuse(node + ": input " + std::to_string(i), n.input(i));
    for (int i = 0; i < n.output_size(); ++i)
      if (bad(n.output(i))) return refuse(node + ": output " + std::to_string(i), n.output(i));
  }
  for (const auto& t : g.initializer())
    if (bad(t.name())) return refuse("an initializer's name", t.name());
  for (const auto& v : g.input())
    if (bad(v.name())) return refuse("a graph input's name", v.name());
  for (const auto& v : g.output())
    if (bad(v.name())) return refuse("a graph output's name", v.name());
  return true;
}

bool onnx_reader::read_input(const onnx::GraphProto& g) {
  const onnx::ValueInfoProto* input = nullptr;
  for (const auto& v : g.input()) {
    if (m_initializers.count(v.name())) continue;  // older exporters list initializers as inputs
    if (input) {
      model_error("the graph has more than one input ('" + input->name() + "' and '" + v.name() +
                  "'); a mottsim workload has one");
      return false;
    }
    input = &v;
  }
  if (!input) {
    model_error("the graph has no input");
    return false;
  }
  const std::string what = "graph input '" + input->name() + "'";
  if (!input->type().has_tensor_type() || !input->type().tensor_type().has_shape()) {
    model_error(what + " has no shape; export the model with a fixed input size");
    return false;
  }
  // Images and feature vectors are numbers: real, or 8-bit quantized.
  switch (input->type().tensor_type().elem_type()) {
    case onnx::TensorProto::FLOAT:
    case onnx::TensorProto::DOUBLE:
    case onnx::TensorProto::FLOAT16:
    case onnx::TensorProto::BFLOAT16:
    case onnx::TensorProto::UINT8:
    case onnx::TensorProto::INT8:
      break;
    default:
      model_error(what + " holds " +
                  onnx::TensorProto::DataType_Name(
                      static_cast<onnx::TensorProto::DataType>(input->type().tensor_type().elem_type())) +
                  " values; mottsim reads an image or a feature vector of FLOAT (or FLOAT16, DOUBLE, UINT8, INT8)");
      return false;
  }
  const auto& dims = input->type().tensor_type().shape().dim();
  if (dims.size() != 4 && dims.size() != 2) {
    model_error(what + " has " + std::to_string(dims.size()) +
                " dimensions; mottsim reads images [batch, channels, height, width] or vectors [batch, features]");
    return false;
  }
  static const char* const axis4[] = {"batch", "channels", "height", "width"};
  static const char* const axis2[] = {"batch", "features"};
  std::vector<long long> size(dims.size(), 1);
  bool ok = true;
  for (int i = 1; i < dims.size(); ++i) {  // the batch may stay symbolic: one sample is simulated
    const char* axis = dims.size() == 4 ? axis4[i] : axis2[i];
    if (!dims[i].has_dim_value() || dims[i].dim_value() <= 0) {
      const std::string param = dims[i].has_dim_param() ? " '" + dims[i].dim_param() + "'" : "";
      model_error(what + ": the " + std::string(axis) + " dimension" + param +
                  " has no value; export the model with a fixed input size");
      ok = false;
    } else {
      size[i] = dims[i].dim_value();
    }
  }
  if (!ok) return false;
  size[0] = 1;  // one sample
  tensor_state s = viewed(size, -1, true);
  m_in_c = s.c;
  m_in_h = s.h;
  m_in_w = s.w;
  m_tensors[input->name()] = s;
  return true;
}

const tensor_state* onnx_reader::activation(const onnx::NodeProto& n, int i) {
  if (i >= n.input_size() || n.input(i).empty()) {
    node_error(n, "input " + std::to_string(i) + " is missing");
    return nullptr;
  }
  const auto it = m_tensors.find(n.input(i));
  if (it != m_tensors.end()) return &it->second;
  if (m_initializers.count(n.input(i)))
    node_error(n, "input '" + n.input(i) + "' is a constant where mottsim expects the activations");
  else
    node_error(n, "input '" + n.input(i) + "' is produced by no node mottsim could import, nor is it the graph input");
  return nullptr;
}

const tensor_state* onnx_reader::image_input(const onnx::NodeProto& n, const char* what) {
  const tensor_state* in = activation(n, 0);
  if (in && !in->image) {
    node_error(n, std::string(what) + " needs an image, but its input is a vector");
    return nullptr;
  }
  return in;
}

const onnx::TensorProto* onnx_reader::initializer(const onnx::NodeProto& n, int i, bool required) {
  if (i >= n.input_size() || n.input(i).empty()) {
    if (required) node_error(n, "input " + std::to_string(i) + " (its weights) is missing");
    return nullptr;
  }
  const auto it = m_initializers.find(n.input(i));
  if (it != m_initializers.end()) return it->second;
  if (required || !m_tensors.count(n.input(i)))
    node_error(n, "input '" + n.input(i) +
                      "' has no initializer: mottsim maps only weights that are stored in the model onto crossbars");
  return nullptr;
}

bool onnx_reader::stored(const onnx::NodeProto& n, const onnx::TensorProto& t, stored_values& out) {
  std::string problem;
  if (stored_tensor(*m_model, t, out, problem)) return true;
  node_error(n, problem);
  return false;
}

bool onnx_reader::floats(const onnx::NodeProto& n, const onnx::TensorProto& t, std::vector<float>& out) {
  std::string problem;
  if (float_tensor(*m_model, t, out, problem)) return true;
  node_error(n, problem);
  return false;
}

bool onnx_reader::count_fits(const onnx::NodeProto& n, const onnx::TensorProto& t, long long outputs, bool broadcast,
                             const std::string& label, const std::string& unit) {
  stored_values layout;
  if (!stored(n, t, layout)) return false;
  if (layout.count == outputs || (broadcast && layout.count == 1)) return true;
  node_error(n, label + " has " + std::to_string(layout.count) + " values for " + std::to_string(outputs) + " " + unit);
  return false;
}

bool onnx_reader::bias(const onnx::NodeProto& n, const onnx::TensorProto& t, long long outputs, bool broadcast,
                       const char* what, std::vector<float>& out) {
  if (!count_fits(n, t, outputs, broadcast, "bias '" + t.name() + "'", what)) return false;
  if (!m_with_weights) return true;
  if (!floats(n, t, out)) return false;
  if (broadcast && out.size() == 1) out.assign(static_cast<std::size_t>(outputs), out[0]);
  return true;
}

long long onnx_reader::attr_int(const onnx::NodeProto& n, const char* key, long long fallback) const {
  for (const auto& a : n.attribute())
    if (a.name() == key) return a.has_i() ? a.i() : fallback;
  return fallback;
}

std::vector<long long> onnx_reader::attr_ints(const onnx::NodeProto& n, const char* key) const {
  for (const auto& a : n.attribute())
    if (a.name() == key) return {a.ints().begin(), a.ints().end()};
  return {};
}

std::string onnx_reader::attr_text(const onnx::NodeProto& n, const char* key) const {
  for (const auto& a : n.attribute())
    if (a.name() == key) return a.s();
  return {};
}

bool onnx_reader::window(const onnx::NodeProto& n, long long kh, long long kw, long long& sh, long long& sw,
                         long long& ph, long long& pw, long long& dh, long long& dw) {
  const std::string pad_mode = attr_text(n, "auto_pad");
  if (!pad_mode.empty() && pad_mode != "NOTSET" && pad_mode != "VALID") {
    node_error(n, "auto_pad " + pad_mode + " is not supported; export with explicit pads");
    return false;
  }
  const auto strides = attr_ints(n, "strides");
  const auto pads = attr_ints(n, "pads");
  const auto dilations = attr_ints(n, "dilations");
  if ((!strides.empty() && strides.size() != 2) || (!pads.empty() && pads.size() != 4) ||
      (!dilations.empty() && dilations.size() != 2)) {
    node_error(n, "only 2-D windows are supported (strides, pads and dilations of an image)");
    return false;
  }
  sh = strides.empty() ? 1 : strides[0];
  sw = strides.empty() ? 1 : strides[1];
  dh = dilations.empty() ? 1 : dilations[0];
  dw = dilations.empty() ? 1 : dilations[1];
  ph = pads.empty() ? 0 : pads[0];
  pw = pads.empty() ? 0 : pads[1];
  if (!pads.empty() && (pads[2] != pads[0] || pads[3] != pads[1])) {
    node_error(n, "asymmetric pads [" + std::to_string(pads[0]) + ", " + std::to_string(pads[1]) + ", " +
                      std::to_string(pads[2]) + ", " + std::to_string(pads[3]) +
                      "] are not supported; mottsim pads each side alike");
    return false;
  }
  if (sh < 1 || sw < 1 || dh < 1 || dw < 1 || ph < 0 || pw < 0 || kh < 1 || kw < 1) {
    node_error(n, "strides, dilations and kernel must be positive and pads not negative");
    return false;
  }
  return true;
}

int onnx_reader::foldable(const onnx::NodeProto& n, const std::string& tensor, const char* what) {
  const auto it = m_tensors.find(tensor);
  if (it == m_tensors.end()) {
    node_error(n, "input '" + tensor + "' is produced by no node mottsim could import");
    return -1;
  }
  const int p = it->second.layer;
  if (p < 0 || m_layers[p].output != tensor || m_layers[p].activation != "none" || m_uses[tensor] != 1) {
    node_error(n, std::string("mottsim folds a ") + what +
                      " into the layer before it, and this one's input is not the sole use of such a layer's output");
    return -1;
  }
  return p;
}

bool onnx_reader::two_layer_op(const onnx::NodeProto& n, const char* type, const std::string& input_error) {
  const tensor_state* in = layer_input(n, 0);
  const tensor_state* with = layer_input(n, 1);
  if (!in || !with) return false;
  in = &m_tensors[n.input(0)];  // reading input 1 may have added a reshape layer
  if (in->layer < 0 || with->layer < 0) {
    node_error(n, input_error);
    return false;
  }
  out_layer l;
  l.type = type;
  l.with = with->layer;
  tensor_state out = *in;
  add_layer(std::move(l), *in, n, out);
  set_output(n, out);
  return true;
}

// A float written so that it reads back as the same float: the fewest digits.
std::string float_text(float x) {
  char buf[32];
  for (int digits = 6; digits <= 9; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, static_cast<double>(x));
    if (std::strtof(buf, nullptr) == x) break;
  }
  return buf;
}

std::string onnx_reader::stored_name(const std::string& name) const {
  const auto t = m_initializers.find(name);
  if (t == m_initializers.end()) return name;
  for (const auto& i : m_graph->initializer())
    if (&i == t->second) return i.name();
  for (const auto& n : m_graph->node())
    if (n.op_type() == "Constant" && n.output_size() > 0)
      for (const auto& a : n.attribute())
        if (&a.t() == t->second) return n.output(0);
  return name;
}

bool onnx_reader::constant_params(const std::string& name, out_layer& l) {
  constexpr long long max_inline_values = 16;  // more are named: the YAML stays readable
  const auto source = stored_name(m_const_source.count(name) ? m_const_source.at(name) : name);
  const auto t = m_initializers.find(source);
  if (t == m_initializers.end()) return false;
  stored_values v;
  std::string problem;
  if (!stored_tensor(*m_model, *t->second, v, problem)) return false;
  if (v.count > max_inline_values) {
    l.params.push_back({"tensor", yaml_quoted(source)});
    return true;
  }
  std::vector<float> values;
  if (!float_tensor(*m_model, *t->second, values, problem)) return false;
  std::string text;
  for (float x : values) text += (text.empty() ? "" : ", ") + float_text(x);
  l.params.push_back({"values", "[" + text + "]"});
  return true;
}

bool onnx_reader::constant_op_layer(const onnx::NodeProto& n, int constant_input, const char* type,
                                    const std::string& input_error) {
  onnx::NodeProto first = n;  // the activation as input 0
  if (constant_input == 0) {
    first.set_input(0, n.input(1));
    first.set_input(1, n.input(0));
  }
  const tensor_state* in = layer_input(first, 0);
  if (!in) return false;
  if (in->layer < 0) {
    node_error(n, input_error);
    return false;
  }
  out_layer l;
  l.type = type;
  l.params = {{"constant", "true"}};
  // Its values, when they broadcast the way mottsim computes a constant: one
  // value, one per channel, or one per element of a tensor kept row-major.
  const std::string& name = n.input(constant_input);
  std::vector<long long> d;
  const_dims(name, d);
  const long long count = product(d);
  while (!d.empty() && d.front() == 1) d.erase(d.begin());
  std::vector<long long> full = in->dims;
  while (!full.empty() && full.front() == 1) full.erase(full.begin());
  const bool per_channel = in->image ? count == in->c && d.size() == 3 && d[1] == 1 && d[2] == 1
                                     : count == in->c && d.size() <= 1;
  if ((count == 1 || per_channel || (!in->image && d == full)) && constant_params(name, l) && n.op_type() == "Div")
    l.params.push_back({"divide", "true"});
  tensor_state out = *in;
  add_layer(std::move(l), *in, n, out);
  set_output(n, out);
  return true;
}

int onnx_reader::add_layer(out_layer l, const tensor_state& in, const onnx::NodeProto& n, tensor_state& out) {
  std::string name = node_name(n);
  for (int k = 2; m_names.count(name); ++k) name = node_name(n) + "_" + std::to_string(k);
  m_names.insert(name);
  l.name = name;
  l.input = in.layer;
  l.output = n.output(0);
  if (l.nodes.empty()) l.nodes = n.op_type();
  l.out_c = out.c;
  l.out_h = out.h;
  l.out_w = out.w;
  m_layers.push_back(std::move(l));
  out.layer = static_cast<int>(m_layers.size()) - 1;
  own_memory(out);
  return out.layer;
}

const tensor_state* onnx_reader::layer_input(const onnx::NodeProto& n, int i) {
  const tensor_state* in = activation(n, i);
  if (!in) return nullptr;
  const long long c = in->layer < 0 ? m_in_c : m_layers[in->layer].out_c;
  const long long h = in->layer < 0 ? m_in_h : m_layers[in->layer].out_h;
  const long long w = in->layer < 0 ? m_in_w : m_layers[in->layer].out_w;
  if (c == in->c && h == in->h && w == in->w && !in->reordered && !moves_values(*in)) return in;
  // The same values in another shape: a reshape layer (no arithmetic), shared
  // by every reader of the tensor; after a Transpose (or an image read in
  // ONNX's CxHxW order), in another order too, which it says.
  out_layer l;
  l.type = "reshape";
  l.params = {{"shape", "[" + std::to_string(in->h) + ", " + std::to_string(in->w) + ", " + std::to_string(in->c) + "]"}};
  if (moves_values(*in)) {
    l.params.push_back({"reorders", "true"});
    if (in->mem_known) {
      std::vector<long long> from = in->mem_dims, order = in->perm;
      merge_runs(from, order);
      l.params.push_back({"from", dims_text(from)});
      l.params.push_back({"order", dims_text(order)});
    }
  }
  l.nodes = "Reshape/Transpose before " + n.op_type();
  tensor_state out = *in;
  out.reordered = false;  // the reshape layer's output is in its own order
  own_memory(out);
  std::string name = node_name(n) + "_reshape";
  for (int k = 2; m_names.count(name); ++k) name = node_name(n) + "_reshape_" + std::to_string(k);
  m_names.insert(name);
  l.name = name;
  l.input = in->layer;
  l.output = n.input(i);
  l.out_c = out.c;
  l.out_h = out.h;
  l.out_w = out.w;
  m_layers.push_back(std::move(l));
  out.layer = static_cast<int>(m_layers.size()) - 1;
  m_tensors[n.input(i)] = out;
  return &m_tensors[n.input(i)];
}

int onnx_reader::fold_target(const std::string& tensor, int uses) const {
  const auto it = m_tensors.find(tensor);
  if (it == m_tensors.end()) return -1;
  const int p = it->second.layer;
  const auto u = m_uses.find(tensor);
  if (p < 0 || m_layers[p].output != tensor || m_layers[p].activation != "none" || u == m_uses.end() ||
      u->second != uses)
    return -1;
  // A layer seen in another shape is not the layer's own output any more.
  const auto& l = m_layers[p];
  if (l.out_c != it->second.c || l.out_h != it->second.h || l.out_w != it->second.w) return -1;
  return p;
}

bool onnx_reader::apply_activation(const onnx::NodeProto& n, const std::string& tensor, int uses,
                                   const std::string& kind, const std::string& output, const std::string& nodes) {
  const int p = fold_target(tensor, uses);
  if (p >= 0) {
    m_layers[p].activation = kind;
    m_layers[p].nodes += " + " + nodes;
    m_layers[p].output = output;
    m_tensors[output] = m_tensors[tensor];
    return true;
  }
  const auto it = m_tensors.find(tensor);
  if (it == m_tensors.end()) {
    node_error(n, "input '" + tensor + "' is produced by no node mottsim could import, nor is it the graph input");
    return false;
  }
  // The pattern's first node (which reads `tensor` as its input 0) names the layer.
  const tensor_state* in = layer_input(n, 0);
  if (!in) return false;
  out_layer l;
  l.type = "activation";
  l.activation = kind;
  l.nodes = nodes;
  tensor_state out = *in;
  add_layer(std::move(l), *in, n, out);
  m_layers[out.layer].output = output;
  m_tensors[output] = out;
  return true;
}

const onnx::NodeProto* onnx_reader::sole_consumer(const std::string& tensor, const char* op) const {
  const auto it = m_consumers.find(tensor);
  const auto u = m_uses.find(tensor);
  if (it == m_consumers.end() || it->second.size() != 1 || u == m_uses.end() || u->second != 1) return nullptr;
  const onnx::NodeProto& c = m_graph->node(it->second.front());
  return c.op_type() == op ? &c : nullptr;
}

bool onnx_reader::conv(const onnx::NodeProto& n) {
  const tensor_state* in = image_input(n, "a convolution");
  if (in && !in->image) {
    node_error(n, "a convolution needs an image [batch, channels, height, width], but its input is " +
                      dims_text(in->dims));
    return false;
  }
  if (in) in = layer_input(n, 0);
  const onnx::TensorProto* w = initializer(n, 1, true);
  if (!in || !w) return false;
  if (w->dims_size() != 4) {
    node_error(n, "weights '" + w->name() + "' have " + std::to_string(w->dims_size()) +
                      " dimensions; mottsim maps 2-D convolutions ([out, in/groups, kh, kw])");
    return false;
  }
  const long long out_c = w->dims(0), in_per_group = w->dims(1), kh = w->dims(2), kw = w->dims(3);
  const long long groups = attr_int(n, "group", 1);
  if (groups < 1 || in_per_group * groups != in->c || out_c % groups != 0) {
    node_error(n, "weights [" + std::to_string(out_c) + ", " + std::to_string(in_per_group) + ", ...] with group " +
                      std::to_string(groups) + " do not fit an input of " + std::to_string(in->c) + " channels");
    return false;
  }
  // A kernel_shape the node states is the weights' (ONNX: "if not present,
  // should be inferred from input W"); one that differs is not a model.
  if (const std::vector<long long> stated = attr_ints(n, "kernel_shape");
      !stated.empty() && stated != std::vector<long long>{kh, kw}) {
    node_error(n, "kernel_shape " + dims_text(stated) + " is not the weights' " + dims_text({kh, kw}));
    return false;
  }
  long long sh, sw, ph, pw, dh, dw;
  if (!window(n, kh, kw, sh, sw, ph, pw, dh, dw)) return false;
  const long long oh = window_output(in->h, kh, sh, ph, dh), ow = window_output(in->w, kw, sw, pw, dw);
  if (oh < 1 || ow < 1) {
    node_error(n, "the kernel does not fit the " + std::to_string(in->h) + "x" + std::to_string(in->w) + " input");
    return false;
  }
  const onnx::TensorProto* b = n.input_size() > 2 && !n.input(2).empty() ? initializer(n, 2, true) : nullptr;
  if (n.input_size() > 2 && !n.input(2).empty() && !b) return false;
  out_layer l;
  l.type = "conv2d";
  l.params = {{"out_channels", std::to_string(out_c)},
              {"kernel", ints_text(kh, kw)},
              {"stride", ints_text(sh, sw)},
              {"padding", ints_text(ph, pw)}};
  if (dh != 1 || dw != 1) l.params.push_back({"dilation", ints_text(dh, dw)});
  if (groups != 1) l.params.push_back({"groups", std::to_string(groups)});
  l.bias = b != nullptr;
  l.macs = oh * ow * out_c * in_per_group * kh * kw;
  l.weight_count = out_c * in_per_group * kh * kw;
  // The weights' and bias's layouts (how many values each stores) are checked
  // with or without their values: import and validate refuse what run does.
  stored_values weights_layout;
  if (!stored(n, *w, weights_layout)) return false;
  if (b && !bias(n, *b, out_c, false, "output channels", l.bias_values)) return false;
  if (m_with_weights) {
    l.weights = std::make_shared<onnx_weights::source>();
    l.weights->values = weights_layout;
    // Read when asked for: ONNX [out][in][row][col] to mottsim [out][row][col][in].
    l.weights->model = m_model;
    l.weights->outputs = out_c;
    l.weights->in_per_group = in_per_group;
    l.weights->kh = kh;
    l.weights->kw = kw;
    l.shape = {out_c, kh, kw, in_per_group};
  }
  tensor_state out = viewed({1, out_c, oh, ow}, -1, true);
  add_layer(std::move(l), *in, n, out);
  set_output(n, out);
  return true;
}

bool onnx_reader::batch_norm(const onnx::NodeProto& n) {
  if (n.input_size() < 5) {
    node_error(n, "needs 5 inputs (X, scale, B, mean, var)");
    return false;
  }
  const int p = foldable(n, n.input(0), "BatchNormalization");
  if (p < 0) return false;
  out_layer& l = m_layers[p];
  if (l.type != "conv2d" && l.type != "linear") {
    node_error(n, "mottsim folds a BatchNormalization into the convolution or linear layer before it, not into a " +
                      l.type + " layer");
    return false;
  }
  const onnx::TensorProto* params[4];
  for (int i = 0; i < 4; ++i)
    if (!(params[i] = initializer(n, i + 1, true))) return false;
  // One value of each per channel, checked with or without the values.
  const long long out_c = l.out_c;
  for (int i = 0; i < 4; ++i)
    if (!count_fits(n, *params[i], out_c, false, "'" + params[i]->name() + "'", "channels")) return false;
  l.nodes += " + BatchNormalization";
  l.output = n.output(0);
  l.bias = true;
  if (!m_with_weights) {
    set_output(n, m_tensors[n.input(0)]);
    return true;
  }
  std::vector<float> v[4];  // scale, B, mean, var
  for (int i = 0; i < 4; ++i)
    if (!floats(n, *params[i], v[i])) return false;
  // y = scale (x - mean) / sqrt(var + eps) + B, with x = W a + b:
  // W' = W k, b' = (b - mean) k + B, k = scale / sqrt(var + eps).
  float eps = 1e-5f;
  for (const auto& a : n.attribute())
    if (a.name() == "epsilon") eps = a.f();
  // A variance plus epsilon that is not positive has no square root: the
  // folded weights would be NaN.
  for (long long o = 0; o < out_c; ++o)
    if (!(static_cast<double>(v[3][o]) + eps > 0.0)) {
      node_error(n, "'" + params[3]->name() + "' (the variance) of channel " + std::to_string(o) + " is " +
                        float_text(v[3][o]) + ", and with epsilon " + float_text(eps) +
                        " it is not positive: the normalization divides by its square root");
      return false;
    }
  if (l.bias_values.empty()) l.bias_values.assign(out_c, 0.0f);
  std::vector<double> factors(static_cast<std::size_t>(out_c));  // applied to W as it is read
  for (long long o = 0; o < out_c; ++o) {
    const double k = static_cast<double>(v[0][o]) / std::sqrt(static_cast<double>(v[3][o]) + eps);
    factors[o] = k;
    l.bias_values[o] = static_cast<float>((l.bias_values[o] - static_cast<double>(v[2][o])) * k + v[1][o]);
  }
  l.weights->folds.push_back(std::move(factors));
  set_output(n, m_tensors[n.input(0)]);
  return true;
}

bool onnx_reader::relu(const onnx::NodeProto& n) {
  const tensor_state* in = activation(n, 0);
  if (!in) return false;
  if (in->layer < 0) {
    node_error(n, "a Relu on the network input has no layer to belong to");
    return false;
  }
  return apply_activation(n, n.input(0), 1, "relu", n.output(0), "Relu");
}

bool onnx_reader::pool(const onnx::NodeProto& n) {
  const tensor_state* in = image_input(n, "pooling");
  if (in) in = layer_input(n, 0);
  if (!in) return false;
  const auto k = attr_ints(n, "kernel_shape");
  if (k.size() != 2) {
    node_error(n, "only 2-D pooling windows are supported (kernel_shape with 2 values)");
    return false;
  }
  long long sh, sw, ph, pw, dh, dw;
  if (!window(n, k[0], k[1], sh, sw, ph, pw, dh, dw)) return false;
  if (dh != 1 || dw != 1) {
    node_error(n, "dilated pooling is not supported");
    return false;
  }
  const bool average = n.op_type() == "AveragePool";
  if (average && (ph || pw) && attr_int(n, "count_include_pad", 0) == 0) {
    node_error(n, "padding that is left out of the average (count_include_pad 0) is not supported; mottsim's "
                  "average pooling counts the padding as zeros");
    return false;
  }
  long long oh = window_output(in->h, k[0], sh, ph, 1), ow = window_output(in->w, k[1], sw, pw, 1);
  if (attr_int(n, "ceil_mode", 0) != 0) {
    const long long ch = (in->h + 2 * ph - k[0] + sh - 1) / sh + 1, cw = (in->w + 2 * pw - k[1] + sw - 1) / sw + 1;
    if (ch != oh || cw != ow) {
      node_error(n, "ceil_mode 1 changes this layer's output size, and mottsim pools with floor");
      return false;
    }
  }
  if (oh < 1 || ow < 1) {
    node_error(n, "the window does not fit the " + std::to_string(in->h) + "x" + std::to_string(in->w) + " input");
    return false;
  }
  out_layer l;
  l.type = average ? "avgpool" : "maxpool";
  l.params = {{"kernel", ints_text(k[0], k[1])}, {"stride", ints_text(sh, sw)}};
  if (ph || pw) l.params.push_back({"padding", ints_text(ph, pw)});
  tensor_state out = viewed({1, in->c, oh, ow}, -1, true);
  add_layer(std::move(l), *in, n, out);
  set_output(n, out);
  return true;
}

bool onnx_reader::global_pool(const onnx::NodeProto& n) {
  const tensor_state* in = image_input(n, "pooling");
  if (in) in = layer_input(n, 0);
  if (!in) return false;
  out_layer l;
  l.type = "avgpool";
  l.params = {{"kernel", ints_text(in->h, in->w)}, {"stride", ints_text(in->h, in->w)}};
  tensor_state out = viewed({1, in->c, 1, 1}, -1, true);
  add_layer(std::move(l), *in, n, out);
  set_output(n, out);
  return true;
}

bool onnx_reader::flatten(const onnx::NodeProto& n, const char* how) {
  const tensor_state* in = layer_input(n, 0);
  if (!in) return false;
  if (in->flat) {  // already a vector: nothing to do
    set_output(n, *in);
    return true;
  }
  out_layer l;
  l.type = "flatten";
  tensor_state out;
  out.flat = true;
  out.c = in->c * in->h * in->w;
  if (in->h * in->w > 1) {
    out.from_c = in->c;
    out.from_h = in->h;
    out.from_w = in->w;
  }
  out.dims = {1, out.c};
  l.nodes = how;
  add_layer(std::move(l), *in, n, out);
  set_output(n, out);
  return true;
}

bool onnx_reader::reshape(const onnx::NodeProto& n) {
  const tensor_state* in = activation(n, 0);
  if (!in) return false;
  int_tensor shape;
  if (n.input_size() < 2 || !int_values(n.input(1), shape)) {
    node_error(n, "mottsim imports a Reshape only when its shape is a constant (or computed from shapes); this one "
                  "is not");
    return false;
  }
  const long long elements = product(in->dims);
  std::vector<long long> dims = shape.values;
  int unknown = -1;
  long long known = 1;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] == 0 && i < in->dims.size()) dims[i] = in->dims[i];
    if (dims[i] == -1 && unknown < 0) unknown = static_cast<int>(i);
    else if (dims[i] <= 0) known = 0;
    else known *= dims[i];
  }
  if (unknown >= 0 && known > 0 && elements % known == 0) dims[static_cast<std::size_t>(unknown)] = elements / known;
  if (known <= 0 || product(dims) != elements) {
    node_error(n, "cannot reshape " + dims_text(in->dims) + " to " + dims_text(shape.values));
    return false;
  }
  // An image to one vector per sample: a flatten (and the linear layer after
  // it takes its weights in mottsim's order).
  if (dims.size() == 2 && dims[0] == 1 && in->image) return flatten(n, "Reshape");
  tensor_state out = viewed(dims, in->layer, false);
  out.reordered = in->reordered;
  out.mem_dims = in->mem_dims;  // the same values in row-major order
  out.perm = in->perm;
  out.mem_known = in->mem_known;
  set_output(n, out);
  return true;
}

bool onnx_reader::transpose(const onnx::NodeProto& n) {
  const tensor_state* in = activation(n, 0);
  if (!in) return false;
  auto perm = attr_ints(n, "perm");
  const std::size_t rank = in->dims.size();
  if (perm.empty())
    for (std::size_t i = 0; i < rank; ++i) perm.push_back(static_cast<long long>(rank - 1 - i));
  std::vector<long long> dims(rank);
  std::vector<bool> seen(rank, false);
  for (std::size_t i = 0; i < perm.size(); ++i) {
    const long long a = axis_of(perm[i], rank);
    if (perm.size() != rank || a < 0 || seen[static_cast<std::size_t>(a)]) {
      node_error(n, "perm does not permute the " + std::to_string(rank) + " axes of " + dims_text(in->dims));
      return false;
    }
    seen[static_cast<std::size_t>(a)] = true;
    dims[i] = in->dims[static_cast<std::size_t>(a)];
  }
  bool identity = true;
  for (std::size_t i = 0; i < perm.size(); ++i) identity = identity && axis_of(perm[i], rank) == static_cast<long long>(i);
  // In perf mode a transpose moves no arithmetic: the values are read in
  // another order by the layer after it.
  // Axes of size 1 move nothing in memory: only the order of the others counts.
  std::vector<long long> moved;
  for (std::size_t i = 0; i < perm.size(); ++i)
    if (in->dims[static_cast<std::size_t>(axis_of(perm[i], rank))] > 1) moved.push_back(axis_of(perm[i], rank));
  const bool reorders = !std::is_sorted(moved.begin(), moved.end());
  tensor_state out = identity ? *in : viewed(dims, in->layer, false);
  out.reordered = in->reordered || reorders;
  if (!identity) {
    for (auto& p : perm) p = axis_of(p, rank);
    compose_transpose(*in, perm, out);
  }
  set_output(n, out);
  return true;
}

bool onnx_reader::slice(const onnx::NodeProto& n, bool gather) {
  const tensor_state* in = activation(n, 0);
  if (!in) return false;
  const std::size_t rank = in->dims.size();
  long long axis = 0, begin = 0, end = 0;
  int_tensor t;
  if (gather) {
    axis = axis_of(attr_int(n, "axis", 0), rank);
    if (n.input_size() < 2 || !int_values(n.input(1), t) || t.values.size() != 1 || !t.dims.empty() || axis < 0) {
      node_error(n, "mottsim imports a Gather on activations only when it picks one index (a scalar constant)");
      return false;
    }
    begin = t.values[0] < 0 ? t.values[0] + in->dims[static_cast<std::size_t>(axis)] : t.values[0];
    end = begin + 1;
  } else {
    int_tensor starts, ends, axes, steps;
    const bool ok = n.input_size() >= 3 && int_values(n.input(1), starts) && int_values(n.input(2), ends) &&
                    starts.values.size() == 1 && ends.values.size() == 1 &&
                    (n.input_size() < 4 || n.input(3).empty() || (int_values(n.input(3), axes) && axes.values.size() == 1)) &&
                    (n.input_size() < 5 || n.input(4).empty() ||
                     (int_values(n.input(4), steps) && steps.values.size() == 1 && steps.values[0] == 1));
    if (!ok) {
      node_error(n, "mottsim imports a Slice of activations along one axis with constant starts and ends and step 1");
      return false;
    }
    axis = axis_of(axes.values.empty() ? 0 : axes.values[0], rank);
    if (axis < 0) {
      node_error(n, "axis outside " + dims_text(in->dims));
      return false;
    }
    const long long size = in->dims[static_cast<std::size_t>(axis)];
    const auto clampi = [&](long long v) { return std::clamp(v < 0 ? v + size : v, 0LL, size); };
    begin = clampi(starts.values[0]);
    end = clampi(ends.values[0]);
  }
  const std::size_t a = static_cast<std::size_t>(axis);
  if (a >= rank || begin < 0 || end > in->dims[a] || begin >= end) {
    node_error(n, "the range it keeps is empty or outside " + dims_text(in->dims));
    return false;
  }
  // Channels: the last axis (or an image's channel axis); rows: an axis with
  // nothing but ones before it and between it and the last.
  const bool channels = in->image ? a == 1 : a + 1 == rank;
  const bool rows = !in->image && !channels && product(in->dims, 0, a) == 1 && product(in->dims, a + 1, rank - 1) == 1;
  if (!channels && !rows) {
    node_error(n, "mottsim cuts activations along their channels or their rows only, not axis " + std::to_string(axis) +
                      " of " + dims_text(in->dims));
    return false;
  }
  const tensor_state* src = layer_input(n, 0);
  if (!src) return false;
  std::vector<long long> dims = src->dims;
  dims[a] = end - begin;
  if (gather) dims.erase(dims.begin() + static_cast<long long>(a));
  out_layer l;
  l.type = "slice";
  l.params = {{"axis", channels ? "channels" : "height"}, {"begin", std::to_string(begin)}, {"end", std::to_string(end)}};
  tensor_state out = viewed(dims, -1, src->image && !gather);
  add_layer(std::move(l), *src, n, out);
  // The layer's shape is the one the workload gives a slice of the input it
  // reads: a Gather's dropped axis leaves another view (one channel of an
  // image is [1, H, W], H x 1 x W), which a reader then gets by a reshape.
  out_layer& made = m_layers.back();
  made.out_h = channels ? src->h : end - begin;
  made.out_w = src->w;
  made.out_c = channels ? end - begin : src->c;
  set_output(n, out);
  return true;
}

bool onnx_reader::concat(const onnx::NodeProto& n) {
  std::vector<int> acts;
  std::vector<long long> dims;
  long long constant = 0;
  const long long axis_attr = attr_int(n, "axis", 0);
  long long axis = -1, total = 0;
  bool image = false;
  for (int i = 0; i < n.input_size(); ++i) {
    std::vector<long long> d;
    if (const auto it = m_tensors.find(n.input(i)); it != m_tensors.end()) {
      d = it->second.dims;
      image = image || it->second.image;
      acts.push_back(i);
    } else if (!const_dims(n.input(i), d)) {
      activation(n, i);  // reports it
      return false;
    }
    if (axis < 0) {
      axis = axis_of(axis_attr, d.size());
      dims = d;
    }
    if (axis < 0 || d.size() != dims.size()) {
      node_error(n, "its inputs differ in rank or the axis lies outside them");
      return false;
    }
    const long long size = d[static_cast<std::size_t>(axis)];
    total += size;
    if (!m_tensors.count(n.input(i))) constant += size;
  }
  if (acts.empty() || acts.size() > 2) {
    node_error(n, "mottsim joins one or two activations (and stored constants), not " + std::to_string(acts.size()));
    return false;
  }
  const std::size_t a = static_cast<std::size_t>(axis), rank = dims.size();
  dims[a] = total;
  const bool channels = image ? a == 1 : a + 1 == rank;
  const bool rows = !image && !channels && product(dims, 0, a) == 1 && product(dims, a + 1, rank - 1) == 1;
  if (!channels && !rows) {
    node_error(n, "mottsim joins activations along their channels or their rows only, not axis " + std::to_string(axis) +
                      " of " + dims_text(dims));
    return false;
  }
  const tensor_state* first = layer_input(n, acts[0]);
  const tensor_state* second = acts.size() > 1 ? layer_input(n, acts[1]) : nullptr;
  if (!first || (acts.size() > 1 && !second)) return false;
  first = &m_tensors[n.input(acts[0])];  // layer_input may have moved the map's entries' contents, not the nodes
  out_layer l;
  l.type = "concat";
  if (second) l.with = second->layer;
  l.params = {{"axis", channels ? "channels" : "height"}};
  if (constant > 0) l.params.push_back({"constant", std::to_string(constant)});
  // One stored constant joined to one activation: its values, and whether it
  // comes first (a class token). An image's channels are CxHxW in the model,
  // HxWxC in mottsim: only a 1x1 one keeps its order.
  if (constant > 0 && acts.size() == 1 && n.input_size() == 2 && (!image || product(dims, 2) == 1) &&
      constant_params(n.input(1 - acts[0]), l) && acts[0] == 1)
    l.params.push_back({"constant_first", "true"});
  tensor_state out = viewed(dims, -1, image);
  add_layer(std::move(l), *first, n, out);
  set_output(n, out);
  return true;
}

bool onnx_reader::matmul(const onnx::NodeProto& n) {
  const tensor_state* a = activation(n, 0);
  const tensor_state* b = activation(n, 1);
  if (!a || !b) return false;
  const auto& da = a->dims;
  const auto& db = b->dims;
  if (da.size() < 2 || db.size() < 2 || da.back() != db[db.size() - 2] ||
      product(da, 0, da.size() - 2) != product(db, 0, db.size() - 2)) {
    node_error(n, "cannot multiply " + dims_text(da) + " by " + dims_text(db) +
                  "; mottsim multiplies [..., M, K] by [..., K, N] with the same leading (head) dimensions");
    return false;
  }
  const long long heads = product(da, 0, da.size() - 2), m = da[da.size() - 2], k = da.back(), cols = db.back();
  std::vector<long long> dims = da;
  dims.back() = cols;
  const tensor_state* left = layer_input(n, 0);
  const tensor_state* right = layer_input(n, 1);
  if (!left || !right) return false;
  left = &m_tensors[n.input(0)];
  if (left->layer < 0 || right->layer < 0) {
    node_error(n, "a product with the network input itself is not supported");
    return false;
  }
  out_layer l;
  l.type = "matmul";
  l.with = right->layer;
  if (heads != 1) l.params = {{"heads", std::to_string(heads)}};
  l.macs = heads * m * k * cols;
  tensor_state out = viewed(dims, -1, false);
  add_layer(std::move(l), *left, n, out);
  set_output(n, out);
  return true;
}

bool onnx_reader::dense(const onnx::NodeProto& n) {
  const bool gemm = n.op_type() == "Gemm";
  if (!gemm && n.input_size() > 1 && m_tensors.count(n.input(1))) return matmul(n);
  const tensor_state* in = layer_input(n, 0);
  const onnx::TensorProto* w = initializer(n, 1, false);
  if (!in) return false;
  if (!w) return false;
  // A sequence of rows (tokens) times a weight matrix: the same product for
  // every row, which is a 1x1 convolution over an Hx1 map.
  const bool rows = !in->flat && !in->image && in->h > 1;
  if (in->image && in->h * in->w != 1) {
    node_error(n, "its input is a " + std::to_string(in->c) + "x" + std::to_string(in->h) + "x" +
                      std::to_string(in->w) + " map, not a vector; mottsim needs a Flatten before it");
    return false;
  }
  if (w->dims_size() != 2) {
    node_error(n, "weights '" + w->name() + "' have " + std::to_string(w->dims_size()) + " dimensions, not 2");
    return false;
  }
  if (gemm && attr_int(n, "transA", 0) != 0) {
    node_error(n, "transA 1 is not supported");
    return false;
  }
  const bool trans_b = gemm && attr_int(n, "transB", 0) != 0;
  const long long k = trans_b ? w->dims(1) : w->dims(0), out_n = trans_b ? w->dims(0) : w->dims(1);
  const long long features = rows ? in->c : in->c * in->h * in->w;
  if (k != features) {
    node_error(n, "weights '" + w->name() + "' take " + std::to_string(k) + " inputs, but the input has " +
                      std::to_string(features));
    return false;
  }
  const onnx::TensorProto* b = gemm && n.input_size() > 2 && !n.input(2).empty() ? initializer(n, 2, true) : nullptr;
  if (gemm && n.input_size() > 2 && !n.input(2).empty() && !b) return false;
  out_layer l;
  l.type = rows ? "conv2d" : "linear";
  if (rows)
    l.params = {{"out_channels", std::to_string(out_n)}, {"kernel", "1"}, {"stride", "1"}, {"padding", "0"}};
  else
    l.params = {{"out_features", std::to_string(out_n)}};
  l.bias = b != nullptr;
  l.macs = (rows ? in->h : 1) * k * out_n;
  l.weight_count = k * out_n;
  // Layouts checked with or without the values, as for a convolution.
  stored_values weights_layout;
  if (!stored(n, *w, weights_layout)) return false;
  std::vector<float> bias_values;
  if (b && !bias(n, *b, out_n, true, "outputs", bias_values)) return false;
  if (m_with_weights) {
    l.weights = std::make_shared<onnx_weights::source>();
    l.weights->values = weights_layout;
    float alpha = 1.0f, beta = 1.0f;
    for (const auto& a : n.attribute()) {
      if (a.name() == "alpha") alpha = a.f();
      if (a.name() == "beta") beta = a.f();
    }
    // Read when asked for. A vector flattened from a CxHxW map is in HxWxC
    // order in mottsim, and the weights follow it.
    l.weights->model = m_model;
    l.weights->conv = false;
    l.weights->outputs = out_n;
    l.weights->k = k;
    l.weights->trans_b = trans_b;
    l.weights->alpha = alpha;
    if (!rows && in->from_h * in->from_w > 1) {
      l.weights->from_c = in->from_c;
      l.weights->from_hw = in->from_h * in->from_w;
    }
    l.shape = rows ? std::vector<long long>{out_n, 1, 1, k} : std::vector<long long>{out_n, k};
    if (b) {
      for (auto& x : bias_values) x *= beta;
      l.bias_values = std::move(bias_values);
    }
  }
  std::vector<long long> out_dims = rows ? in->dims : std::vector<long long>{1, 1};
  out_dims.back() = out_n;
  tensor_state out = viewed(out_dims, -1, false);
  add_layer(std::move(l), *in, n, out);
  set_output(n, out);
  return true;
}

bool onnx_reader::add(const onnx::NodeProto& n) {
  if (n.input_size() != 2) {
    node_error(n, "needs two inputs");
    return false;
  }
  for (int i = 0; i < 2; ++i) {
    if (!is_constant(n.input(i))) continue;
    // A constant operand is the bias of the product before it (MatMul + Add)
    // when it holds one value per output; otherwise a stored constant added.
    const int p = fold_target(n.input(1 - i), 1);
    std::vector<long long> d;
    const_dims(n.input(i), d);
    if (p >= 0 && (m_layers[p].type == "linear" || m_layers[p].type == "conv2d") && !m_layers[p].bias &&
        m_initializers.count(n.input(i)) && product(d) == m_layers[p].out_c && !m_tensors[n.input(1 - i)].image) {
      out_layer& l = m_layers[p];
      l.bias = true;
      l.nodes += " + Add";
      l.output = n.output(0);
      if (!bias(n, *m_initializers[n.input(i)], l.out_c, true, "outputs", l.bias_values)) return false;
      set_output(n, m_tensors[n.input(1 - i)]);
      return true;
    }
    return constant_op_layer(n, i, "add", "adding a constant to the network input itself is not supported");
  }
  const tensor_state* a0 = activation(n, 0);
  const tensor_state* b0 = activation(n, 1);
  if (!a0 || !b0) return false;
  if (a0->dims != b0->dims) {
    node_error(n, "its operands differ in shape (" + dims_text(a0->dims) + " and " + dims_text(b0->dims) +
                      "); mottsim adds equal shapes only");
    return false;
  }
  return two_layer_op(n, "add", "adding the network input itself is not supported; mottsim adds the outputs of two layers");
}

bool onnx_reader::mul(const onnx::NodeProto& n) {
  if (n.input_size() != 2) {
    node_error(n, "needs two inputs");
    return false;
  }
  const bool div = n.op_type() == "Div";
  for (int i = 0; i < 2; ++i) {
    if (!is_constant(n.input(i))) continue;
    if (div && i == 0) {
      node_error(n, "dividing a constant by activations is not supported");
      return false;
    }
    // A division by a constant is a product with its inverse.
    return constant_op_layer(n, i, "mul", "scaling the network input itself is not supported");
  }
  if (div) {
    node_error(n, "a division between two activations is supported only inside a layer normalization");
    return false;
  }
  const tensor_state* a0 = activation(n, 0);
  const tensor_state* b0 = activation(n, 1);
  if (!a0 || !b0) return false;
  // The larger operand is the layer's input; the other is the same shape or a
  // per-channel gate (squeeze-excitation).
  const int big = product(a0->dims) >= product(b0->dims) ? 0 : 1;
  const tensor_state& x = big == 0 ? *a0 : *b0;
  const tensor_state& g = big == 0 ? *b0 : *a0;
  const bool gate = g.image && x.image && g.h == 1 && g.w == 1 && g.c == x.c;
  if (x.dims != g.dims && !gate) {
    node_error(n, "its operands are " + dims_text(a0->dims) + " and " + dims_text(b0->dims) +
                      "; mottsim multiplies equal shapes, or a map by one value per channel");
    return false;
  }
  onnx::NodeProto first = n;
  first.set_input(0, n.input(big));
  first.set_input(1, n.input(1 - big));
  return two_layer_op(first, "mul", "multiplying the network input itself is not supported");
}

bool onnx_reader::activation_op(const onnx::NodeProto& n) {
  const std::string& op = n.op_type();
  const tensor_state* in = activation(n, 0);
  if (!in) return false;
  if (op == "Sigmoid") {
    // SiLU written out: x * Sigmoid(x).
    if (const onnx::NodeProto* m = sole_consumer(n.output(0), "Mul")) {
      const std::string other = m->input(0) == n.output(0) ? m->input(1) : m->input(0);
      if (other == n.input(0) && m_uses[n.input(0)] == 2) {
        m_fused.insert(m_index_of.at(m));
        return apply_activation(n, n.input(0), 2, "silu", m->output(0), "Sigmoid + Mul (SiLU)");
      }
    }
    return apply_activation(n, n.input(0), 1, "sigmoid", n.output(0), "Sigmoid");
  }
  if (op == "Tanh") return apply_activation(n, n.input(0), 1, "tanh", n.output(0), "Tanh");
  if (op == "HardSwish") return apply_activation(n, n.input(0), 1, "hard_swish", n.output(0), "HardSwish");
  if (op == "HardSigmoid") {
    float alpha = 0.2f, beta = 0.5f;
    for (const auto& a : n.attribute()) {
      if (a.name() == "alpha") alpha = a.f();
      if (a.name() == "beta") beta = a.f();
    }
    if (std::abs(alpha - 1.0f / 6.0f) > 1e-4f || std::abs(beta - 0.5f) > 1e-6f) {
      node_error(n, "mottsim's hard_sigmoid is max(0, min(1, x/6 + 1/2)) (alpha 1/6, beta 1/2), not alpha " +
                        std::to_string(alpha) + ", beta " + std::to_string(beta));
      return false;
    }
    return apply_activation(n, n.input(0), 1, "hard_sigmoid", n.output(0), "HardSigmoid");
  }
  if (op == "Clip") {
    double lo = -INFINITY, hi = INFINITY;
    bool ok = true;
    for (const auto& a : n.attribute()) {  // opset 6
      if (a.name() == "min") lo = a.f();
      if (a.name() == "max") hi = a.f();
    }
    if (n.input_size() > 1 && !n.input(1).empty()) ok = float_scalar(n.input(1), lo) && ok;
    if (n.input_size() > 2 && !n.input(2).empty()) ok = float_scalar(n.input(2), hi) && ok;
    if (ok && lo == 0.0 && hi == 6.0) return apply_activation(n, n.input(0), 1, "relu6", n.output(0), "Clip (ReLU6)");
    if (ok && lo == 0.0 && std::isinf(hi)) return apply_activation(n, n.input(0), 1, "relu", n.output(0), "Clip (ReLU)");
    node_error(n, "mottsim imports a Clip to [0, 6] (ReLU6) or [0, inf) (ReLU) with constant bounds only");
    return false;
  }
  if (op == "Softmax") {
    const long long axis = axis_of(attr_int(n, "axis", m_opset >= 13 ? -1 : 1), in->dims.size());
    const bool channels = in->image ? axis == 1 : axis + 1 == static_cast<long long>(in->dims.size());
    if (!channels) {
      node_error(n, "mottsim computes a Softmax over the last axis (an image's channels) only");
      return false;
    }
    return apply_activation(n, n.input(0), 1, "softmax", n.output(0), "Softmax");
  }
  node_error(n, "operator not supported on its own; mottsim imports " + std::string(supported_ops));
  return false;
}

// GELU as torch writes it out: x * (Erf(x / sqrt 2) + 1) * 0.5.
bool onnx_reader::gelu(const onnx::NodeProto& n, bool& handled) {
  handled = false;
  double c = 0.0;
  if (n.input_size() != 2 || !m_tensors.count(n.input(0)) || !float_scalar(n.input(1), c) ||
      std::abs(c - std::sqrt(2.0)) > 1e-3)
    return true;
  const std::string& x = n.input(0);
  const onnx::NodeProto* erf = sole_consumer(n.output(0), "Erf");
  const onnx::NodeProto* plus = erf ? sole_consumer(erf->output(0), "Add") : nullptr;
  const onnx::NodeProto* times = plus ? sole_consumer(plus->output(0), "Mul") : nullptr;
  const onnx::NodeProto* half = times ? sole_consumer(times->output(0), "Mul") : nullptr;
  double one = 0.0, h = 0.0;
  if (!half || m_uses[x] != 2) return true;
  const std::string one_name = plus->input(0) == erf->output(0) ? plus->input(1) : plus->input(0);
  const std::string x_name = times->input(0) == plus->output(0) ? times->input(1) : times->input(0);
  const std::string half_name = half->input(0) == times->output(0) ? half->input(1) : half->input(0);
  if (!float_scalar(one_name, one) || one != 1.0 || x_name != x || !float_scalar(half_name, h) || h != 0.5) return true;
  handled = true;
  for (const onnx::NodeProto* f : {erf, plus, times, half}) m_fused.insert(m_index_of.at(f));
  return apply_activation(n, x, 2, "gelu", half->output(0), "GELU (Div, Erf, Add, Mul, Mul)");
}

// LayerNormalization, or the nodes older exporters write for it:
// (x - mean) / sqrt(mean((x - mean)^2) + eps) * gamma + beta over the last axis.
bool onnx_reader::layer_norm(const onnx::NodeProto& n, bool decomposed) {
  const tensor_state* in = activation(n, 0);
  if (!in) return false;
  const std::string& x = n.input(0);
  std::string output = n.output(0), nodes = "LayerNormalization";
  const std::size_t rank = in->dims.size();
  // Its epsilon (negative: not known), scale and shift (named tensors).
  double epsilon = 1e-5;  // LayerNormalization's default
  std::string scale_name, shift_name;
  if (!decomposed) {
    for (const auto& a : n.attribute())
      if (a.name() == "epsilon") epsilon = a.f();
    if (n.input_size() > 1) scale_name = n.input(1);
    if (n.input_size() > 2) shift_name = n.input(2);
  }
  if (decomposed) {
    const auto axes = attr_ints(n, "axes");
    const onnx::NodeProto* sub = sole_consumer(n.output(0), "Sub");
    const onnx::NodeProto* pow = nullptr;
    const onnx::NodeProto* div = nullptr;
    if (sub && sub->input(0) == x && sub->input(1) == n.output(0))
      for (int c : m_consumers[sub->output(0)]) {
        const auto& node = m_graph->node(c);
        if (node.op_type() == "Pow" && node.input(0) == sub->output(0)) pow = &node;
        if (node.op_type() == "Div" && node.input(0) == sub->output(0)) div = &node;
      }
    const onnx::NodeProto* var = pow ? sole_consumer(pow->output(0), "ReduceMean") : nullptr;
    const onnx::NodeProto* eps = var ? sole_consumer(var->output(0), "Add") : nullptr;
    const onnx::NodeProto* root = eps ? sole_consumer(eps->output(0), "Sqrt") : nullptr;
    double two = 0.0;
    const bool matched = axes.size() == 1 && axis_of(axes[0], rank) + 1 == static_cast<long long>(rank) && pow &&
                         div && m_uses[sub->output(0)] == 2 && float_scalar(pow->input(1), two) && two == 2.0 && root &&
                         div->input(1) == root->output(0);
    if (!matched) {
      node_error(n, "mottsim imports a ReduceMean only as part of a layer normalization over the last axis "
                    "(ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add)");
      return false;
    }
    std::vector<const onnx::NodeProto*> taken = {sub, pow, var, eps, root, div};
    output = div->output(0);
    nodes = "ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div";
    const std::string& eps_name = eps->input(0) == var->output(0) ? eps->input(1) : eps->input(0);
    if (!float_scalar(eps_name, epsilon)) epsilon = -1.0;
    if (const onnx::NodeProto* scale = sole_consumer(output, "Mul");
        scale && is_constant(scale->input(0) == output ? scale->input(1) : scale->input(0))) {
      taken.push_back(scale);
      output = scale->output(0);
      nodes += ", Mul";
      scale_name = scale->input(0) == div->output(0) ? scale->input(1) : scale->input(0);
      if (const onnx::NodeProto* shift = sole_consumer(output, "Add");
          shift && is_constant(shift->input(0) == output ? shift->input(1) : shift->input(0))) {
        taken.push_back(shift);
        nodes += ", Add";
        shift_name = shift->input(0) == output ? shift->input(1) : shift->input(0);
        output = shift->output(0);
      }
    }
    for (const auto* t : taken) m_fused.insert(m_index_of.at(t));
  } else if (axis_of(attr_int(n, "axis", -1), rank) + 1 != static_cast<long long>(rank)) {
    node_error(n, "mottsim normalizes over the last axis only");
    return false;
  }
  const tensor_state* src = layer_input(n, 0);
  if (!src) return false;
  if (src->layer < 0) {
    node_error(n, "normalizing the network input itself is not supported");
    return false;
  }
  out_layer l;
  l.type = "layernorm";
  l.nodes = nodes;
  // Computable when its scale and shift are stored tensors of one value per
  // channel (a computed or broadcast one is left to perf mode).
  const auto per_channel = [&](const std::string& name) {
    std::vector<long long> d;
    return name.empty() || (m_initializers.count(name) && const_dims(name, d) && product(d) == src->c);
  };
  if (epsilon > 0 && per_channel(scale_name) && per_channel(shift_name)) {
    l.params.push_back({"epsilon", float_text(static_cast<float>(epsilon))});
    if (!scale_name.empty()) l.params.push_back({"scale", yaml_quoted(stored_name(scale_name))});
    if (!shift_name.empty()) l.params.push_back({"shift", yaml_quoted(stored_name(shift_name))});
  }
  tensor_state out = *src;
  add_layer(std::move(l), *src, n, out);
  m_layers[out.layer].output = output;
  m_tensors[output] = out;
  return true;
}

bool onnx_reader::const_dims(const std::string& name, std::vector<long long>& dims) const {
  if (const auto i = m_ints.find(name); i != m_ints.end()) {
    dims = i->second.dims;
    return true;
  }
  if (const auto f = m_const_dims.find(name); f != m_const_dims.end()) {
    dims = f->second;
    return true;
  }
  if (const auto t = m_initializers.find(name); t != m_initializers.end()) {
    dims.assign(t->second->dims().begin(), t->second->dims().end());
    return true;
  }
  return false;
}

bool onnx_reader::int_values(const std::string& name, int_tensor& out) const {
  if (const auto i = m_ints.find(name); i != m_ints.end()) {
    out = i->second;
    return true;
  }
  const auto t = m_initializers.find(name);
  if (t == m_initializers.end() || (t->second->data_type() != onnx::TensorProto::INT64 &&
                                    t->second->data_type() != onnx::TensorProto::INT32))
    return false;
  out.dims.assign(t->second->dims().begin(), t->second->dims().end());
  if (t->second->data_type() == onnx::TensorProto::INT32)
    out.values.assign(t->second->int32_data().begin(), t->second->int32_data().end());
  else
    out.values = int64_values(*m_model, *t->second);
  std::string storage;
  const auto raw =
      t->second->data_type() == onnx::TensorProto::INT32 ? m_model->raw_data(*t->second, storage) : std::nullopt;
  if (raw) {
    out.values.resize(raw->size() / 4);
    for (std::size_t k = 0; k < out.values.size(); ++k) {
      std::int32_t v;
      std::memcpy(&v, raw->data() + 4 * k, 4);
      out.values[k] = v;
    }
  }
  return static_cast<long long>(out.values.size()) == product(out.dims);
}

bool onnx_reader::float_scalar(const std::string& name, double& out) {
  const auto t = m_initializers.find(name);
  if (t == m_initializers.end() || product({t->second->dims().begin(), t->second->dims().end()}) != 1 ||
      (t->second->data_type() != onnx::TensorProto::FLOAT && t->second->data_type() != onnx::TensorProto::DOUBLE))
    return false;
  std::vector<float> v;
  onnx::NodeProto none;
  if (!floats(none, *t->second, v) || v.size() != 1) return false;
  out = v[0];
  return true;
}

// Shape arithmetic on constants (the exporter computes sizes at run time with
// Shape, Gather, Add, Div, ...): evaluated here, so that what they feed
// (a Slice's ends, a Reshape's shape) is known. `handled` when the node was one.
bool onnx_reader::constant_op(const onnx::NodeProto& n, bool& handled) {
  handled = false;
  const std::string& op = n.op_type();
  static const std::set<std::string> ops = {"Shape", "Gather", "Add",    "Sub",       "Mul",  "Div",
                                            "Equal", "Where",  "Expand", "Unsqueeze", "Cast", "Concat",
                                            "ConstantOfShape", "Squeeze"};
  if (!ops.count(op)) return true;
  // The inputs each operator reads (a malformed node is an error, not a read
  // past its inputs).
  const int needed = op == "Where" ? 3
                     : (op == "Gather" || op == "Expand" || op == "Add" || op == "Sub" || op == "Mul" ||
                        op == "Div" || op == "Equal")
                         ? 2
                         : 1;
  if (n.input_size() < needed) {
    node_error(n, "needs " + std::to_string(needed) + " input(s), has " + std::to_string(n.input_size()));
    return false;
  }
  if (op == "Shape") {
    const tensor_state* in = activation(n, 0);
    if (!in) return false;
    m_ints[n.output(0)] = {{static_cast<long long>(in->dims.size())}, in->dims};
    handled = true;
    return true;
  }
  for (const auto& i : n.input())
    if (!i.empty() && !is_constant(i)) return true;  // works on activations: not shape arithmetic
  handled = true;
  std::vector<int_tensor> in(static_cast<std::size_t>(n.input_size()));
  bool ints = true;
  for (int i = 0; i < n.input_size(); ++i)
    if (!n.input(i).empty()) ints = int_values(n.input(i), in[static_cast<std::size_t>(i)]) && ints;
  if (op == "ConstantOfShape") {
    int_tensor shape;
    if (!int_values(n.input(0), shape)) {
      node_error(n, "its shape is not a known constant");
      return false;
    }
    bool int_value = true;
    long long fill = 0;
    for (const auto& a : n.attribute())
      if (a.name() == "value") {
        int_value = a.t().data_type() == onnx::TensorProto::INT64;
        if (int_value) {
          const auto v = int64_values(*m_model, a.t());
          fill = v.empty() ? 0 : v[0];
        }
      }
    // A shape is a few sizes; a constant this builds is shape arithmetic, so small.
    constexpr long long max_constant_values = 1LL << 24;
    long long count = 1;
    for (long long d : shape.values)
      if (d < 0 || (d > 0 && count > max_constant_values / d)) {
        node_error(n, "its shape must be sizes of 0 or more holding at most 2^24 values");
        return false;
      } else {
        count *= d;
      }
    if (!int_value) {
      m_const_dims[n.output(0)] = shape.values;
      return true;
    }
    m_ints[n.output(0)] = {shape.values, std::vector<long long>(static_cast<std::size_t>(count), fill)};
    return true;
  }
  if (op == "Expand") {
    int_tensor shape;
    std::vector<long long> d;
    if (!int_values(n.input(1), shape) || !const_dims(n.input(0), d)) {
      node_error(n, "its shape is not a known constant");
      return false;
    }
    // Broadcast: aligned at the right, 1 stretches.
    std::vector<long long> out(std::max(d.size(), shape.values.size()), 1);
    for (std::size_t k = 0; k < out.size(); ++k) {
      const long long a = k < out.size() - d.size() ? 1 : d[k - (out.size() - d.size())];
      const long long b = k < out.size() - shape.values.size() ? 1 : shape.values[k - (out.size() - shape.values.size())];
      out[k] = a == 1 ? b : a;
    }
    m_const_dims[n.output(0)] = out;  // a stored constant (a class token)
    // Stretched over one sample's batch axis only: the same values.
    if (product(out) == product(d)) {
      const std::string& from = n.input(0);
      m_const_source[n.output(0)] = m_const_source.count(from) ? m_const_source.at(from) : from;
    }
    return true;
  }
  if (!ints) {
    // Arithmetic on stored float constants (weights) is not shape arithmetic.
    node_error(n, "arithmetic on constant float tensors is not supported (fold it into the weights when exporting)");
    return false;
  }
  int_tensor out;
  const auto elementwise = [&](auto f) {
    const std::size_t count = std::max(in[0].values.size(), in.back().values.size());
    out.dims = in[0].values.size() >= in.back().values.size() ? in[0].dims : in.back().dims;
    for (std::size_t k = 0; k < count; ++k) {
      std::vector<long long> args;
      for (const auto& t : in) {
        if (t.values.empty()) return false;
        args.push_back(t.values.size() == 1 ? t.values[0] : t.values[k % t.values.size()]);
      }
      out.values.push_back(f(args));
    }
    return true;
  };
  bool ok = true;
  bool overflow = false;  // sizes past 64 bits are no shapes
  const auto checked = [&overflow](bool over, long long r) {
    overflow = overflow || over;
    return r;
  };
  if (op == "Add") {
    ok = elementwise([&](const auto& a) {
      long long r = 0;
      const bool over = __builtin_add_overflow(a[0], a[1], &r);  // before r is read
      return checked(over, r);
    });
  } else if (op == "Sub") {
    ok = elementwise([&](const auto& a) {
      long long r = 0;
      const bool over = __builtin_sub_overflow(a[0], a[1], &r);  // before r is read
      return checked(over, r);
    });
  } else if (op == "Mul") {
    ok = elementwise([&](const auto& a) {
      long long r = 0;
      const bool over = __builtin_mul_overflow(a[0], a[1], &r);  // before r is read
      return checked(over, r);
    });
  } else if (op == "Div")
    ok = elementwise([&](const auto& a) {
      if (a[1] == -1 && a[0] == std::numeric_limits<long long>::min()) return checked(true, 0LL);
      return a[1] == 0 ? 0LL : a[0] / a[1];
    });
  else if (op == "Equal") ok = elementwise([](const auto& a) { return static_cast<long long>(a[0] == a[1]); });
  else if (op == "Where") ok = elementwise([](const auto& a) { return a[0] ? a[1] : a[2]; });
  else if (op == "Cast") out = in[0];
  else if (op == "Unsqueeze" || op == "Squeeze") {
    out.values = in[0].values;
    out.dims = op == "Unsqueeze" ? std::vector<long long>{static_cast<long long>(out.values.size())}
                                 : (out.values.size() == 1 ? std::vector<long long>{} : in[0].dims);
  } else if (op == "Concat") {
    for (const auto& t : in) out.values.insert(out.values.end(), t.values.begin(), t.values.end());
    out.dims = {static_cast<long long>(out.values.size())};
  } else if (op == "Gather") {
    const int_tensor& data = in[0];
    if (data.dims.size() != 1) ok = false;
    for (long long idx : in[1].values) {
      const long long size = static_cast<long long>(data.values.size());
      const long long k = idx < 0 ? idx + size : idx;
      if (k < 0 || k >= size) ok = false;
      else out.values.push_back(data.values[static_cast<std::size_t>(k)]);
    }
    out.dims = in[1].dims;
  }
  if (!ok || overflow) {
    node_error(n, overflow ? "its result does not fit 64 bits" : "cannot evaluate it on its constant inputs");
    return false;
  }
  m_ints[n.output(0)] = out;
  return true;
}

bool onnx_reader::node(const onnx::NodeProto& n) {
  if (!n.domain().empty() && n.domain() != "ai.onnx") {
    node_error(n, "operator domain '" + n.domain() + "' is not supported; mottsim imports the standard ONNX "
                                                     "operators " + std::string(supported_ops));
    return false;
  }
  if (n.output_size() < 1 || n.output(0).empty()) {
    node_error(n, "has no output");
    return false;
  }
  const std::string& op = n.op_type();
  bool handled = false;
  if (!constant_op(n, handled) || handled) return !m_errors.has_errors();
  if (op == "Conv") return conv(n);
  if (op == "BatchNormalization") return batch_norm(n);
  if (op == "Relu") return relu(n);
  if (op == "MaxPool" || op == "AveragePool") return pool(n);
  if (op == "GlobalAveragePool") return global_pool(n);
  if (op == "Flatten") {
    if (attr_int(n, "axis", 1) != 1) {
      node_error(n, "only Flatten with axis 1 (one vector per sample) is supported");
      return false;
    }
    return flatten(n, "Flatten");
  }
  if (op == "Reshape") return reshape(n);
  if (op == "Transpose") return transpose(n);
  if (op == "Slice") return slice(n, false);
  if (op == "Gather") return slice(n, true);
  if (op == "Concat") return concat(n);
  if (op == "Gemm" || op == "MatMul") return dense(n);
  if (op == "Add") return add(n);
  if (op == "Div") {
    if (!gelu(n, handled) || handled) return !m_errors.has_errors();
    return mul(n);
  }
  if (op == "Mul") return mul(n);
  if (op == "Sigmoid" || op == "Tanh" || op == "HardSigmoid" || op == "HardSwish" || op == "Clip" || op == "Softmax")
    return activation_op(n);
  if (op == "ReduceMean") return layer_norm(n, true);
  if (op == "LayerNormalization") return layer_norm(n, false);
  if (op == "Dropout" || op == "Identity") {  // inference: the identity
    // Exporters pass shared or folded weights through an Identity.
    if (n.input_size() > 0)
      if (const auto w = m_initializers.find(n.input(0)); w != m_initializers.end()) {
        m_initializers[n.output(0)] = w->second;
        return true;
      }
    const tensor_state* in = activation(n, 0);
    if (!in) return false;
    // Its output stands for the layer's output, so a Relu after it still folds.
    if (in->layer >= 0 && m_layers[in->layer].output == n.input(0) && m_uses[n.input(0)] == 1)
      m_layers[in->layer].output = n.output(0);
    set_output(n, *in);
    return true;
  }
  if (op == "Constant") {
    // Weights or a shape written as a node: kept like an initializer (the
    // model outlives the walk).
    for (const auto& a : n.attribute())
      if (a.name() == "value" && (a.t().data_type() == onnx::TensorProto::FLOAT ||
                                  a.t().data_type() == onnx::TensorProto::DOUBLE ||
                                  a.t().data_type() == onnx::TensorProto::INT64)) {
        m_initializers[n.output(0)] = &a.t();
        return true;
      }
    node_error(n, "only float tensors (weights) and integer tensors (such as a Reshape's shape) are supported as "
                  "constants");
    return false;
  }
  node_error(n, "operator not supported; mottsim imports " + std::string(supported_ops));
  return false;
}

void onnx_reader::walk(const onnx::GraphProto& g) {
  m_graph = &g;
  for (int k = 0; k < g.node_size(); ++k) m_index_of[&g.node(k)] = k;
  for (int k = 0; k < g.node_size(); ++k)
    for (const auto& i : g.node(k).input()) {
      ++m_uses[i];
      m_consumers[i].push_back(k);
    }
  for (const auto& o : g.output()) ++m_uses[o.name()];
  // ONNX assigns every tensor once: a second writer (or a node writing an
  // input or a weight) would make what later nodes read depend on order.
  std::map<std::string, int> writer;
  for (const auto& v : g.input()) writer.emplace(v.name(), -1);
  for (const auto& t : g.initializer()) writer.emplace(t.name(), -1);
  for (int k = 0; k < g.node_size(); ++k)
    for (const auto& o : g.node(k).output()) {
      if (o.empty()) continue;  // an optional output left out
      const auto [it, first] = writer.emplace(o, k);
      if (first) continue;
      m_node_index = static_cast<std::size_t>(k);
      node_error(g.node(k), "writes tensor '" + o + "', which " +
                                (it->second < 0 ? std::string("is a graph input or a weight")
                                                : "node '" + node_name(g.node(it->second)) + "' writes too") +
                                "; ONNX assigns each tensor once");
      return;
    }
  m_nodes = static_cast<std::size_t>(g.node_size());
  // Constants first: the patterns read ahead (a GELU's 0.5, a layer
  // normalization's epsilon) before the walk reaches their Constant nodes.
  for (m_node_index = 0; m_node_index < m_nodes; ++m_node_index)
    if (g.node(static_cast<int>(m_node_index)).op_type() == "Constant") {
      if (!node(g.node(static_cast<int>(m_node_index)))) return;
      m_fused.insert(static_cast<int>(m_node_index));
    }
  for (m_node_index = 0; m_node_index < m_nodes; ++m_node_index)
    if (!m_fused.count(static_cast<int>(m_node_index)) && !node(g.node(static_cast<int>(m_node_index))))
      return;  // later nodes would only repeat the cause
  if (m_layers.empty()) {
    model_error("the graph holds no layer mottsim can simulate");
    return;
  }
  if (g.output_size() != 1) {
    model_error("the graph has " + std::to_string(g.output_size()) + " outputs; mottsim simulates one");
    return;
  }
  const auto out = m_tensors.find(g.output(0).name());
  if (out == m_tensors.end() || out->second.layer != static_cast<int>(m_layers.size()) - 1) {
    model_error("graph output '" + g.output(0).name() + "' is not the output of the last layer");
    return;
  }
  for (std::size_t i = 1; i < m_layers.size(); ++i)
    if (m_layers[i].input == -1) {
      model_error("layer '" + m_layers[i].name +
                  "' reads the network input after other layers; a mottsim workload reads it in its first layer only");
      return;
    }
}

std::string onnx_reader::write_yaml(const std::string& weights_ref) const {
  long long macs = 0, weights = 0;
  for (const auto& l : m_layers) {
    macs += l.macs;
    weights += l.weight_count;
  }
  const std::string stem = fs::path(m_path).stem().string();
  std::ostringstream y;
  y << "# " << stem << ", imported by `mottsim import` from " << fs::path(m_path).filename().string() << "\n";
  y << "# (ONNX IR version " << m_ir_version << ", opset " << m_opset
    << (m_producer.empty() ? "" : ", produced by " + printable_text(m_producer)) << ", " << m_nodes << " nodes).\n";
  y << "# Each layer keeps the name of the ONNX node it comes from; BatchNormalization is folded into\n";
  y << "# the convolution before it, and an activation function (Relu, Clip, Sigmoid, GELU, SiLU, Softmax...)\n";
  y << "# is the activation of the layer before it (the comment lists the nodes).\n";
  y << "# " << with_commas(macs) << " MACs per sample; " << with_commas(weights) << " weights.\n";
  y << "name: " << quoted(stem) << "\n";
  y << "description: " << quoted(stem + " imported from ONNX") << "\n";
  y << "input: {height: " << m_in_h << ", width: " << m_in_w << ", channels: " << m_in_c << "}\n";
  y << "precision: {weights: 8, activations: 8}\n";
  y << "weights_file: " << quoted(weights_ref) << "  # the initializers, read by functional mode\n";
  y << "layers:\n";
  for (std::size_t i = 0; i < m_layers.size(); ++i) {
    const auto& l = m_layers[i];
    y << "  - {name: " << quoted(l.name) << ", type: " << l.type;
    if (l.input != static_cast<int>(i) - 1 && l.input >= 0) y << ", input: " << quoted(m_layers[l.input].name);
    if (l.with >= 0) y << ", with: " << quoted(m_layers[l.with].name);
    for (const auto& [k, v] : l.params) y << ", " << k << ": " << v;
    if (l.type == "conv2d" || l.type == "linear") y << ", bias: " << (l.bias ? "true" : "false");
    if (l.activation != "none") y << ", activation: " << l.activation;
    y << "}  # " << l.nodes << "\n";
  }
  return y.str();
}

// ONNX numbers its default operator sets from 1, one per release: 17 in
// 2022, about two a year since. A number far beyond that (100 would be
// decades away) is a corrupt or hand-made model, not a newer release.
constexpr long long max_plausible_opset = 100;

onnx_workload onnx_reader::read(const std::string& weights_ref) {
  onnx_workload out;
  const onnx::ModelProto& model = m_model->proto();
  if (!model.has_graph() || model.graph().node_size() == 0) {
    model_error("not an ONNX model: it has no graph nodes (is this an ONNX file?)");
    return out;
  }
  bool declared = false;
  for (const auto& o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") {
      m_opset = o.version();
      declared = true;
    }
  // The opset says what each operator means (Softmax's default axis, say), so
  // a model without one, or with a number no ONNX release gives, is refused
  // rather than read by guess.
  if (!declared) {
    model_error("declares no operator set of the default ONNX domain (opset_import), which ONNX requires: "
                "what its operators mean depends on it; export it again");
    return out;
  }
  if (m_opset < 1 || m_opset > max_plausible_opset) {
    model_error("declares ONNX opset " + std::to_string(m_opset) + ", which no ONNX release gives (they number " +
                "their operator sets from 1, one per release); export it again");
    return out;
  }
  m_producer = model.producer_name() + (model.producer_version().empty() ? "" : " " + model.producer_version());
  m_ir_version = model.ir_version();
  const auto& g = model.graph();
  if (!names_are_text(g)) return out;
  for (const auto& t : g.initializer()) m_initializers[t.name()] = &t;
  if (!read_input(g)) return out;
  walk(g);
  if (m_errors.has_errors()) return out;
  out.yaml = write_yaml(weights_ref);
  out.model = m_model;
  if (m_with_weights)
    for (auto& l : m_layers)
      if (l.type == "conv2d" || l.type == "linear")
        out.weights.push_back(
            {l.name, std::move(l.shape), onnx_weights(std::move(l.weights)), std::move(l.bias_values)});
  return out;
}

}  // namespace

std::shared_ptr<const onnx_model> read_onnx_model(const std::string& path, diagnostics& errors) {
  return onnx_model::read(path, errors);
}

onnx_workload import_onnx(const std::shared_ptr<const onnx_model>& model, const std::string& path,
                          const std::string& weights_ref, bool with_weights, diagnostics& errors) {
  onnx_reader reader(model, path, with_weights, errors);
  return reader.read(weights_ref);
}

onnx_workload import_onnx(const std::string& path, const std::string& weights_ref, bool with_weights,
                          diagnostics& errors) {
  const auto model = read_onnx_model(path, errors);
  if (!model) return {};
  return import_onnx(model, path, weights_ref, with_weights, errors);
}

bool onnx_constant(const onnx_model& model, const std::string& name, std::vector<float>& out, std::string& problem) {
  const onnx::GraphProto& g = model.proto().graph();
  for (const auto& t : g.initializer())
    if (t.name() == name) return float_tensor(model, t, out, problem);
  for (const auto& n : g.node())
    if (n.op_type() == "Constant" && n.output_size() > 0 && n.output(0) == name)
      for (const auto& a : n.attribute())
        if (a.name() == "value") return float_tensor(model, a.t(), out, problem);
  problem = "the model holds no initializer or Constant node named '" + name + "'";
  return false;
}

onnx_workload import_onnx_weights(const std::string& path, const std::shared_ptr<const onnx_model>& known,
                                  diagnostics& errors) {
  if (known && known->identity() == file_identity(path)) return import_onnx(known, path, path, true, errors);
  return import_onnx(path, path, true, errors);
}

}  // namespace mottsim::dsl

#include "dsl/onnx_import.hpp"

#include <fcntl.h>
#include <onnx/onnx_pb.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "dsl/input_file.hpp"
#include "dsl/yaml_quote.hpp"

namespace mottsim::dsl {

namespace fs = std::filesystem;

bool is_onnx_path(const std::string& path) { return has_extension(path, ".onnx"); }

namespace {

// Protobuf refuses messages of 2 GiB and more; a model that large keeps its
// weights in external files, which mottsim does not read.
constexpr std::uintmax_t max_model_bytes = (1ULL << 31) - 1;

constexpr const char* supported_ops =
    "Conv, BatchNormalization (after a Conv), Relu, MaxPool, AveragePool, GlobalAveragePool, Gemm, MatMul (with a "
    "weight initializer), Add, Flatten, Reshape (to a vector), Dropout and Identity";

// What the walk knows of one tensor of the graph.
struct tensor_state {
  int layer = -1;  // index of the mottsim layer that produces it; -1: the network input
  long long c = 0, h = 1, w = 1;
  bool flat = false;  // a [batch, features] vector (features in c)
  // A vector flattened in ONNX's CxHxW order from a map larger than 1x1: the
  // linear layer that reads it takes its weights reordered to mottsim's HxWxC.
  long long from_c = 0, from_h = 0, from_w = 0;
};

// One layer of the workload being written.
struct out_layer {
  std::string name;
  std::string type;
  int input = -2;      // producing layer; -1: the network input; -2: unset
  int with = -1;       // `add`: the other operand's layer
  std::vector<std::pair<std::string, std::string>> params;  // written in this order
  bool relu = false;
  bool bias = false;
  std::string nodes;   // the ONNX nodes it stands for, for the comment
  std::string output;  // the ONNX tensor holding its output
  long long macs = 0;
  long long weight_count = 0;
  std::vector<long long> shape;
  std::vector<float> weights;  // converted, when asked for
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
std::vector<long long> int64_values(const onnx::TensorProto& t) {
  std::vector<long long> v;
  if (t.data_type() != onnx::TensorProto::INT64) return v;
  if (t.has_raw_data()) {
    v.resize(t.raw_data().size() / 8);
    std::memcpy(v.data(), t.raw_data().data(), v.size() * 8);
  } else {
    v.assign(t.int64_data().begin(), t.int64_data().end());
  }
  return v;
}

long long window_output(long long in, long long kernel, long long stride, long long pad, long long dilation) {
  const long long span = in + 2 * pad - dilation * (kernel - 1) - 1;
  return span < 0 ? 0 : span / stride + 1;
}

class onnx_reader {
 public:
  onnx_reader(std::string path, bool with_weights, diagnostics& errors)
      : m_path(std::move(path)), m_with_weights(with_weights), m_errors(errors) {}

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

  bool load(onnx::ModelProto& model);
  bool read_input(const onnx::GraphProto& g);
  void walk(const onnx::GraphProto& g);
  bool node(const onnx::NodeProto& n);
  std::string write_yaml(const std::string& weights_ref) const;

  // The node's activation input `i`, or null (reported) when it is unknown or an initializer.
  const tensor_state* activation(const onnx::NodeProto& n, int i);
  // The node's first input as an image (not a vector), or null (reported).
  const tensor_state* image_input(const onnx::NodeProto& n, const char* what);
  const onnx::TensorProto* initializer(const onnx::NodeProto& n, int i, bool required);
  bool floats(const onnx::NodeProto& n, const onnx::TensorProto& t, std::vector<float>& out);
  // A bias of `outputs` values (one value is broadcast where ONNX allows it:
  // Gemm's C and an Add); false (reported) when the count is wrong.
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
  int add_layer(out_layer l, const tensor_state& in, const onnx::NodeProto& n);
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

  std::string m_path;
  bool m_with_weights;
  diagnostics& m_errors;
  long long m_opset = 0;
  std::size_t m_node_index = 0;
  std::string m_producer;
  long long m_ir_version = 0;
  std::map<std::string, const onnx::TensorProto*> m_initializers;
  std::map<std::string, int> m_uses;  // how many node inputs read each tensor
  std::map<std::string, tensor_state> m_tensors;
  std::vector<out_layer> m_layers;
  std::set<std::string> m_names;
  long long m_in_c = 0, m_in_h = 1, m_in_w = 1;
  std::size_t m_nodes = 0;
};

bool onnx_reader::load(onnx::ModelProto& model) {
  if (const std::string problem = regular_file_problem(m_path); !problem.empty()) {
    model_error("cannot read the ONNX model: " + problem);
    return false;
  }
  // A model's weights are routinely hundreds of megabytes: unless
  // --max-file-size sets a lower limit, a model may be as large as protobuf
  // reads (2 GiB; larger models keep their weights in external files).
  std::error_code ec;
  const auto bytes = fs::file_size(m_path, ec);
  const std::uintmax_t limit =
      max_file_bytes() == default_max_file_bytes ? max_model_bytes : std::min(max_file_bytes(), max_model_bytes);
  if (!ec && bytes > limit) {
    model_error("the ONNX model is " + std::to_string(bytes) + " bytes, more than the limit of " +
                std::to_string(limit) + (limit == max_model_bytes ? " protobuf reads" : " (--max-file-size)"));
    return false;
  }
  // Parsed straight from the file: no copy of the weights in between.
  const int fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    model_error(std::string("cannot read the ONNX model: ") + std::strerror(errno));
    return false;
  }
  const bool parsed = model.ParseFromFileDescriptor(fd);
  ::close(fd);
  if (!parsed) {
    model_error("not an ONNX model (the file is not a valid ONNX protobuf, or it is truncated)");
    return false;
  }
  if (!model.has_graph() || model.graph().node_size() == 0) {
    model_error("not an ONNX model: it has no graph nodes (is this an ONNX file?)");
    return false;
  }
  for (const auto& o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") m_opset = o.version();
  m_producer = model.producer_name() + (model.producer_version().empty() ? "" : " " + model.producer_version());
  m_ir_version = model.ir_version();
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
  tensor_state s;
  if (dims.size() == 4) {
    s.c = size[1];
    s.h = size[2];
    s.w = size[3];
  } else {
    s.c = size[1];
    s.flat = true;
  }
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
  if (in && in->flat) {
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

bool onnx_reader::floats(const onnx::NodeProto& n, const onnx::TensorProto& t, std::vector<float>& out) {
  long long count = 1;
  for (const auto d : t.dims()) count *= d;
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    node_error(n, "initializer '" + t.name() + "' keeps its data in an external file, which mottsim does not read");
    return false;
  }
  out.clear();
  if (t.data_type() == onnx::TensorProto::FLOAT) {
    if (t.has_raw_data()) {
      if (t.raw_data().size() != static_cast<std::size_t>(count) * 4) {
        node_error(n, "initializer '" + t.name() + "' holds " + std::to_string(t.raw_data().size()) +
                          " bytes for " + std::to_string(count) + " floats");
        return false;
      }
      out.resize(count);
      std::memcpy(out.data(), t.raw_data().data(), t.raw_data().size());  // ONNX stores little-endian
    } else {
      out.assign(t.float_data().begin(), t.float_data().end());
    }
  } else if (t.data_type() == onnx::TensorProto::DOUBLE) {
    if (t.has_raw_data()) {
      if (t.raw_data().size() != static_cast<std::size_t>(count) * 8) {
        node_error(n, "initializer '" + t.name() + "' holds " + std::to_string(t.raw_data().size()) +
                          " bytes for " + std::to_string(count) + " doubles");
        return false;
      }
      std::vector<double> d(count);
      std::memcpy(d.data(), t.raw_data().data(), t.raw_data().size());
      out.assign(d.begin(), d.end());
    } else {
      out.assign(t.double_data().begin(), t.double_data().end());
    }
  } else {
    node_error(n, "initializer '" + t.name() + "' has element type " + std::to_string(t.data_type()) +
                      "; mottsim reads float and double weights");
    return false;
  }
  if (static_cast<long long>(out.size()) != count) {
    node_error(n, "initializer '" + t.name() + "' holds " + std::to_string(out.size()) + " values for its " +
                      std::to_string(count) + " elements");
    return false;
  }
  return true;
}

bool onnx_reader::bias(const onnx::NodeProto& n, const onnx::TensorProto& t, long long outputs, bool broadcast,
                       const char* what, std::vector<float>& out) {
  if (!floats(n, t, out)) return false;
  if (broadcast && out.size() == 1) out.assign(static_cast<std::size_t>(outputs), out[0]);
  if (static_cast<long long>(out.size()) == outputs) return true;
  node_error(n, "bias '" + t.name() + "' has " + std::to_string(out.size()) + " values for " +
                    std::to_string(outputs) + " " + what);
  return false;
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
  if (p < 0 || m_layers[p].output != tensor || m_layers[p].relu || m_uses[tensor] != 1) {
    node_error(n, std::string("mottsim folds a ") + what +
                      " into the layer before it, and this one's input is not the sole use of such a layer's output");
    return -1;
  }
  return p;
}

int onnx_reader::add_layer(out_layer l, const tensor_state& in, const onnx::NodeProto& n) {
  std::string name = node_name(n);
  for (int k = 2; m_names.count(name); ++k) name = node_name(n) + "_" + std::to_string(k);
  m_names.insert(name);
  l.name = name;
  l.input = in.layer;
  l.output = n.output(0);
  l.nodes = n.op_type();
  m_layers.push_back(std::move(l));
  return static_cast<int>(m_layers.size()) - 1;
}

bool onnx_reader::conv(const onnx::NodeProto& n) {
  const tensor_state* in = image_input(n, "a convolution");
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
  if (m_with_weights) {
    std::vector<float> onnx_w;
    if (!floats(n, *w, onnx_w)) return false;
    // ONNX [out][in][row][col] to mottsim [out][row][col][in].
    l.shape = {out_c, kh, kw, in_per_group};
    l.weights.resize(onnx_w.size());
    for (long long o = 0; o < out_c; ++o)
      for (long long i = 0; i < in_per_group; ++i)
        for (long long y = 0; y < kh; ++y)
          for (long long x = 0; x < kw; ++x)
            l.weights[((o * kh + y) * kw + x) * in_per_group + i] = onnx_w[((o * in_per_group + i) * kh + y) * kw + x];
    if (b && !bias(n, *b, out_c, false, "output channels", l.bias_values)) return false;
  }
  tensor_state out;
  out.c = out_c;
  out.h = oh;
  out.w = ow;
  out.layer = add_layer(std::move(l), *in, n);
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
  const long long out_c = l.shape[0];
  for (int i = 0; i < 4; ++i)
    if (static_cast<long long>(v[i].size()) != out_c) {
      node_error(n, "'" + params[i]->name() + "' has " + std::to_string(v[i].size()) + " values for " +
                        std::to_string(out_c) + " channels");
      return false;
    }
  // y = scale (x - mean) / sqrt(var + eps) + B, with x = W a + b:
  // W' = W k, b' = (b - mean) k + B, k = scale / sqrt(var + eps).
  float eps = 1e-5f;
  for (const auto& a : n.attribute())
    if (a.name() == "epsilon") eps = a.f();
  if (l.bias_values.empty()) l.bias_values.assign(out_c, 0.0f);
  const std::size_t per_out = l.weights.size() / out_c;
  for (long long o = 0; o < out_c; ++o) {
    const double k = static_cast<double>(v[0][o]) / std::sqrt(static_cast<double>(v[3][o]) + eps);
    for (std::size_t j = 0; j < per_out; ++j)
      l.weights[o * per_out + j] = static_cast<float>(l.weights[o * per_out + j] * k);
    l.bias_values[o] = static_cast<float>((l.bias_values[o] - static_cast<double>(v[2][o])) * k + v[1][o]);
  }
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
  const int p = foldable(n, n.input(0), "Relu");
  if (p < 0) return false;
  m_layers[p].relu = true;
  m_layers[p].nodes += " + Relu";
  m_layers[p].output = n.output(0);
  set_output(n, *in);
  return true;
}

bool onnx_reader::pool(const onnx::NodeProto& n) {
  const tensor_state* in = image_input(n, "pooling");
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
  tensor_state out = *in;
  out.h = oh;
  out.w = ow;
  out.layer = add_layer(std::move(l), *in, n);
  set_output(n, out);
  return true;
}

bool onnx_reader::global_pool(const onnx::NodeProto& n) {
  const tensor_state* in = image_input(n, "pooling");
  if (!in) return false;
  out_layer l;
  l.type = "avgpool";
  l.params = {{"kernel", ints_text(in->h, in->w)}, {"stride", ints_text(in->h, in->w)}};
  tensor_state out = *in;
  out.h = out.w = 1;
  out.layer = add_layer(std::move(l), *in, n);
  set_output(n, out);
  return true;
}

bool onnx_reader::flatten(const onnx::NodeProto& n, const char* how) {
  const tensor_state* in = activation(n, 0);
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
  out.layer = add_layer(std::move(l), *in, n);
  m_layers[out.layer].nodes = how;
  set_output(n, out);
  return true;
}

bool onnx_reader::reshape(const onnx::NodeProto& n) {
  const tensor_state* in = activation(n, 0);
  if (!in) return false;
  std::vector<long long> shape;
  if (n.input_size() > 1)
    if (const auto i = m_initializers.find(n.input(1)); i != m_initializers.end()) shape = int64_values(*i->second);
  const long long features = in->c * in->h * in->w;
  // [batch, -1], [batch, features], [0, -1] ...: a flatten to one vector per sample.
  const bool to_vector = shape.size() == 2 && (shape[0] == 0 || shape[0] == 1 || shape[0] == -1) &&
                         (shape[1] == -1 || shape[1] == features) && !(shape[0] == -1 && shape[1] == -1);
  if (!to_vector) {
    node_error(n, "mottsim imports a Reshape only when its shape is a constant that makes one vector per sample "
                  "([batch, -1]); this one is not");
    return false;
  }
  return flatten(n, "Reshape");
}

bool onnx_reader::dense(const onnx::NodeProto& n) {
  const bool gemm = n.op_type() == "Gemm";
  const tensor_state* in = activation(n, 0);
  const onnx::TensorProto* w = initializer(n, 1, false);
  if (!in) return false;
  if (!w) {
    if (m_tensors.count(n.input(1)))
      node_error(n, "a MatMul between two activations (as in attention) is not supported yet; mottsim maps only "
                    "stored weights onto crossbars");
    return false;
  }
  if (!in->flat && in->h * in->w != 1) {
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
  const long long features = in->c * in->h * in->w;
  if (k != features) {
    node_error(n, "weights '" + w->name() + "' take " + std::to_string(k) + " inputs, but the input has " +
                      std::to_string(features));
    return false;
  }
  const onnx::TensorProto* b = gemm && n.input_size() > 2 && !n.input(2).empty() ? initializer(n, 2, true) : nullptr;
  if (gemm && n.input_size() > 2 && !n.input(2).empty() && !b) return false;
  out_layer l;
  l.type = "linear";
  l.params = {{"out_features", std::to_string(out_n)}};
  l.bias = b != nullptr;
  l.macs = k * out_n;
  l.weight_count = k * out_n;
  if (m_with_weights) {
    std::vector<float> onnx_w;
    if (!floats(n, *w, onnx_w)) return false;
    float alpha = 1.0f, beta = 1.0f;
    for (const auto& a : n.attribute()) {
      if (a.name() == "alpha") alpha = a.f();
      if (a.name() == "beta") beta = a.f();
    }
    // mottsim's input index of ONNX input i: a vector flattened from a CxHxW
    // map is in HxWxC order in mottsim.
    const bool reorder = in->from_h * in->from_w > 1;
    const auto mottsim_index = [&](long long i) {
      if (!reorder) return i;
      const long long hw = in->from_h * in->from_w, c = i / hw, pos = i % hw;
      return pos * in->from_c + c;
    };
    l.shape = {out_n, k};
    l.weights.resize(onnx_w.size());
    for (long long o = 0; o < out_n; ++o)
      for (long long i = 0; i < k; ++i)
        l.weights[o * k + mottsim_index(i)] = alpha * (trans_b ? onnx_w[o * k + i] : onnx_w[i * out_n + o]);
    if (b) {
      std::vector<float> c;
      if (!bias(n, *b, out_n, true, "outputs", c)) return false;
      for (auto& x : c) x *= beta;
      l.bias_values = std::move(c);
    }
  }
  tensor_state out;
  out.flat = true;
  out.c = out_n;
  out.layer = add_layer(std::move(l), *in, n);
  set_output(n, out);
  return true;
}

bool onnx_reader::add(const onnx::NodeProto& n) {
  if (n.input_size() != 2) {
    node_error(n, "needs two inputs");
    return false;
  }
  // A constant operand is the bias of the layer before (MatMul + Add).
  for (int i = 0; i < 2; ++i) {
    if (!m_initializers.count(n.input(i))) continue;
    const int p = foldable(n, n.input(1 - i), "bias Add");
    if (p < 0) return false;
    out_layer& l = m_layers[p];
    if (l.type != "linear" || l.bias) {
      node_error(n, "a constant Add folds only into a linear layer without a bias");
      return false;
    }
    l.bias = true;
    l.nodes += " + Add";
    l.output = n.output(0);
    if (m_with_weights) {
      if (!bias(n, *m_initializers[n.input(i)], l.shape[0], true, "outputs", l.bias_values)) return false;
    }
    set_output(n, m_tensors[n.input(1 - i)]);
    return true;
  }
  const tensor_state* a = activation(n, 0);
  const tensor_state* b = activation(n, 1);
  if (!a || !b) return false;
  if (a->layer < 0 || b->layer < 0) {
    node_error(n, "adding the network input itself is not supported; mottsim adds the outputs of two layers");
    return false;
  }
  if (a->c != b->c || a->h != b->h || a->w != b->w || a->flat != b->flat) {
    node_error(n, "its operands differ in shape (" + std::to_string(a->c) + "x" + std::to_string(a->h) + "x" +
                      std::to_string(a->w) + " and " + std::to_string(b->c) + "x" + std::to_string(b->h) + "x" +
                      std::to_string(b->w) + "); mottsim adds equal shapes only");
    return false;
  }
  out_layer l;
  l.type = "add";
  l.with = b->layer;
  tensor_state out = *a;
  out.layer = add_layer(std::move(l), *a, n);
  set_output(n, out);
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
  if (op == "Gemm" || op == "MatMul") return dense(n);
  if (op == "Add") return add(n);
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
  for (const auto& n : g.node())
    for (const auto& i : n.input()) ++m_uses[i];
  for (const auto& o : g.output()) ++m_uses[o.name()];
  m_nodes = static_cast<std::size_t>(g.node_size());
  for (m_node_index = 0; m_node_index < m_nodes; ++m_node_index)
    if (!node(g.node(static_cast<int>(m_node_index)))) return;  // later nodes would only repeat the cause
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
    << (m_producer.empty() ? "" : ", produced by " + m_producer) << ", " << m_nodes << " nodes).\n";
  y << "# Each layer keeps the name of the ONNX node it comes from; BatchNormalization is folded into\n";
  y << "# the convolution before it, and Relu is that layer's activation (the comment lists the nodes).\n";
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
    if (l.relu) y << ", activation: relu";
    y << "}  # " << l.nodes << "\n";
  }
  return y.str();
}

onnx_workload onnx_reader::read(const std::string& weights_ref) {
  onnx_workload out;
  onnx::ModelProto model;
  if (!load(model)) return out;
  const auto& g = model.graph();
  for (const auto& t : g.initializer()) m_initializers[t.name()] = &t;
  if (!read_input(g)) return out;
  walk(g);
  if (m_errors.has_errors()) return out;
  out.yaml = write_yaml(weights_ref);
  if (m_with_weights)
    for (auto& l : m_layers)
      if (l.type == "conv2d" || l.type == "linear")
        out.weights.push_back({l.name, std::move(l.shape), std::move(l.weights), std::move(l.bias_values)});
  return out;
}

}  // namespace

onnx_workload import_onnx(const std::string& path, const std::string& weights_ref, bool with_weights,
                          diagnostics& errors) {
  onnx_reader reader(path, with_weights, errors);
  return reader.read(weights_ref);
}

}  // namespace mottsim::dsl

#include "dsl/workload_loader.hpp"

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "dsl/checked_arithmetic.hpp"
#include "dsl/document_name.hpp"
#include "dsl/layer_schemas.hpp"
#include "dsl/neurosim_network.hpp"
#include "dsl/onnx_import.hpp"
#include "dsl/suggest.hpp"
#include "dsl/validator.hpp"

namespace mottsim::dsl {

namespace fs = std::filesystem;

const std::vector<std::string>& workload_keys() {
  static const std::vector<std::string> keys = {"name",         "description", "input",         "precision",
                                                "weights_file", "inputs",      "input_density", "weight_density",
                                                "depthwise_placement", "layers"};
  return keys;
}

namespace {

// With the per-parameter bounds of layer_schemas.hpp these keep every shape,
// weight count and MAC sum far below 2^63.
constexpr long long max_tensor_elements = 1LL << 34;
constexpr long long max_layer_macs = 1LL << 50;
constexpr long long max_layer_weights = 1LL << 50;
constexpr long long max_total_macs = 1LL << 60;

std::shared_ptr<const block_schema> input_schema() {
  static const auto schema =
      schema_builder("input_shape", "shape of one input sample")
          .integer("height", std::nullopt, "rows")
          .range(1, static_cast<double>(max_spatial_size))
          .integer("width", std::nullopt, "columns")
          .range(1, static_cast<double>(max_spatial_size))
          .integer("channels", std::nullopt, "channels (1 for grey images, 3 for RGB)")
          .range(1, static_cast<double>(max_channels))
          .build();
  return schema;
}

std::shared_ptr<const block_schema> precision_schema() {
  static const auto schema = schema_builder("precision", "bit widths the network was quantized to")
                                 .integer("weights", std::string("8"), "weight bits")
                                 .range(1, 32)
                                 .integer("activations", std::string("8"), "activation bits")
                                 .range(1, 32)
                                 .build();
  return schema;
}

std::shared_ptr<const block_schema> inputs_schema() {
  static const auto schema =
      schema_builder("inputs", "what functional mode feeds the network")
          .choice("source", {"random", "image", "mnist_test"}, std::string("random"),
                  "seeded random inputs, an image file, or the MNIST test split")
          // Paths are checked when functional mode reads them: perf mode needs no
          // image, and fetched data may be absent.
          .text("file", std::nullopt, "image file (PNG, JPEG or PGM) for source image; --image overrides it")
          .optional()
          .text("fallback", std::nullopt, "source image: the image scored when 'file' is absent (the report says so)")
          .optional()
          .text("calibration", std::nullopt,
                "source image: a directory of calibration images (PNG, JPEG, PGM); any identical to the scored "
                "image is left out")
          .optional()
          .integer("calibration_count", std::string("256"),
                   "calibration samples: the first MNIST training digits (source mnist_test, at most the 8000 "
                   "of the training split), or at most this many images of the calibration directory (source image)")
          .range(1, 1000000)
          .integer("count", std::string("2000"),
                   "how many MNIST test digits to run (at most the 2000 of the test split from 'first' on; without "
                   "it, all of them)")
          .range(1, 1000000)
          .integer("first", std::string("0"), "index of the first MNIST test digit to run")
          .range(0, 1000000)
          .build();
  return schema;
}

long long floor_div(long long a, long long b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// Output length of a sliding window along one axis (the PyTorch formula).
long long window_output(long long in, long long kernel, long long stride, long long pad, long long dilation) {
  return floor_div(in + 2 * pad - dilation * (kernel - 1) - 1, stride) + 1;
}

std::string pair_text(long long h, long long w) { return std::to_string(h) + "x" + std::to_string(w); }

// What a layer hands on to the layers after it.
struct layer_output {
  std::string name;  // for messages: "layer 'x'" or "the network input"
  tensor_shape shape;
  bool known = false;  // false after an error upstream; dependents skip their checks
};

class workload_reader {
 public:
  workload_reader(std::string path, diagnostics& errors)
      : m_path(std::move(path)), m_errors(errors), m_check(layer_schemas(), nullptr, errors) {}

  workload_spec read(const yaml_node& root);

 private:
  void read_header(const yaml_node& root);
  void read_layer(const yaml_node& node, std::size_t index);
  const layer_output* resolve(const param_value& ref, const std::string& key, const std::string& own_name,
                              const std::string& context);
  bool read_pair(const block_value& v, const std::string& key, const std::string& context, long long& h, long long& w);
  bool read_geometry(const yaml_node& node, const block_value& v, const std::string& context, layer_spec& l);
  // A reshape's `order:` permutes the axes of its `from:` (reported when not).
  bool check_permutation(const block_value& v, const std::string& context, const layer_spec& l);
  bool read_weights(const yaml_node& node, const std::string& context, std::vector<double>& out,
                    const char* key = "weights");
  bool infer(layer_spec& l, const block_value& v, const layer_output& in, const layer_output* other,
             const std::string& context);
  bool check_size(layer_spec& l, const std::string& context);
  // The layer's MACs, outputs x `per_output`, within the per-layer and network limits.
  bool count_macs(layer_spec& l, long long per_output, const std::string& context);
  void check_weight_count(const layer_spec& l, const yaml_node& weights, const std::string& context);

  // Where to point at a parameter's problem: its value, or the layer when the
  // value is a default written nowhere in the file.
  static source_location locate(const block_value& v, const std::string& key, const layer_spec& l) {
    if (!v.has(key) || v.at(key).from_default) return l.where;
    return v.at(key).where;
  }

  std::string m_path;
  diagnostics& m_errors;
  validator m_check;
  workload_spec m_spec;
  layer_output m_previous;                           // what a layer without `input:` reads
  std::map<std::string, layer_output> m_defined;     // layers read so far, by name
  std::vector<std::string> m_defined_order;          // their names in file order, for suggestions
  std::map<std::string, source_location> m_all_names;  // every layer's name, to say "comes later"
  long long m_total_macs = 0;
};

workload_spec workload_reader::read(const yaml_node& root) {
  m_spec.file = m_path;
  m_spec.weight_bits_where = m_spec.activation_bits_where = {m_path, 0, 0};
  if (!root.is_map()) {
    m_errors.error(root.where, "a workload must be a map with 'input:' and 'layers:', got " + root.describe());
    return m_spec;
  }
  for (const auto& e : root.entries)
    if (std::find(workload_keys().begin(), workload_keys().end(), e.key) == workload_keys().end())
      m_errors.error(e.key_location, "unknown key '" + e.key + "' in workload" + did_you_mean(e.key, workload_keys()));
  read_header(root);

  const yaml_node* layers = root.find("layers");
  if (!layers) {
    m_errors.error(root.where, "a workload needs 'layers:', a list such as '- {name: conv1, type: conv2d, ...}'");
    return m_spec;
  }
  if (!layers->is_sequence() || layers->items.empty()) {
    m_errors.error(layers->where, "'layers' must be a non-empty list of layers, got " + layers->describe());
    return m_spec;
  }
  for (const auto& item : layers->items)
    if (const yaml_node* n = item->is_map() ? item->find("name") : nullptr; n && n->is_scalar())
      m_all_names.emplace(n->text, n->where);
  for (std::size_t i = 0; i < layers->items.size(); ++i) read_layer(*layers->items[i], i);
  return m_spec;
}

void workload_reader::read_header(const yaml_node& root) {
  if (const yaml_node* n = root.find("name")) {
    read_document_name(*n, m_spec.name, m_errors);
  } else {
    m_spec.name = fs::path(m_path).stem().string();
  }
  if (const yaml_node* d = root.find("description")) {
    if (d->is_scalar()) m_spec.description = d->text;
    else if (!d->is_null()) m_errors.error(d->where, "'description' must be text, got " + d->describe());
  }

  m_previous.name = "the network input";
  if (const yaml_node* input = root.find("input")) {
    const block_value v = m_check.validate(*input, *input_schema(), "input");
    if (v.has("height") && v.has("width") && v.has("channels")) {
      m_spec.input = {v.integer("height"), v.integer("width"), v.integer("channels")};
      if (m_spec.input.elements() > max_tensor_elements)
        m_errors.error(input->where, "input " + m_spec.input.to_string() + " has more than 2^34 elements");
      else m_previous.known = true;
      m_previous.shape = m_spec.input;
    }
  } else {
    m_errors.error(root.where, "a workload needs 'input:', the sample shape, e.g. {height: 28, width: 28, channels: 1}");
  }

  if (const yaml_node* d = root.find("depthwise_placement")) {
    if (d->is_scalar() && (d->text == "crossbar" || d->text == "digital")) m_spec.depthwise_digital = d->text == "digital";
    else
      m_errors.error(d->where, "'depthwise_placement' must be crossbar or digital (where depthwise convolutions without "
                               "their own 'placement' run), got " + d->describe());
  }

  m_spec.precision_where = root.where;
  if (const yaml_map_entry* e = root.find_entry("precision")) m_spec.precision_where = e->key_location;
  if (const yaml_node* precision = root.find("precision")) {
    const block_value v = m_check.validate(*precision, *precision_schema(), "precision");
    const auto bits = [&](const char* key, int& out, source_location& where) {
      if (!v.has(key)) return;
      out = static_cast<int>(v.integer(key));
      where = v.at(key).from_default ? precision->where : v.at(key).where;
    };
    bits("weights", m_spec.weight_bits, m_spec.weight_bits_where);
    bits("activations", m_spec.activation_bits, m_spec.activation_bits_where);
  }

  if (const yaml_node* inputs = root.find("inputs")) {
    const block_value v = m_check.validate(*inputs, *inputs_schema(), "inputs");
    m_spec.inputs.where = inputs->where;
    if (v.has("source")) m_spec.inputs.source = v.text("source");
    // Relative paths are relative to the file that wrote them.
    const auto path = [&](const char* key, std::string& out, source_location& where) {
      if (!v.has(key)) return;
      where = v.at(key).where;
      out = resolve_relative(where.file.empty() ? m_path : where.file, v.text(key));
    };
    path("file", m_spec.inputs.file, m_spec.inputs.file_where);
    path("fallback", m_spec.inputs.fallback, m_spec.inputs.fallback_where);
    path("calibration", m_spec.inputs.calibration, m_spec.inputs.calibration_where);
    input_source& in = m_spec.inputs;
    const auto whole = [&](const char* key, long long& out, source_location& where) {
      where = inputs->where;
      if (!v.has(key)) return false;
      out = v.integer(key);
      where = v.at(key).where;
      return true;
    };
    const bool count_given = whole("count", in.count, in.count_where);
    whole("first", in.first, in.first_where);
    whole("calibration_count", in.calibration_count, in.calibration_count_where);
    if (in.source == "image" && in.file.empty())
      m_errors.error(inputs->where, "inputs: source 'image' needs 'file:', an image path");
    // The MNIST split is fixed: a count beyond it is an error, never cut down.
    if (in.source == "mnist_test") {
      const std::string test = std::to_string(mnist_test_digits), train = std::to_string(mnist_training_digits);
      if (in.first >= mnist_test_digits)
        m_errors.error(in.first_where, "inputs: 'first' is " + std::to_string(in.first) + ", but the MNIST test "
                                       "split has " + test + " digits: at most " + std::to_string(mnist_test_digits - 1));
      else if (!count_given)
        in.count = mnist_test_digits - in.first;  // the rest of the split
      else if (in.count > mnist_test_digits - in.first)
        m_errors.error(in.count_where, "inputs: 'count' is " + std::to_string(in.count) + ", but the MNIST test "
                                       "split has " + test + " digits" +
                                       (in.first > 0 ? ", " + std::to_string(mnist_test_digits - in.first) +
                                                           " of them from 'first' (" + std::to_string(in.first) + ") on"
                                                     : std::string()) +
                                       ": at most " + std::to_string(mnist_test_digits - in.first));
      if (in.calibration_count > mnist_training_digits)
        m_errors.error(in.calibration_count_where,
                       "inputs: 'calibration_count' is " + std::to_string(in.calibration_count) +
                           ", but the MNIST training split has " + train + " digits: at most " + train);
    }
  }

  // A fraction in [0, 1], located where it is wrong.
  const auto density = [&](const char* key, double& out, source_location& where) {
    const yaml_node* n = root.find(key);
    if (!n) return;
    char* end = nullptr;
    const double x = n->is_scalar() ? std::strtod(n->text.c_str(), &end) : -1.0;
    if (!n->is_scalar() || n->text.empty() || *end != '\0' || !(x >= 0.0 && x <= 1.0))
      m_errors.error(n->where, std::string("'") + key + "' must be a fraction from 0 to 1, got " + n->describe());
    else {
      out = x;
      where = n->where;
    }
  };
  density("input_density", m_spec.input_density, m_spec.input_density_where);
  density("weight_density", m_spec.weight_density, m_spec.weight_density_where);

  // Existence is checked where the weights are used: perf mode never needs them,
  // and the file may be produced by a training script after this is written.
  if (const yaml_node* w = root.find("weights_file")) {
    if (!w->is_scalar() || w->text.empty()) {
      m_errors.error(w->where, "'weights_file' must be a file path, got " + w->describe());
    } else {
      m_spec.weights_file = resolve_relative(w->where.file.empty() ? m_path : w->where.file, w->text);
    }
  }
}

void workload_reader::read_layer(const yaml_node& node, std::size_t index) {
  std::string context = "layers[" + std::to_string(index) + "]";
  const yaml_node* name = node.is_map() ? node.find("name") : nullptr;
  std::string layer_name;
  if (name && name->is_scalar() && !name->text.empty()) {
    layer_name = name->text;
    context = "layer '" + layer_name + "'";
  }
  layer_output result;  // unknown unless everything below works out
  result.name = context;
  const layer_output previous = m_previous;
  m_previous = result;  // so an early return hands "unknown" to the next layer
  if (!node.is_map()) {
    m_errors.error(node.where, context + " must be a map such as {name: conv1, type: conv2d, ...}, got " +
                                   node.describe());
    return;
  }
  // Only the first layer of a name is registered; a duplicate is reported here
  // and its later uses resolve to the first.
  bool fresh = !layer_name.empty();
  if (fresh && m_defined.count(layer_name)) {
    fresh = false;
    const auto& first = m_all_names.at(layer_name);
    m_errors.error(name->where, "duplicate layer name '" + layer_name + "' (first used at line " +
                                    std::to_string(first.line) + ")");
  }
  auto finish = [&](const layer_output& out) {
    if (fresh) {
      m_defined[layer_name] = out;
      m_defined_order.push_back(layer_name);
    }
    m_previous = out;
  };

  const std::vector<std::string> types = layer_schemas().schema_names();
  const yaml_node* type = node.find("type");
  if (!type || !type->is_scalar()) {
    std::string list;
    for (const auto& t : types) list += (list.empty() ? "" : ", ") + t;
    m_errors.error(type ? type->where : node.where, context + " needs 'type:', one of " + list);
    return finish(result);
  }
  const block_schema* schema = layer_schemas().find_schema(type->text);
  if (!schema) {
    m_errors.error(type->where, context + ": unknown layer type '" + type->text + "'" + did_you_mean(type->text, types));
    return finish(result);
  }

  layer_spec l;
  l.name = layer_name;
  l.where = node.where;
  for (auto k : {layer_kind::conv2d, layer_kind::linear, layer_kind::maxpool, layer_kind::avgpool, layer_kind::add,
                 layer_kind::flatten, layer_kind::activation, layer_kind::mul, layer_kind::matmul, layer_kind::layernorm,
                 layer_kind::concat, layer_kind::reshape, layer_kind::slice, layer_kind::load})
    if (type->text == layer_kind_name(k)) l.kind = k;
  std::vector<std::string> extra = {"type"};
  if (l.is_matrix_layer()) extra.push_back("weights");
  const bool takes_constant = l.kind == layer_kind::add || l.kind == layer_kind::mul || l.kind == layer_kind::concat;
  if (takes_constant) extra.push_back("values");
  const block_value v = m_check.validate(node, *schema, context, extra);
  if (name && name->is_scalar() && name->text.empty()) m_errors.error(name->where, context + ": 'name' must not be empty");
  if (v.has("activation")) parse_activation(v.text("activation"), l.activation);
  if (l.kind == layer_kind::activation && l.activation == activation_kind::none)
    m_errors.error(locate(v, "activation", l), context + ": an 'activation' layer needs 'activation:', one of relu, relu6, "
                                               "sigmoid, hard_sigmoid, hard_swish, tanh, gelu, silu, softmax");
  const bool placement_given = v.has("placement") && !v.at("placement").from_default;
  if (placement_given) l.digital = v.text("placement") == "digital";

  // Every check below runs even after an earlier one failed, so that one pass
  // reports every mistake of the layer; only shape inference needs them all.
  bool ok = true;
  layer_output in = previous;
  if (v.has("input")) {
    l.input = v.text("input");
    const layer_output* source = resolve(v.at("input"), "input", layer_name, context);
    if (source) in = *source;
    else ok = false;
  } else if (const yaml_node* i = node.find("input"); i && !i->is_null()) {
    ok = false;  // given but invalid (reported): the previous layer is not what was meant
  }
  const layer_output* other = nullptr;
  const bool binary = l.kind == layer_kind::add || l.kind == layer_kind::mul || l.kind == layer_kind::matmul ||
                      l.kind == layer_kind::concat;
  if (binary) {
    if (v.has("with")) {
      l.add_from = v.text("with");
      other = resolve(v.at("with"), "with", layer_name, context);
      ok = ok && other;
    }
    if (v.has("constant") && l.kind == layer_kind::concat) l.constant_size = v.integer("constant");
    if (v.has("constant") && l.kind != layer_kind::concat) l.constant = v.flag("constant");
    const bool has_constant = l.uses_stored_constant();
    if (v.has("tensor")) l.constant_tensor = v.text("tensor");
    if (l.kind == layer_kind::mul && v.has("divide")) l.divide = v.flag("divide");
    if (l.kind == layer_kind::concat && v.has("constant_first")) l.constant_first = v.flag("constant_first");
    if (const yaml_node* values = takes_constant ? node.find("values") : nullptr; values && !values->is_null()) {
      if (!read_weights(*values, context, l.constant_values, "values")) ok = false;
      else if (l.constant_values.empty()) {
        m_errors.error(values->where, context + ": 'values' is empty");
        ok = false;
      }
      if (v.has("tensor")) {
        m_errors.error(values->where, context + ": give either 'tensor:' or 'values:', not both");
        ok = false;
      }
    }
    if (!has_constant && (!l.constant_tensor.empty() || !l.constant_values.empty())) {
      m_errors.error(l.where, context + ": 'tensor:' and 'values:' give a stored constant's values, and this layer "
                                        "has no 'constant:'");
      ok = false;
    }
    if (l.kind == layer_kind::matmul && !v.has("with")) {
      m_errors.error(l.where, context + ": a matmul needs 'with:', the earlier layer holding its right-hand operand");
      ok = false;
    } else if (l.kind != layer_kind::matmul && v.has("with") == has_constant) {
      m_errors.error(l.where, context + (has_constant ? ": give either 'with:' (an earlier layer) or 'constant:', not both"
                                                      : ": needs 'with:', an earlier layer, or 'constant:', a stored "
                                                        "operand"));
      ok = false;
    }
  }
  ok = read_geometry(node, v, context, l) && ok;
  const yaml_node* weights = l.is_matrix_layer() ? node.find("weights") : nullptr;
  const bool weights_ok = !weights || read_weights(*weights, context, l.weights);

  // A load reads nothing, so an earlier layer's mistake does not hide its shape.
  if (l.kind == layer_kind::load && ok) in.known = true;
  if (ok && in.known && (!other || other->known) && infer(l, v, in, other, context)) {
    result.shape = l.out_shape;
    result.known = true;
    if (weights && weights_ok) check_weight_count(l, *weights, context);
  }
  // The workload's `depthwise_placement` for a depthwise convolution that does
  // not say where it runs (one group per input channel).
  if (!placement_given && m_spec.depthwise_digital && l.is_depthwise()) l.digital = l.digital_from_workload = true;
  m_spec.layers.push_back(l);
  finish(result);
}

const layer_output* workload_reader::resolve(const param_value& ref, const std::string& key,
                                             const std::string& own_name, const std::string& context) {
  if (auto it = m_defined.find(ref.text); it != m_defined.end()) return &it->second;
  const std::string named = context + ": '" + key + ": " + ref.text + "'";
  if (ref.text == own_name) {
    m_errors.error(ref.where, named + " names this layer itself; it must name an earlier layer");
  } else if (auto later = m_all_names.find(ref.text); later != m_all_names.end()) {
    m_errors.error(ref.where, named + " names a layer defined later (line " + std::to_string(later->second.line) +
                                  "); it must name an earlier layer");
  } else {
    m_errors.error(ref.where, named + " names no earlier layer" + did_you_mean(ref.text, m_defined_order));
  }
  return nullptr;
}

bool workload_reader::read_pair(const block_value& v, const std::string& key, const std::string& context,
                                long long& h, long long& w) {
  if (!v.has(key)) return false;  // the validator has said why
  const param_value& p = v.at(key);
  if (p.integers.size() == 1) {
    h = w = p.integers[0];
    return true;
  }
  if (p.integers.size() == 2) {
    h = p.integers[0];
    w = p.integers[1];
    return true;
  }
  m_errors.error(p.where, context + ": '" + key + "' takes one value or two ([height, width]), got " +
                              std::to_string(p.integers.size()));
  return false;
}

bool workload_reader::read_geometry(const yaml_node& node, const block_value& v, const std::string& context,
                                    layer_spec& l) {
  bool ok = true;
  switch (l.kind) {
    case layer_kind::conv2d:
      ok = read_pair(v, "kernel", context, l.kernel_h, l.kernel_w) && ok;
      ok = read_pair(v, "stride", context, l.stride_h, l.stride_w) && ok;
      ok = read_pair(v, "padding", context, l.pad_h, l.pad_w) && ok;
      ok = read_pair(v, "dilation", context, l.dilation_h, l.dilation_w) && ok;
      if (v.has("out_channels")) l.out_channels = v.integer("out_channels");
      else ok = false;
      if (v.has("groups")) l.groups = v.integer("groups");
      else ok = false;
      if (v.has("bias")) l.bias = v.flag("bias");
      return ok;
    case layer_kind::linear:
      if (v.has("out_features")) l.out_features = v.integer("out_features");
      else ok = false;
      if (v.has("bias")) l.bias = v.flag("bias");
      return ok;
    case layer_kind::maxpool:
    case layer_kind::avgpool: {
      l.bias = false;
      ok = read_pair(v, "kernel", context, l.kernel_h, l.kernel_w) && ok;
      ok = read_pair(v, "padding", context, l.pad_h, l.pad_w) && ok;
      // Non-overlapping windows unless told otherwise, as in PyTorch.
      if (const yaml_node* s = node.find("stride"); s && !s->is_null()) {
        ok = read_pair(v, "stride", context, l.stride_h, l.stride_w) && ok;
      } else {
        l.stride_h = l.kernel_h;
        l.stride_w = l.kernel_w;
      }
      return ok;
    }
    case layer_kind::matmul:
      l.bias = false;
      if (v.has("heads")) l.heads = v.integer("heads");
      return ok;
    case layer_kind::concat:
    case layer_kind::slice:
      l.bias = false;
      l.along_height = v.has("axis") && v.text("axis") == "height";
      if (l.kind == layer_kind::slice) {
        if (v.has("begin") && v.has("end")) {
          l.slice_begin = v.integer("begin");
          l.slice_end = v.integer("end");
        } else {
          ok = false;
        }
      }
      return ok;
    case layer_kind::reshape:
      l.bias = false;
      if (!v.has("shape")) return false;
      if (v.at("shape").integers.size() != 3) {
        m_errors.error(v.at("shape").where, context + ": 'shape' takes three values, [height, width, channels]");
        return false;
      }
      l.reshape_to = {v.at("shape").integers[0], v.at("shape").integers[1], v.at("shape").integers[2]};
      l.reorders = v.has("reorders") && v.flag("reorders");
      if (v.has("from")) l.reorder_from = v.at("from").integers;
      if (v.has("order")) l.reorder_order = v.at("order").integers;
      if (v.has("from") != v.has("order") || (v.has("from") && !l.reorders)) {
        m_errors.error(l.where, context + ": 'from:' and 'order:' go together, with 'reorders: true'");
        return false;
      }
      if (v.has("from") && !check_permutation(v, context, l)) return false;
      return ok;
    case layer_kind::layernorm:
      l.bias = false;
      if (v.has("epsilon")) l.epsilon = v.number("epsilon");
      if (v.has("scale")) l.scale_tensor = v.text("scale");
      if (v.has("shift")) l.shift_tensor = v.text("shift");
      return true;
    case layer_kind::add:
    case layer_kind::flatten:
    case layer_kind::activation:
    case layer_kind::mul: l.bias = false; return true;
    case layer_kind::load:
      l.bias = false;
      for (const char* key : {"height", "width", "channels"})
        if (!v.has(key)) ok = false;
      if (ok) l.out_shape = {v.integer("height"), v.integer("width"), v.integer("channels")};
      return ok;
  }
  return ok;
}

bool workload_reader::check_permutation(const block_value& v, const std::string& context, const layer_spec& l) {
  std::vector<bool> seen(l.reorder_from.size(), false);
  bool ok = l.reorder_order.size() == l.reorder_from.size();
  for (long long a : l.reorder_order) {
    ok = ok && a >= 0 && a < static_cast<long long>(seen.size()) && !seen[static_cast<std::size_t>(a)];
    if (ok) seen[static_cast<std::size_t>(a)] = true;
  }
  if (!ok)
    m_errors.error(v.at("order").where, context + ": 'order' must list each axis of 'from' (0 to " +
                                            std::to_string(static_cast<long long>(l.reorder_from.size()) - 1) +
                                            ") once");
  return ok;
}

// Accepts a flat list or nested lists (one level per [out][row][col][in] axis,
// for readability); values are taken in order, depth first.
bool workload_reader::read_weights(const yaml_node& node, const std::string& context, std::vector<double>& out,
                                   const char* key) {
  std::vector<const yaml_node*> stack = {&node};
  if (!node.is_sequence()) {
    m_errors.error(node.where, context + ": '" + key + "' must be a list of numbers, got " + node.describe());
    return false;
  }
  while (!stack.empty()) {
    const yaml_node* n = stack.back();
    stack.pop_back();
    if (n->is_sequence()) {
      for (auto it = n->items.rbegin(); it != n->items.rend(); ++it) stack.push_back(it->get());
      continue;
    }
    double x = 0.0;
    if (!n->is_scalar() || !parse_number(n->text, x)) {
      m_errors.error(n->where, context + ": '" + key + "' must hold numbers, got " + n->describe());
      out.clear();
      return false;
    }
    out.push_back(x);
  }
  return true;
}

bool workload_reader::infer(layer_spec& l, const block_value& v, const layer_output& in, const layer_output* other,
                            const std::string& context) {
  l.in_shape = in.shape;
  const tensor_shape& s = in.shape;
  switch (l.kind) {
    case layer_kind::conv2d: {
      bool ok = true;
      if (s.channels % l.groups != 0) {
        m_errors.error(locate(v, "groups", l), context + ": groups (" + std::to_string(l.groups) +
                                                   ") must divide the input channels, but the input is " + s.to_string());
        ok = false;
      }
      if (l.out_channels % l.groups != 0) {
        m_errors.error(locate(v, "groups", l), context + ": groups (" + std::to_string(l.groups) +
                                                   ") must divide out_channels (" + std::to_string(l.out_channels) + ")");
        ok = false;
      }
      const long long h = window_output(s.height, l.kernel_h, l.stride_h, l.pad_h, l.dilation_h);
      const long long w = window_output(s.width, l.kernel_w, l.stride_w, l.pad_w, l.dilation_w);
      if (h < 1 || w < 1) {
        m_errors.error(locate(v, "kernel", l),
                       context + ": a " + pair_text(l.kernel_h, l.kernel_w) + " kernel (dilation " +
                           pair_text(l.dilation_h, l.dilation_w) + ", padding " + pair_text(l.pad_h, l.pad_w) +
                           ") does not fit the " + s.to_string() + " input: the output would be " + pair_text(h, w) +
                           "x" + std::to_string(l.out_channels));
        ok = false;
      }
      if (!ok) return false;
      l.out_shape = {h, w, l.out_channels};
      break;
    }
    case layer_kind::linear:
      if (s.height != 1 || s.width != 1) {
        m_errors.error(l.where, context + ": a linear layer needs a flat input, but " + in.name + " gives " +
                                    s.to_string() + "; add '{type: flatten}' before it");
        return false;
      }
      l.out_shape = {1, 1, l.out_features};
      break;
    case layer_kind::maxpool:
    case layer_kind::avgpool: {
      // A window that could lie entirely in the padding has no defined output.
      if (2 * l.pad_h > l.kernel_h || 2 * l.pad_w > l.kernel_w) {
        m_errors.error(locate(v, "padding", l), context + ": padding " + pair_text(l.pad_h, l.pad_w) +
                                                    " must be at most half the " + pair_text(l.kernel_h, l.kernel_w) +
                                                    " window");
        return false;
      }
      const long long h = window_output(s.height, l.kernel_h, l.stride_h, l.pad_h, 1);
      const long long w = window_output(s.width, l.kernel_w, l.stride_w, l.pad_w, 1);
      if (h < 1 || w < 1) {
        m_errors.error(locate(v, "kernel", l), context + ": a " + pair_text(l.kernel_h, l.kernel_w) +
                                                   " window (padding " + pair_text(l.pad_h, l.pad_w) +
                                                   ") does not fit the " + s.to_string() +
                                                   " input: the output would be " + pair_text(h, w) + "x" +
                                                   std::to_string(s.channels));
        return false;
      }
      l.out_shape = {h, w, s.channels};
      break;
    }
    case layer_kind::add:
      if (other && other->shape != s) {
        m_errors.error(locate(v, "with", l), context + ": cannot add " + other->shape.to_string() + " to " +
                                                 s.to_string() + " ('with: " + l.add_from + "' to the output of " +
                                                 in.name + "); both must have the same shape");
        return false;
      }
      l.out_shape = s;
      break;
    case layer_kind::mul:
      // A gate of one value per channel scales the whole map (squeeze-excitation).
      if (other && other->shape != s &&
          !(other->shape.height == 1 && other->shape.width == 1 && other->shape.channels == s.channels)) {
        m_errors.error(locate(v, "with", l), context + ": cannot multiply " + s.to_string() + " (the output of " +
                                                 in.name + ") by " + other->shape.to_string() + " ('with: " +
                                                 l.add_from + "'); it must have the same shape or be 1x1x" +
                                                 std::to_string(s.channels));
        return false;
      }
      l.out_shape = s;
      break;
    case layer_kind::flatten: l.out_shape = {1, 1, s.elements()}; break;
    case layer_kind::activation:
    case layer_kind::layernorm: l.out_shape = s; break;
    case layer_kind::matmul: {
      assert(other);
      const long long rows = s.height * s.width, k = s.channels, other_rows = other->shape.height * other->shape.width;
      if (rows % l.heads != 0 || other_rows != l.heads * k) {
        m_errors.error(locate(v, "with", l),
                       context + ": cannot multiply " + s.to_string() + " (the output of " + in.name + ", " +
                           std::to_string(l.heads) + " head(s) of M x " + std::to_string(k) + ") by " +
                           other->shape.to_string() + " ('with: " + l.add_from + "'): its rows must be heads x " +
                           std::to_string(k) + " = " + std::to_string(l.heads * k) + ", and heads must divide " +
                           std::to_string(rows));
        return false;
      }
      l.out_shape = {s.height, s.width, other->shape.channels};
      // Every output is a K-long dot product, like a layer's; the limits hold.
      if (!count_macs(l, k, context)) return false;
      break;
    }
    case layer_kind::concat: {
      const tensor_shape o = other ? other->shape : tensor_shape{};
      if (l.along_height) {
        if (other && (o.width != s.width || o.channels != s.channels)) {
          m_errors.error(locate(v, "with", l), context + ": cannot join " + o.to_string() + " below " + s.to_string() +
                                                   "; widths and channels must match");
          return false;
        }
        l.out_shape = {s.height + (other ? o.height : 0) + l.constant_size, s.width, s.channels};
      } else {
        if (other && (o.height != s.height || o.width != s.width)) {
          m_errors.error(locate(v, "with", l), context + ": cannot join the channels of " + o.to_string() + " to " +
                                                   s.to_string() + "; heights and widths must match");
          return false;
        }
        l.out_shape = {s.height, s.width, s.channels + (other ? o.channels : 0) + l.constant_size};
      }
      break;
    }
    case layer_kind::slice: {
      const long long size = l.along_height ? s.height : s.channels;
      if (l.slice_begin >= l.slice_end || l.slice_end > size) {
        m_errors.error(locate(v, "end", l), context + ": the range [" + std::to_string(l.slice_begin) + ", " +
                                                std::to_string(l.slice_end) + ") does not lie within the " +
                                                std::to_string(size) + (l.along_height ? " rows" : " channels") +
                                                " of " + s.to_string());
        return false;
      }
      l.out_shape = s;
      (l.along_height ? l.out_shape.height : l.out_shape.channels) = l.slice_end - l.slice_begin;
      break;
    }
    case layer_kind::reshape:
      if (l.reshape_to.elements() != s.elements()) {
        m_errors.error(locate(v, "shape", l), context + ": shape " + l.reshape_to.to_string() + " holds " +
                                                  std::to_string(l.reshape_to.elements()) + " values, but the input " +
                                                  s.to_string() + " holds " + std::to_string(s.elements()));
        return false;
      }
      l.out_shape = l.reshape_to;
      break;
    case layer_kind::load: l.in_shape = l.out_shape; break;  // read from memory as it is
  }
  if (!l.constant_values.empty()) {
    if (const std::string problem = l.constant_count_problem(static_cast<long long>(l.constant_values.size()));
        !problem.empty()) {
      m_errors.error(l.where, context + ": 'values': " + problem);
      return false;
    }
  }
  if (!l.reorder_from.empty()) {
    long long count = 1;
    for (long long d : l.reorder_from) count = d > 0 && count <= max_tensor_elements / d ? count * d : -1;
    if (count != s.elements()) {
      m_errors.error(locate(v, "from", l), context + ": 'from' holds " +
                                               (count < 0 ? std::string("too many") : std::to_string(count)) +
                                               " values, but the input " + s.to_string() + " holds " +
                                               std::to_string(s.elements()));
      return false;
    }
  }
  return check_size(l, context);
}

// MACs, and the limits that keep them (and later sums) from overflowing.
bool workload_reader::check_size(layer_spec& l, const std::string& context) {
  if (l.out_shape.elements() > max_tensor_elements) {
    m_errors.error(l.where, context + ": output " + l.out_shape.to_string() + " has more than 2^34 elements");
    return false;
  }
  if (!l.is_matrix_layer()) return true;
  // The weight matrix, multiplied out with overflow checks: a kernel of 2^16 x
  // 2^16 over 2^34 flattened channels has 2^66 rows.
  long long rows = l.in_shape.elements(), weights = 0;  // linear: one row per input
  bool fits = true;
  if (l.kind == layer_kind::conv2d)
    fits = checked_mul(l.kernel_h, l.kernel_w, rows) && checked_mul(rows, l.in_shape.channels / l.groups, rows);
  if (!fits || !checked_mul(rows, l.weight_cols(), weights) || weights > max_layer_weights) {
    m_errors.error(l.where, context + ": has more than 2^50 weights");
    return false;
  }
  return count_macs(l, rows, context);
}

bool workload_reader::count_macs(layer_spec& l, long long per_output, const std::string& context) {
  long long macs = 0;
  if (!checked_mul(l.out_shape.elements(), per_output, macs) || macs > max_layer_macs) {
    m_errors.error(l.where, context + ": needs more than 2^50 multiply-accumulates per inference");
    return false;
  }
  l.macs = macs;
  m_total_macs += macs;
  if (m_total_macs > max_total_macs) {
    m_errors.error(l.where, context + ": the network needs more than 2^60 multiply-accumulates per inference");
    m_total_macs = 0;  // report once, not for every later layer
    return false;
  }
  return true;
}

void workload_reader::check_weight_count(const layer_spec& l, const yaml_node& weights, const std::string& context) {
  const long long need = l.weight_count();
  const long long have = static_cast<long long>(l.weights.size());
  if (have == need) return;
  const std::string layout =
      l.kind == layer_kind::conv2d
          ? std::to_string(l.out_channels) + " x " + pair_text(l.kernel_h, l.kernel_w) + " x " +
                std::to_string(l.in_shape.channels / l.groups) + " in [out][row][col][in] order"
          : std::to_string(l.out_features) + " x " + std::to_string(l.in_shape.channels) + " in [out][in] order";
  m_errors.error(weights.where, context + ": 'weights' has " + std::to_string(have) + " values, but the layer needs " +
                                    std::to_string(need) + " (" + layout + ")");
}

}  // namespace

imported_workload import_workload(const std::string& path, const std::string& weights_ref, diagnostics& errors) {
  imported_workload out{generated_workload(path), {}};
  out.spec.file = path;
  const std::size_t errors_before = errors.size();
  std::shared_ptr<const onnx_model> model;
  if (is_onnx_path(path)) {
    model = read_onnx_model(path, errors);
    if (!model) return out;
    const onnx_workload imported = import_onnx(model, path, weights_ref, false, errors);
    out.text.add(imported.yaml);  // a model has no lines: its layers are named after its nodes
  } else {
    out.text = network_csv_to_yaml(path, errors);
  }
  if (errors.size() > errors_before) return out;
  out.spec = read_generated_workload(out.text, errors);
  out.spec.imported_model = std::move(model);
  return out;
}

workload_spec load_workload(const std::string& path, diagnostics& errors) {
  // An ONNX model (its weights read from the model itself) or a NeuroSim
  // network CSV is read as the workload `mottsim import` would write for it.
  if (is_onnx_path(path) || is_network_csv_path(path))
    return import_workload(path, fs::path(path).filename().string(), errors).spec;
  const yaml_node_ptr root = load_yaml_file(path, errors);
  if (!root) {
    workload_spec spec;
    spec.file = path;
    return spec;
  }
  return load_workload(*root, path, errors);
}

workload_spec load_workload(const yaml_node& root, const std::string& path, diagnostics& errors) {
  workload_reader reader(path, errors);
  return reader.read(root);
}

}  // namespace mottsim::dsl

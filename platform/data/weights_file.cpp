#include "platform/data/weights_file.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "dsl/input_file.hpp"
#include "dsl/onnx_import.hpp"
#include "dsl/suggest.hpp"
#include "dsl/yaml_tree.hpp"
#include "platform/data/json_location.hpp"
#include "platform/data/output_dir.hpp"

namespace mottsim::platform {

const char* const weights_layout_text =
    "float32; conv2d weights [out_channel][kernel_row][kernel_col][in_channel] with shape "
    "[out_channels, kernel_h, kernel_w, in_channels/groups]; linear weights [out][in] with shape "
    "[out_features, in_features]; bias one value per output; tensors are height x width x channels, "
    "so flatten gives index (row*width + col)*channels + channel";

namespace {

// Numbers parse straight to float (strtof), so weights written as float32
// round-trip exactly, without a detour through double; objects keep file order.
using float_json =
    nlohmann::basic_json<nlohmann::ordered_map, std::vector, std::string, bool, std::int64_t, std::uint64_t, float>;

const std::vector<std::string> layer_keys = {"shape", "weights", "bias"};

// The line of `"name":` inside the "layers" object, for messages; 0 if not found.
int find_layer_line(const std::string& text, const std::string& name) {
  const std::size_t layers = text.find("\"layers\"");
  if (layers == std::string::npos) return 0;
  const std::string quoted = "\"" + name + "\"";
  for (std::size_t at = text.find(quoted, layers); at != std::string::npos; at = text.find(quoted, at + 1)) {
    std::size_t k = at + quoted.size();
    while (k < text.size() && (text[k] == ' ' || text[k] == '\t' || text[k] == '\n' || text[k] == '\r')) ++k;
    if (k < text.size() && text[k] == ':') return json_error_location("", text, at + 1).line;
  }
  return 0;
}

// The index of the first value that is not a finite number, or array.size()
// when all are (and `out` holds them).
std::size_t read_numbers(const float_json& array, std::vector<float>& out) {
  out.clear();
  out.reserve(array.size());
  for (const auto& v : array) {
    if (!v.is_number() || !std::isfinite(v.get<float>())) return out.size();
    out.push_back(v.get<float>());
  }
  return out.size();
}

// A value as a message quotes it: its JSON, cut short.
std::string value_text(const float_json& v) {
  const std::string text = v.dump();
  return text.size() <= 40 ? text : text.substr(0, 37) + "...";
}

std::string shape_text(const std::vector<long long>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// Where a value of the file is, for a message: nlohmann's values have no
// positions, so the text is scanned for it (only when there is an error).
class value_locator {
 public:
  value_locator(const std::string& path, const std::string& text) : m_path(path), m_text(text) {}
  dsl::source_location operator()(const std::vector<json_step>& steps, bool at_key = false) const {
    return json_value_location(m_path, m_text, steps, at_key);
  }

 private:
  const std::string& m_path;
  const std::string& m_text;
};

void read_layer(const value_locator& at, const std::string& name, const float_json& entry, layer_weights& out,
                dsl::diagnostics& errors) {
  const std::vector<json_step> here = {"layers", name};
  const auto inside = [&](std::vector<json_step> steps) {
    steps.insert(steps.begin(), here.begin(), here.end());
    return at(steps);
  };
  const std::string context = "layer '" + name + "'";
  if (!entry.is_object()) {
    errors.error(at(here), context + " must be an object {\"shape\": [...], \"weights\": [...], \"bias\": [...]}");
    return;
  }
  for (const auto& [key, value] : entry.items()) {
    (void)value;
    if (std::find(layer_keys.begin(), layer_keys.end(), key) == layer_keys.end())
      errors.error(at({"layers", name, key}, true),
                   context + ": unknown key '" + key + "'" + dsl::did_you_mean(key, layer_keys));
  }
  bool shape_ok = false;
  long long count = 1;
  if (auto s = entry.find("shape"); s == entry.end() || !s->is_array() || s->empty()) {
    errors.error(s == entry.end() ? at(here) : inside({"shape"}),
                 context + ": needs \"shape\", a list of positive integers");
  } else {
    shape_ok = true;
    for (std::size_t i = 0; i < s->size(); ++i) {
      const auto& d = (*s)[i];
      if (!d.is_number_integer() || d.get<long long>() < 1 || d.get<long long>() > (1LL << 31)) {
        errors.error(inside({"shape", i}),
                     context + ": \"shape\" must hold positive integers, got " + value_text(*s));
        shape_ok = false;
        break;
      }
      out.shape.push_back(d.get<long long>());
      count *= out.shape.back();
    }
    if (shape_ok && count > (1LL << 34)) {
      errors.error(inside({"shape"}), context + ": \"shape\" " + s->dump() + " is too large");
      shape_ok = false;
    }
  }
  if (auto w = entry.find("weights"); w == entry.end() || !w->is_array()) {
    errors.error(w == entry.end() ? at(here) : inside({"weights"}), context + ": needs \"weights\", a list of numbers");
  } else if (const std::size_t bad = read_numbers(*w, out.weights); bad < w->size()) {
    errors.error(inside({"weights", bad}), context + ": \"weights\" must hold finite numbers (float32 range), got " +
                                               value_text((*w)[bad]) + " at index " + std::to_string(bad));
  } else if (shape_ok && static_cast<long long>(out.weights.size()) != count) {
    errors.error(inside({"weights"}), context + ": \"weights\" has " + std::to_string(out.weights.size()) +
                                          " values, but shape " + shape_text(out.shape) + " needs " +
                                          std::to_string(count));
  }
  if (auto b = entry.find("bias"); b != entry.end()) {
    if (!b->is_array())
      errors.error(inside({"bias"}), context + ": \"bias\" must be a list of finite numbers");
    else if (const std::size_t bad = read_numbers(*b, out.bias); bad < b->size())
      errors.error(inside({"bias", bad}), context + ": \"bias\" must be a list of finite numbers, got " +
                                              value_text((*b)[bad]) + " at index " + std::to_string(bad));
    else if (shape_ok && static_cast<long long>(out.bias.size()) != out.shape.front())
      errors.error(inside({"bias"}), context + ": \"bias\" has " + std::to_string(out.bias.size()) +
                                         " values, but shape " + shape_text(out.shape) + " has " +
                                         std::to_string(out.shape.front()) + " outputs");
  }
}

std::string dump_floats(const std::vector<float>& values) {
  float_json array = float_json::array();
  for (float v : values) array.push_back(v);
  return array.dump();
}

}  // namespace

long long layer_weights::count() const {
  return in_model ? in_model.outputs() * in_model.fan_in() : static_cast<long long>(weights.size());
}

std::vector<float> layer_weights::values() const { return in_model ? in_model.values() : weights; }

void layer_weights::read_outputs(long long first, long long count, long long fan_in, float* out) const {
  if (in_model) {
    assert(fan_in == in_model.fan_in());
    in_model.read_outputs(first, count, out);
  } else {
    std::copy_n(weights.begin() + first * fan_in, count * fan_in, out);
  }
}

const layer_weights* weights_file::find(const std::string& layer) const {
  for (const auto& [name, w] : layers)
    if (name == layer) return &w;
  return nullptr;
}

namespace {

// An ONNX model's initializers as trained weights, converted to mottsim's
// layouts by the importer (BatchNormalization folded in) as they are read;
// `known` is the model when it has been read already.
weights_file read_onnx_weights(const std::string& path, const std::shared_ptr<const dsl::onnx_model>& known) {
  dsl::diagnostics errors;
  dsl::onnx_workload model = dsl::import_onnx_weights(path, known, errors);
  if (errors.has_errors()) throw dsl::input_error(errors);
  weights_file out;
  out.path = path;
  out.network = std::filesystem::path(path).stem().string();
  out.trained_with = "the initializers of the ONNX model";
  out.model = model.model;
  for (auto& l : model.weights)
    out.layers.push_back({l.layer, {std::move(l.shape), {}, std::move(l.bias), 0, std::move(l.weights)}});
  return out;
}

}  // namespace

weights_file read_weights_file(const dsl::workload_spec& workload) {
  if (dsl::is_onnx_path(workload.weights_file)) return read_onnx_weights(workload.weights_file, workload.imported_model);
  return read_weights_file(workload.weights_file);
}

weights_file read_weights_file(const std::string& path) {
  if (dsl::is_onnx_path(path)) return read_onnx_weights(path, nullptr);
  const std::string text = dsl::read_input_file(path, "weights file");
  if (const std::size_t deep = json_too_deep(text, dsl::max_yaml_depth); deep != std::string::npos)
    throw dsl::input_error(json_error_location(path, text, deep + 1),
                           "corrupt weights file: nested deeper than " + std::to_string(dsl::max_yaml_depth) + " levels");
  float_json doc;
  try {
    doc = float_json::parse(text);
  } catch (const float_json::parse_error& e) {
    throw dsl::input_error(json_error_location(path, text, e.byte), "corrupt weights file: " + json_error_text(e));
  } catch (const float_json::exception& e) {  // a number beyond the float range, which nlohmann does not locate
    const std::size_t overflow = json_float_overflow(text);
    throw dsl::input_error(overflow == std::string::npos ? dsl::source_location{path, 0, 0}
                                                         : json_error_location(path, text, overflow + 1),
                           "corrupt weights file: " + json_error_text(e));
  }
  weights_file out;
  out.path = path;
  dsl::diagnostics errors;
  const value_locator at(path, text);
  const dsl::source_location file = at({});  // where the document starts
  if (!doc.is_object()) throw dsl::input_error(file, "a weights file must be a JSON object");
  const auto format = doc.find("format");
  if (format == doc.end())
    errors.error(file, std::string("missing \"format\": \"") + weights_format + "\"");
  else if (!format->is_string())
    errors.error(at({"format"}), std::string("\"format\" must be the string \"") + weights_format + "\"");
  else if (format->get<std::string>() != weights_format)
    errors.error(at({"format"}), "unsupported format '" + format->get<std::string>() + "' (this mottsim reads " +
                                     weights_format + ")");
  auto text_field = [&](const char* key, std::string& field) {
    if (auto v = doc.find(key); v != doc.end()) {
      if (v->is_string()) field = v->get<std::string>();
      else errors.error(at({key}), std::string("\"") + key + "\" must be a string");
    }
  };
  text_field("network", out.network);
  text_field("trained_with", out.trained_with);
  text_field("dataset", out.dataset);
  text_field("training", out.training);
  if (auto v = doc.find("seed"); v != doc.end()) {
    if (v->is_number_unsigned()) out.seed = v->get<std::uint64_t>();
    else errors.error(at({"seed"}), "\"seed\" must be a non-negative integer");
  }
  // Accuracies are re-read as double from their text, not through float.
  for (auto [key, field] : {std::pair<const char*, double*>{"train_top1", &out.train_top1},
                            std::pair<const char*, double*>{"test_top1", &out.test_top1}}) {
    if (auto v = doc.find(key); v != doc.end()) {
      const nlohmann::json d = nlohmann::json::parse(v->dump());
      if (d.is_number() && d.get<double>() >= 0 && d.get<double>() <= 1) *field = d.get<double>();
      else errors.error(at({key}), std::string("\"") + key + "\" must be a fraction in 0..1");
    }
  }
  const auto layers = doc.find("layers");
  if (layers == doc.end() || !layers->is_object()) {
    errors.error(layers == doc.end() ? file : at({"layers"}),
                 std::string(layers == doc.end() ? "missing \"layers\"" : "\"layers\" must be an object") +
                     ": {\"<layer name>\": {\"shape\": [...], \"weights\": [...]}, ...}");
  } else {
    for (const auto& [name, entry] : layers->items()) {
      layer_weights w;
      w.line = find_layer_line(text, name);
      read_layer(at, name, entry, w, errors);
      out.layers.emplace_back(name, std::move(w));
    }
  }
  if (errors.has_errors()) throw dsl::input_error(errors);
  return out;
}

std::string weights_file_text(const weights_file& f) {
  std::ostringstream s;
  auto str = [](const std::string& v) { return nlohmann::json(v).dump(); };
  s << "{\n"
    << "  \"format\": " << str(weights_format) << ",\n"
    << "  \"network\": " << str(f.network) << ",\n"
    << "  \"layout\": " << str(weights_layout_text) << ",\n";
  if (!f.trained_with.empty()) s << "  \"trained_with\": " << str(f.trained_with) << ",\n";
  if (!f.dataset.empty()) s << "  \"dataset\": " << str(f.dataset) << ",\n";
  if (!f.training.empty()) s << "  \"training\": " << str(f.training) << ",\n";
  s << "  \"seed\": " << f.seed << ",\n";
  if (f.train_top1 >= 0) s << "  \"train_top1\": " << nlohmann::json(f.train_top1).dump() << ",\n";
  if (f.test_top1 >= 0) s << "  \"test_top1\": " << nlohmann::json(f.test_top1).dump() << ",\n";
  s << "  \"layers\": {";
  for (std::size_t i = 0; i < f.layers.size(); ++i) {
    const auto& [name, w] = f.layers[i];
    s << (i ? ",\n" : "\n") << "    " << str(name) << ": {\"shape\": " << nlohmann::json(w.shape).dump();
    if (!w.bias.empty()) s << ", \"bias\": " << dump_floats(w.bias);
    s << ", \"weights\": " << dump_floats(w.values()) << "}";
  }
  s << "\n  }\n}\n";
  return s.str();
}

void write_weights_file(const std::string& path, const weights_file& file) {
  const std::filesystem::path p(path);
  write_output_file(p.has_parent_path() ? p.parent_path().string() : std::string("."), p.filename().string(),
                    weights_file_text(file));
}

std::vector<long long> expected_weight_shape(const dsl::layer_spec& l) {
  switch (l.kind) {
    case dsl::layer_kind::conv2d:
      return {l.out_channels, l.kernel_h, l.kernel_w, l.groups > 0 ? l.in_shape.channels / l.groups : 0};
    case dsl::layer_kind::linear: return {l.out_features, l.in_shape.elements()};
    default: return {};
  }
}

void check_weights(const weights_file& file, const dsl::workload_spec& workload, dsl::diagnostics& errors) {
  for (const auto& l : workload.layers) {
    if (!l.is_matrix_layer() || !l.weights.empty()) continue;
    const layer_weights* w = file.find(l.name);
    if (!w) {
      errors.error(l.where, "layer '" + l.name + "' has no entry in the weights file " + file.path);
      continue;
    }
    const dsl::source_location at{file.path, w->line, w->line ? 1 : 0};
    const auto shape = expected_weight_shape(l);
    const char* order = l.kind == dsl::layer_kind::conv2d ? "[out, kernel_h, kernel_w, in/groups]" : "[out, in]";
    if (w->shape != shape)
      errors.error(at, "layer '" + l.name + "': shape " + shape_text(w->shape) + " does not match the workload's " +
                           shape_text(shape) + " " + order);
    if (l.bias && w->bias.empty())
      errors.error(at, "layer '" + l.name + "' needs \"bias\" (" + std::to_string(shape.front()) +
                           " values), or 'bias: false' in the workload");
    if (!l.bias && !w->bias.empty())
      errors.error(at, "layer '" + l.name + "' has \"bias\", but the workload says 'bias: false'");
  }
  std::vector<std::string> names;
  for (const auto& l : workload.layers) names.push_back(l.name);
  for (const auto& [name, w] : file.layers) {
    const dsl::source_location at{file.path, w.line, w.line ? 1 : 0};
    const dsl::layer_spec* l = workload.find(name);
    if (!l)
      errors.error(at, "the weights file has layer '" + name + "', which workload '" + workload.name + "' lacks" +
                           dsl::did_you_mean(name, names));
    else if (!l->is_matrix_layer())
      errors.error(at, "layer '" + name + "' is a " + dsl::layer_kind_name(l->kind) + " layer; it has no weights");
    else if (!l->weights.empty())
      errors.error(at, "layer '" + name + "' has weights in the workload file and in the weights file; keep one");
  }
}

}  // namespace mottsim::platform

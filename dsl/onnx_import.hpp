#pragma once
#include <memory>
#include <string>
#include <vector>

#include "dsl/diagnostics.hpp"

namespace mottsim::dsl {

// An ONNX model read once (dsl/onnx_model.hpp): its structure parsed, its
// weight tensors left in the file until they are read.
class onnx_model;

// One crossbar layer's trained weights, left where the model keeps them
// and converted on demand to mottsim's layouts
// (platform/data/weights_file.hpp): conv2d [out][row][col][in/groups],
// linear [out][in] with the inputs in the HxWxC order of a mottsim flatten,
// BatchNormalization folded in. Perf mode reads them a few outputs at a
// time for their statistics; functional mode takes them whole.
class onnx_weights {
 public:
  struct source;  // where the values are and how they convert (dsl/onnx_import.cpp)

  onnx_weights() = default;
  explicit onnx_weights(std::shared_ptr<const source> s) : m_source(std::move(s)) {}
  explicit operator bool() const { return m_source != nullptr; }

  long long outputs() const;
  long long fan_in() const;  // weights per output
  // Outputs [first, first + count)'s weights, count x fan_in() in mottsim's
  // order, into `out`. Throws input_error when the model's file no longer
  // holds them.
  void read_outputs(long long first, long long count, float* out) const;
  // All of them, outputs() x fan_in().
  std::vector<float> values() const;

 private:
  std::shared_ptr<const source> m_source;  // holds the model (and its open file) alive
};

// About how many weights (a megabyte of floats) one read of a model's
// weights should take: larger reads gain nothing, and fresh memory is slow.
inline constexpr long long onnx_weights_per_read = 1LL << 18;

struct onnx_layer_weights {
  std::string layer;
  std::vector<long long> shape;  // mottsim's: [out, kh, kw, in/groups] or [out, in]
  onnx_weights weights;
  std::vector<float> bias;  // empty when the layer has none
};

// An ONNX model read as a mottsim workload.
struct onnx_workload {
  std::string yaml;                         // the workload file, as `mottsim import` writes it
  std::vector<onnx_layer_weights> weights;  // filled only when asked for
  std::shared_ptr<const onnx_model> model;  // the model read (its stored constants: onnx_constant)
};

// True for a path that names an ONNX model (by its extension, .onnx).
bool is_onnx_path(const std::string& path);

// Reads MODEL.onnx for the imports below; null, with one error located at
// the file, when it cannot be read or is no ONNX protobuf.
std::shared_ptr<const onnx_model> read_onnx_model(const std::string& path, diagnostics& errors);

// Turns the model's graph into a mottsim workload: every layer keeps its ONNX
// node's name. `path` locates messages; `weights_ref` is what the workload's
// `weights_file:` says (the model, as seen from where the YAML is written).
// With `with_weights`, the initializers are checked and described too (read
// only when asked for). Every problem goes to `errors`, located at the file and
// naming the node, its op type and the operator set; nothing is returned
// complete unless `errors` stays empty.
onnx_workload import_onnx(const std::shared_ptr<const onnx_model>& model, const std::string& path,
                          const std::string& weights_ref, bool with_weights, diagnostics& errors);
// The same, reading the model from `path` first.
onnx_workload import_onnx(const std::string& path, const std::string& weights_ref, bool with_weights,
                          diagnostics& errors);

// The weights of the model at `path` (import_onnx with weights), taken from
// `known` when that was read from the same file (a workload imported from
// the model carries it), so the model is not read twice.
onnx_workload import_onnx_weights(const std::string& path, const std::shared_ptr<const onnx_model>& known,
                                  diagnostics& errors);

// The values of the model's float tensor `name` (an initializer, or the value
// of the Constant node whose output it is), read from the file when they were
// left there: a stored constant of the network (a position embedding, a layer
// normalization's scale). False, with why in `problem`, when there is none.
bool onnx_constant(const onnx_model& model, const std::string& name, std::vector<float>& out, std::string& problem);

}  // namespace mottsim::dsl

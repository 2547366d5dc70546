#pragma once
#include <memory>
#include <string>
#include <vector>

#include "dsl/diagnostics.hpp"

namespace mottsim::dsl {

// An ONNX model read once (dsl/onnx_model.hpp): its structure parsed, its
// weight tensors left in the file until they are read.
class onnx_model;

// One crossbar layer's trained weights, taken from an ONNX model's
// initializers and put in mottsim's layouts (platform/data/weights_file.hpp):
// conv2d [out][row][col][in/groups], linear [out][in] with the inputs in the
// HxWxC order of a mottsim flatten. BatchNormalization is already folded in.
struct onnx_layer_weights {
  std::string layer;
  std::vector<long long> shape;
  std::vector<float> weights;
  std::vector<float> bias;  // empty when the layer has none
};

// An ONNX model read as a mottsim workload.
struct onnx_workload {
  std::string yaml;                         // the workload file, as `mottsim import` writes it
  std::vector<onnx_layer_weights> weights;  // filled only when asked for
};

// True for a path that names an ONNX model (by its extension, .onnx).
bool is_onnx_path(const std::string& path);

// Reads MODEL.onnx for the imports below; null, with one error located at
// the file, when it cannot be read or is no ONNX protobuf.
std::shared_ptr<const onnx_model> read_onnx_model(const std::string& path, diagnostics& errors);

// Turns the model's graph into a mottsim workload: every layer keeps its ONNX
// node's name. `path` locates messages; `weights_ref` is what the workload's
// `weights_file:` says (the model, as seen from where the YAML is written).
// With `with_weights`, the initializers are converted too. Every problem goes
// to `errors`, located at the file and naming the node, its op type and the
// operator set; nothing is returned complete unless `errors` stays empty.
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

}  // namespace mottsim::dsl

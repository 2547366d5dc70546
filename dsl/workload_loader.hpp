#pragma once
#include <string>
#include <vector>

#include "dsl/diagnostics.hpp"
#include "dsl/generated_workload.hpp"
#include "dsl/workload_spec.hpp"
#include "dsl/yaml_tree.hpp"

namespace mottsim::dsl {

// Reads a workload: the input shape, precision, and the layer list. Validates
// every layer, resolves `input:`/`with:` references and infers each layer's
// shapes and MACs. Every problem in the file goes to `errors`; the returned
// spec is complete only when none was added.
workload_spec load_workload(const std::string& path, diagnostics& errors);

// Same for a tree already read (`mottsim validate` parses a file once to decide
// whether it is an architecture or a workload). `path` locates relative paths.
workload_spec load_workload(const yaml_node& root, const std::string& path, diagnostics& errors);

// A workload read from an ONNX model or a network CSV: the text `mottsim
// import` writes for it (a model's `weights_file:` saying `weights_ref`, the
// model as seen from where the text goes) and the spec `run` reads, both from
// one reading with every check of a workload file, so that what `import`
// writes always reads back. Every error is located in the model or the CSV
// (generated_workload), never in the text.
struct imported_workload {
  generated_workload text;
  workload_spec spec;
};
imported_workload import_workload(const std::string& path, const std::string& weights_ref, diagnostics& errors);

// Top-level keys of a workload file.
const std::vector<std::string>& workload_keys();

}  // namespace mottsim::dsl

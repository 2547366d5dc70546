#pragma once
#include <string>
#include <vector>

#include "dsl/diagnostics.hpp"
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

// Top-level keys of a workload file.
const std::vector<std::string>& workload_keys();

}  // namespace mottsim::dsl

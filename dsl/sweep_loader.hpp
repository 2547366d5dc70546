#pragma once
#include <string>

#include "dsl/diagnostics.hpp"
#include "dsl/schema.hpp"
#include "dsl/sweep_spec.hpp"
#include "dsl/yaml_tree.hpp"

namespace mottsim::dsl {

// Reads a sweep file (configs/sweeps/*.yaml): base architecture(s),
// workload(s), parameters with value lists or ranges, how they combine,
// constraints and objectives. Every architecture is loaded, and every
// parameter value is checked against the schemas exactly as `--set
// PATH=VALUE` would be, so an unknown path or a bad value is an error located
// in the sweep file. A sweep bigger than max_points is refused here. Errors
// (all of them) go to `errors`.
sweep_spec load_sweep(const std::string& path, const schema_catalog& catalog, diagnostics& errors);
sweep_spec load_sweep(const yaml_node& root, const std::string& path, const schema_catalog& catalog,
                      diagnostics& errors);

// Top-level keys of a sweep file.
const std::vector<std::string>& sweep_keys();

}  // namespace mottsim::dsl

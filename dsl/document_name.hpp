#pragma once
#include <string>

#include "dsl/diagnostics.hpp"
#include "dsl/yaml_tree.hpp"

namespace mottsim::dsl {

// The `name:` of an architecture, workload or sweep file: one value with
// something other than white space in it, since it labels reports, tables and
// comparisons ('' and '   ' left a report titled "lenet5_mnist on "). Sets
// `name` and returns true, or reports at the value and returns false.
bool read_document_name(const yaml_node& node, std::string& name, diagnostics& errors);

}  // namespace mottsim::dsl

#pragma once
#include <string>

#include "dsl/diagnostics.hpp"
#include "dsl/yaml_tree.hpp"

namespace mottsim::dsl {

enum class file_kind { unknown, architecture, workload, tech_library, sweep, validation_design };

const char* file_kind_name(file_kind k);

// Tells what a mottsim YAML file is from its top-level keys; reports an error
// (and returns unknown) when it cannot tell.
file_kind detect_file_kind(const yaml_node& root, diagnostics& errors);

}  // namespace mottsim::dsl

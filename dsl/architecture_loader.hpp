#pragma once
#include <string>
#include <vector>

#include "dsl/architecture_spec.hpp"
#include "dsl/diagnostics.hpp"
#include "dsl/schema.hpp"
#include "dsl/tech_library.hpp"
#include "dsl/yaml_tree.hpp"

namespace mottsim::dsl {

struct architecture_load {
  architecture_spec spec;
  tech_libraries tech;
  yaml_node_ptr resolved;  // the merged tree after extends and overrides (for hashing)
};

// Reads an architecture: follows `extends:`, loads its technology libraries,
// applies --set overrides, validates every component against the registry's
// schemas and lays out bus address maps. Errors (all of them) go to `errors`.
architecture_load load_architecture(const std::string& path, const std::vector<std::string>& overrides,
                                    const schema_catalog& catalog, diagnostics& errors);

// Same for a tree already read (the `mottsim validate` path reuses the file it
// parsed to decide the file's kind).
architecture_load load_architecture(const yaml_node& root, const std::string& path,
                                    const std::vector<std::string>& overrides, const schema_catalog& catalog,
                                    diagnostics& errors);

// Top-level keys of an architecture file.
const std::vector<std::string>& architecture_keys();

}  // namespace mottsim::dsl

#pragma once
#include <string>
#include <vector>

#include "dsl/architecture_spec.hpp"
#include "dsl/diagnostics.hpp"
#include "dsl/schema.hpp"
#include "dsl/tech_library.hpp"
#include "dsl/yaml_merge.hpp"
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

// The part of loading an architecture that no --set flag changes: the file
// merged with the files it extends. A sweep checks every value of its
// parameters against the same architecture, so it reads this once.
struct architecture_source {
  std::string path;
  yaml_node_ptr merged;            // null when the file or a base is unusable
  std::vector<std::string> chain;  // the file and its bases, canonical
  std::vector<yaml_removal> removed;  // what `key: null` took out of a base, along the chain
};
architecture_source read_architecture_source(const yaml_node& root, const std::string& path, diagnostics& errors);

// Technology libraries already read, for loads of the same source that list
// the same files (sweeps). Holds the last list read, its libraries and errors.
struct tech_library_cache {
  std::vector<std::string> files;
  tech_libraries tech;
  diagnostics errors;
  bool filled = false;
};

// Loads from a source read before, with `overrides` applied to a copy of it.
architecture_load load_architecture(const architecture_source& source, const std::vector<std::string>& overrides,
                                    const schema_catalog& catalog, diagnostics& errors,
                                    tech_library_cache* tech_cache = nullptr);

// Top-level keys of an architecture file.
const std::vector<std::string>& architecture_keys();

}  // namespace mottsim::dsl

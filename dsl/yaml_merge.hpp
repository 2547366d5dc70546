#pragma once
#include <string>
#include <vector>

#include "dsl/yaml_tree.hpp"

namespace mottsim::dsl {

// A key of `base` that a null in `over` removed: the keys leading to it from
// the top, where the null's key is, and what it removed. What is missing
// later is reported there (a removed dram, say), not at the file alone.
struct yaml_removal {
  std::vector<std::string> path;
  source_location where;
  yaml_node_ptr removed;
};

// Overlays `over` onto a copy of `base`: maps merge key by key (recursively),
// anything else in `over` replaces what `base` had, and a null in `over`
// removes the key (added to `removed` when given). Used by `extends:`.
yaml_node_ptr merge_yaml(const yaml_node& base, const yaml_node& over, std::vector<yaml_removal>* removed = nullptr);

}  // namespace mottsim::dsl

#pragma once
#include "dsl/yaml_tree.hpp"

namespace mottsim::dsl {

// Overlays `over` onto a copy of `base`: maps merge key by key (recursively),
// anything else in `over` replaces what `base` had, and a null in `over`
// removes the key. Used by `extends:`.
yaml_node_ptr merge_yaml(const yaml_node& base, const yaml_node& over);

}  // namespace mottsim::dsl

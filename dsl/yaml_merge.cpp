#include "dsl/yaml_merge.hpp"

namespace mottsim::dsl {

yaml_node_ptr merge_yaml(const yaml_node& base, const yaml_node& over) {
  if (!base.is_map() || !over.is_map()) return over.clone();
  auto out = base.clone();
  out->where = over.where;
  for (const auto& e : over.entries) {
    auto it = out->entries.begin();
    while (it != out->entries.end() && it->key != e.key) ++it;
    if (e.value->is_null()) {
      if (it != out->entries.end()) out->entries.erase(it);
      continue;
    }
    if (it == out->entries.end()) {
      out->entries.push_back({e.key, e.key_location, e.value->clone()});
    } else {
      it->value = merge_yaml(*it->value, *e.value);
      it->key_location = e.key_location;
    }
  }
  return out;
}

}  // namespace mottsim::dsl

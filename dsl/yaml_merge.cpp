#include "dsl/yaml_merge.hpp"

namespace mottsim::dsl {

namespace {

yaml_node_ptr merge(const yaml_node& base, const yaml_node& over, std::vector<std::string>& path,
                    std::vector<yaml_removal>* removed) {
  if (!base.is_map() || !over.is_map()) return over.clone();
  auto out = base.clone();
  out->where = over.where;
  for (const auto& e : over.entries) {
    auto it = out->entries.begin();
    while (it != out->entries.end() && it->key != e.key) ++it;
    if (e.value->is_null()) {
      if (it != out->entries.end()) {
        if (removed) {
          path.push_back(e.key);
          removed->push_back({path, e.key_location, it->value});
          path.pop_back();
        }
        out->entries.erase(it);
      }
      continue;
    }
    if (it == out->entries.end()) {
      out->entries.push_back({e.key, e.key_location, e.value->clone()});
    } else {
      path.push_back(e.key);
      it->value = merge(*it->value, *e.value, path, removed);
      path.pop_back();
      it->key_location = e.key_location;
      it->below_use = false;
    }
  }
  // A block that names its technology entry here (`use:`) takes the entry's
  // values over what the base wrote for it, as over what the base's own entry
  // gave: a later file wins, key by key. The base's keys stay for what the
  // entry does not set. A file that names the entry the base already uses
  // changes nothing: the base's keys beside it keep their rank.
  const yaml_node* use = over.find("use");
  const yaml_node* base_use = base.find("use");
  const bool same_entry = use && base_use && use->is_scalar() && base_use->is_scalar() && use->text == base_use->text;
  if (use && !use->is_null() && !same_entry)
    for (auto& kept : out->entries)
      if (kept.key != "use" && !over.find(kept.key)) kept.below_use = true;
  return out;
}

}  // namespace

yaml_node_ptr merge_yaml(const yaml_node& base, const yaml_node& over, std::vector<yaml_removal>* removed) {
  std::vector<std::string> path;
  return merge(base, over, path, removed);
}

}  // namespace mottsim::dsl

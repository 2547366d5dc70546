#include "dsl/overrides.hpp"

#include <algorithm>
#include <cctype>

namespace mottsim::dsl {

source_location flag_location(const std::string& flag) { return {"--set '" + flag + "'", 0, 0}; }

std::vector<std::string> canonical_path(std::vector<std::string> path) {
  for (auto& segment : path) {
    std::size_t index = 0;
    if (parse_list_index(segment, index)) segment = std::to_string(index);
  }
  return path;
}

std::vector<std::string> override_key(const std::string& text) {
  override_flag parsed;
  diagnostics ignored;
  return parse_override(text, parsed, ignored) ? canonical_path(parsed.path) : std::vector<std::string>{};
}

bool key_within(const std::vector<std::string>& inner, const std::vector<std::string>& outer) {
  return inner.size() >= outer.size() && std::equal(outer.begin(), outer.end(), inner.begin());
}

static void relocate(yaml_node& n, const source_location& where) {
  n.where = where;
  for (auto& e : n.entries) {
    e.key_location = where;
    relocate(*e.value, where);
  }
  for (auto& i : n.items) relocate(*i, where);
}

bool parse_override(const std::string& text, override_flag& out, diagnostics& errors) {
  out.flag = text;
  const source_location where = flag_location(text);
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    errors.error(where, "expected 'path.to.key=value'");
    return false;
  }
  const std::string path = text.substr(0, eq);
  std::string segment;
  auto flush = [&]() -> bool {
    if (segment.empty()) return false;
    out.path.push_back(segment);
    segment.clear();
    return true;
  };
  for (std::size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '.') {
      if (!flush()) {
        errors.error(where, "empty key in path '" + path + "'");
        return false;
      }
    } else if (c == '[') {
      if (!segment.empty()) flush();
      const auto close = path.find(']', i);
      if (close == std::string::npos || close == i + 1) {
        errors.error(where, "unclosed or empty '[' in path '" + path + "'");
        return false;
      }
      out.path.push_back(path.substr(i + 1, close - i - 1));
      i = close;
      if (i + 1 < path.size() && path[i + 1] == '.') ++i;
    } else {
      segment.push_back(c);
    }
  }
  if (!segment.empty()) flush();
  if (out.path.empty()) {
    errors.error(where, "empty path");
    return false;
  }
  // Each key is a level of the tree, which every reader walks recursively.
  if (out.path.size() > static_cast<std::size_t>(max_yaml_depth)) {
    errors.error(where, "the path has " + std::to_string(out.path.size()) + " keys, more than " +
                            std::to_string(max_yaml_depth) + " levels of nesting");
    return false;
  }
  // The value is YAML, so lists and maps work too: --set 'x.kernel=[3, 3]'.
  diagnostics value_errors;
  out.value = load_yaml_string(text.substr(eq + 1), where.file, value_errors);
  if (!out.value) {
    for (const auto& d : value_errors.errors()) errors.error(where, "value: " + d.message);
    return false;
  }
  if (out.value->is_null() && text.substr(eq + 1).find_first_not_of(" \t") == std::string::npos) {
    errors.error(where, "missing value after '='");
    return false;
  }
  relocate(*out.value, where);
  return true;
}

// Whether key is written as a list index: decimal digits alone.
static bool decimal_digits(const std::string& key) {
  return !key.empty() &&
         std::all_of(key.begin(), key.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

bool parse_list_index(const std::string& key, std::size_t& index) {
  if (!decimal_digits(key) || key.size() > 18) return false;  // 18 digits stay below 2^63
  index = static_cast<std::size_t>(std::stoull(key));
  return true;
}

void apply_override(yaml_node& root, const override_flag& flag, diagnostics& errors) {
  const source_location where = flag_location(flag.flag);
  yaml_node* node = &root;
  std::string walked;
  for (std::size_t i = 0; i < flag.path.size(); ++i) {
    const std::string& key = flag.path[i];
    const bool last = i + 1 == flag.path.size();
    walked += (walked.empty() ? "" : ".") + key;
    if (node->is_sequence()) {
      std::size_t index = 0;
      const std::size_t n = node->items.size();
      const std::string items = std::to_string(n) + (n == 1 ? " item" : " items");
      if (!decimal_digits(key)) {
        // '+0', '0x0' or a name: not an index at all, which "out of range"
        // would not tell.
        errors.error(where, "'" + walked + "': '" + key + "' is not a list index: a list takes an index of decimal " +
                                "digits, from 0 (this one has " + items + ")");
        return;
      }
      if (!parse_list_index(key, index) || index >= n) {  // digits beyond 2^63 are out of range too
        errors.error(where, "'" + walked + "': the list has " + items + " (indices from 0)");
        return;
      }
      auto& item = node->items[index];
      if (last) {
        item = flag.value->clone();
        return;
      }
      node = item.get();
      continue;
    }
    if (node->is_null()) {
      node->type = yaml_node::kind::map;
      node->where = where;
    }
    if (!node->is_map()) {
      errors.error(where, "cannot set '" + walked + "': its parent is " + node->describe() + ", not a map");
      return;
    }
    yaml_map_entry* entry = nullptr;
    for (auto& e : node->entries)
      if (e.key == key) entry = &e;
    if (!entry) {
      auto fresh = std::make_shared<yaml_node>();
      fresh->where = where;
      node->entries.push_back({key, where, fresh});
      entry = &node->entries.back();
    }
    if (last) {
      entry->value = flag.value->clone();
      entry->key_location = where;
      entry->below_use = false;
      // A --set of a block's `use:` names an entry whose values win over
      // the block's keys from the files, as a later file's `use:` does, but
      // not over another --set's, whatever the flags' order: a --set wins.
      if (key == "use")
        for (auto& sibling : node->entries)
          if (sibling.key != "use" && sibling.key_location.line > 0) sibling.below_use = true;
      return;
    }
    node = entry->value.get();
  }
}

}  // namespace mottsim::dsl

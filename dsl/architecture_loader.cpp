#include "dsl/architecture_loader.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "dsl/document_name.hpp"
#include "dsl/input_file.hpp"
#include "dsl/overrides.hpp"
#include "dsl/suggest.hpp"
#include "dsl/validator.hpp"
#include "dsl/yaml_merge.hpp"

namespace mottsim::dsl {

namespace fs = std::filesystem;

const std::vector<std::string>& architecture_keys() {
  static const std::vector<std::string> keys = {"name", "description", "extends", "tech", "node", "components"};
  return keys;
}

namespace {

constexpr int max_extends_depth = 16;
// Address windows live in a 64-bit address space; sizes are checked against it
// before they become integers (a larger double does not convert).
constexpr double address_space = 18446744073709551616.0;  // 2^64

// Follows `extends:` chains; returns the merged tree (null on error).
yaml_node_ptr resolve_extends(const yaml_node& root, const std::string& path, std::vector<std::string>& chain,
                              std::vector<yaml_removal>& removed, diagnostics& errors) {
  chain.push_back(file_identity(path));
  const yaml_map_entry* ext = root.is_map() ? root.find_entry("extends") : nullptr;
  if (!ext) return root.clone();
  if (!ext->value->is_scalar()) {
    errors.error(ext->value->where, "'extends' names one base architecture file");
    return nullptr;
  }
  const std::string base_path = resolve_relative(path, ext->value->text);
  const std::string canonical = file_identity(base_path);
  if (std::find(chain.begin(), chain.end(), canonical) != chain.end()) {
    errors.error(ext->value->where, "'extends' forms a cycle: '" + ext->value->text + "' extends this file again");
    return nullptr;
  }
  if (chain.size() >= max_extends_depth) {
    errors.error(ext->value->where, "'extends' chain is deeper than " + std::to_string(max_extends_depth));
    return nullptr;
  }
  if (const std::string problem = regular_file_problem(base_path); !problem.empty()) {
    errors.error(ext->value->where, "base architecture '" + base_path + "' " + problem);
    return nullptr;
  }
  auto base = load_yaml_file(base_path, errors);
  if (!base) return nullptr;
  if (!base->is_map()) {
    errors.error(base->where, "an architecture must be a map");
    return nullptr;
  }
  auto resolved_base = resolve_extends(*base, base_path, chain, removed, errors);
  if (!resolved_base) return nullptr;
  // `tech` lists accumulate: a derived file adds libraries to its base's. Each
  // path stays relative to the file that names it (its node remembers which).
  // A file without `tech` of its own keeps its base's list as it is.
  auto own = root.clone();
  const yaml_node* base_tech = resolved_base->find("tech");
  const yaml_node* own_tech = own->find("tech");
  auto merged = merge_yaml(*resolved_base, *own, &removed);
  for (auto& e : merged->entries) {
    if (e.key == "extends") e.value = ext->value->clone();
    if (e.key == "tech" && own_tech && base_tech && base_tech->is_sequence() && own_tech->is_sequence()) {
      auto combined = base_tech->clone();
      for (const auto& item : own_tech->items) combined->items.push_back(item);
      e.value = combined;
    }
  }
  return merged;
}

void parse_connections(const yaml_node& node, const std::string& component, std::vector<connection_spec>& out,
                       diagnostics& errors) {
  auto one = [&](const yaml_node& n) {
    connection_spec c;
    c.where = n.where;
    if (n.is_scalar()) {
      c.bus = n.text;
      out.push_back(c);
      return;
    }
    if (!n.is_map()) {
      errors.error(n.where, "component '" + component + "': 'connect' takes a bus name or {bus, base, size, via}");
      return;
    }
    const std::vector<std::string> keys = {"bus", "base", "size", "via"};
    for (const auto& e : n.entries)
      if (std::find(keys.begin(), keys.end(), e.key) == keys.end())
        errors.error(e.key_location, "component '" + component + "': unknown key '" + e.key + "' in 'connect'" +
                                         did_you_mean(e.key, keys));
    const yaml_node* bus = n.find("bus");
    if (!bus || !bus->is_scalar()) {
      errors.error(n.where, "component '" + component + "': 'connect' needs 'bus:'");
      return;
    }
    c.bus = bus->text;
    if (const yaml_node* via = n.find("via")) {
      if (!via->is_scalar()) {
        errors.error(via->where, "component '" + component + "': 'via' names a link component");
        return;
      }
      c.via = via->text;
      c.via_where = via->where;
    }
    if (const yaml_node* base = n.find("base")) {
      long long b = 0;
      if (!base->is_scalar() || !parse_integer(base->text, b) || b < 0) {
        errors.error(base->where, "component '" + component + "': 'base' must be an address such as 0x8000_0000");
        return;
      }
      c.base = static_cast<unsigned long long>(b);
      c.base_given = true;
    }
    if (const yaml_node* size = n.find("size")) {
      auto q = size->is_scalar() ? parse_quantity(size->text, dimension::data_size) : quantity_parse{};
      if (!q.ok || q.si < 1) {
        errors.error(size->where, "component '" + component + "': 'size' must be a data size such as '64 KiB'" +
                                      (q.error.empty() ? "" : ": " + q.error));
        return;
      }
      if (q.si >= address_space) {
        errors.error(size->where, "component '" + component + "': 'size' " + format_quantity(q.si, dimension::data_size) +
                                      " does not fit the 64-bit address space");
        return;
      }
      c.size = static_cast<unsigned long long>(std::ceil(q.si));
    }
    out.push_back(c);
  };
  if (node.is_sequence()) {
    // An empty list would leave the component's ports unbound at elaboration.
    if (node.items.empty())
      errors.error(node.where, "component '" + component + "': 'connect' names at least one bus");
    for (const auto& i : node.items) one(*i);
  } else {
    one(node);
  }
}

// "buffer.capacity" -> the capacity parameter of the buffer block.
const param_value* find_param_path(const block_value& block, const std::string& path) {
  if (path.empty()) return nullptr;
  const block_value* current = &block;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    auto it = current->params.find(key);
    if (it == current->params.end()) return nullptr;
    if (dot == std::string::npos) return &it->second;
    if (!it->second.block) return nullptr;
    current = it->second.block.get();
    start = dot + 1;
  }
}

std::string hex(unsigned long long v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", v);
  return buf;
}

// Gives every target window a base (packing those without one above the
// given ones, 4 KiB aligned) and rejects overlapping windows on a bus.
void lay_out_address_maps(architecture_spec& spec, diagnostics& errors) {
  constexpr unsigned long long align = 4096;
  std::map<std::string, std::vector<connection_spec*>> per_bus;
  for (auto& c : spec.components) {
    if (c.role != component_role::target) continue;
    for (auto& conn : c.connections) per_bus[conn.bus].push_back(&conn);
  }
  constexpr unsigned long long top = ~0ULL;
  // base + size must stay representable (the very last byte is never used).
  auto fits = [](unsigned long long base, unsigned long long size) { return size <= top - base; };
  auto size_text = [](unsigned long long size) {
    return format_quantity(static_cast<double>(size), dimension::data_size);
  };
  for (auto& [bus, windows] : per_bus) {
    // Windows without a size were reported where their size should come from.
    std::vector<connection_spec*> placed;
    unsigned long long next = 0;
    for (auto* w : windows) {
      if (!w->base_given || w->size == 0) continue;
      if (!fits(w->base, w->size)) {
        errors.error(w->where, "address window at " + hex(w->base) + " of " + size_text(w->size) + " on bus '" + bus +
                                   "' runs past the end of the 64-bit address space");
        continue;
      }
      next = std::max(next, w->base + w->size);
      placed.push_back(w);
    }
    for (auto* w : windows) {
      if (w->base_given || w->size == 0) continue;
      const unsigned long long aligned = next > top - align ? top : (next + align - 1) / align * align;
      if (!fits(aligned, w->size)) {
        errors.error(w->where, "no room on bus '" + bus + "' for an address window of " + size_text(w->size) +
                                   " above " + hex(next) + ": the 64-bit address space is full");
        continue;
      }
      w->base = aligned;
      next = aligned + w->size;
      placed.push_back(w);
    }
    // Compare each window with the one reaching furthest among those below it,
    // not just its neighbour: one large window can cover several small ones.
    std::stable_sort(placed.begin(), placed.end(), [](auto* x, auto* y) { return x->base < y->base; });
    auto end_of = [](const connection_spec* w) { return w->base + w->size; };
    const connection_spec* reach = nullptr;
    for (const auto* cur : placed) {
      if (reach && cur->base < end_of(reach)) {
        const auto* later = cur->where.line >= reach->where.line ? cur : reach;
        const auto* other = later == cur ? reach : cur;
        errors.error(later->where, "address window [" + hex(later->base) + ", " + hex(end_of(later)) + ") on bus '" +
                                       bus + "' overlaps [" + hex(other->base) + ", " + hex(end_of(other)) +
                                       ") given at " + other->where.to_string());
      }
      if (!reach || end_of(cur) > end_of(reach)) reach = cur;
    }
  }
}

}  // namespace

architecture_load load_architecture(const std::string& path, const std::vector<std::string>& overrides,
                                    const schema_catalog& catalog, diagnostics& errors) {
  auto root = load_yaml_file(path, errors);
  if (!root) return {};
  return load_architecture(*root, path, overrides, catalog, errors);
}

architecture_source read_architecture_source(const yaml_node& root, const std::string& path, diagnostics& errors) {
  architecture_source source;
  source.path = path;
  if (!root.is_map()) {
    errors.error(root.where, "an architecture must be a map with 'components:'");
    return source;
  }
  source.merged = resolve_extends(root, path, source.chain, source.removed, errors);
  return source;
}

architecture_load load_architecture(const yaml_node& root_in, const std::string& path,
                                    const std::vector<std::string>& overrides, const schema_catalog& catalog,
                                    diagnostics& errors) {
  return load_architecture(read_architecture_source(root_in, path, errors), overrides, catalog, errors);
}

architecture_load load_architecture(const architecture_source& source, const std::vector<std::string>& overrides,
                                    const schema_catalog& catalog, diagnostics& errors,
                                    tech_library_cache* tech_cache) {
  architecture_load out;
  const std::string& path = source.path;
  out.spec.file = path;
  if (!source.merged) return out;
  auto root = source.merged->clone();
  out.spec.files = source.chain;
  for (const auto& r : source.removed) {
    if (r.path.size() != 2 || r.path.front() != "components") continue;
    const yaml_node* type = r.removed->is_map() ? r.removed->find("type") : nullptr;
    out.spec.removed_components.push_back({r.path.back(), type && type->is_scalar() ? type->text : "", r.where});
  }

  // Each path set (list indices as plain numbers, so readout[1] and
  // readout.01 are one) and the flag that set it.
  std::map<std::vector<std::string>, std::string> set_paths;
  for (const auto& text : overrides) {
    override_flag flag;
    if (parse_override(text, flag, errors)) {
      // `extends` is followed when the file is read, before any flag.
      if (!flag.path.empty() && flag.path.front() == "extends") {
        errors.error(flag_location(flag.flag), "'extends' cannot be overridden (by --set or a sweep): it is followed "
                                               "when the file is read; write a file that extends the one you want");
        continue;
      }
      // One key set twice would keep the last value without a word, and so
      // would a key whose whole value a later flag replaces.
      const std::vector<std::string> key = canonical_path(flag.path);
      const auto [first, fresh] = set_paths.emplace(key, flag.flag);
      if (!fresh) {
        errors.error(flag_location(flag.flag), "sets the same key as --set '" + first->second +
                                                   "': give each key once");
        continue;
      }
      bool replaces = false;
      for (const auto& [earlier, earlier_flag] : set_paths)
        if (earlier.size() > key.size() && key_within(earlier, key)) {
          errors.error(flag_location(flag.flag), "replaces the whole value that --set '" + earlier_flag +
                                                     "' set a key inside: give the key inside after it");
          replaces = true;
          break;
        }
      if (replaces) continue;
      apply_override(*root, flag, errors);
      out.spec.overrides.push_back(text);
    }
  }
  out.resolved = root;

  bool components_misspelt = false;  // then "needs 'components:'" would repeat the same mistake
  for (const auto& e : root->entries) {
    if (std::find(architecture_keys().begin(), architecture_keys().end(), e.key) != architecture_keys().end()) continue;
    errors.error(e.key_location, "unknown key '" + e.key + "' in architecture" + did_you_mean(e.key, architecture_keys()));
    components_misspelt |= closest_match(e.key, architecture_keys()) == std::optional<std::string>("components");
  }

  out.spec.name_where = {path, 0, 0};
  if (const yaml_node* n = root->find("name")) {
    out.spec.name_where = n->where;
    read_document_name(*n, out.spec.name, errors);
  } else {
    out.spec.name = fs::path(path).stem().string();
  }
  if (const yaml_node* d = root->find("description"); d && d->is_scalar()) out.spec.description = d->text;
  if (const yaml_node* node = root->find("node")) {
    auto q = node->is_scalar() ? parse_quantity(node->text, dimension::length) : quantity_parse{};
    if (!q.ok) errors.error(node->where, "'node' is the technology node, a length such as '22 nm'" +
                                             (q.error.empty() ? std::string() : ": " + q.error));
    else if (q.si < 1e-9 || q.si > 1e-6)
      errors.error(node->where, "'node' must be between 1 nm and 1 um, got " + format_quantity(q.si, dimension::length));
    else out.spec.node_m = q.si;
  }
  if (const yaml_node* tech = root->find("tech")) {
    std::vector<const yaml_node*> items;
    if (!scalar_or_items(*tech, items)) errors.error(tech->where, "'tech' is a list of technology library files");
    bool unreadable = false;  // a listed file that is not there: its entries are unknown
    for (const auto* item : items) {
      if (!item->is_scalar()) {
        errors.error(item->where, "'tech' entries are file paths");
        continue;
      }
      // Relative to the file that named it; a --set value is relative to the
      // working directory, like any command-line path.
      const std::string file = item->where.line > 0 ? resolve_relative(item->where.file, item->text) : item->text;
      if (const std::string problem = regular_file_problem(file); !problem.empty()) {
        std::error_code ec;
        const std::string looked =
            item->where.line > 0 ? std::string()
                                 : " (looked for " + fs::absolute(file, ec).lexically_normal().string() +
                                       ": a --set path is relative to the working directory)";
        errors.error(item->where, "technology library '" + file + "' " + problem + looked);
        unreadable = true;
        continue;
      }
      // A library a derived file lists again, which its base already
      // does, is read once.
      const auto same = [&](const std::string& seen) {
        std::error_code ec;
        return fs::weakly_canonical(seen, ec) == fs::weakly_canonical(file, ec);
      };
      if (std::none_of(out.spec.tech_files.begin(), out.spec.tech_files.end(), same))
        out.spec.tech_files.push_back(file);
    }
    if (tech_cache && tech_cache->filled && tech_cache->files == out.spec.tech_files) {
      out.tech = tech_cache->tech;
      errors.append(tech_cache->errors);
    } else {
      diagnostics tech_errors;
      for (const auto& file : out.spec.tech_files) out.tech.load(file, tech_errors);
      errors.append(tech_errors);
      if (tech_cache) *tech_cache = {out.spec.tech_files, out.tech, tech_errors, true};
    }
    if (unreadable) out.tech.mark_unread();
  }

  const yaml_node* components = root->find("components");
  if (!components) {
    if (!components_misspelt)
      errors.error(root->where, "an architecture needs 'components:', a map from component name to its parameters");
    return out;
  }
  if (!components->is_map()) {
    errors.error(components->where, "'components' must be a map from component name to its parameters");
    return out;
  }
  std::vector<std::string> component_types;
  for (const auto& name : catalog.schema_names())
    if (const auto* s = catalog.find_schema(name); s && s->is_component) component_types.push_back(name);

  validator check(catalog, &out.tech, errors);
  // Components whose connections or window size were already reported, so the
  // checks below do not pile a second error on the same mistake.
  // A component that is not a map was reported where it is given; the
  // connections to it then say nothing more (a --set 'components.noc=null'
  // gave one error at the flag and one at each component on the bus).
  std::vector<std::string> connect_given, window_reported, not_components;
  for (const auto& e : components->entries) {
    const std::string context = "component '" + e.key + "'";
    const yaml_node& node = *e.value;
    if (!node.is_map()) {
      errors.error(node.where, context + " must be a map with 'type:' and parameters, got " + node.describe() +
                                   (node.is_null() ? " (a derived file removes a component with '" + e.key +
                                                         ": null'; a --set cannot)"
                                                   : ""));
      not_components.push_back(e.key);
      continue;
    }
    component_spec c;
    c.name = e.key;
    c.where = e.key_location;
    const yaml_node* type = node.find("type");
    if (!type || !type->is_scalar()) {
      std::string types;
      for (const auto& t : component_types) types += (types.empty() ? "" : ", ") + t;
      // Made by a --set alone: most likely a flag meant for an architecture
      // that has the component, given to one that does not.
      if (e.key_location.file.rfind("--set", 0) == 0)
        errors.error(e.key_location, context + " is not in this architecture, and a --set adds a component only "
                                               "with its 'type:' (one of: " + types + ")");
      else
        errors.error(e.key_location, context + " needs 'type:', one of: " + types);
      continue;
    }
    const block_schema* schema = catalog.find_schema(type->text);
    if (!schema || !schema->is_component) {
      errors.error(type->where, context + ": unknown component type '" + type->text + "'" +
                                    did_you_mean(type->text, component_types));
      continue;
    }
    c.type = type->text;
    c.role = schema->role;
    if (const yaml_node* count = node.find("count")) {
      if (!count->is_scalar() || !parse_integer(count->text, c.count) || c.count < 1 || c.count > 1000000) {
        errors.error(count->where, context + ": 'count' must be a whole number from 1 to 1000000, got " +
                                       count->describe());
        c.count = 1;
      }
    }
    if (const yaml_node* connect = node.find("connect")) {
      parse_connections(*connect, c.name, c.connections, errors);
      connect_given.push_back(c.name);
    }
    c.params = check.validate(node, *schema, context, {"type", "count", "connect"});
    const param_value* window = find_param_path(c.params, schema->window_param);
    if (!window && !schema->window_param.empty()) window_reported.push_back(c.name);  // its value was invalid
    if (window) {
      // Whole bytes for all instances; checked as a double first, since a size
      // beyond 2^64 has no integer to convert to.
      const double bytes = std::ceil(window->number) * static_cast<double>(c.count);
      const bool needed = std::any_of(c.connections.begin(), c.connections.end(), [](auto& k) { return k.size == 0; });
      if (needed && bytes >= address_space) {
        errors.error(window->from_default ? c.where : window->where,
                     context + ": an address window of " + std::to_string(c.count) + " x " +
                         format_quantity(window->number, dimension::data_size) +
                         " does not fit the 64-bit address space");
        window_reported.push_back(c.name);
      } else if (needed) {
        for (auto& conn : c.connections)
          if (conn.size == 0) conn.size = static_cast<unsigned long long>(bytes);
      }
    }
    out.spec.components.push_back(std::move(c));
  }
  // Connections name buses that exist.
  std::vector<std::string> buses;
  for (const auto& c : out.spec.components)
    if (c.role == component_role::interconnect) buses.push_back(c.name);
  // A bus a derived file's `NAME: null` removed is said once, at that null,
  // with every connection to it, rather than at each of the base's lines.
  std::vector<std::pair<const removed_component*, std::vector<std::string>>> removed_buses;
  auto removed_named = [&](const std::string& name, const std::string& user, const source_location& where) {
    for (auto r = out.spec.removed_components.rbegin(); r != out.spec.removed_components.rend(); ++r) {
      if (r->name != name) continue;
      auto it = std::find_if(removed_buses.begin(), removed_buses.end(),
                             [&](const auto& entry) { return entry.first == &*r; });
      if (it == removed_buses.end()) it = removed_buses.insert(removed_buses.end(), {&*r, {}});
      it->second.push_back(user + " (" + where.to_string() + ")");
      return true;
    }
    return false;
  };
  auto reported_where_given = [&](const std::string& name) {
    return std::find(not_components.begin(), not_components.end(), name) != not_components.end();
  };
  for (auto& c : out.spec.components) {
    std::vector<std::string> seen;
    for (auto& conn : c.connections) {
      const component_spec* bus = out.spec.find(conn.bus);
      if (std::find(seen.begin(), seen.end(), conn.bus) != seen.end()) {
        // One port per bus: a second window on the same bus would alias the first.
        errors.error(conn.where, "component '" + c.name + "' connects to '" + conn.bus + "' more than once");
        continue;
      }
      seen.push_back(conn.bus);
      if (!bus) {
        if (!reported_where_given(conn.bus) && !removed_named(conn.bus, c.name, conn.where))
          errors.error(conn.where, "component '" + c.name + "' connects to '" + conn.bus +
                                       "', which is not a component" + did_you_mean(conn.bus, buses));
      } else if (bus->role != component_role::interconnect) {
        errors.error(conn.where, "component '" + c.name + "' connects to '" + conn.bus + "', a " + bus->type +
                                     ", not a bus");
      } else if (c.role == component_role::target && conn.size == 0 &&
                 std::find(window_reported.begin(), window_reported.end(), c.name) == window_reported.end()) {
        errors.error(conn.where, "component '" + c.name + "': give 'size' for its address window on '" + conn.bus + "'");
      }
    }
    for (auto& conn : c.connections) {
      if (conn.via.empty()) continue;
      const component_spec* link = out.spec.find(conn.via);
      if (!link) {
        if (!reported_where_given(conn.via) && !removed_named(conn.via, c.name + " (via)", conn.via_where))
          errors.error(conn.via_where, "component '" + c.name + "' connects via '" + conn.via +
                                           "', which is not a component" + did_you_mean(conn.via, buses));
      } else if (link->role != component_role::interconnect || link->name == conn.bus) {
        errors.error(conn.via_where, "component '" + c.name + "' connects via '" + conn.via + "', a " + link->type +
                                         ", not a link between '" + conn.bus + "' and it");
      } else if (c.role != component_role::target) {
        errors.error(conn.via_where, "component '" + c.name + "': only a target (a memory) connects via a link");
      } else {
        // A link carries one target, reached only through it.
        for (const auto& other : out.spec.components)
          for (const auto& k : other.connections)
            if ((k.bus == conn.via || (k.via == conn.via && &k != &conn)) && &other != &c)
              errors.error(k.where, "component '" + other.name + "' connects to '" + conn.via +
                                        "', a link that already carries '" + c.name + "' (given at " +
                                        conn.via_where.to_string() + ")");
        if (!link->connections.empty())
          errors.error(link->connections.front().where,
                       "component '" + link->name + "' is a link that '" + c.name + "' connects through; it takes no "
                       "'connect' of its own");
      }
    }
    if (c.connections.empty() && (c.role == component_role::target || c.role == component_role::initiator) &&
        std::find(connect_given.begin(), connect_given.end(), c.name) == connect_given.end() &&
        !buses.empty())
      errors.error(c.where, "component '" + c.name + "' (" + c.type + ") is not connected: add 'connect: " +
                                buses.front() + "'");
  }
  for (const auto& [removed, users] : removed_buses) {
    std::string list;
    for (std::size_t i = 0; i < users.size(); ++i) list += (i == 0 ? "" : i + 1 == users.size() ? " and " : ", ") + users[i];
    const std::string what = removed->type.empty() ? "it" : "a " + removed->type;
    errors.error(removed->where, "the null given to '" + removed->name + "' here removes " + what + " that " + list +
                                     " still connect" + (users.size() == 1 ? "s" : "") + " to: keep it, or give " +
                                     (users.size() == 1 ? "that component" : "those components") +
                                     " another 'connect'");
  }
  lay_out_address_maps(out.spec, errors);
  return out;
}

}  // namespace mottsim::dsl

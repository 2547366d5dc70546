#include "dsl/tech_library.hpp"

#include <filesystem>

#include "dsl/input_file.hpp"
#include "dsl/suggest.hpp"

namespace mottsim::dsl {

static bool is_identifier(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

std::vector<std::string> tech_libraries::library_names() const {
  std::vector<std::string> names;
  for (const auto& [name, file] : m_library_files) names.push_back(name);
  return names;
}

void tech_libraries::load(const std::string& path, diagnostics& errors) {
  const std::string canonical = file_identity(path);
  for (const auto& f : m_files)
    if (f == canonical) return;  // the same library named twice (e.g. by a base and its extension)
  // A file that cannot be read as a library: its entries are unknown.
  const auto unreadable = [&](const source_location& where, const std::string& message) {
    errors.error(where, message);
    m_unread = true;
  };
  auto root = load_yaml_file(path, errors);
  if (!root) {
    m_unread = true;  // load_yaml_file said why
    return;
  }
  m_files.push_back(canonical);
  if (!root->is_map()) {
    unreadable(root->where, "a technology library must be a map with 'library' and 'entries'");
    return;
  }
  const std::vector<std::string> known = {"library", "description", "entries"};
  for (const auto& e : root->entries)
    if (e.key != "library" && e.key != "description" && e.key != "entries")
      errors.error(e.key_location, "unknown key '" + e.key + "' in technology library" + did_you_mean(e.key, known));
  const yaml_node* lib = root->find("library");
  if (!lib || !lib->is_scalar() || !is_identifier(lib->text)) {
    unreadable(lib ? lib->where : root->where, "'library' must name the library (letters, digits, '_')");
    return;
  }
  if (auto it = m_library_files.find(lib->text); it != m_library_files.end()) {
    unreadable(lib->where, "library '" + lib->text + "' is already defined in " + it->second);
    return;
  }
  m_library_files[lib->text] = path;
  const yaml_node* entries = root->find("entries");
  if (!entries || !entries->is_map()) {
    unreadable(entries ? entries->where : root->where, "'entries' must be a map of named entries");
    return;
  }
  for (const auto& e : entries->entries) {
    if (!is_identifier(e.key)) {
      errors.error(e.key_location, "entry name '" + e.key + "' may hold only letters, digits and '_'");
      continue;
    }
    if (!e.value->is_map()) {
      errors.error(e.value->where, "entry '" + e.key + "' must be a map of parameters, got " + e.value->describe());
      continue;
    }
    tech_entry entry;
    entry.library = lib->text;
    entry.name = e.key;
    entry.where = e.key_location;
    entry.params = std::make_shared<yaml_node>();
    entry.params->type = yaml_node::kind::map;
    entry.params->where = e.value->where;
    for (const auto& p : e.value->entries) {
      if (p.key == "kind") {
        entry.kind = p.value->is_scalar() ? p.value->text : std::string();
      } else if (p.key == "doc") {
        entry.description = p.value->is_scalar() ? p.value->text : std::string();
      } else {
        entry.params->entries.push_back(p);
      }
    }
    if (entry.kind.empty()) {
      errors.error(e.key_location, "entry '" + e.key + "' needs 'kind:' naming the block type it describes");
      continue;
    }
    m_entries[entry.qualified_name()] = std::move(entry);
  }
}

const tech_entry* tech_libraries::find(const std::string& qualified) const {
  auto it = m_entries.find(qualified);
  return it == m_entries.end() ? nullptr : &it->second;
}

std::vector<std::string> tech_libraries::qualified_names() const {
  std::vector<std::string> out;
  for (const auto& [name, e] : m_entries) out.push_back(name);
  return out;
}

}  // namespace mottsim::dsl

#include "dsl/validator.hpp"

namespace mottsim::dsl {

void validate_tech_entries(const tech_libraries& tech, const schema_catalog& catalog, diagnostics& errors) {
  validator check(catalog, &tech, errors);
  std::vector<std::string> kinds = catalog.schema_names();
  for (const auto& [name, entry] : tech.entries()) {
    const block_schema* schema = catalog.find_schema(entry.kind);
    if (!schema) {
      errors.error(entry.where, "entry '" + name + "': unknown kind '" + entry.kind + "'" + did_you_mean(entry.kind, kinds));
      continue;
    }
    check.validate(*entry.params, *schema, "entry '" + name + "'");
  }
}

}  // namespace mottsim::dsl

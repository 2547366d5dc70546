#pragma once
#include <map>
#include <string>
#include <vector>

#include "dsl/diagnostics.hpp"
#include "dsl/yaml_tree.hpp"

namespace mottsim::dsl {

// One named set of device or circuit figures in a technology library file, e.g.
// `dram.lpddr4_3200_x32`. Its `kind` names the block schema it fills in.
struct tech_entry {
  std::string library;
  std::string name;
  std::string kind;
  std::string description;
  yaml_node_ptr params;  // the entry's map minus `kind` and `doc`
  source_location where;

  std::string qualified_name() const { return library + "." + name; }
};

// The technology libraries an architecture draws on (`tech:` in the file).
// A block says `use: library.entry` to start from an entry's figures.
class tech_libraries {
 public:
  // Parses one library file; structural errors are reported, parameter values
  // are validated where an entry is used (and by `validate_all`).
  void load(const std::string& path, diagnostics& errors);
  const tech_entry* find(const std::string& qualified) const;
  std::vector<std::string> qualified_names() const;
  const std::vector<std::string>& files() const { return m_files; }
  const std::map<std::string, tech_entry>& entries() const { return m_entries; }
  // Whether a library of this name was read.
  bool has_library(const std::string& name) const { return m_library_files.count(name) > 0; }
  std::vector<std::string> library_names() const;
  // Whether a listed file could not be read as a library (its errors are
  // reported), so that an entry it may hold is not also called missing.
  bool any_unread() const { return m_unread; }
  void mark_unread() { m_unread = true; }  // a listed file that could not even be opened

 private:
  bool m_unread = false;
  std::map<std::string, tech_entry> m_entries;
  std::map<std::string, std::string> m_library_files;  // library name -> file that defined it
  std::vector<std::string> m_files;
};

}  // namespace mottsim::dsl

namespace mottsim::dsl {
class schema_catalog;
// Validates every entry of the loaded libraries against the schema of its kind,
// so a library can be checked before any architecture uses it.
void validate_tech_entries(const tech_libraries& tech, const schema_catalog& catalog, diagnostics& errors);
}  // namespace mottsim::dsl

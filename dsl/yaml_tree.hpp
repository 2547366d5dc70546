#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/diagnostics.hpp"

namespace mottsim::dsl {

struct yaml_node;
using yaml_node_ptr = std::shared_ptr<yaml_node>;

struct yaml_map_entry {
  std::string key;
  source_location key_location;
  yaml_node_ptr value;
  // Written below a later `use:` of the same block (in a file that a later one
  // extends with its own `use:`, or before a `--set ...use=`): the entry's
  // value for this key wins over it, as that later file's own would.
  bool below_use = false;
};

// A YAML document as a tree that remembers where every node and key came from.
// Built from yaml-cpp's event stream rather than YAML::Node because YAML::Node
// silently accepts duplicate keys and loses key order under merges.
struct yaml_node {
  enum class kind { null, scalar, sequence, map };

  kind type = kind::null;
  source_location where;
  std::string text;     // scalars only
  bool quoted = false;  // scalar was written in quotes: always a string
  std::vector<yaml_map_entry> entries;  // maps, in file order
  std::vector<yaml_node_ptr> items;     // sequences

  bool is_map() const { return type == kind::map; }
  bool is_sequence() const { return type == kind::sequence; }
  bool is_scalar() const { return type == kind::scalar; }
  bool is_null() const { return type == kind::null; }

  const yaml_map_entry* find_entry(std::string_view key) const;
  const yaml_node* find(std::string_view key) const;
  // "a map", "a list", "the value 'x'": for error messages.
  std::string describe() const;

  // Deep copy, so merged trees never alias the files they came from.
  yaml_node_ptr clone() const;
};

// Limits on what one document may hold, so hostile input is an error rather
// than a crash or an endless expansion. Both count the tree as every reader
// sees it, with each alias replaced by what it refers to.
// - Nesting deeper than this (from brackets, indentation or aliases) is
//   refused: every walk of the tree recurses, and so does yaml-cpp.
inline constexpr int max_yaml_depth = 256;
// - Aliases may repeat at most this many nodes in all ("billion laughs":
//   nine levels of nine aliases each would expand to 387 million).
inline constexpr std::size_t max_alias_nodes = 100000;

// Parses a file; syntax errors, duplicate keys, alias cycles, the limits above
// and unreadable files (see input_file.hpp) become located diagnostics and the
// result is null.
yaml_node_ptr load_yaml_file(const std::string& path, diagnostics& errors);
// Same, from text; `name` is used as the file name in locations.
yaml_node_ptr load_yaml_string(const std::string& text, const std::string& name, diagnostics& errors);

const char* kind_name(yaml_node::kind k);

// A value that may be written as one scalar or as a list of them ("tech:
// a.yaml" or "tech: [a.yaml, b.yaml]"): appends the scalar itself, or every
// item of the list (of whatever kind; possibly none). False, appending
// nothing, when the value is neither (a map, or nothing).
bool scalar_or_items(const yaml_node& n, std::vector<const yaml_node*>& out);

// A path written in `from_file`: a relative one is taken from that file's
// directory. Lexically normalized.
std::string resolve_relative(const std::string& from_file, const std::string& path);

}  // namespace mottsim::dsl

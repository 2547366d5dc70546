#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dsl/schema.hpp"
#include "dsl/source_location.hpp"

namespace mottsim::dsl {

struct block_value;

// A validated parameter value. Quantities are in SI; `where` points at the YAML
// (or tech library, or --set flag) that set it, so every number can say where it
// came from. Defaults point at nothing (`from_default`).
struct param_value {
  param_kind kind = param_kind::number;
  double number = 0.0;  // quantity (SI) and number
  long long integer = 0;
  bool flag = false;
  std::string text;  // text, choice, file (resolved path)
  std::vector<long long> integers;
  std::shared_ptr<block_value> block;
  std::vector<block_value> blocks;
  source_location where;
  bool from_default = false;
};

// A validated block or component: its type and every parameter, defaults filled.
struct block_value {
  std::string type;
  source_location where;
  std::string tech_entry;  // "library.entry" it was based on, if any
  std::map<std::string, param_value> params;

  bool has(const std::string& name) const { return params.count(name) != 0; }
  // Accessors assert the parameter exists: validation fills every declared one,
  // so a miss here is a simulator bug, not a user error.
  const param_value& at(const std::string& name) const;
  double quantity(const std::string& name) const;
  double number(const std::string& name) const;
  long long integer(const std::string& name) const;
  bool flag(const std::string& name) const;
  const std::string& text(const std::string& name) const;
  const block_value& block(const std::string& name) const;
  const std::vector<block_value>& blocks(const std::string& name) const;
  const std::vector<long long>& integers(const std::string& name) const;
  // Where a parameter's value came from, for the sources of derived figures:
  // its location ("file.yaml:12:5", "--set ...") or "default of TYPE.NAME".
  std::string origin(const std::string& name) const;
};

}  // namespace mottsim::dsl

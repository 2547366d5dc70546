#pragma once
#include <string>
#include <vector>

#include "dsl/block_value.hpp"
#include "dsl/diagnostics.hpp"
#include "dsl/schema.hpp"
#include "dsl/tech_library.hpp"
#include "dsl/yaml_tree.hpp"

namespace mottsim::dsl {

// Checks a YAML map against a block schema and produces its typed value, with
// every default filled in. All problems go to `errors`; the returned value is
// complete only when no error was added.
class validator {
 public:
  validator(const schema_catalog& catalog, const tech_libraries* tech, diagnostics& errors)
      : m_catalog(catalog), m_tech(tech), m_errors(errors) {}

  // `context` prefixes messages ("component 'dram'"); `extra_keys` are keys the
  // caller handles itself (a component's `type`, `count`, `connect`).
  block_value validate(const yaml_node& node, const block_schema& schema, const std::string& context,
                       const std::vector<std::string>& extra_keys = {});

  // Parses one scalar as the given parameter; used for values and defaults.
  bool parse_param(const yaml_node& node, const param_schema& p, const std::string& context, param_value& out);

 private:
  void check_range(const param_schema& p, const param_value& v, const std::string& context);

  const schema_catalog& m_catalog;
  const tech_libraries* m_tech;
  diagnostics& m_errors;
};

// Parses a parameter's default text; defaults are part of the program, so a bad
// one is a bug caught by the test that checks every registered default.
bool parse_default(const schema_catalog& catalog, const param_schema& p, const std::string& type,
                   param_value& out, diagnostics& errors);

}  // namespace mottsim::dsl

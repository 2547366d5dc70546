#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dsl/units.hpp"

namespace mottsim::dsl {

struct block_value;
class diagnostics;

enum class param_kind {
  quantity,      // a number with a unit of `dim`
  integer,       // whole number; hex with 0x allowed
  number,        // plain number, '%' allowed
  boolean,
  text,          // free string
  choice,        // one of `choices`
  file,          // path, resolved relative to the YAML file that names it
  block,         // nested map validated against `block`
  block_list,    // list of maps, each `{type: T, ...}` with T one of `block_types`
  integer_list,  // [a, b, ...]
};

struct block_schema;

// One parameter of a component or block: what `mottsim list TYPE` prints and
// what the validator enforces.
struct param_schema {
  std::string name;
  param_kind kind = param_kind::number;
  dimension dim = dimension::dimensionless;
  std::optional<std::string> default_text;  // written as in YAML; parsed like user input
  bool optional = false;                    // may be absent and has no default
  std::optional<double> min, max;           // inclusive bounds, in SI
  bool min_exclusive = false;               // "> min" rather than ">= min"
  std::vector<std::string> choices;
  std::string doc;
  std::shared_ptr<const block_schema> block;
  std::vector<std::string> block_types;

  bool required() const { return !default_text && !optional; }
  std::string range_text() const;  // "> 0 s", "1..16", "one of a|b" ...
  std::string kind_text() const;   // "time", "integer", "block cell_device" ...
};

// A check across parameters (e.g. bits per cell against levels); reports through
// `errors` with the location of the offending value.
using block_check = std::function<void(const block_value&, diagnostics&)>;

// How a component sits on a bus.
enum class component_role { none, initiator, target, interconnect };

struct block_schema {
  std::string type;
  std::string description;  // one line, for `mottsim list`
  std::vector<param_schema> params;
  std::vector<block_check> checks;
  // Components may appear as `type:` in an architecture; other schemas are
  // blocks inside components (a crossbar, an ADC, a technology entry kind).
  bool is_component = false;
  component_role role = component_role::none;
  // Targets: the data-size parameter that sizes one instance's address window.
  std::string window_param;

  const param_schema* find(const std::string& name) const;
  std::vector<std::string> names() const;
};

// Fluent construction of schemas, so a model's parameters read as a table.
class schema_builder {
 public:
  schema_builder(std::string type, std::string description);

  schema_builder& quantity(std::string name, dimension dim, std::optional<std::string> default_text, std::string doc);
  schema_builder& integer(std::string name, std::optional<std::string> default_text, std::string doc);
  schema_builder& number(std::string name, std::optional<std::string> default_text, std::string doc);
  schema_builder& boolean(std::string name, std::optional<std::string> default_text, std::string doc);
  schema_builder& text(std::string name, std::optional<std::string> default_text, std::string doc);
  schema_builder& choice(std::string name, std::vector<std::string> choices, std::optional<std::string> default_text,
                         std::string doc);
  schema_builder& file(std::string name, std::string doc);
  schema_builder& block(std::string name, std::shared_ptr<const block_schema> schema, std::string doc);
  schema_builder& block_list(std::string name, std::vector<std::string> types, std::string doc);
  schema_builder& integer_list(std::string name, std::optional<std::string> default_text, std::string doc);

  // Modifiers of the parameter added last.
  schema_builder& at_least(double min);
  schema_builder& above(double min);  // exclusive
  schema_builder& at_most(double max);
  schema_builder& range(double min, double max);
  schema_builder& optional();

  schema_builder& check(block_check c);
  schema_builder& component(component_role role = component_role::none, std::string window_param = "");

  std::shared_ptr<const block_schema> build();

 private:
  param_schema& add(param_schema p);
  param_schema& last();
  std::shared_ptr<block_schema> m_schema;
};

// Where the validator looks up block types by name (the model registry).
class schema_catalog {
 public:
  virtual ~schema_catalog() = default;
  virtual const block_schema* find_schema(const std::string& type) const = 0;
  virtual std::vector<std::string> schema_names() const = 0;
};

}  // namespace mottsim::dsl

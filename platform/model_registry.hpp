#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dsl/architecture_spec.hpp"
#include "dsl/schema_set.hpp"

namespace mottsim::platform {

class elaborator;  // builds SystemC modules from specs (defined with the simulator)

// Creates the SystemC module(s) for one component spec.
using model_factory = std::function<void(elaborator&, const dsl::component_spec&)>;

// Every component and block type mottsim knows: its parameter schema (what the
// DSL validates against and `mottsim list` prints) and, for components that can
// be simulated, the factory that elaborates it. Filled explicitly by
// register_builtin_models(), never by static initializers, so the set of types
// is visible in one place.
class model_registry : public dsl::schema_catalog {
 public:
  void add_component(std::shared_ptr<const dsl::block_schema> schema, model_factory factory = {});
  void add_block(std::shared_ptr<const dsl::block_schema> schema);
  // Attaches a factory to a component registered earlier.
  void set_factory(const std::string& type, model_factory factory);

  const dsl::block_schema* find_schema(const std::string& type) const override;
  std::vector<std::string> schema_names() const override;

  bool is_component(const std::string& type) const;
  bool can_simulate(const std::string& type) const;
  const model_factory* factory(const std::string& type) const;

 private:
  dsl::schema_set m_schemas;
  std::vector<std::pair<std::string, model_factory>> m_factories;
};

void register_builtin_models(model_registry& registry);

}  // namespace mottsim::platform

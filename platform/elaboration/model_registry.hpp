#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dsl/architecture_spec.hpp"
#include "dsl/schema_set.hpp"
#include "models/estimator.hpp"
#include "models/readout_stage.hpp"

namespace mottsim::platform {

class elaborator;  // builds SystemC modules from specs (defined with the simulator)

// Creates the SystemC module(s) for one component spec.
using model_factory = std::function<void(elaborator&, const dsl::component_spec&)>;

// Every component and block type mottsim knows. A type is registered in one
// call that brings everything about it: its parameter schema (what the DSL
// validates against and `mottsim list` prints), its estimator (what its
// actions cost, its leakage and area) and, for components that can be
// simulated, the factory that elaborates its SystemC model. Readout stages
// bring their traits, how they fill the tile's timing figures and a block
// estimator that a cim_tile's pricing dispatches through. Filled
// explicitly by register_builtin_models(), never by static initializers, so
// the set of types is visible in one place; pricing never switches on type
// names.
class model_registry : public dsl::schema_catalog, public models::estimator_catalog {
 public:
  void add_component(std::shared_ptr<const dsl::block_schema> schema, models::component_estimator estimator,
                     model_factory factory = {});
  void add_block(std::shared_ptr<const dsl::block_schema> schema, models::block_estimator estimator = {});
  // A readout stage type, whole (models/readout_stage.hpp): its schema, its
  // traits, its reader of the tile's figures and its estimator. Every
  // registered component with a `readout` chain (a cim_tile) then accepts it
  // there, and the chain's rules, the tile's timing and functional mode treat
  // it by its traits. Throws std::invalid_argument for traits no stage can
  // have, or a type registered twice.
  void add_readout_stage(models::readout_stage_type stage);
  // The registered readout stage types (shared with the cim_tile schema's
  // chain check, so a copy of the registry sees the same stages).
  const models::readout_stage_registry& readout_stages() const { return *m_stages; }
  std::shared_ptr<const models::readout_stage_registry> shared_readout_stages() const { return m_stages; }

  const dsl::block_schema* find_schema(const std::string& type) const override;
  std::vector<std::string> schema_names() const override;
  const models::component_estimator* find_component_estimator(const std::string& type) const override;
  const models::block_estimator* find_block_estimator(const std::string& type) const override;

  bool is_component(const std::string& type) const;
  bool can_simulate(const std::string& type) const;
  const model_factory* factory(const std::string& type) const;

  // Prices one instance of a component of a registered `type` from its
  // validated parameters at the architecture's node, through the type's
  // estimator. Every price in mottsim comes from here.
  models::component_pricing price(const std::string& type, const dsl::block_value& params, double node_m) const;

 private:
  struct component_entry {
    std::string type;
    models::component_estimator estimator;
    model_factory factory;
  };
  struct block_entry {
    std::string type;
    models::block_estimator estimator;
  };
  dsl::schema_set m_schemas;
  std::shared_ptr<models::readout_stage_registry> m_stages = std::make_shared<models::readout_stage_registry>();
  std::vector<component_entry> m_components;
  std::vector<block_entry> m_blocks;
};

void register_builtin_models(model_registry& registry);

}  // namespace mottsim::platform

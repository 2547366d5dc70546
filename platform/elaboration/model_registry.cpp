#include "platform/elaboration/model_registry.hpp"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstdlib>

#include "models/cim_tile_pricing.hpp"
#include "models/builtin_readout_stages.hpp"
#include "models/component_estimators.hpp"
#include "models/schemas.hpp"
#include "platform/elaboration/builtin_factories.hpp"

namespace mottsim::platform {

void model_registry::add_component(std::shared_ptr<const dsl::block_schema> schema,
                                   models::component_estimator estimator, model_factory factory) {
  assert(schema->is_component);
  assert(estimator && "every component type is priced: register its estimator with it");
  const std::string type = schema->type;
  m_schemas.add(std::move(schema));
  m_components.push_back({type, std::move(estimator), std::move(factory)});
}

void model_registry::add_block(std::shared_ptr<const dsl::block_schema> schema, models::block_estimator estimator) {
  const std::string type = schema->type;
  m_schemas.add(std::move(schema));
  m_blocks.push_back({type, std::move(estimator)});
}

void model_registry::add_readout_stage(models::readout_stage_type stage) {
  const std::string type = stage.type();
  auto schema = stage.schema;
  auto estimator = stage.estimator;
  m_stages->add(std::move(stage));  // first: it refuses traits no stage can have
  add_block(std::move(schema), std::move(estimator));
  for (const auto& c : m_components) {
    const dsl::block_schema* owner = m_schemas.find_schema(c.type);
    const dsl::param_schema* chain = owner ? owner->find("readout") : nullptr;
    if (!chain || chain->kind != dsl::param_kind::block_list) continue;
    if (std::find(chain->block_types.begin(), chain->block_types.end(), type) != chain->block_types.end()) continue;
    auto widened = std::make_shared<dsl::block_schema>(*owner);
    for (auto& p : widened->params)
      if (p.name == "readout") p.block_types.push_back(type);
    m_schemas.replace(std::move(widened));
  }
}

const dsl::block_schema* model_registry::find_schema(const std::string& type) const {
  return m_schemas.find_schema(type);
}

std::vector<std::string> model_registry::schema_names() const { return m_schemas.schema_names(); }

const models::component_estimator* model_registry::find_component_estimator(const std::string& type) const {
  for (const auto& c : m_components)
    if (c.type == type) return &c.estimator;
  return nullptr;
}

const models::block_estimator* model_registry::find_block_estimator(const std::string& type) const {
  for (const auto& b : m_blocks)
    if (b.type == type) return b.estimator ? &b.estimator : nullptr;
  return nullptr;
}

bool model_registry::is_component(const std::string& type) const {
  const auto* s = find_schema(type);
  return s && s->is_component;
}

const model_factory* model_registry::factory(const std::string& type) const {
  for (const auto& c : m_components)
    if (c.type == type) return c.factory ? &c.factory : nullptr;
  return nullptr;
}

bool model_registry::can_simulate(const std::string& type) const { return factory(type) != nullptr; }

models::component_pricing model_registry::price(const std::string& type, const dsl::block_value& params,
                                                double node_m) const {
  const models::component_estimator* estimator = find_component_estimator(type);
  if (!estimator) {
    // The validator only passes registered component types, and each brings
    // its estimator: reaching here is a simulator bug.
    std::fprintf(stderr, "mottsim internal error: no estimator prices components of type '%s'\n", type.c_str());
    std::abort();
  }
  return (*estimator)(params, models::pricing_context{node_m, this});
}

void register_builtin_models(model_registry& registry) {
  // Components: schema, estimator, SystemC factory.
  registry.add_component(models::dram_schema(), models::price_dram, make_dram);
  registry.add_component(models::sram_schema(), models::price_sram, make_sram);
  registry.add_component(models::bus_schema(), models::price_bus, make_bus);
  registry.add_component(models::mesh_schema(), models::price_mesh, make_mesh);
  registry.add_component(models::htree_schema(), models::price_htree, make_htree);
  registry.add_component(models::offchip_link_schema(), models::price_offchip_link, make_offchip_link);
  registry.add_component(models::controller_schema(), models::price_controller, make_controller);
  registry.add_component(models::cim_tile_schema(registry.shared_readout_stages()), models::price_cim_tile,
                         make_cim_tile);
  registry.add_component(models::processor_schema(), models::price_processor, make_processor);
  registry.add_component(models::systolic_array_schema(), models::price_systolic_array, make_systolic_array);
  // Blocks inside a cim_tile; also the kinds of technology library entries.
  // The tile prices its crossbar, input drivers, accumulation and buffer
  // itself.
  registry.add_block(models::crossbar_schema());
  registry.add_block(models::synapse_cell_schema());
  registry.add_block(models::input_driver_schema());
  registry.add_block(models::gain_stage_schema());
  registry.add_block(models::accumulator_schema());
  // Readout stages, each whole: schema, traits, tile figures, estimator
  // (models/builtin_readout_stages.hpp). A chain lists them in this order.
  registry.add_readout_stage(models::adc_stage());
  registry.add_readout_stage(models::mott_neuron_stage());
  registry.add_readout_stage(models::cmos_activation_stage());
  registry.add_readout_stage(models::sample_hold_stage());
  registry.add_readout_stage(models::shift_add_stage());
  registry.add_readout_stage(models::digital_activation_stage());
}

}  // namespace mottsim::platform

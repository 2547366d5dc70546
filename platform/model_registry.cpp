#include "platform/model_registry.hpp"

#include <cassert>

#include "models/schemas.hpp"
#include "platform/builtin_factories.hpp"

namespace mottsim::platform {

void model_registry::add_component(std::shared_ptr<const dsl::block_schema> schema, model_factory factory) {
  assert(schema->is_component);
  const std::string type = schema->type;
  m_schemas.add(std::move(schema));
  m_factories.emplace_back(type, std::move(factory));
}

void model_registry::add_block(std::shared_ptr<const dsl::block_schema> schema) { m_schemas.add(std::move(schema)); }

void model_registry::set_factory(const std::string& type, model_factory factory) {
  for (auto& [name, f] : m_factories)
    if (name == type) {
      f = std::move(factory);
      return;
    }
  assert(false && "set_factory on a type that is not a registered component");
}

const dsl::block_schema* model_registry::find_schema(const std::string& type) const {
  return m_schemas.find_schema(type);
}

std::vector<std::string> model_registry::schema_names() const { return m_schemas.schema_names(); }

bool model_registry::is_component(const std::string& type) const {
  const auto* s = find_schema(type);
  return s && s->is_component;
}

const model_factory* model_registry::factory(const std::string& type) const {
  for (const auto& [name, f] : m_factories)
    if (name == type) return f ? &f : nullptr;
  return nullptr;
}

bool model_registry::can_simulate(const std::string& type) const { return factory(type) != nullptr; }

void register_builtin_models(model_registry& registry) {
  // Components. Factories are attached when their SystemC models exist.
  registry.add_component(models::dram_schema());
  registry.add_component(models::sram_schema());
  registry.add_component(models::bus_schema());
  registry.add_component(models::controller_schema());
  registry.add_component(models::cim_tile_schema());
  registry.add_component(models::processor_schema());
  registry.add_component(models::systolic_array_schema());
  // Blocks inside a cim_tile; also the kinds of technology library entries.
  registry.add_block(models::crossbar_schema());
  registry.add_block(models::synapse_cell_schema());
  registry.add_block(models::input_driver_schema());
  registry.add_block(models::adc_schema());
  registry.add_block(models::mott_neuron_schema());
  registry.add_block(models::gain_stage_schema());
  registry.add_block(models::shift_add_schema());
  registry.add_block(models::digital_activation_schema());
  registry.add_block(models::accumulator_schema());
  registry.add_block(models::sample_hold_schema());
  registry.add_block(models::cmos_activation_schema());
  attach_builtin_factories(registry);
}

}  // namespace mottsim::platform

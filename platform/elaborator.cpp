#include "platform/elaborator.hpp"

#include <cassert>

#include "dsl/diagnostics.hpp"
#include "models/bus_module.hpp"
#include "platform/model_registry.hpp"

namespace mottsim::platform {

elaborator::elaborator(const dsl::architecture_spec& arch, const model_registry& registry)
    : m_arch(arch), m_registry(registry) {
  for (const auto& c : arch.components) {
    component_runtime r;
    r.spec = &c;
    r.pricing = models::price_component(c.type, c.params, arch.node_m);
    m_components.push_back(std::move(r));
  }
}

elaborator::~elaborator() = default;

component_runtime& elaborator::runtime(const std::string& component) {
  for (auto& c : m_components)
    if (c.spec->name == component) return c;
  assert(false && "unknown component");
  std::abort();
}

const models::component_pricing& elaborator::pricing(const std::string& component) const {
  for (const auto& c : m_components)
    if (c.spec->name == component) return c.pricing;
  assert(false && "unknown component");
  std::abort();
}

void elaborator::own(std::unique_ptr<sc_core::sc_module> module) { m_modules.push_back(std::move(module)); }
void elaborator::add_target(const std::string& component, tlm::tlm_target_socket<>& socket) {
  m_targets[component] = &socket;
}
void elaborator::add_initiator(const std::string& component, tlm::tlm_initiator_socket<>& socket) {
  m_initiators[component] = &socket;
}
void elaborator::add_bus(const std::string& component, models::bus_module& bus) { m_buses[component] = &bus; }
void elaborator::add_counts(const std::string& component, const models::action_counter& counts) {
  runtime(component).counts = &counts;
}
void elaborator::add_resource(const std::string& component, models::busy_resource& r) {
  runtime(component).resources.push_back(&r);
}

std::vector<models::bus_module*> elaborator::buses() const {
  std::vector<models::bus_module*> out;
  for (const auto& [name, b] : m_buses) out.push_back(b);
  return out;
}

void elaborator::elaborate() {
  dsl::diagnostics errors;
  for (const auto& c : m_arch.components)
    if (!m_registry.can_simulate(c.type))
      errors.error(c.where, "component '" + c.name + "' is a " + c.type +
                                ", which has no SystemC model in this version of mottsim");
  if (errors.has_errors()) throw dsl::input_error(errors);
  for (const auto& c : m_arch.components) (*m_registry.factory(c.type))(*this, c);

  std::map<std::string, int> ports;
  for (const auto& c : m_arch.components) {
    for (const auto& conn : c.connections) {
      models::bus_module* bus = m_buses.at(conn.bus);
      if (auto t = m_targets.find(c.name); t != m_targets.end()) {
        bus->out.bind(*t->second);
        bus->map_window(conn.base, conn.size, ports[conn.bus]++, c.name);
      } else if (auto i = m_initiators.find(c.name); i != m_initiators.end()) {
        i->second->bind(bus->in);
      }
    }
  }
}

}  // namespace mottsim::platform

#pragma once
#include <systemc>
#include <tlm>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dsl/architecture_spec.hpp"
#include "models/action_counter.hpp"
#include "models/busy_resource.hpp"
#include "models/pricing.hpp"

namespace mottsim::models {
class bus_module;
class interconnect_topology;
class controller_module;
class cim_tile_module;
}  // namespace mottsim::models

namespace mottsim::platform {

class model_registry;

// What the run needs to know about one elaborated component afterwards.
struct component_runtime {
  const dsl::component_spec* spec = nullptr;
  models::component_pricing pricing;  // per instance
  const models::action_counter* counts = nullptr;
  std::vector<models::busy_resource*> resources;  // for utilization and traces
  const models::interconnect_topology* network = nullptr;  // an interconnect: its links, for the report
};

// Builds the SystemC modules of an architecture through the registry's
// factories and binds every connection to its bus with the address map the
// DSL laid out. One elaborator per process (SystemC elaborates once).
class elaborator {
 public:
  elaborator(const dsl::architecture_spec& arch, const model_registry& registry);
  ~elaborator();

  // Called by factories.
  const dsl::architecture_spec& arch() const { return m_arch; }
  const model_registry& registry() const { return m_registry; }
  const models::component_pricing& pricing(const std::string& component) const;
  void own(std::unique_ptr<sc_core::sc_module> module);
  void add_target(const std::string& component, tlm::tlm_target_socket<>& socket);
  void add_initiator(const std::string& component, tlm::tlm_initiator_socket<>& socket);
  void add_bus(const std::string& component, models::bus_module& bus);
  void add_counts(const std::string& component, const models::action_counter& counts);
  void add_resource(const std::string& component, models::busy_resource& r);
  void set_controller(models::controller_module& c) { m_controller = &c; }
  void set_tiles(models::cim_tile_module& t) { m_tiles = &t; }

  // Creates every component and binds the connections; user-facing problems
  // (a type with no SystemC model yet) throw dsl::input_error.
  void elaborate();

  // Runs the simulation to its end. Simulated time that passes what SystemC
  // holds (models/sim_time.hpp) throws dsl::input_error located at the
  // longest time parameter of the component whose time ran over.
  void simulate();

  models::controller_module* controller() const { return m_controller; }
  models::cim_tile_module* tiles() const { return m_tiles; }
  const std::vector<component_runtime>& components() const { return m_components; }
  std::vector<models::bus_module*> buses() const;

 private:
  component_runtime& runtime(const std::string& component);

  const dsl::architecture_spec& m_arch;
  const model_registry& m_registry;
  std::vector<std::unique_ptr<sc_core::sc_module>> m_modules;
  std::vector<component_runtime> m_components;
  std::map<std::string, tlm::tlm_target_socket<>*> m_targets;
  std::map<std::string, tlm::tlm_initiator_socket<>*> m_initiators;
  std::map<std::string, models::bus_module*> m_buses;
  models::controller_module* m_controller = nullptr;
  models::cim_tile_module* m_tiles = nullptr;
};

}  // namespace mottsim::platform

#include "platform/elaboration/elaborator.hpp"
#include "platform/elaboration/simulation_kernel.hpp"

#include <algorithm>
#include <cassert>
#include <stdexcept>

#include "dsl/diagnostics.hpp"
#include "dsl/units.hpp"
#include "models/bus_module.hpp"
#include "models/network_shape.hpp"
#include "models/sim_time.hpp"
#include "platform/elaboration/model_registry.hpp"

namespace mottsim::platform {

elaborator::elaborator(const dsl::architecture_spec& arch, const model_registry& registry)
    : m_arch(arch), m_registry(registry) {
  for (const auto& c : arch.components) {
    component_runtime r;
    r.spec = &c;
    r.pricing = registry.price(c.type, c.params, arch.node_m);
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
void elaborator::add_bus(const std::string& component, models::bus_module& bus) {
  m_buses[component] = &bus;
  runtime(component).network = &bus.topology();
}
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
    // On a routed network an on-chip memory of several instances is sliced
    // (a slice per router), DRAM channels sit at the port, replicated
    // compute fills the routers.
    using placement = models::interconnect_topology::placement;
    const auto how = models::sliced_over_network(c.type) ? placement::sliced
                     : models::at_network_port(c.type)   ? placement::at_port
                                                         : placement::replicated;
    for (const auto& conn : c.connections) {
      models::bus_module* bus = m_buses.at(conn.bus);
      if (auto t = m_targets.find(c.name); t != m_targets.end()) {
        try {
          if (conn.via.empty()) {
            bus->out.bind(*t->second);
            bus->map_window(conn.base, conn.size, ports[conn.bus]++, c.name, c.count, how);
          } else {
            // Through a link: the bus hands the window to the link, which
            // reaches the target with the bus's target-relative addresses.
            models::bus_module* link = m_buses.at(conn.via);
            bus->out.bind(link->in);
            bus->map_window(conn.base, conn.size, ports[conn.bus]++, conn.via + ">" + c.name, 1);
            link->out.bind(*t->second);
            link->map_window(0, conn.size, ports[conn.via]++, c.name, c.count, how);
          }
        } catch (const std::invalid_argument& e) {
          throw dsl::input_error(conn.where, "component '" + c.name + "' on '" + conn.bus + "': " + e.what());
        }
      } else if (auto i = m_initiators.find(c.name); i != m_initiators.end()) {
        i->second->bind(bus->in);
      }
    }
  }
}

namespace {

// The slowest setting of a block (and its sub-blocks), the likeliest cause of
// simulated time running over: the longest time, or the rate with the longest
// period (a clock's cycle, a bandwidth's time per byte: 1e-6 B/s takes 10^6 s
// a byte, which a latency's 90 ns does not explain). `name` gets its dotted
// path and `seconds` that duration.
struct slowest_setting {
  const dsl::param_value* value = nullptr;
  dsl::dimension dim = dsl::dimension::time;
  std::string name;
  double seconds = 0.0;
};

void find_slowest(const dsl::block_value& block, const dsl::schema_catalog& catalog, const std::string& prefix,
                  slowest_setting& best) {
  const dsl::block_schema* schema = catalog.find_schema(block.type);
  if (!schema) return;
  for (const auto& p : schema->params) {
    auto it = block.params.find(p.name);
    if (it == block.params.end()) continue;
    const dsl::param_value& v = it->second;
    const std::string path = prefix + p.name;
    if (p.kind == dsl::param_kind::quantity) {
      double seconds = -1.0;
      if (p.dim == dsl::dimension::time) seconds = v.number;
      else if ((p.dim == dsl::dimension::frequency || p.dim == dsl::dimension::bandwidth) && v.number > 0)
        seconds = 1.0 / v.number;
      if (seconds > best.seconds || (!best.value && seconds >= 0)) best = {&v, p.dim, path, seconds};
    } else if (p.kind == dsl::param_kind::block && v.block) {
      find_slowest(*v.block, catalog, path + ".", best);
    } else if (p.kind == dsl::param_kind::block_list) {
      for (std::size_t i = 0; i < v.blocks.size(); ++i)
        find_slowest(v.blocks[i], catalog, path + "[" + std::to_string(i) + "].", best);
    }
  }
}

}  // namespace

void elaborator::simulate() {
  models::clear_time_overflow();
  try {
    run_simulation_kernel();
  } catch (const sc_core::sc_report&) {
    // SystemC hands on an exception from a process as an sc_report.
    const auto& overflow = models::first_time_overflow();
    if (!overflow) throw;
    const component_runtime* owner = nullptr;
    for (const auto& c : m_components) {
      const bool by_name = c.spec->name == overflow->module;
      const bool by_resource =
          std::find(c.resources.begin(), c.resources.end(), overflow->resource) != c.resources.end();
      if (by_name || (overflow->resource && by_resource)) owner = &c;
    }
    std::string message = "simulated time runs past what SystemC holds (" + overflow->what + " reaches " +
                          dsl::format_quantity(overflow->seconds, dsl::dimension::time) + "); " +
                          dsl::time_limit_text();
    if (!owner) throw dsl::input_error({m_arch.file, 0, 0}, "architecture '" + m_arch.name + "': " + message);
    const dsl::component_spec& c = *owner->spec;
    slowest_setting slowest;
    find_slowest(c.params, m_registry, "", slowest);
    message = "component '" + c.name + "': " + message;
    dsl::source_location where = c.where;
    if (slowest.value) {
      message += "; its slowest setting is '" + slowest.name + "' = " +
                 dsl::format_quantity(slowest.value->number, slowest.dim);
      if (slowest.dim == dsl::dimension::frequency)
        message += " (a cycle of " + dsl::format_quantity(slowest.seconds, dsl::dimension::time) + ")";
      else if (slowest.dim == dsl::dimension::bandwidth)
        message += " (" + dsl::format_quantity(slowest.seconds, dsl::dimension::time) + " a byte)";
      if (!slowest.value->from_default) where = slowest.value->where;
    }
    throw dsl::input_error(where, message);
  }
}

}  // namespace mottsim::platform

#include <cmath>

#include "models/bus_module.hpp"
#include "models/cim_tile_module.hpp"
#include "models/cim_tile_params.hpp"
#include "models/controller_module.hpp"
#include "models/htree_network.hpp"
#include "models/mesh_network.hpp"
#include "models/offchip_link.hpp"
#include "models/memory_module.hpp"
#include "models/memory_pricing.hpp"
#include "models/processor_module.hpp"
#include "models/systolic_array_module.hpp"
#include "platform/elaboration/builtin_factories.hpp"
#include "platform/elaboration/elaborator.hpp"
#include "platform/elaboration/model_registry.hpp"

namespace mottsim::platform {

namespace {

// A memory module of `c`'s capacity with timing `t`, attached and counted.
void add_memory(elaborator& e, const dsl::component_spec& c, const models::memory_timing& t) {
  auto m = std::make_unique<models::memory_module>(c.name.c_str(), t, c.count,
                                                   static_cast<unsigned long long>(c.params.quantity("capacity")));
  e.add_target(c.name, m->in);
  e.add_counts(c.name, m->counts());
  for (auto& r : m->resources()) e.add_resource(c.name, r);
  e.own(std::move(m));
}

}  // namespace

void make_dram(elaborator& e, const dsl::component_spec& c) {
  const auto& p = c.params;
  models::memory_timing t;
  // The channel is busy for the data; the access latency pipelines behind
  // other accesses' transfers (banks open rows while the bus streams), so it
  // delays the reply without keeping the channel busy.
  t.latency_s = 0.0;
  t.granule_bytes = p.quantity("burst");
  t.granule_time_s = p.quantity("burst") / p.quantity("bandwidth");
  t.parallel = 1;
  t.tail_s = p.quantity("latency");
  add_memory(e, c, t);
}

namespace {

// An on-chip memory's port timing from its estimator's figures: one port width
// per cycle on each of ports x banks, each access done its latency after it starts.
models::memory_timing onchip_timing(const models::component_pricing& pricing, double port_bytes,
                                    const std::string& prefix = "") {
  const auto& f = pricing.figures;
  models::memory_timing t;
  t.latency_s = 0.0;
  t.granule_bytes = port_bytes;
  t.granule_time_s = f.at(prefix + "cycle_time_s");
  t.parallel = static_cast<long long>(f.at(prefix + "parallel_accesses"));
  t.tail_s = f.at(prefix + "access_latency_s") - t.granule_time_s;
  return t;
}

}  // namespace

void make_sram(elaborator& e, const dsl::component_spec& c) {
  const auto& p = c.params;
  const models::memory_timing t = onchip_timing(e.pricing(c.name), p.quantity("port_width"));
  add_memory(e, c, t);
}

namespace {

void add_interconnect(elaborator& e, const dsl::component_spec& c,
                      std::unique_ptr<models::interconnect_topology> topology) {
  auto b = std::make_unique<models::bus_module>(c.name.c_str(), std::move(topology));
  e.add_bus(c.name, *b);
  e.add_counts(c.name, b->counts());
  for (auto* r : b->resources()) e.add_resource(c.name, *r);
  e.own(std::move(b));
}

// A routed network's links: a flit per cycle, the head crossing a router and
// the link it leaves on in `hop_cycles` + link_cycles.
models::link_timing routed_link_timing(const dsl::block_value& p, long long hop_cycles) {
  models::link_timing t;
  t.flit_bytes = p.quantity("width");
  t.bytes_per_s = t.flit_bytes * p.quantity("clock");
  t.hop_s = static_cast<double>(hop_cycles + p.integer("link_cycles")) / p.quantity("clock");
  return t;
}

}  // namespace

void make_bus(elaborator& e, const dsl::component_spec& c) {
  models::bus_timing t;
  t.width_bytes = c.params.quantity("width");
  t.clock_hz = c.params.quantity("clock");
  t.latency_cycles = c.params.integer("latency_cycles");
  add_interconnect(e, c, std::make_unique<models::shared_bus>(t));
}

void make_mesh(elaborator& e, const dsl::component_spec& c) {
  const auto& p = c.params;
  models::mesh_shape shape;
  shape.columns = static_cast<int>(p.integer("columns"));
  shape.rows = static_cast<int>(p.integer("rows"));
  shape.concentration = static_cast<int>(p.integer("concentration"));
  shape.port_column = static_cast<int>(p.integer("port_column"));
  shape.port_row = static_cast<int>(p.integer("port_row"));
  const models::link_timing t = routed_link_timing(p, p.integer("router_cycles"));
  add_interconnect(e, c, std::make_unique<models::mesh_network>(shape, t));
}

void make_htree(elaborator& e, const dsl::component_spec& c) {
  const auto& p = c.params;
  add_interconnect(e, c,
                   std::make_unique<models::htree_network>(static_cast<int>(p.integer("leaves")),
                                                           static_cast<int>(p.integer("concentration")),
                                                           routed_link_timing(p, p.integer("switch_cycles"))));
}

void make_offchip_link(elaborator& e, const dsl::component_spec& c) {
  models::offchip_timing t;
  t.bytes_per_s = c.params.quantity("bandwidth");
  t.latency_s = c.params.quantity("latency");
  add_interconnect(e, c, std::make_unique<models::offchip_link>(t));
}

void make_controller(elaborator& e, const dsl::component_spec& c) {
  models::controller_timing t;
  t.clock_hz = c.params.quantity("clock");
  t.command_cycles = c.params.integer("command_cycles");
  t.vector_lanes = c.params.integer("vector_lanes");
  t.quantum_s = c.params.quantity("quantum");
  t.outstanding = c.params.integer("outstanding");
  auto m = std::make_unique<models::controller_module>(c.name.c_str(), t);
  e.add_initiator(c.name, m->out);
  e.add_counts(c.name, m->counts());
  e.add_resource(c.name, m->resource());
  e.set_controller(*m);
  e.own(std::move(m));
}

void make_cim_tile(elaborator& e, const dsl::component_spec& c) {
  const auto params = models::read_cim_tile_params(c.params, e.registry().readout_stages());
  const auto& buffer = c.params.block("buffer");
  const models::memory_timing bt = onchip_timing(e.pricing(c.name), buffer.quantity("port_width"), "buffer_");
  auto m = std::make_unique<models::cim_tile_module>(c.name.c_str(), params, c.count,
                                                     static_cast<unsigned long long>(buffer.quantity("capacity")), bt);
  e.add_target(c.name, m->in);
  e.add_counts(c.name, m->counts());
  for (auto& r : m->compute_resources()) e.add_resource(c.name, r);
  e.set_tiles(*m);
  e.own(std::move(m));
}

namespace {

// Bytes per second an sram delivers: a port width per cycle on each of its
// ports and banks.
double sram_bytes_per_s(elaborator& e, const dsl::component_spec& sram) {
  return models::memory_bytes_per_s(e.pricing(sram.name), sram.params.quantity("port_width"));
}

// The sram a text parameter names, or nullptr (the planner reports a wrong name).
const dsl::component_spec* named_sram(elaborator& e, const dsl::component_spec& c, const char* param) {
  if (!c.params.has(param)) return nullptr;
  const dsl::component_spec* s = e.arch().find(c.params.text(param));
  return s && s->type == "sram" ? s : nullptr;
}

}  // namespace

void make_processor(elaborator& e, const dsl::component_spec& c) {
  const auto& p = c.params;
  models::processor_timing t;
  t.cores = p.integer("cores");
  t.clock_hz = p.quantity("clock");
  const bool int8 = p.text("precision") == "int8";
  t.macs_per_cycle = static_cast<double>(p.integer(int8 ? "int8_macs_per_cycle" : "fp32_macs_per_cycle"));
  t.utilization = p.number("utilization");
  t.quantum_s = p.quantity("quantum");
  t.transaction_bytes = p.quantity("transaction");
  t.outstanding = p.integer("outstanding");
  const dsl::component_spec* l1 = named_sram(e, c, "l1");
  if (l1) t.l1_bytes_per_s = sram_bytes_per_s(e, *l1);
  auto m = std::make_unique<models::processor_module>(c.name.c_str(), t, l1 ? l1->name : std::string(),
                                                      l1 ? l1->count : 0);
  e.add_initiator(c.name, m->out);
  e.add_counts(c.name, m->counts());
  e.add_resource(c.name, m->resource());
  e.own(std::move(m));
}

void make_systolic_array(elaborator& e, const dsl::component_spec& c) {
  const auto& p = c.params;
  models::systolic_timing t;
  t.clock_hz = p.quantity("clock");
  t.vector_lanes = p.integer("vector_lanes");
  t.quantum_s = p.quantity("quantum");
  t.transaction_bytes = p.quantity("transaction");
  t.outstanding = p.integer("outstanding");
  const dsl::component_spec* buffer = named_sram(e, c, "buffer");
  const dsl::component_spec* accumulators = named_sram(e, c, "accumulators");
  const dsl::component_spec* weight_fifo = named_sram(e, c, "weight_fifo");
  if (buffer) t.buffer_bytes_per_s = sram_bytes_per_s(e, *buffer);
  if (accumulators) t.accumulator_bytes_per_s = sram_bytes_per_s(e, *accumulators);
  if (weight_fifo) t.weight_fifo_bytes_per_s = sram_bytes_per_s(e, *weight_fifo);
  auto m = std::make_unique<models::systolic_array_module>(c.name.c_str(), t, buffer ? buffer->name : std::string(),
                                                           accumulators ? accumulators->name : std::string(),
                                                           weight_fifo ? weight_fifo->name : std::string());
  e.add_initiator(c.name, m->out);
  e.add_counts(c.name, m->counts());
  e.add_resource(c.name, m->resource());
  e.own(std::move(m));
}

}  // namespace mottsim::platform

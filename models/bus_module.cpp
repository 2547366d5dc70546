#include "models/bus_module.hpp"

#include <algorithm>

#include "models/sim_time.hpp"
#include "models/tlm_extensions.hpp"

namespace mottsim::models {

bus_module::bus_module(const sc_core::sc_module_name& name, const bus_timing& timing)
    : bus_module(name, std::make_unique<shared_bus>(timing)) {}

bus_module::bus_module(const sc_core::sc_module_name& name, std::unique_ptr<interconnect_topology> topology)
    : sc_module(name), in("in"), out("out"), m_topology(std::move(topology)) {
  in.register_b_transport(this, &bus_module::b_transport);
  in.register_transport_dbg(this, &bus_module::transport_dbg);
}

void bus_module::map_window(unsigned long long base, unsigned long long size, int port, const std::string& target,
                            long long instances, interconnect_topology::placement how) {
  instances = std::max<long long>(1, instances);
  const int first = m_topology->attach(target, instances, how);
  m_windows.push_back({base, size, port, target, first, std::max<unsigned long long>(1, size / instances), instances});
}

const bus_module::window* bus_module::decode(unsigned long long address) const {
  for (const auto& w : m_windows)
    if (address >= w.base && address - w.base < w.size) return &w;
  return nullptr;
}

int bus_module::endpoint_of(const window& w, unsigned long long address) const {
  const long long instance =
      std::min<long long>(w.instances - 1, static_cast<long long>((address - w.base) / w.instance_bytes));
  return w.first_endpoint + static_cast<int>(instance);
}

void bus_module::b_transport(int, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const window* w = decode(trans.get_address());
  if (!w) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  ++m_transactions;
  int layer = -1;
  if (auto* tag = trans.get_extension<layer_tag>()) layer = tag->layer;
  const unsigned long long address = trans.get_address();
  const int target = endpoint_of(*w, address);
  const bool read = trans.get_command() == tlm::TLM_READ_COMMAND;
  const sc_core::sc_time arrival = sc_core::sc_time_stamp() + delay;
  // A DMA leg between two targets of a network that routes directly: the read
  // carries the burst from its source to its destination, the write finds it
  // there (dma_route).
  auto* route = trans.get_extension<dma_route>();
  const window* peer = route && !route->routed && m_topology->routes_directly() ? decode(route->peer) : nullptr;
  sc_core::sc_time done = arrival;
  if (!peer)
    done = m_topology->transfer(read ? target : 0, read ? 0 : target, arrival, trans.get_data_length(), layer, m_counts,
                                *this);
  else if (read)
    done = m_topology->transfer(target, endpoint_of(*peer, route->peer), arrival, trans.get_data_length(), layer,
                                m_counts, *this);
  delay = done - sc_core::sc_time_stamp();

  if (peer) route->routed = true;
  trans.set_address(address - w->base);
  out[w->port]->b_transport(trans, delay);
  trans.set_address(address);
  if (peer) route->routed = false;
}

unsigned int bus_module::transport_dbg(int, tlm::tlm_generic_payload& trans) {
  const window* w = decode(trans.get_address());
  if (!w) return 0;
  const unsigned long long address = trans.get_address();
  trans.set_address(address - w->base);
  const unsigned int n = out[w->port]->transport_dbg(trans);
  trans.set_address(address);
  return n;
}

}  // namespace mottsim::models

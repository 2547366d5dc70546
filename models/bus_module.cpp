#include "models/bus_module.hpp"

#include <cmath>

#include "models/sim_time.hpp"
#include "models/tlm_extensions.hpp"

namespace mottsim::models {

bus_module::bus_module(const sc_core::sc_module_name& name, const bus_timing& timing)
    : sc_module(name), in("in"), out("out"), m_timing(timing) {
  in.register_b_transport(this, &bus_module::b_transport);
  in.register_transport_dbg(this, &bus_module::transport_dbg);
}

void bus_module::map_window(unsigned long long base, unsigned long long size, int port, const std::string& target) {
  m_windows.push_back({base, size, port, target});
}

const bus_module::window* bus_module::decode(unsigned long long address) const {
  for (const auto& w : m_windows)
    if (address >= w.base && address - w.base < w.size) return &w;
  return nullptr;
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
  const double bytes = trans.get_data_length();
  const double cycles = static_cast<double>(m_timing.latency_cycles) + std::ceil(bytes / m_timing.width_bytes);
  const sc_core::sc_time arrival = sc_core::sc_time_stamp() + delay;
  const sc_core::sc_time done = m_busy.occupy(arrival, to_sc_time(cycles / m_timing.clock_hz, *this, "a bus transfer"), layer);
  delay = done - sc_core::sc_time_stamp();
  m_counts.add(layer, "transfer_bytes", bytes);

  const unsigned long long address = trans.get_address();
  trans.set_address(address - w->base);
  out[w->port]->b_transport(trans, delay);
  trans.set_address(address);
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

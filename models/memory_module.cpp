#include "models/memory_module.hpp"

#include <algorithm>
#include <cmath>

#include "models/sim_time.hpp"
#include "models/tlm_extensions.hpp"

namespace mottsim::models {

double memory_timing::service_s(double bytes) const {
  const double granules = std::ceil(bytes / granule_bytes);
  return latency_s + std::ceil(granules / static_cast<double>(parallel)) * granule_time_s;
}

memory_module::memory_module(const sc_core::sc_module_name& name, const memory_timing& timing, long long count,
                             unsigned long long instance_bytes)
    : sc_module(name), in("in"), m_timing(timing), m_instance_bytes(instance_bytes),
      m_busy(static_cast<std::size_t>(std::max<long long>(1, count))) {
  in.register_b_transport(this, &memory_module::b_transport);
  in.register_transport_dbg(this, &memory_module::transport_dbg);
}

void memory_module::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  const unsigned long long instance = m_instance_bytes ? trans.get_address() / m_instance_bytes : 0;
  if (instance >= m_busy.size() || trans.get_byte_enable_ptr() || trans.get_streaming_width() < trans.get_data_length()) {
    trans.set_response_status(instance >= m_busy.size() ? tlm::TLM_ADDRESS_ERROR_RESPONSE
                                                        : tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  int layer = -1;
  if (auto* tag = trans.get_extension<layer_tag>()) layer = tag->layer;
  const double bytes = trans.get_data_length();
  const sc_core::sc_time arrival = sc_core::sc_time_stamp() + delay;
  const sc_core::sc_time done =
      m_busy[instance].occupy(arrival, to_sc_time(m_timing.service_s(bytes), *this, "a memory access"), layer);
  delay = done + to_sc_time(m_timing.tail_s, *this, "a memory access's latency") - sc_core::sc_time_stamp();
  m_counts.add(layer, trans.is_read() ? "read_bytes" : "write_bytes", bytes);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

unsigned int memory_module::transport_dbg(tlm::tlm_generic_payload&) { return 0; }

}  // namespace mottsim::models

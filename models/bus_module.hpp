#pragma once
#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <string>
#include <vector>

#include "models/action_counter.hpp"
#include "models/busy_resource.hpp"

namespace mottsim::models {

struct bus_timing {
  double width_bytes = 32;
  double clock_hz = 1e9;
  long long latency_cycles = 2;
};

// Shared interconnect: decodes addresses from the architecture's address map,
// serializes transfers (busy-until), counts bytes moved, and forwards the
// transaction with the target-relative address.
class bus_module : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<bus_module> in;
  tlm_utils::multi_passthrough_initiator_socket<bus_module> out;

  bus_module(const sc_core::sc_module_name& name, const bus_timing& timing);

  // Maps [base, base+size) to the target bound as out[port].
  void map_window(unsigned long long base, unsigned long long size, int port, const std::string& target);

  const action_counter& counts() const { return m_counts; }
  busy_resource& resource() { return m_busy; }
  long long transactions() const { return m_transactions; }

 private:
  struct window {
    unsigned long long base, size;
    int port;
    std::string target;
  };
  void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(int id, tlm::tlm_generic_payload& trans);
  const window* decode(unsigned long long address) const;

  bus_timing m_timing;
  std::vector<window> m_windows;
  busy_resource m_busy;
  action_counter m_counts;
  long long m_transactions = 0;
};

}  // namespace mottsim::models

#pragma once
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <vector>

#include "models/action_counter.hpp"
#include "models/busy_resource.hpp"

namespace mottsim::models {

// Service time of one access: a fixed latency, then whole granules (DRAM
// bursts, SRAM port widths) at `granule_time` each, `parallel` at a time. A
// pipelined port accepts a granule every `granule_time` and each access
// completes `tail_s` after its port frees: the tail delays the reply but does
// not keep the port busy. An SRAM's tail is its access latency - cycle time; a
// DRAM's is its whole access latency (the channel streams other accesses' data
// meanwhile). `latency_s` keeps the port busy (an unpipelined memory).
struct memory_timing {
  double latency_s = 0.0;
  double granule_bytes = 64;
  double granule_time_s = 1e-9;
  long long parallel = 1;
  double tail_s = 0.0;

  double service_s(double bytes) const;
};

// A DRAM or SRAM target (`count` instances side by side in its window). Counts
// read_bytes / write_bytes; contention through busy-until per instance.
class memory_module : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<memory_module> in;

  memory_module(const sc_core::sc_module_name& name, const memory_timing& timing, long long count,
                unsigned long long instance_bytes);

  const action_counter& counts() const { return m_counts; }
  std::vector<busy_resource>& resources() { return m_busy; }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& trans);

  memory_timing m_timing;
  unsigned long long m_instance_bytes;
  std::vector<busy_resource> m_busy;
  action_counter m_counts;
};

}  // namespace mottsim::models

#pragma once
#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include <memory>
#include <string>
#include <vector>

#include "models/action_counter.hpp"
#include "models/busy_resource.hpp"
#include "models/interconnect_topology.hpp"
#include "models/shared_bus.hpp"

namespace mottsim::models {

// An address-mapped interconnect: decodes addresses from the architecture's
// address map, asks its topology (a shared bus, a mesh, an H-tree, an off-chip
// link) how long the transfer takes between the initiators' port and the
// target instance, counts what moved, and forwards the transaction with the
// target-relative address. Reads carry data from the target to the port,
// writes from the port to the target; on a topology that routes directly, a
// DMA leg that names its other end (dma_route) on this interconnect goes
// from target to target instead.
class bus_module : public sc_core::sc_module {
 public:
  tlm_utils::multi_passthrough_target_socket<bus_module> in;
  tlm_utils::multi_passthrough_initiator_socket<bus_module> out;

  bus_module(const sc_core::sc_module_name& name, const bus_timing& timing);
  bus_module(const sc_core::sc_module_name& name, std::unique_ptr<interconnect_topology> topology);

  // Maps [base, base+size) to the target bound as out[port]; the window holds
  // `instances` equal instances, each its own endpoint of the topology.
  // Throws std::invalid_argument when the topology has no room for them.
  void map_window(unsigned long long base, unsigned long long size, int port, const std::string& target,
                  long long instances = 1,
                  interconnect_topology::placement how = interconnect_topology::placement::replicated);

  const action_counter& counts() const { return m_counts; }
  // The topology's busy resources (a shared bus: its one).
  std::vector<busy_resource*> resources() { return m_topology->resources(); }
  busy_resource& resource() { return *m_topology->resources().front(); }
  const interconnect_topology& topology() const { return *m_topology; }
  long long transactions() const { return m_transactions; }

 private:
  struct window {
    unsigned long long base, size;
    int port;
    std::string target;
    int first_endpoint;
    unsigned long long instance_bytes;
    long long instances;
  };
  void b_transport(int id, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  unsigned int transport_dbg(int id, tlm::tlm_generic_payload& trans);
  const window* decode(unsigned long long address) const;
  // The topology endpoint of the instance of `w` that holds `address`.
  int endpoint_of(const window& w, unsigned long long address) const;

  std::unique_ptr<interconnect_topology> m_topology;
  std::vector<window> m_windows;
  action_counter m_counts;
  long long m_transactions = 0;
};

}  // namespace mottsim::models

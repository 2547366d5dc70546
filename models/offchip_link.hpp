#pragma once
#include "models/interconnect_topology.hpp"

namespace mottsim::models {

struct offchip_timing {
  double bytes_per_s = 6.4e9;  // each direction
  double latency_s = 0.0;      // SerDes, wire and protocol, paid once per transfer
};

// A full-duplex point-to-point link off the chip (SerDes, HyperTransport): the
// initiators' port on the near side, its targets on the far side. A transfer
// holds its direction for bytes / bandwidth and arrives `latency` later; the
// latency pipelines behind other transfers.
class offchip_link : public interconnect_topology {
 public:
  explicit offchip_link(const offchip_timing& timing) : m_timing(timing) {}

  int attach(const std::string&, long long, placement) override { return 1; }
  sc_core::sc_time transfer(int from, int to, const sc_core::sc_time& arrival, double bytes, int layer,
                            action_counter& counts, const sc_core::sc_object& owner) override;
  std::vector<busy_resource*> resources() override { return {&m_outbound, &m_inbound}; }
  std::vector<link_use> links() const override {
    return {{"out", &m_outbound, &m_bytes[0]}, {"in", &m_inbound, &m_bytes[1]}};
  }

 private:
  offchip_timing m_timing;
  busy_resource m_outbound, m_inbound;
  std::map<int, double> m_bytes[2];  // by layer
};

}  // namespace mottsim::models

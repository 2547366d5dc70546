#pragma once
#include "models/interconnect_topology.hpp"

namespace mottsim::models {

struct bus_timing {
  double width_bytes = 32;
  double clock_hz = 1e9;
  long long latency_cycles = 2;
};

// One shared medium: every transfer holds it for its arbitration cycles plus
// one cycle per `width` bytes, whoever talks to whom.
class shared_bus : public interconnect_topology {
 public:
  explicit shared_bus(const bus_timing& timing) : m_timing(timing) {}

  int attach(const std::string&, long long, placement) override { return 0; }
  sc_core::sc_time transfer(int from, int to, const sc_core::sc_time& arrival, double bytes, int layer,
                            action_counter& counts, const sc_core::sc_object& owner) override;
  std::vector<busy_resource*> resources() override { return {&m_busy}; }

 private:
  bus_timing m_timing;
  busy_resource m_busy;
};

}  // namespace mottsim::models

#include "models/shared_bus.hpp"

#include <cmath>

#include "models/sim_time.hpp"

namespace mottsim::models {

sc_core::sc_time shared_bus::transfer(int, int, const sc_core::sc_time& arrival, double bytes, int layer,
                                      action_counter& counts, const sc_core::sc_object& owner) {
  const double cycles = static_cast<double>(m_timing.latency_cycles) + std::ceil(bytes / m_timing.width_bytes);
  counts.add(layer, "transfer_bytes", bytes);
  return m_busy.occupy(arrival, to_sc_time(cycles / m_timing.clock_hz, owner, "a bus transfer"), layer);
}

}  // namespace mottsim::models

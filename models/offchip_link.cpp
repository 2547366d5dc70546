#include "models/offchip_link.hpp"

#include "models/sim_time.hpp"

namespace mottsim::models {

sc_core::sc_time offchip_link::transfer(int, int to, const sc_core::sc_time& arrival, double bytes, int layer,
                                        action_counter& counts, const sc_core::sc_object& owner) {
  const bool inbound = to == 0;
  busy_resource& direction = inbound ? m_inbound : m_outbound;
  m_bytes[inbound ? 1 : 0][layer] += bytes;
  counts.add(layer, "transfer_bytes", bytes);
  const sc_core::sc_time done =
      direction.occupy(arrival, to_sc_time(bytes / m_timing.bytes_per_s, owner, "an off-chip transfer"), layer);
  const sc_core::sc_time latency = to_sc_time(m_timing.latency_s, owner, "the off-chip latency");
  if (!sum_fits(done, latency))
    raise_time_overflow({owner.name(), &direction, (done + latency).to_seconds(), "an off-chip transfer"});
  return done + latency;
}

}  // namespace mottsim::models

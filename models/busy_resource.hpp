#pragma once
#include <systemc>
#include <map>
#include <vector>

#include "models/sim_time.hpp"

namespace mottsim::models {

// A shared resource (a bus, a memory port, a tile) modelled by the time it is
// busy until: a request arriving while it is busy waits. Targets use this
// instead of wait(), so initiators keep running ahead with their quantum.
class busy_resource {
 public:
  struct interval {
    double start_s;
    double end_s;
    int layer;
  };

  // Occupies the resource for `service` from `arrival` or when it frees up,
  // whichever is later; returns the finish time.
  sc_core::sc_time occupy(const sc_core::sc_time& arrival, const sc_core::sc_time& service, int layer = -1) {
    const sc_core::sc_time start = arrival > m_busy_until ? arrival : m_busy_until;
    if (!sum_fits(start, service))
      raise_time_overflow({"", this, start.to_seconds() + service.to_seconds(), "a busy period"});
    record(start, start + service, service, layer);
    return m_busy_until;
  }
  // Occupies the resource from `start` (not before it frees up) until `until`
  // while it works for `service` of that span: a part serving a stream of
  // vectors that arrive more slowly than it serves them idles between them.
  void occupy_until(const sc_core::sc_time& start, const sc_core::sc_time& service, const sc_core::sc_time& until,
                    int layer = -1) {
    const sc_core::sc_time from = start > m_busy_until ? start : m_busy_until;
    record(from, until > from ? until : from, service, layer);
  }
  const sc_core::sc_time& busy_until() const { return m_busy_until; }
  double busy_seconds() const {
    double total = 0.0;
    for (const auto& [layer, seconds] : m_busy_by_layer) total += seconds;
    return total;
  }
  const std::map<int, double>& busy_by_layer() const { return m_busy_by_layer; }
  void record_intervals(bool on) { m_record = on; }
  const std::vector<interval>& intervals() const { return m_intervals; }

 private:
  void record(const sc_core::sc_time& start, const sc_core::sc_time& end, const sc_core::sc_time& service, int layer) {
    m_busy_until = end;
    m_busy_by_layer[layer] += service.to_seconds();
    if (m_record && end > start) {
      // Merge back-to-back intervals of the same layer to keep traces small.
      if (!m_intervals.empty() && m_intervals.back().layer == layer &&
          start.to_seconds() - m_intervals.back().end_s < 1e-12)
        m_intervals.back().end_s = end.to_seconds();
      else
        m_intervals.push_back({start.to_seconds(), end.to_seconds(), layer});
    }
  }

  sc_core::sc_time m_busy_until = sc_core::SC_ZERO_TIME;
  std::map<int, double> m_busy_by_layer;
  bool m_record = false;
  std::vector<interval> m_intervals;
};

}  // namespace mottsim::models

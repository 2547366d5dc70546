#pragma once
#include <systemc>

#include <algorithm>
#include <vector>

namespace mottsim::models {

// How a DMA engine moves the bursts of one transfer: each burst has one or two
// legs (a read into the engine's buffer, then a write out of it; or one leg
// when the other end is not a bus target, such as a cache the initiator fills
// itself), and at most `outstanding` bursts are in flight at once: a burst's
// first leg leaves when the engine has a free slot, which the burst
// `outstanding` places earlier frees when its last leg completes. So the reads
// of bursts i+1.. overlap the write of burst i, and throughput is set by the
// busy resources (bus, memory ports) the legs occupy, or by the latency when
// the window is too small to cover it.
//
// Every leg leaves in time order (writes and reads in their own order, the
// earlier of the next read and the next write first), because the targets
// serve a busy resource in the order it is asked. A burst's first leg also
// waits for `ready(i)`: a drain's burst cannot leave before the outputs it
// carries exist. Used by every initiator: the controller's DMA and tile
// drains, and the processor's and systolic array's streams.
class transfer_window {
 public:
  explicit transfer_window(long long outstanding) : m_outstanding(std::max<long long>(1, outstanding)) {}

  long long outstanding() const { return m_outstanding; }

  // Moves `bursts` bursts of `legs` (1 or 2) legs from `start`. `ready(i)`
  // gives the earliest time burst i may leave; `issue(leg, i, at)` sends leg
  // `leg` of burst i at `at` and returns when it completes. Returns when the
  // last leg completes (`start` when there are no bursts).
  template <typename Ready, typename Issue>
  sc_core::sc_time run(long long bursts, int legs, const sc_core::sc_time& start, Ready&& ready, Issue&& issue) {
    using sc_core::sc_time;
    if (bursts <= 0) return start;
    const auto n = static_cast<std::size_t>(bursts);
    const std::size_t slots = static_cast<std::size_t>(std::min<long long>(m_outstanding, bursts));
    m_freed.assign(slots, start);     // when each slot's last burst completed
    m_arrived.assign(slots, start);   // when each slot's first leg completed
    sc_time end = start, first_free = start, second_free = start;
    std::size_t first = 0, second = 0;  // the next burst of each leg
    const bool two = legs > 1;
    while (two ? second < n : first < n) {
      // The next first leg: a free slot (burst first - slots has completed).
      const bool can_first = first < n && (!two || first < second + slots);
      sc_time t_first;
      if (can_first) t_first = std::max({ready(first), first_free, m_freed[first % slots]});
      const bool can_second = two && second < first;
      sc_time t_second;
      if (can_second) t_second = std::max(second_free, m_arrived[second % slots]);
      if (can_second && (!can_first || t_second <= t_first)) {
        const sc_time done = issue(1, second, t_second);
        m_freed[second % slots] = done;
        end = std::max(end, done);
        second_free = t_second;
        ++second;
      } else {
        const sc_time done = issue(0, first, t_first);
        if (two) {
          m_arrived[first % slots] = done;
        } else {
          m_freed[first % slots] = done;
          end = std::max(end, done);
        }
        first_free = t_first;
        ++first;
      }
    }
    return end;
  }

 private:
  long long m_outstanding;
  std::vector<sc_core::sc_time> m_freed, m_arrived;
};

}  // namespace mottsim::models

#include "models/pipeline_gate.hpp"

#include <algorithm>

namespace mottsim::models {

pipeline_gate::pipeline_gate(const program& p)
    : m_waits(p.stages.size()), m_done(p.stages.size(), 0) {
  for (std::size_t s = 0; s < p.stages.size(); ++s)
    m_events.push_back(std::make_unique<sc_core::sc_event>(sc_core::sc_gen_unique_name("stage_done")));
  for (std::size_t c = 0; c < p.stages.size(); ++c)
    for (const stage_input& in : p.stages[c].inputs) {
      const std::size_t producer = in.stage;
      sc_assert(producer < c && "a stage reads only earlier stages");
      m_waits[c].push_back({producer, 0});
      const long long buffers = in.held ? 1 : static_cast<long long>(c - producer) + 1;
      m_waits[producer].push_back({c, buffers});
    }
}

bool pipeline_gate::wait_turn(std::size_t stage, long long inference) {
  const auto stopped = [&] { return m_limit >= 0 && inference >= m_limit; };
  // Counts only grow, so the conditions can be awaited one after another.
  for (const wait_on& w : m_waits[stage])
    while (!stopped() && m_done[w.other] <= inference - w.lag) sc_core::wait(*m_events[w.other]);
  return !stopped();
}

void pipeline_gate::stop_at(long long inferences) {
  m_limit = inferences;
  for (auto& e : m_events) e->notify();  // waiting stages look again
}

long long pipeline_gate::completed(std::size_t first) const {
  long long least = -1;
  for (std::size_t s = first; s < m_done.size(); ++s) least = least < 0 ? m_done[s] : std::min(least, m_done[s]);
  return std::max<long long>(0, least);
}

void pipeline_gate::finished(std::size_t stage) {
  ++m_done[stage];
  m_events[stage]->notify();
}

}  // namespace mottsim::models

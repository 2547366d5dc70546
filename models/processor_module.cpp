#include "models/processor_module.hpp"

#include <algorithm>

namespace mottsim::models {

processor_module::processor_module(const sc_core::sc_module_name& name, const processor_timing& timing,
                                   const std::string& l1, long long l1_instances)
    : stream_initiator(name, timing.transaction_bytes, timing.outstanding, timing.quantum_s), m_timing(timing),
      m_l1(l1) {
  if (!m_l1.empty() && m_timing.l1_bytes_per_s > 0)
    m_local_resources[m_l1].resize(static_cast<std::size_t>(std::max<long long>(1, l1_instances)));
}

stream_layer processor_module::layer(std::size_t i) {
  const processor_layer& w = m_program->layers[i];
  const double cores = static_cast<double>(std::max<long long>(1, w.cores_used));
  const double lanes = cores * m_timing.macs_per_cycle * m_timing.clock_hz;  // element ops per second
  stream_layer s;
  s.layer = w.layer;
  s.steps = w.steps;
  // GEMM loops reach the layer's roofline utilization of the peak; element-wise
  // loops stream at the SIMD rate (they are bound by memory, which the stream
  // accounts for).
  const double utilization = w.utilization > 0 ? w.utilization : m_timing.utilization;
  s.compute_s = w.macs / (lanes * utilization) + w.vector_ops / lanes;
  s.prefetch = w.prefetch;
  s.during = w.during;
  s.writeback = w.writeback;

  m_counts.add(w.layer, "instruction", w.instructions);
  // Every working core is awake for the layer's compute time, which the
  // roofline utilization already stretches where cache or DRAM traffic bounds it.
  m_counts.add(w.layer, "core_cycle", cores * s.compute_s * m_timing.clock_hz);
  m_counts.add(w.layer, m_program->mac_action, w.macs);
  if (!m_program->l1.empty()) {
    auto& l1 = m_local_counts[m_program->l1];
    l1.add(w.layer, "read_bytes", w.l1_read_bytes);
    l1.add(w.layer, "write_bytes", w.l1_write_bytes);
    // Each working core reads and writes its own L1 at its bandwidth.
    auto& ports = m_local_resources[m_l1];
    if (m_timing.l1_bytes_per_s > 0 && !ports.empty()) {
      const double per_core = (w.l1_read_bytes + w.l1_write_bytes) / cores / m_timing.l1_bytes_per_s;
      const auto used = std::min<std::size_t>(ports.size(), static_cast<std::size_t>(cores));
      for (std::size_t c = 0; c < used; ++c) s.local.push_back({&ports[c], per_core});
    }
  }
  // The L2's (and L3's) side of transfers arriving from or leaving for the level
  // below: the transfer itself crossed the bus once, counted there.
  const auto fill_and_evict = [&](const std::string& cache, double fill, double evict) {
    if (cache.empty()) return;
    auto& c = m_local_counts[cache];
    c.add(w.layer, "write_bytes", fill);
    c.add(w.layer, "read_bytes", evict);
  };
  fill_and_evict(m_program->l2, w.l2_fill_bytes, w.l2_evict_bytes);
  fill_and_evict(m_program->l3, w.l3_fill_bytes, w.l3_evict_bytes);
  return s;
}

}  // namespace mottsim::models

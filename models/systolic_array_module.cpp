#include "models/systolic_array_module.hpp"

namespace mottsim::models {

systolic_array_module::systolic_array_module(const sc_core::sc_module_name& name, const systolic_timing& timing,
                                             const std::string& buffer, const std::string& accumulators,
                                             const std::string& weight_fifo)
    : stream_initiator(name, timing.transaction_bytes, timing.outstanding, timing.quantum_s), m_timing(timing),
      m_buffer(buffer),
      m_accumulators(accumulators), m_weight_fifo(weight_fifo) {
  if (m_timing.buffer_bytes_per_s > 0) m_local_resources[m_buffer].resize(1);
  if (!m_accumulators.empty() && m_timing.accumulator_bytes_per_s > 0) m_local_resources[m_accumulators].resize(1);
  if (!m_weight_fifo.empty() && m_timing.weight_fifo_bytes_per_s > 0) m_local_resources[m_weight_fifo].resize(1);
}

stream_layer systolic_array_module::layer(std::size_t i) {
  const systolic_layer& w = m_program->layers[i];
  stream_layer s;
  s.layer = w.layer;
  s.steps = w.steps;
  s.compute_s = (w.array_cycles + w.vector_ops / static_cast<double>(m_timing.vector_lanes)) / m_timing.clock_hz;
  s.prefetch = w.prefetch;
  s.writeback = w.writeback;

  m_counts.add(w.layer, "mac", w.macs);
  m_counts.add(w.layer, "weight_load", w.weight_loads);
  m_counts.add(w.layer, "pe_storage_bits", w.pe_storage_bits);
  m_counts.add(w.layer, "vector_op", w.vector_ops);

  // Partial sums go to the accumulators when there are any, else to the buffer.
  const bool separate = !m_accumulators.empty();
  auto& buffer = m_local_counts[m_buffer];
  buffer.add(w.layer, "read_bytes", w.buffer_read_bytes + (separate ? 0 : w.accumulator_read_bytes));
  buffer.add(w.layer, "write_bytes", w.buffer_write_bytes + (separate ? 0 : w.accumulator_write_bytes));
  if (separate) {
    auto& acc = m_local_counts[m_accumulators];
    acc.add(w.layer, "read_bytes", w.accumulator_read_bytes);
    acc.add(w.layer, "write_bytes", w.accumulator_write_bytes);
  }
  const auto busy = [&](const std::string& name, double bytes, double rate) {
    auto r = m_local_resources.find(name);
    if (rate > 0 && r != m_local_resources.end() && !r->second.empty())
      s.local.push_back({&r->second.front(), bytes / rate});
  };
  if (!m_weight_fifo.empty()) {
    auto& fifo = m_local_counts[m_weight_fifo];
    fifo.add(w.layer, "read_bytes", w.weight_fifo_read_bytes);
    fifo.add(w.layer, "write_bytes", w.weight_fifo_write_bytes);
    busy(m_weight_fifo, w.weight_fifo_read_bytes + w.weight_fifo_write_bytes, m_timing.weight_fifo_bytes_per_s);
  }
  if (separate) {
    busy(m_buffer, w.buffer_read_bytes + w.buffer_write_bytes, m_timing.buffer_bytes_per_s);
    busy(m_accumulators, w.accumulator_read_bytes + w.accumulator_write_bytes, m_timing.accumulator_bytes_per_s);
  } else {
    busy(m_buffer,
         w.buffer_read_bytes + w.buffer_write_bytes + w.accumulator_read_bytes + w.accumulator_write_bytes,
         m_timing.buffer_bytes_per_s);
  }
  return s;
}

}  // namespace mottsim::models

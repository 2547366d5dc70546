#pragma once
#include <string>
#include <vector>

#include "models/stream_initiator.hpp"

namespace mottsim::models {

struct systolic_timing {
  double clock_hz = 1e9;
  long long vector_lanes = 64;
  double quantum_s = 1e-6;
  double transaction_bytes = 4096;
  long long outstanding = 4;  // DMA bursts in flight at once
  // Bytes per second the scratchpads deliver to the array (0: not modelled).
  double buffer_bytes_per_s = 0;
  double accumulator_bytes_per_s = 0;
  double weight_fifo_bytes_per_s = 0;
};

// What one layer asks of the array, as the planner worked it out.
struct systolic_layer {
  int layer = -1;
  double array_cycles = 0;  // cycles the array streams (weight tiles x rows, fill and drain)
  double macs = 0;
  double weight_loads = 0;  // weights shifted into processing elements
  double pe_storage_bits = 0;  // bits read or written in the PEs' registers and scratchpads
  double vector_ops = 0;    // pooling, adds, activations on the vector unit
  long long steps = 1;
  std::vector<stream_transfer> prefetch;   // DRAM reads into the buffer
  std::vector<stream_transfer> writeback;  // outputs to DRAM
  double buffer_read_bytes = 0, buffer_write_bytes = 0;
  double accumulator_read_bytes = 0, accumulator_write_bytes = 0;
  double weight_fifo_read_bytes = 0, weight_fifo_write_bytes = 0;
};

struct systolic_program {
  std::string buffer;        // component names
  std::string accumulators;  // empty: partial sums live in the buffer
  std::string weight_fifo;   // empty: weights are staged in the buffer
  std::vector<systolic_layer> layers;
};

// A systolic MAC array, weight-stationary (TPU-like: weight tiles of rows x
// columns sit in the processing elements while input rows stream through;
// partial sums go to the accumulator scratchpad) or row-stationary (Eyeriss:
// row_stationary.hpp); the planner works out which. DRAM traffic (from the same
// blocking model as the CPU, with the buffer as the cache) moves as TLM bursts
// through the bus; the scratchpads (and a weight FIFO, when weights stream
// from DRAM beside the buffer as in TPU v1) are wired to the array and are
// counted and kept busy here. Compute time = array cycles / clock + vector work.
class systolic_array_module : public stream_initiator {
 public:
  systolic_array_module(const sc_core::sc_module_name& name, const systolic_timing& timing, const std::string& buffer,
                        const std::string& accumulators, const std::string& weight_fifo);

  void load(const systolic_program* p) { m_program = p; }

 protected:
  std::size_t layer_count() const override { return m_program ? m_program->layers.size() : 0; }
  stream_layer layer(std::size_t i) override;

 private:
  systolic_timing m_timing;
  std::string m_buffer, m_accumulators, m_weight_fifo;
  const systolic_program* m_program = nullptr;
};

}  // namespace mottsim::models

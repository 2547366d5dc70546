#pragma once
#include <string>
#include <vector>

#include "models/stream_initiator.hpp"

namespace mottsim::models {

struct processor_timing {
  long long cores = 4;
  double clock_hz = 2e9;
  double macs_per_cycle = 32;  // per core, of the precision the program uses
  double utilization = 0.9;    // of the peak MAC rate, in GEMM loops whose layer sets none
  double quantum_s = 1e-6;
  double transaction_bytes = 4096;
  long long outstanding = 4;  // bursts of the stream in flight at once
  // Each core's L1 data cache: bytes per second it delivers (0: no L1).
  double l1_bytes_per_s = 0;
};

// What one layer asks of the processor, as the planner worked it out (counts
// and bytes; the module turns them into time with its timing).
struct processor_layer {
  int layer = -1;
  double macs = 0;            // on the SIMD MAC units
  double utilization = 0;     // of the cores' peak MAC rate, from the layer's roofline; 0: the timing's
  std::string bound;          // what limits it: "compute", "L1", "L2", "L3" or "DRAM"
  double vector_ops = 0;      // element operations: pooling, adds, activations
  double instructions = 0;    // SIMD MAC, load/store and vector instructions
  long long cores_used = 1;   // cores with work in this layer
  long long steps = 1;
  std::vector<stream_transfer> prefetch;   // DRAM reads into the caches
  std::vector<stream_transfer> during;     // L2 <-> L1 fills and write-backs
  std::vector<stream_transfer> writeback;  // outputs to DRAM
  double l1_read_bytes = 0, l1_write_bytes = 0;  // all cores; the L1s are private, not on the bus
  double l2_fill_bytes = 0;   // L2 writes of lines arriving from below (the transfer crossed the bus)
  double l2_evict_bytes = 0;  // L2 reads of lines leaving for the level below
  double l3_fill_bytes = 0;   // L3 writes of lines arriving from DRAM
  double l3_evict_bytes = 0;  // L3 reads of lines leaving for DRAM
};

struct processor_program {
  std::string mac_action = "int8_mac";  // or "fp32_mac"
  std::string l1;                       // component names, empty when absent
  std::string l2;
  std::string l3;
  std::vector<processor_layer> layers;
};

// A multicore CPU running the network as im2col + blocked GEMM (see
// gemm_blocking.hpp): per layer, DRAM and L2 traffic as TLM bursts through the
// bus; compute time = MACs / (cores x MACs per cycle x clock x the layer's
// roofline utilization)
// plus vector work at the full SIMD rate. Compute overlaps the DRAM stream and
// the L2 <-> L1 traffic (stream_initiator). Counts instructions, core-cycles and MACs; the
// L1 and the L2's side of DRAM traffic are counted for their components here
// because those accesses do not cross the bus.
class processor_module : public stream_initiator {
 public:
  // `l1` names the L1 component (its `l1_instances` are the cores' caches).
  processor_module(const sc_core::sc_module_name& name, const processor_timing& timing, const std::string& l1,
                   long long l1_instances);

  void load(const processor_program* p) { m_program = p; }

 protected:
  std::size_t layer_count() const override { return m_program ? m_program->layers.size() : 0; }
  stream_layer layer(std::size_t i) override;

 private:
  processor_timing m_timing;
  std::string m_l1;
  const processor_program* m_program = nullptr;
};

}  // namespace mottsim::models

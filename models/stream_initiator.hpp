#pragma once
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <map>
#include <string>
#include <vector>

#include "models/action_counter.hpp"
#include "models/busy_resource.hpp"
#include "models/transfer_window.hpp"

namespace mottsim::models {

// Bytes a layer moves on the bus in one direction: `bytes` in all, spread over
// the layer's steps, at `base` with addresses wrapping within `wrap` bytes (a
// tensor re-read, a cache smaller than what streams through it).
struct stream_transfer {
  tlm::tlm_command command = tlm::TLM_READ_COMMAND;
  unsigned long long base = 0;
  unsigned long long wrap = 0;  // 0: no wrap
  double bytes = 0;
};

// The bytes [first, last) of a transfer that step `step` of `steps` issues:
// whole bytes, split evenly, the steps together exactly the total.
struct step_bytes {
  unsigned long long first = 0;
  unsigned long long last = 0;
};
step_bytes bytes_of_step(const stream_transfer& t, long long step, long long steps);

// TLM transactions the initiator issues for a transfer over all its steps:
// bursts of at most `burst` bytes that never cross the wrap. Lets a run's cost
// be known before it is simulated.
unsigned long long transfer_transactions(const stream_transfer& t, long long steps, unsigned long long burst);

// Busy time of a memory the initiator drives directly, not through the bus (a
// core's private L1, the scratchpad wired to a MAC array).
struct local_busy {
  busy_resource* resource = nullptr;
  double seconds = 0;  // over the layer
};

// One layer as the initiator streams it through the memory hierarchy, in
// `steps` equal steps. Each step:
//   1. prefetch: its DRAM reads, issued as soon as the stream is free and a
//      buffer is (double buffering: step s's data may arrive while step s-1
//      computes, not earlier);
//   2. compute: starts when its data has arrived and the previous step is done,
//      and lasts max(compute time, its `during` transfers, its local memories'
//      busy time): cache-to-cache traffic and private memories work while the
//      arithmetic does;
//   3. writeback: its DRAM writes, issued when its compute ends, overlapping the
//      next steps (a step's outputs drain while the next step computes).
// So a layer takes about max(compute, memory) plus one step of fill and drain;
// transfers contend with every other initiator on the bus and at the targets.
// Each of these streams keeps at most `outstanding` bursts in flight
// (transfer_window, the controller's DMA engine's machinery).
struct stream_layer {
  int layer = -1;
  long long steps = 1;
  double compute_s = 0;  // over the layer
  std::vector<stream_transfer> prefetch;
  std::vector<stream_transfer> during;
  std::vector<stream_transfer> writeback;
  std::vector<local_busy> local;
};

// Base of the initiators that run a network layer by layer as streamed
// steps (the processor, the systolic array): one SC_THREAD, a quantum keeper,
// TLM bursts of at most `transaction_bytes`. Subclasses turn each of their
// layers into a stream_layer and count their own actions.
class stream_initiator : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<stream_initiator> out;

  struct stage_time {
    int layer;
    double start_s;
    double end_s;
  };

  stream_initiator(const sc_core::sc_module_name& name, double transaction_bytes, long long outstanding,
                   double quantum_s);

  // The burst size a `transaction` parameter gives: whole bytes, at least one.
  static unsigned long long burst_bytes(double transaction_bytes);

  const std::vector<stage_time>& stage_times() const { return m_stage_times; }
  const action_counter& counts() const { return m_counts; }
  busy_resource& resource() { return m_busy; }
  long long transactions() const { return m_transactions; }
  // Actions and busy time of memories driven directly, by component name.
  const std::map<std::string, action_counter>& local_counts() const { return m_local_counts; }
  std::map<std::string, std::vector<busy_resource>>& local_resources() { return m_local_resources; }

 protected:
  virtual std::size_t layer_count() const = 0;
  // Describes layer i and counts its actions (called once, in order).
  virtual stream_layer layer(std::size_t i) = 0;

  action_counter m_counts;
  busy_resource m_busy;  // the initiator's own compute
  std::map<std::string, action_counter> m_local_counts;
  std::map<std::string, std::vector<busy_resource>> m_local_resources;

 private:
  void run();
  void run_layer(const stream_layer& l);
  // Issues step `step` of `steps` of the transfers from `at`, one stream of
  // bursts; returns when the last completes.
  sc_core::sc_time issue(const std::vector<stream_transfer>& transfers, long long step, long long steps, int layer,
                         const sc_core::sc_time& at);
  void advance_to(const sc_core::sc_time& t);

  double m_transaction_bytes;
  double m_quantum_s;
  tlm_utils::tlm_quantumkeeper m_keeper;
  sc_core::sc_time m_cursor = sc_core::SC_ZERO_TIME;  // where the next layer starts
  std::vector<unsigned char> m_scratch;
  struct burst {
    tlm::tlm_command command;
    unsigned long long address;
    unsigned long long length;
  };
  std::vector<burst> m_bursts;  // the bursts of the stream being issued
  transfer_window m_window;
  std::vector<stage_time> m_stage_times;
  long long m_transactions = 0;
};

}  // namespace mottsim::models

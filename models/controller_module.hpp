#pragma once
#ifndef SC_INCLUDE_DYNAMIC_PROCESSES
#define SC_INCLUDE_DYNAMIC_PROCESSES
#endif
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <map>
#include <vector>

#include "models/action_counter.hpp"
#include "models/busy_resource.hpp"
#include "models/program.hpp"
#include "models/transfer_window.hpp"

namespace mottsim::models {

struct controller_timing {
  double clock_hz = 1e9;
  long long command_cycles = 4;
  long long vector_lanes = 32;
  double quantum_s = 1e-6;
  long long outstanding = 4;  // DMA bursts in flight at once
};

// The initiator that executes the mapped program: DMA between memories and
// tiles, tile commands, and the element-wise work (pooling, adds, ReLU) the
// tiles do not do. Loosely timed with a quantum keeper; one thread, or under
// the pipeline schedule one per stage, each running its stage on every
// inference in turn as models/pipeline_gate allows. Each thread's DMA keeps
// `outstanding` bursts in flight (transfer_window: a channel per stage); a
// drain out of a tile sends each burst as soon as the outputs it carries
// exist; an input streaming into a running tile arrives chunk by chunk, each
// chunk written once the tile has read the one its buffer space held.
class controller_module : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<controller_module> out;

  controller_module(const sc_core::sc_module_name& name, const controller_timing& timing);

  void load(const program* p) { m_program = p; }

  // One run of a stage: one inference's work of one layer.
  struct stage_time {
    int layer;
    double start_s;
    double end_s;
  };
  // runs()[stage][inference]: stage 0 (programming) runs once, every other
  // stage once per inference of the program.
  const std::vector<std::vector<stage_time>>& runs() const { return m_runs; }
  const action_counter& counts() const { return m_counts; }
  busy_resource& resource() { return m_busy; }
  long long transactions() const { return m_transactions; }
  double finish_s() const { return m_finish_s; }
  // Pipeline schedule with the default count: whether the run stopped because
  // program::steady said the period had settled (false: it ran to the most).
  bool settled() const { return m_settled; }

 private:
  void run();
  // What a stage's ops pass on to the ops after them.
  struct stage_state {
    explicit stage_state(long long outstanding) : window(outstanding) {}
    sc_core::sc_time started;  // when the jobs of the tile last asked (tile_started) started
    const std::map<const tile_job*, tile_job_timeline>* timelines = nullptr;  // and when they output
    // The same, per tile asked: a drain of a job reads its own tile's.
    struct tile_outputs {
      sc_core::sc_time started;
      const std::map<const tile_job*, tile_job_timeline>* timelines = nullptr;
    };
    std::map<long long, tile_outputs> tiles;
    transfer_window window;    // the stage's DMA channel
    // Per tile: when the crossbars read each chunk of its streamed input
    // (from its last tile_compute), which frees the chunk's buffer space.
    std::map<long long, std::vector<sc_core::sc_time>> consumed;
  };
  void run_stage(const program_stage& stage, std::size_t index);
  void execute(const program_op& op, int layer, sc_core::sc_time& local, stage_state& state);
  sc_core::sc_time dma(const program_op& op, int layer, const sc_core::sc_time& start, stage_state& state);
  void transport(tlm::tlm_command command, unsigned long long address, double bytes, int layer,
                 sc_core::sc_time& local, struct tile_command* command_ext = nullptr,
                 struct dma_route* route_ext = nullptr);

  controller_timing m_timing;
  const program* m_program = nullptr;
  std::vector<std::vector<stage_time>> m_runs;
  action_counter m_counts;
  busy_resource m_busy;
  std::vector<unsigned char> m_scratch;
  long long m_transactions = 0;
  bool m_settled = false;
  double m_finish_s = 0.0;
};

}  // namespace mottsim::models

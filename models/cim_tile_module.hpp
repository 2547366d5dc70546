#pragma once
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <map>
#include <memory>
#include <vector>

#include "models/action_counter.hpp"
#include "models/busy_resource.hpp"
#include "models/cim_tile_params.hpp"
#include "models/memory_module.hpp"
#include "models/tile_job.hpp"
#include "models/tile_part.hpp"

namespace mottsim::models {

// All `count` instances of one cim_tile component. Plain reads and writes hit
// an instance's local buffer (its slice of the window); tile_command
// extensions start a job, program weights, wait for the instance to finish, or
// report when its latest jobs started.
// A job's vectors stream through the tile's parts, child modules reached over
// TLM sockets: its crossbar arrays, the activation arrays and converter banks
// of their readout groups (one per readout_share arrays), and its digital
// lanes. The parts' busy resources decide when the job ends, so arrays sharing
// a readout group, or a neuron cooling between reads, take the time they take.
// An instance starts a command once its previous one is done; the initiator
// can start many tiles and collect them later without a thread per tile. A
// job whose input streams in is started with its first chunk's vectors and
// fed the others as they arrive: its parts serve each chunk from its arrival.
class cim_tile_module : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<cim_tile_module> in;

  cim_tile_module(const sc_core::sc_module_name& name, const cim_tile_params& params, long long count,
                  unsigned long long instance_bytes, const memory_timing& buffer_timing);

  const action_counter& counts() const { return m_counts; }
  // Per instance: busy from the start of each command to the end of its last part's work.
  std::vector<busy_resource>& compute_resources() { return m_compute; }
  const cim_tile_params& params() const { return m_params; }

  // The parts: arrays and digital lanes are indexed instance x arrays + array,
  // readout groups instance x readout_groups + group.
  const tile_part& crossbars() const { return m_crossbar; }
  const tile_part* activations() const { return m_activation.get(); }
  const tile_part& converters() const { return m_adc; }
  const tile_part* sample_holds() const { return m_sample_hold.get(); }
  const tile_part& digital_lanes() const { return m_digital; }
  // When each job of an instance's latest command outputs its vectors.
  const std::map<const tile_job*, tile_job_timeline>& timelines(long long instance) const {
    return m_timelines[static_cast<std::size_t>(instance)];
  }

 private:
  using part_socket = tlm_utils::simple_initiator_socket_optional<cim_tile_module>;

  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);
  // Starts `jobs` (a compute) or hands them more of their input (a feed):
  // `chunk_vectors` of each (all of them when null) are in the buffer from
  // `arrival`. Returns when the crossbars have read those vectors' inputs.
  sc_core::sc_time compute(long long instance, const std::vector<const tile_job*>& jobs,
                           const std::vector<long long>* chunk_vectors, const sc_core::sc_time& arrival, int layer,
                           bool feed);
  // Hands a job's stream to a part (units from `base` + the demand's first)
  // and returns it as the part's slowest unit passes it on.
  vector_stream send(part_socket& socket, long long base, const part_demand& demand, const vector_stream& stream,
                     int layer, bool held = false, double held_from_s = 0.0);

  cim_tile_params m_params;
  unsigned long long m_instance_bytes;
  memory_timing m_buffer_timing;
  tile_part m_crossbar;
  std::unique_ptr<tile_part> m_activation;   // a readout chain with an analog activation
  tile_part m_adc;
  std::unique_ptr<tile_part> m_sample_hold;  // a readout chain with sample-and-hold
  tile_part m_digital;
  part_socket m_to_crossbar, m_to_activation, m_to_adc, m_to_sample_hold, m_to_digital;
  std::vector<busy_resource> m_compute;  // per instance
  std::vector<busy_resource> m_buffer;   // local buffer port, per instance
  std::vector<sc_core::sc_time> m_started;  // when each instance's latest jobs started
  std::vector<std::map<const tile_job*, tile_job_timeline>> m_timelines;  // per instance, its latest jobs
  // Per instance, per job of its latest command: when its first and latest
  // vectors were output (absolute seconds) and how many so far, as its input
  // streams in chunk by chunk, and what each vector asks of the tile's parts
  // (worked out at the job's start, reused by every chunk fed to it).
  struct outputs_so_far {
    double first_s = 0.0;
    double last_s = 0.0;
    long long vectors = 0;
    bool has_demands = false;
    tile_job_demands demands;
  };
  std::vector<std::map<const tile_job*, outputs_so_far>> m_outputs;
  action_counter m_counts;
};

}  // namespace mottsim::models

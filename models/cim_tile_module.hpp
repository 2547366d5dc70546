#pragma once
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <vector>

#include "models/action_counter.hpp"
#include "models/busy_resource.hpp"
#include "models/cim_tile_params.hpp"
#include "models/memory_module.hpp"
#include "models/tile_job.hpp"

namespace mottsim::models {

// All `count` instances of one cim_tile component. Plain reads and writes hit
// an instance's local buffer (its slice of the window); tile_command
// extensions start a job, program weights, wait for the instance to finish, or
// report when its latest jobs started.
// Jobs run on the instance's busy-until timeline, so the initiator can start
// many tiles and collect them later without a thread per tile.
class cim_tile_module : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<cim_tile_module> in;

  cim_tile_module(const sc_core::sc_module_name& name, const cim_tile_params& params, long long count,
                  unsigned long long instance_bytes, const memory_timing& buffer_timing);

  const action_counter& counts() const { return m_counts; }
  std::vector<busy_resource>& compute_resources() { return m_compute; }
  const cim_tile_params& params() const { return m_params; }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  cim_tile_params m_params;
  unsigned long long m_instance_bytes;
  memory_timing m_buffer_timing;
  std::vector<busy_resource> m_compute;  // crossbars + readout, per instance
  std::vector<busy_resource> m_buffer;   // local buffer port, per instance
  std::vector<sc_core::sc_time> m_started;  // when each instance's latest jobs started
  action_counter m_counts;
};

}  // namespace mottsim::models

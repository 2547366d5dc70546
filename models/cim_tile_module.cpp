#include "models/cim_tile_module.hpp"

#include <algorithm>

#include "models/sim_time.hpp"
#include "models/tlm_extensions.hpp"

namespace mottsim::models {

cim_tile_module::cim_tile_module(const sc_core::sc_module_name& name, const cim_tile_params& params, long long count,
                                 unsigned long long instance_bytes, const memory_timing& buffer_timing)
    : sc_module(name), in("in"), m_params(params), m_instance_bytes(instance_bytes), m_buffer_timing(buffer_timing),
      m_compute(static_cast<std::size_t>(count)), m_buffer(static_cast<std::size_t>(count)),
      m_started(static_cast<std::size_t>(count)) {
  in.register_b_transport(this, &cim_tile_module::b_transport);
}

void cim_tile_module::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  int layer = -1;
  if (auto* tag = trans.get_extension<layer_tag>()) layer = tag->layer;
  const sc_core::sc_time arrival = sc_core::sc_time_stamp() + delay;
  if (auto* cmd = trans.get_extension<tile_command>()) {
    if (cmd->instance < 0 || static_cast<std::size_t>(cmd->instance) >= m_compute.size()) {
      trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      return;
    }
    busy_resource& tile = m_compute[static_cast<std::size_t>(cmd->instance)];
    switch (cmd->what) {
      case tile_command::kind::compute: {
        // Accept the job and return: the tile works on its own timeline.
        const tile_job_cost cost = cost_tile_jobs(m_params, *cmd->jobs);
        const sc_core::sc_time time = to_sc_time(cost.time_s, *this, "a crossbar job");
        m_started[static_cast<std::size_t>(cmd->instance)] = tile.occupy(arrival, time, layer) - time;
        for (const auto& [action, n] : cost.actions) m_counts.add(layer, action, n);
        break;
      }
      case tile_command::kind::program: {
        // Rows program one after another (row-parallel write with verify);
        // all arrays of the tile program at once.
        tile.occupy(arrival, to_sc_time(cmd->rows * m_params.write_time_s, *this, "weight programming"), layer);
        m_counts.add(layer, "cell_write", cmd->cells);
        break;
      }
      case tile_command::kind::wait: {
        if (tile.busy_until() > arrival) delay = tile.busy_until() - sc_core::sc_time_stamp();
        break;
      }
      case tile_command::kind::started: {
        cmd->started = m_started[static_cast<std::size_t>(cmd->instance)];
        break;
      }
    }
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }
  const unsigned long long instance = trans.get_address() / m_instance_bytes;
  if (instance >= m_buffer.size()) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const double bytes = trans.get_data_length();
  const sc_core::sc_time done = m_buffer[instance].occupy(
      arrival, to_sc_time(m_buffer_timing.service_s(bytes), *this, "a buffer access"), layer);
  delay = done + to_sc_time(m_buffer_timing.tail_s, *this, "a buffer access's latency") - sc_core::sc_time_stamp();
  m_counts.add(layer, trans.is_read() ? "buffer_read_bytes" : "buffer_write_bytes", bytes);
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace mottsim::models

#include "models/cim_tile_module.hpp"

#include <algorithm>

#include "models/sim_time.hpp"
#include "models/tlm_extensions.hpp"

namespace mottsim::models {

cim_tile_module::cim_tile_module(const sc_core::sc_module_name& name, const cim_tile_params& params, long long count,
                                 unsigned long long instance_bytes, const memory_timing& buffer_timing)
    : sc_module(name), in("in"), m_params(params), m_instance_bytes(instance_bytes), m_buffer_timing(buffer_timing),
      m_crossbar("crossbar", count * params.arrays),
      // The chain's analog activation names its part, as in the YAML.
      m_activation(params.has_neuron
                       ? std::make_unique<tile_part>(params.activation_part.c_str(), count * params.readout_groups())
                       : nullptr),
      m_adc("adc", count * params.readout_groups()),
      m_sample_hold(params.has_sample_hold ? std::make_unique<tile_part>("sample_hold", count * params.readout_groups())
                                           : nullptr),
      m_digital("digital", count * params.arrays), m_to_crossbar("to_crossbar"), m_to_activation("to_activation"),
      m_to_adc("to_adc"), m_to_sample_hold("to_sample_hold"), m_to_digital("to_digital"),
      m_compute(static_cast<std::size_t>(count)), m_buffer(static_cast<std::size_t>(count)),
      m_started(static_cast<std::size_t>(count)), m_timelines(static_cast<std::size_t>(count)),
      m_outputs(static_cast<std::size_t>(count)) {
  in.register_b_transport(this, &cim_tile_module::b_transport);
  m_to_crossbar.bind(m_crossbar.in);
  if (m_activation) m_to_activation.bind(m_activation->in);
  m_to_adc.bind(m_adc.in);
  if (m_sample_hold) m_to_sample_hold.bind(m_sample_hold->in);
  m_to_digital.bind(m_digital.in);
}

vector_stream cim_tile_module::send(part_socket& socket, long long base, const part_demand& demand,
                                    const vector_stream& stream, int layer, bool held, double held_from_s) {
  // A part with nothing to do for this job passes the stream on untouched.
  const bool idle = std::all_of(demand.service_s.begin(), demand.service_s.end(), [](double s) { return s <= 0; });
  if (idle && !held) return stream;
  part_batch batch;
  batch.first = base + demand.first;
  batch.service_s = &demand.service_s;
  batch.stream = stream;
  batch.held = held;
  batch.held_from_s = held_from_s;
  batch.layer = layer;
  tlm::tlm_generic_payload trans;
  trans.set_command(tlm::TLM_IGNORE_COMMAND);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  scoped_extension<part_batch> attached(trans, &batch);
  sc_core::sc_time unused = sc_core::SC_ZERO_TIME;
  socket->b_transport(trans, unused);
  sc_assert(trans.get_response_status() == tlm::TLM_OK_RESPONSE);
  return batch.stream;
}

sc_core::sc_time cim_tile_module::compute(long long instance, const std::vector<const tile_job*>& jobs,
                                          const std::vector<long long>* chunk_vectors,
                                          const sc_core::sc_time& arrival, int layer, bool feed) {
  const auto i = static_cast<std::size_t>(instance);
  busy_resource& tile = m_compute[i];
  // A compute starts once the tile's previous command is done; a feed's
  // vectors join the running jobs when they arrive (the parts serve them in
  // turn after the vectors before them).
  const sc_core::sc_time start = feed ? std::max(arrival, m_started[i]) : std::max(arrival, tile.busy_until());
  const double start_s = start.to_seconds();
  const long long arrays = instance * m_params.arrays, groups = instance * m_params.readout_groups();
  auto& timelines = m_timelines[i];
  auto& outputs = m_outputs[i];
  if (!feed) {
    timelines.clear();
    outputs.clear();
    m_started[i] = start;
  }
  const double started_s = m_started[i].to_seconds();
  double end_s = start_s, read_s = start_s;
  std::map<std::string, double> actions;
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    const tile_job* job = jobs[k];
    // A job's actions are its whole input's: counted once, when it starts.
    if (!feed)
      for (const auto& [action, n] : tile_job_actions(m_params, *job)) actions[action] += n;
    const long long vectors = chunk_vectors ? (*chunk_vectors)[k] : job->vectors;
    if (vectors <= 0) continue;
    outputs_so_far& o = outputs[job];
    if (!o.has_demands) {
      o.demands = tile_job_part_demands(m_params, *job);
      o.has_demands = true;
    }
    const tile_job_demands& d = o.demands;
    // These vectors are in the buffer once the job's start delay is over.
    const double ready_s = std::max(start_s, started_s + job->start_delay_s);
    vector_stream s{ready_s, ready_s, vectors};
    if (d.read_held && m_activation) {
      const vector_stream read = send(m_to_activation, groups, d.activation, s, layer);
      send(m_to_crossbar, arrays, d.crossbar, read, layer, true, s.first_s);
      s = read;
    } else {
      s = send(m_to_crossbar, arrays, d.crossbar, s, layer);
    }
    read_s = std::max(read_s, s.last_s);
    s = send(m_to_adc, groups, d.converter, s, layer);
    s = send(m_to_digital, arrays, d.digital, s, layer);
    end_s = std::max(end_s, s.last_s);
    // The job's outputs so far, spread evenly from its first to its latest
    // (exact when every chunk's vectors leave at the pace of the slowest
    // stage; within a chunk when the input is what paces them).
    if (o.vectors == 0) o.first_s = s.first_s;
    o.last_s = std::max(o.last_s, s.last_s);
    o.vectors += vectors;
    const double period = o.vectors > 1 ? (o.last_s - o.first_s) / static_cast<double>(o.vectors - 1) : 0.0;
    timelines[job] = tile_job_timeline{o.first_s - started_s, period, job->vectors};
  }
  for (const auto& [action, n] : actions) m_counts.add(layer, action, n);
  if (!feed) {
    tile.occupy(start, to_sc_time(end_s - start_s, *this, "a crossbar job"), layer);
  } else if (const sc_core::sc_time end = to_sc_time(end_s, *this, "a crossbar job"); end > tile.busy_until()) {
    tile.occupy_until(tile.busy_until(), end - tile.busy_until(), end, layer);
  }
  return to_sc_time(read_s, *this, "a crossbar read");
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
    const auto i = static_cast<std::size_t>(cmd->instance);
    busy_resource& tile = m_compute[i];
    switch (cmd->what) {
      case tile_command::kind::compute:
      case tile_command::kind::feed: {
        // Accept the jobs (or their next vectors) and return: the tile works
        // on its own timeline.
        cmd->consumed = compute(cmd->instance, *cmd->jobs, cmd->chunk_vectors, arrival, layer,
                                cmd->what == tile_command::kind::feed);
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
        cmd->started = m_started[i];
        cmd->timelines = &m_timelines[i];
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

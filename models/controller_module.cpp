#define SC_INCLUDE_DYNAMIC_PROCESSES
#include "models/controller_module.hpp"

#include <tlm_utils/tlm_quantumkeeper.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "models/pipeline_gate.hpp"
#include "models/sim_time.hpp"
#include "models/tlm_extensions.hpp"

namespace mottsim::models {

controller_module::controller_module(const sc_core::sc_module_name& name, const controller_timing& timing)
    : sc_module(name), out("out"), m_timing(timing),
      m_scratch(static_cast<std::size_t>(std::max(64.0, models::dma_burst_bytes))) {
  SC_HAS_PROCESS(controller_module);
  SC_THREAD(run);
}

void controller_module::run() {
  if (!m_program) return;
  tlm_utils::tlm_quantumkeeper::set_global_quantum(to_sc_time(m_timing.quantum_s, *this, "the quantum"));
  m_runs.assign(m_program->stages.size(), {});
  if (!m_program->concurrent) {
    for (std::size_t i = 0; i < m_program->stages.size(); ++i) run_stage(m_program->stages[i], i);
  } else {
    // A layer pipeline: stage 0 (weight programming) comes first; then every
    // stage works through the inferences as its inputs and buffers allow,
    // competing for the bus and memories with the stages working on other
    // inferences, as in steady state.
    // With the default count the run goes on until the period settles (see
    // program::steady): every `check_every` completions past the minimum the
    // completion times are tested, and once they hold steady no stage starts
    // an inference that none has started.
    if (!m_program->stages.empty()) run_stage(m_program->stages.front(), 0);
    pipeline_gate gate(*m_program);
    const bool adaptive = m_program->steady && m_program->inferences_max > m_program->inferences;
    const long long most = adaptive ? m_program->inferences_max : m_program->inferences;
    constexpr long long check_every = 8;
    std::vector<double> completions;
    long long started = 0;  // the most inferences any stage has started
    std::vector<sc_core::sc_process_handle> handles;
    for (std::size_t i = 1; i < m_program->stages.size(); ++i) {
      handles.push_back(sc_core::sc_spawn([&, i] {
        for (long long k = 0; k < most; ++k) {
          if (!gate.wait_turn(i, k)) break;
          started = std::max(started, k + 1);
          run_stage(m_program->stages[i], i);
          gate.finished(i);
          if (!adaptive || m_settled) continue;
          const auto done = static_cast<std::size_t>(gate.completed(1));
          if (done <= completions.size()) continue;
          completions.resize(done, sc_core::sc_time_stamp().to_seconds());
          if (static_cast<long long>(done) >= m_program->inferences && done % check_every == 0 &&
              m_program->steady(completions)) {
            m_settled = true;
            gate.stop_at(started);
          }
        }
      }));
    }
    for (auto& h : handles)
      if (!h.terminated()) sc_core::wait(h.terminated_event());
  }
  m_finish_s = sc_core::sc_time_stamp().to_seconds();
  for (const auto& runs : m_runs)
    for (const auto& r : runs) m_finish_s = std::max(m_finish_s, r.end_s);
}

void controller_module::run_stage(const program_stage& stage, std::size_t index) {
  tlm_utils::tlm_quantumkeeper keeper;
  keeper.reset();
  const double start = sc_core::sc_time_stamp().to_seconds();
  sc_core::sc_time local = sc_core::SC_ZERO_TIME;
  stage_state state(m_timing.outstanding);
  for (const auto& op : stage.ops) {
    execute(op, stage.layer, local, state);
    keeper.set(local);
    if (keeper.need_sync()) {
      keeper.sync();
      local = sc_core::SC_ZERO_TIME;
    }
  }
  const double end = (sc_core::sc_time_stamp() + local).to_seconds();
  keeper.set(local);
  keeper.sync();
  m_runs[index].push_back({stage.layer, start, end});
}

void controller_module::transport(tlm::tlm_command command, unsigned long long address, double bytes, int layer,
                                  sc_core::sc_time& local, tile_command* command_ext, dma_route* route_ext) {
  tlm::tlm_generic_payload trans;
  layer_tag tag;
  tag.layer = layer;
  const scoped_extension<layer_tag> tag_attached(trans, &tag);
  const scoped_extension<tile_command> command_attached(trans, command_ext);
  const scoped_extension<dma_route> route_attached(trans, route_ext);
  const auto length = static_cast<unsigned int>(bytes);
  trans.set_command(command);
  trans.set_address(address);
  trans.set_data_ptr(m_scratch.data());
  trans.set_data_length(length);
  trans.set_streaming_width(length);
  trans.set_byte_enable_ptr(nullptr);
  trans.set_dmi_allowed(false);
  trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  out->b_transport(trans, local);
  ++m_transactions;
  const auto status = trans.get_response_status();
  if (status != tlm::TLM_OK_RESPONSE) {
    std::ostringstream msg;
    msg << "transaction to 0x" << std::hex << address << std::dec << " (" << bytes
        << " bytes) failed: " << trans.get_response_string();
    SC_REPORT_FATAL("mottsim/controller", msg.str().c_str());
  }
}

// Copies op.bytes in bursts of at most dma_burst_bytes, each a read into the
// engine and a write out of it, `outstanding` bursts in flight. A drain's
// burst waits for the last vector whose outputs it carries.
sc_core::sc_time controller_module::dma(const program_op& op, int layer, const sc_core::sc_time& start,
                                        stage_state& state) {
  const double burst = dma_burst_bytes;
  const auto bursts = static_cast<long long>(std::ceil(op.bytes / burst));
  tile_job_timeline drain = op.drain;
  sc_core::sc_time started = state.started;
  const auto* timelines = state.timelines;
  if (op.drain_job)
    if (auto t = state.tiles.find(op.drain_job->tile); t != state.tiles.end()) {
      started = t->second.started;
      timelines = t->second.timelines;
    }
  if (op.drain_job && timelines)
    if (auto t = timelines->find(op.drain_job); t != timelines->end()) drain = t->second;
  const double vectors =
      static_cast<double>(op.drain_count > 0 ? std::min(op.drain_count, drain.vectors) : drain.vectors);
  const auto first = static_cast<double>(op.drain_count > 0 ? op.drain_first : 0);
  const auto ready = [&](std::size_t i) {
    if (drain.vectors <= 0 || vectors <= 0) return start;
    const double carried = std::min(op.bytes, static_cast<double>(i + 1) * burst);
    // Vectors whose outputs end within this burst (a tolerance for rounding).
    const double needed = first + std::clamp(std::ceil(carried / op.bytes * vectors - 1e-9), 1.0, vectors);
    return std::max(start, started + to_sc_time(drain.first_s + (needed - 1) * drain.period_s, *this,
                                                "a drained output's completion"));
  };
  const sc_core::sc_time quantum = tlm_utils::tlm_quantumkeeper::get_global_quantum();
  const auto issue = [&](int leg, std::size_t i, const sc_core::sc_time& at) {
    // A burst a quantum or more ahead of the kernel (a drain waiting for its
    // outputs) waits for it, as the quantum keeper would: the busy resources
    // serve in the order they are asked, so other stages' earlier transfers
    // must reach them first.
    if (at - sc_core::sc_time_stamp() >= quantum) sc_core::wait(at - sc_core::sc_time_stamp());
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    const double offset = static_cast<double>(i) * burst;
    const double chunk = std::min(burst, op.bytes - offset);
    const auto o = static_cast<unsigned long long>(offset);
    sc_core::sc_time delay = at - now;
    const unsigned long long src = op.src + (op.src_wrap ? o % op.src_wrap : o);
    const unsigned long long dst = op.dst + (op.dst_wrap ? o % op.dst_wrap : o);
    // Each leg names its other end: a network that routes directly carries
    // the burst from source to destination once (dma_route).
    dma_route route;
    route.peer = leg == 0 ? dst : src;
    if (leg == 0)
      transport(tlm::TLM_READ_COMMAND, src, chunk, layer, delay, nullptr, &route);
    else
      transport(tlm::TLM_WRITE_COMMAND, dst, chunk, layer, delay, nullptr, &route);
    return now + delay;
  };
  return state.window.run(bursts, 2, start, ready, issue);
}

void controller_module::execute(const program_op& op, int layer, sc_core::sc_time& local, stage_state& state) {
  switch (op.what) {
    case program_op::kind::dma: {
      sc_core::sc_time start = sc_core::sc_time_stamp() + local;
      if (op.after_instance >= 0 && op.after_chunk >= 0)
        if (auto c = state.consumed.find(op.after_instance);
            c != state.consumed.end() && static_cast<std::size_t>(op.after_chunk) < c->second.size())
          start = std::max(start, c->second[static_cast<std::size_t>(op.after_chunk)]);
      const sc_core::sc_time done = dma(op, layer, start, state);
      local = done - sc_core::sc_time_stamp();  // the drain may have waited
      break;
    }
    case program_op::kind::tile_compute:
    case program_op::kind::tile_feed:
    case program_op::kind::tile_program:
    case program_op::kind::tile_wait:
    case program_op::kind::tile_started: {
      tile_command cmd;
      cmd.instance = op.instance;
      cmd.jobs = &op.jobs;
      if (!op.chunk_vectors.empty()) cmd.chunk_vectors = &op.chunk_vectors;
      cmd.cells = op.cells;
      cmd.rows = op.rows;
      cmd.what = op.what == program_op::kind::tile_compute   ? tile_command::kind::compute
                 : op.what == program_op::kind::tile_feed    ? tile_command::kind::feed
                 : op.what == program_op::kind::tile_program ? tile_command::kind::program
                 : op.what == program_op::kind::tile_wait    ? tile_command::kind::wait
                                                             : tile_command::kind::started;
      const sc_core::sc_time issue =
          to_sc_time(static_cast<double>(m_timing.command_cycles) / m_timing.clock_hz, *this, "a command");
      m_busy.occupy(sc_core::sc_time_stamp() + local, issue, layer);
      local += issue;
      m_counts.add(layer, "command", 1);
      // A command is a 16-byte descriptor on the bus.
      transport(tlm::TLM_WRITE_COMMAND, op.tile_address, 16, layer, local, &cmd);
      if (cmd.what == tile_command::kind::started) {
        state.started = cmd.started;
        state.timelines = cmd.timelines;
        state.tiles[op.instance] = {cmd.started, cmd.timelines};
      }
      if (cmd.what == tile_command::kind::compute) state.consumed[op.instance].assign(1, cmd.consumed);
      if (cmd.what == tile_command::kind::feed) state.consumed[op.instance].push_back(cmd.consumed);
      break;
    }
    case program_op::kind::vector_work: {
      const double cycles = std::ceil(op.element_ops / static_cast<double>(m_timing.vector_lanes));
      const sc_core::sc_time work = to_sc_time(cycles / m_timing.clock_hz, *this, "vector work");
      m_busy.occupy(sc_core::sc_time_stamp() + local, work, layer);
      local += work;
      m_counts.add(layer, "vector_op", op.element_ops);
      break;
    }
  }
}

}  // namespace mottsim::models

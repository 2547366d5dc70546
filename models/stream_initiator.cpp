#include "models/stream_initiator.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "models/sim_time.hpp"
#include "models/tlm_extensions.hpp"

namespace mottsim::models {

step_bytes bytes_of_step(const stream_transfer& t, long long step, long long steps) {
  const auto total = static_cast<unsigned long long>(std::llround(std::max(0.0, t.bytes)));
  const auto n = static_cast<long double>(steps);
  const auto s = static_cast<long double>(step);
  return {static_cast<unsigned long long>(static_cast<long double>(total) * s / n),
          static_cast<unsigned long long>(static_cast<long double>(total) * (s + 1) / n)};
}

unsigned long long transfer_transactions(const stream_transfer& t, long long steps, unsigned long long burst) {
  const auto bursts = [&](unsigned long long bytes) { return (bytes + burst - 1) / burst; };
  unsigned long long n = 0;
  for (long long step = 0; step < std::max<long long>(1, steps); ++step) {
    const step_bytes b = bytes_of_step(t, step, std::max<long long>(1, steps));
    if (b.last <= b.first) continue;
    if (!t.wrap) {
      n += bursts(b.last - b.first);
      continue;
    }
    // Bursts restart at every wrap boundary: the piece up to the first
    // boundary, whole wraps, and the piece after the last boundary.
    const unsigned long long first_boundary = (b.first / t.wrap + 1) * t.wrap;
    if (b.last <= first_boundary) {
      n += bursts(b.last - b.first);
      continue;
    }
    n += bursts(first_boundary - b.first);
    const unsigned long long whole = (b.last - first_boundary) / t.wrap;
    n += whole * bursts(t.wrap) + bursts(b.last - first_boundary - whole * t.wrap);
  }
  return n;
}

unsigned long long stream_initiator::burst_bytes(double transaction_bytes) {
  return static_cast<unsigned long long>(std::max(1.0, std::floor(transaction_bytes)));
}

stream_initiator::stream_initiator(const sc_core::sc_module_name& name, double transaction_bytes, long long outstanding,
                                   double quantum_s)
    : sc_module(name), out("out"), m_transaction_bytes(static_cast<double>(burst_bytes(transaction_bytes))),
      m_quantum_s(quantum_s), m_scratch(static_cast<std::size_t>(m_transaction_bytes)), m_window(outstanding) {
  SC_HAS_PROCESS(stream_initiator);
  SC_THREAD(run);
}

void stream_initiator::run() {
  tlm_utils::tlm_quantumkeeper::set_global_quantum(to_sc_time(m_quantum_s, *this, "the quantum"));
  m_keeper.reset();
  m_cursor = sc_core::sc_time_stamp();
  const std::size_t n = layer_count();
  for (std::size_t i = 0; i < n; ++i) run_layer(layer(i));
  // Let simulated time reach the end of the last layer.
  if (m_cursor > sc_core::sc_time_stamp()) sc_core::wait(m_cursor - sc_core::sc_time_stamp());
}

// The quantum keeper's local time is how far the initiator has run ahead of
// the kernel; it yields (waits) at quantum boundaries. `t` is never later than
// anything still to be issued, so every later transaction leaves at or after it.
void stream_initiator::advance_to(const sc_core::sc_time& t) {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  if (t <= now) return;
  m_keeper.set(t - now);
  if (m_keeper.need_sync()) m_keeper.sync();
}

sc_core::sc_time stream_initiator::issue(const std::vector<stream_transfer>& transfers, long long step, long long steps,
                                         int layer, const sc_core::sc_time& at) {
  m_bursts.clear();
  const auto burst_size = static_cast<unsigned long long>(m_transaction_bytes);
  for (const auto& t : transfers) {
    const auto [first, last] = bytes_of_step(t, step, steps);
    for (unsigned long long offset = first; offset < last;) {
      unsigned long long length = std::min(burst_size, last - offset);
      unsigned long long at_offset = offset;
      if (t.wrap) {
        at_offset = offset % t.wrap;
        length = std::min(length, t.wrap - at_offset);  // a burst never crosses the wrap
      }
      m_bursts.push_back({t.command, t.base + at_offset, length});
      offset += length;
    }
  }
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  const auto send = [&](int, std::size_t i, const sc_core::sc_time& when) {
    const burst& b = m_bursts[i];
    tlm::tlm_generic_payload trans;
    layer_tag tag;
    tag.layer = layer;
    const scoped_extension<layer_tag> tag_attached(trans, &tag);
    trans.set_command(b.command);
    trans.set_address(b.address);
    trans.set_data_ptr(m_scratch.data());
    trans.set_data_length(static_cast<unsigned int>(b.length));
    trans.set_streaming_width(static_cast<unsigned int>(b.length));
    trans.set_byte_enable_ptr(nullptr);
    trans.set_dmi_allowed(false);
    trans.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = when - now;
    out->b_transport(trans, delay);
    ++m_transactions;
    const auto status = trans.get_response_status();
    if (status != tlm::TLM_OK_RESPONSE) {
      std::ostringstream msg;
      msg << "transaction to 0x" << std::hex << trans.get_address() << std::dec << " (" << b.length
          << " bytes) failed: " << trans.get_response_string();
      SC_REPORT_FATAL("mottsim/stream_initiator", msg.str().c_str());
    }
    return now + delay;
  };
  // The other end (a cache, the buffer) is the initiator's own: one leg.
  return m_window.run(static_cast<long long>(m_bursts.size()), 1, at, [&](std::size_t) { return at; }, send);
}

void stream_initiator::run_layer(const stream_layer& l) {
  using sc_core::sc_time;
  const long long steps = std::max<long long>(1, l.steps);
  const sc_time start = m_cursor;
  const sc_time compute = to_sc_time(l.compute_s / static_cast<double>(steps), *this, "a compute step");
  std::vector<sc_time> loaded(static_cast<std::size_t>(steps), start), computed(static_cast<std::size_t>(steps), start);
  sc_time stream_free = start;  // the prefetch stream issues one step after another

  const auto prefetch = [&](long long s) {
    sc_time at = stream_free;
    if (s >= 2) at = std::max(at, computed[static_cast<std::size_t>(s - 2)]);  // two buffers
    const sc_time done = issue(l.prefetch, s, steps, l.layer, at);
    loaded[static_cast<std::size_t>(s)] = done;
    stream_free = done;
  };

  sc_time end = start;
  prefetch(0);
  for (long long s = 0; s < steps; ++s) {
    const auto i = static_cast<std::size_t>(s);
    if (s + 1 < steps) prefetch(s + 1);
    const sc_time begin = std::max(s ? computed[i - 1] : start, loaded[i]);
    sc_time finish = begin + compute;
    m_busy.occupy(begin, compute, l.layer);
    finish = std::max(finish, issue(l.during, s, steps, l.layer, begin));
    for (const auto& b : l.local)
      finish = std::max(finish, b.resource->occupy(
                                    begin, to_sc_time(b.seconds / static_cast<double>(steps), *this, "a local buffer access"), l.layer));
    computed[i] = finish;
    end = std::max(end, issue(l.writeback, s, steps, l.layer, finish));
    advance_to(std::min(stream_free, finish));
  }
  end = std::max(end, computed.back());
  m_stage_times.push_back({l.layer, start.to_seconds(), end.to_seconds()});
  m_cursor = end;
  advance_to(end);
}

}  // namespace mottsim::models

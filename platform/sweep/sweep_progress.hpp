#pragma once
#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <string>

namespace mottsim::platform {

// What a running sweep shows: on a terminal, one line redrawn in place
// (done/total, failed, ETA); otherwise one plain line per finished point, so
// logs of batch jobs stay readable.
class sweep_progress {
 public:
  sweep_progress(std::ostream& out, bool terminal, std::size_t total, std::size_t already_done);

  // A point ended with `status` (ok, dropped, failed, timeout, retry).
  void point_done(const std::string& id, const std::string& status, double wall_s, const std::string& error);
  // Redraws the terminal line now and then (call it often).
  void tick();
  // Ends the terminal line and prints the totals.
  void finish();

 private:
  void draw();

  std::ostream& m_out;
  bool m_terminal;
  std::size_t m_total;
  std::size_t m_done;
  std::size_t m_done_here = 0;  // in this invocation, for the ETA
  std::size_t m_failed = 0;
  std::chrono::steady_clock::time_point m_start;
  std::chrono::steady_clock::time_point m_last_draw;
};

}  // namespace mottsim::platform

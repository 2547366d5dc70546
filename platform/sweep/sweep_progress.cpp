#include "platform/sweep/sweep_progress.hpp"

#include <cstdio>
#include <ostream>

namespace mottsim::platform {

namespace {

std::string clock_text(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

}  // namespace

sweep_progress::sweep_progress(std::ostream& out, bool terminal, std::size_t total, std::size_t already_done)
    : m_out(out),
      m_terminal(terminal),
      m_total(total),
      m_done(already_done),
      m_start(std::chrono::steady_clock::now()),
      m_last_draw(m_start) {
  if (m_terminal) draw();
}

void sweep_progress::point_done(const std::string& id, const std::string& status, double wall_s,
                                const std::string& error) {
  ++m_done;
  ++m_done_here;
  const bool no_result = status != "ok" && status != "dropped";
  if (no_result) ++m_failed;
  if (m_terminal) {
    // Failures still get a line of their own, above the progress line.
    if (no_result) m_out << "\r\033[K" << id << ' ' << status << ": " << error << '\n';
    draw();
    return;
  }
  char wall[32];
  std::snprintf(wall, sizeof wall, "%.1f", wall_s);
  m_out << "sweep: " << id << ' ' << status << " (" << m_done << '/' << m_total << ", " << wall << " s)";
  if (!error.empty()) m_out << ": " << error;
  m_out << '\n';
  m_out.flush();
}

void sweep_progress::tick() {
  if (!m_terminal) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - m_last_draw < std::chrono::milliseconds(250)) return;
  draw();
}

void sweep_progress::draw() {
  m_last_draw = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(m_last_draw - m_start).count();
  std::string eta = "--:--";
  if (m_done_here > 0 && m_total >= m_done)
    eta = clock_text(elapsed / static_cast<double>(m_done_here) * static_cast<double>(m_total - m_done));
  m_out << "\r\033[Ksweep: " << m_done << '/' << m_total << " done, " << m_failed << " failed, elapsed "
        << clock_text(elapsed) << ", ETA " << eta;
  m_out.flush();
}

void sweep_progress::finish() {
  if (m_terminal) {
    draw();
    m_out << '\n';
  }
  m_out.flush();
}

}  // namespace mottsim::platform

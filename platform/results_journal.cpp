#include "platform/results_journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <stdexcept>

#include "dsl/config_hash.hpp"
#include "dsl/diagnostics.hpp"

namespace mottsim::platform {

results_journal::results_journal(std::string path) : m_path(std::move(path)) {
  m_fd = ::open(m_path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (m_fd < 0) throw dsl::input_error({m_path, 0, 0}, std::string("cannot open: ") + std::strerror(errno));
  const std::string text = dsl::read_file_text(m_path);
  // Everything after the last newline was never completed: a kill tore it.
  const std::size_t complete = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
  if (complete < text.size()) {
    if (::ftruncate(m_fd, static_cast<off_t>(complete)) != 0) {
      const std::string why = std::strerror(errno);
      ::close(m_fd);
      throw dsl::input_error({m_path, 0, 0}, "cannot drop its torn last line: " + why);
    }
    ::fsync(m_fd);
    m_dropped_torn = true;
  }
  dsl::diagnostics errors;
  std::set<std::string> seen;
  std::size_t start = 0;
  int line = 0;
  while (start < complete) {
    const std::size_t end = text.find('\n', start);
    ++line;
    const std::string one = text.substr(start, end - start);
    start = end + 1;
    if (one.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      auto row = reports::row_from_json_line(one);
      if (!seen.insert(row.id).second) {
        errors.error({m_path, line, 1}, "point " + row.id + " is recorded twice");
        continue;
      }
      m_rows.push_back(std::move(row));
      m_lines.push_back(line);
    } catch (const std::runtime_error& e) {
      errors.error({m_path, line, 1}, std::string("not a sweep result row (") + e.what() + ")");
    }
  }
  if (errors.has_errors()) {
    ::close(m_fd);
    throw dsl::input_error(errors);
  }
}

results_journal::~results_journal() {
  if (m_fd >= 0) ::close(m_fd);
}

void results_journal::append(const reports::sweep_row& row) {
  const std::string line = reports::row_to_json_line(row) + "\n";
  // One write, so a row is either all there or (killed mid-way) a torn tail.
  const ssize_t n = ::write(m_fd, line.data(), line.size());
  if (n != static_cast<ssize_t>(line.size()) || ::fsync(m_fd) != 0)
    throw dsl::input_error({m_path, 0, 0}, std::string("cannot append a result: ") + std::strerror(errno));
  m_rows.push_back(row);
  m_lines.push_back(m_lines.empty() ? 1 : m_lines.back() + 1);
}

}  // namespace mottsim::platform

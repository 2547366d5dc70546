#include "platform/sweep/results_journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "dsl/config_hash.hpp"
#include "dsl/diagnostics.hpp"

namespace mottsim::platform {

journal_contents parse_results_journal(const std::string& path, const std::string& text) {
  journal_contents c;
  // Everything after the last newline was never completed: a kill tore it.
  c.complete_bytes = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
  dsl::diagnostics errors;
  std::size_t start = 0;
  int line = 0;
  while (start < c.complete_bytes) {
    const std::size_t end = text.find('\n', start);
    ++line;
    const std::string one = text.substr(start, end - start);
    start = end + 1;
    if (one.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      auto row = reports::row_from_json_line(one);
      const std::string id = row.id;
      if (!c.record(std::move(row), line))
        errors.error({path, line, 1}, "point " + id + " is recorded twice (a point is recorded again only when "
                                      "it is run again after it failed or could not write its output)");
    } catch (const std::runtime_error& e) {
      errors.error({path, line, 1}, std::string("not a sweep result row (") + e.what() + ")");
    }
  }
  c.line_count = line;
  if (c.complete_bytes < text.size()) c.torn_line = line + 1;
  if (errors.has_errors()) throw dsl::input_error(errors);
  return c;
}

bool journal_contents::record(reports::sweep_row row, int line) {
  const auto it = index.find(row.id);
  if (it == index.end()) {
    index[row.id] = rows.size();
    rows.push_back(std::move(row));
    lines.push_back(line);
    return true;
  }
  // A later run of a point replaces a row that did not run to a result.
  if (rows[it->second].status == "ok" || rows[it->second].status == "dropped") return false;
  rows[it->second] = std::move(row);
  lines[it->second] = line;
  return true;
}

results_journal::results_journal(std::string path) : m_path(std::move(path)) {
  m_fd = ::open(m_path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (m_fd < 0) throw dsl::input_error({m_path, 0, 0}, std::string("cannot open: ") + std::strerror(errno));
  try {
    m_contents = parse_results_journal(m_path, dsl::read_file_text(m_path, "results journal"));
  } catch (const dsl::input_error&) {
    ::close(m_fd);
    throw;
  }
  if (m_contents.torn_line > 0) {
    if (::ftruncate(m_fd, static_cast<off_t>(m_contents.complete_bytes)) != 0) {
      const std::string why = std::strerror(errno);
      ::close(m_fd);
      throw dsl::input_error({m_path, 0, 0}, "cannot drop its torn last line: " + why);
    }
    ::fsync(m_fd);
    m_contents.torn_line = 0;
    m_dropped_torn = true;
  }
}

results_journal::~results_journal() {
  if (m_fd >= 0) ::close(m_fd);
}

void results_journal::append(const reports::sweep_row& row) {
  const std::string line = reports::row_to_json_line(row) + "\n";
  // One write, so a row is either all there or (killed mid-way) a torn tail.
  const ssize_t n = ::write(m_fd, line.data(), line.size());
  if (n < 0 || ::fsync(m_fd) != 0)
    throw dsl::input_error({m_path, 0, 0}, std::string("cannot append a result: ") + std::strerror(errno));
  if (n != static_cast<ssize_t>(line.size()))  // the tail is cut off when the journal is next opened
    throw dsl::input_error({m_path, 0, 0}, "cannot append a result: only " + std::to_string(n) + " of " +
                                               std::to_string(line.size()) + " bytes were written (is the disk full?)");
  ++m_contents.line_count;
  m_contents.record(row, m_contents.line_count);
}

}  // namespace mottsim::platform

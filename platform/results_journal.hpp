#pragma once
#include <string>
#include <vector>

#include "reports/sweep_results.hpp"

namespace mottsim::platform {

// DIR/results.jsonl: the sweep's rows, one JSON line each, only ever
// appended. Each row goes out in one write() on an O_APPEND descriptor and is
// fsync'd, so a kill at any moment leaves whole rows and at most a torn last
// line, which opening the journal detects and cuts off before anything is
// appended.
class results_journal {
 public:
  // Reads the rows already there (creating an empty file when there is none).
  // A line that is complete but not a row is a located input error
  // (results.jsonl:LINE:1), as is a point recorded twice.
  explicit results_journal(std::string path);
  ~results_journal();
  results_journal(const results_journal&) = delete;
  results_journal& operator=(const results_journal&) = delete;

  const std::vector<reports::sweep_row>& rows() const { return m_rows; }
  // The 1-based line of each row in rows(), for locating errors.
  const std::vector<int>& lines() const { return m_lines; }
  bool dropped_torn_line() const { return m_dropped_torn; }

  // Appends one row durably; throws dsl::input_error when it cannot.
  void append(const reports::sweep_row& row);

 private:
  std::string m_path;
  int m_fd = -1;
  std::vector<reports::sweep_row> m_rows;
  std::vector<int> m_lines;
  bool m_dropped_torn = false;
};

}  // namespace mottsim::platform

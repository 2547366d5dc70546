#pragma once
#include <map>
#include <string>
#include <vector>

#include "reports/sweep_results.hpp"

namespace mottsim::platform {

// What a results journal holds: the last row of every point recorded, in the
// order points first appear.
struct journal_contents {
  std::vector<reports::sweep_row> rows;
  std::vector<int> lines;                      // the 1-based line of each row
  std::map<std::string, std::size_t> index;    // point id -> its row
  int line_count = 0;                          // complete lines
  std::size_t complete_bytes = 0;              // bytes up to the last newline
  int torn_line = 0;                           // line of an unfinished tail, 0 when there is none

  // Keeps `row`, read from `line`; false when its point already has a result
  // (a point is recorded again only after a row that did not run to a result:
  // retry, failed, timeout).
  bool record(reports::sweep_row row, int line);
};

// Parses a journal's text without touching the file: a complete line that is
// not a row, or a point recorded twice, is a located input error
// (PATH:LINE:1); an unfinished last line is reported in torn_line.
journal_contents parse_results_journal(const std::string& path, const std::string& text);

// DIR/results.jsonl: the sweep's rows, one JSON line each, only ever
// appended. Each row goes out in one write() on an O_APPEND descriptor and is
// fsync'd, so a kill at any moment leaves whole rows and at most a torn last
// line, which opening the journal detects and cuts off before anything is
// appended.
class results_journal {
 public:
  // Reads the rows already there (creating an empty file when there is none).
  // A line that is complete but not a row is a located input error
  // (results.jsonl:LINE:1), as is a point recorded twice, unless its earlier
  // row is one that did not run to a result (retry, failed, timeout): a
  // point run again is recorded again, and its last row counts.
  explicit results_journal(std::string path);
  ~results_journal();
  results_journal(const results_journal&) = delete;
  results_journal& operator=(const results_journal&) = delete;

  // The last row of every point recorded, in the order points first appear.
  const std::vector<reports::sweep_row>& rows() const { return m_contents.rows; }
  // The 1-based line of each row in rows(), for locating errors.
  const std::vector<int>& lines() const { return m_contents.lines; }
  bool dropped_torn_line() const { return m_dropped_torn; }

  // Appends one row durably (it replaces the point's earlier row, if any);
  // throws dsl::input_error when it cannot.
  void append(const reports::sweep_row& row);

 private:
  std::string m_path;
  int m_fd = -1;
  journal_contents m_contents;
  bool m_dropped_torn = false;
};

}  // namespace mottsim::platform

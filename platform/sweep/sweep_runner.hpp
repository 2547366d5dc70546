#pragma once
#include <map>
#include <iosfwd>
#include <string>
#include <vector>

#include "dsl/sweep_spec.hpp"
#include "reports/sweep_results.hpp"

namespace mottsim::platform {

struct sweep_run_options {
  std::string out_dir;
  unsigned jobs = 0;        // simulations at once; 0: the number of processors
  double timeout_s = 600;   // per point
  bool resume = false;      // continue DIR/results.jsonl instead of refusing it
  bool retry_failed = false;  // with resume: also run again the points recorded as failed or timed out
  bool terminal = false;    // progress on one redrawn line
  std::string max_work, max_memory;  // --max-work, --max-memory as given ("": defaults), for every point
  // The files the points read, by fingerprint (sweep_inputs.hpp): recorded
  // when the sweep begins, and compared by --resume.
  std::map<std::string, std::string> input_files;
};

// The row a point starts as (no status or metrics yet).
reports::sweep_row sweep_row_for_point(const dsl::sweep_point& p);

// Judges a point that ran (status ok or dropped) by the sweep's constraints:
// ok, or dropped with `error` naming the first constraint it fails (a missing
// metric fails). Other rows are left as they are. Rows read back on --resume
// are judged again, so an edited constraint applies to them too.
void judge_constraints(const dsl::sweep_spec& spec, reports::sweep_row& row);

// The sweep's table (name, mode, objectives, parameter and metric columns),
// without rows.
reports::sweep_table sweep_table_of(const dsl::sweep_spec& spec);

// Rewrites results.csv, sweep.json and pareto.csv in `dir` from `rows` (any
// order: written in index order; pareto.csv holds each workload's front
// together, workloads in the sweep's order), and with `with_html` report.html
// (it carries the plotting library, ~1 MB).
void write_sweep_tables(reports::sweep_table table, const std::vector<reports::sweep_row>& rows,
                        const std::string& dir, bool with_html = false);

// The files a sweep writes at the top of its directory (points/ is not among
// them: a later run or comparison leaves it, as it leaves a user's own
// files). When the sweep (or `sweep merge`) has written its tables, what an
// earlier run or comparison wrote there and these do not name is removed
// (replace_output_set), so the directory holds the sweep's outputs alone.
const std::vector<std::string>& sweep_output_names();

// Before a sweep (or `sweep merge`) writes anything into `dir`: the checks of
// check_output_set_replaceable on sweep_output_names(), except results.jsonl,
// which has its own rules (continued by --resume, refused without it), and
// then the manifest lists those names, so a sweep killed midway and resumed
// finds its own files listed, never a user's file taken for one.
void claim_sweep_outputs(const std::string& dir);

// Runs `points` (a whole sweep or one shard of it), one `mottsim run`
// process each, `jobs` at once, skipping those already in DIR/results.jsonl
// when resuming. After every point: its row is appended to results.jsonl and
// results.csv, sweep.json and pareto.csv are rewritten atomically (past a
// thousand rows at most once a second, and always at the end). Returns 0
// when every point ran (ok or dropped), 1 when some failed or timed out; bad
// input (an existing results.jsonl without --resume, one that belongs to
// another sweep) throws dsl::input_error.
int run_sweep(const dsl::sweep_spec& spec, const std::vector<dsl::sweep_point>& points, const sweep_run_options& options,
              std::ostream& out, std::ostream& err);

}  // namespace mottsim::platform

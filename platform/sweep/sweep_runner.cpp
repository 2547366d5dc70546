#include "platform/sweep/sweep_runner.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <ostream>
#include <set>
#include <sstream>

#include "dsl/config_hash.hpp"
#include "dsl/diagnostics.hpp"
#include "dsl/sweep_metrics.hpp"
#include "platform/data/output_dir.hpp"
#include "platform/sweep/process_pool.hpp"
#include "platform/sweep/results_journal.hpp"
#include "platform/sweep/sweep_inputs.hpp"
#include "platform/sweep/sweep_progress.hpp"
#include "reports/html_report.hpp"

namespace mottsim::platform {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t max_error_length = 1000;

// The first located error a failed run printed ("file:line:col: error: ..."),
// else its last non-empty line, else "".
std::string first_error_line(const std::string& log) {
  std::string last;
  std::size_t start = 0;
  while (start < log.size()) {
    std::size_t end = log.find('\n', start);
    if (end == std::string::npos) end = log.size();
    const std::string line = log.substr(start, end - start);
    start = end + 1;
    if (line.find(": error: ") != std::string::npos) return line;
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  }
  return last;
}

process_job point_job(const dsl::sweep_spec& spec, const dsl::sweep_point& p, const std::string& self,
                      const fs::path& dir, const sweep_run_options& o) {
  process_job job;
  // The sweep reads report.json only: no timeline, page or trace per point.
  job.args = {self, "run", p.architecture, p.workload, "-o", dir.string(), "--mode", spec.mode, "--seed",
              std::to_string(spec.seed), "--chips", std::to_string(spec.chips), "--schedule", spec.schedule,
              "--no-timeline"};
  if (!o.max_work.empty()) job.args.insert(job.args.end(), {"--max-work", o.max_work});
  if (!o.max_memory.empty()) job.args.insert(job.args.end(), {"--max-memory", o.max_memory});
  for (const auto& [path, value] : p.params) {
    job.args.push_back("--set");
    job.args.push_back(path + "=" + value);
  }
  job.log = (dir / "run.log").string();
  return job;
}

// Turns a finished process into its row. A point whose output could not be
// written (a full disk, its directory blocked) was not at fault: it is
// recorded as `retry`, and --resume runs it again.
reports::sweep_row finished_row(const dsl::sweep_spec& spec, const dsl::sweep_point& p, const fs::path& dir,
                                const process_outcome& outcome, double timeout_s) {
  reports::sweep_row row = sweep_row_for_point(p);
  if (!outcome.not_started.empty()) {
    row.status = reports::retry_status;
    row.error = outcome.not_started;
    return row;
  }
  if (outcome.timed_out) {
    row.status = "timeout";
    std::ostringstream limit;  // as given: 0.5 s stays 0.5 s
    limit << timeout_s;
    row.error = "no result within " + limit.str() + " s; the run was killed";
    return row;
  }
  if (outcome.exit_status != 0) {
    row.status = "failed";
    try {
      row.error = first_error_line(dsl::read_file_text((dir / "run.log").string(), "the run's log"));
      if (is_output_write_error(row.error)) row.status = reports::retry_status;
    } catch (const dsl::input_error& e) {
      row.status = reports::retry_status;  // its own log could not be read back
      row.error = e.errors().to_string();
    }
    if (row.error.empty()) row.error = "exit status " + std::to_string(outcome.exit_status);
    if (row.error.size() > max_error_length) row.error.resize(max_error_length);
    return row;
  }
  try {
    row.metrics = reports::metrics_from_report(dsl::read_file_text((dir / "report.json").string(), "its report"),
                                               row.config_hash);
  } catch (const std::exception& e) {
    row.status = "failed";
    row.error = std::string("its report.json cannot be read: ") + e.what();
    return row;
  }
  row.status = "ok";
  judge_constraints(spec, row);
  return row;
}

}  // namespace

reports::sweep_row sweep_row_for_point(const dsl::sweep_point& p) {
  reports::sweep_row r;
  r.id = p.id;
  r.index = p.index;
  r.architecture = p.architecture;
  r.workload = p.workload_name;
  r.params = p.params;
  return r;
}

void judge_constraints(const dsl::sweep_spec& spec, reports::sweep_row& row) {
  if (row.status != "ok" && row.status != "dropped") return;
  row.status = "ok";
  row.error.clear();
  for (const auto& c : spec.constraints)
    if (!c.holds(row.metrics)) {
      row.status = "dropped";
      row.error = "fails constraint '" + c.text + "'";
      break;
    }
}

reports::sweep_table sweep_table_of(const dsl::sweep_spec& spec) {
  reports::sweep_table t;
  t.name = spec.name;
  t.mode = spec.mode;
  for (const auto& o : spec.objectives) t.objectives.push_back({o.metric, o.maximize});
  for (const auto& p : spec.parameters) t.parameters.push_back(p.path);
  for (const auto& m : dsl::sweep_metrics())
    if (spec.mode == "functional" || !m.functional_only) t.metrics.push_back(m.name);
  return t;
}

void write_sweep_tables(reports::sweep_table t, const std::vector<reports::sweep_row>& rows, const std::string& dir,
                        bool with_html) {
  t.rows = rows;
  std::sort(t.rows.begin(), t.rows.end(),
            [](const reports::sweep_row& a, const reports::sweep_row& b) { return a.index < b.index; });
  const auto pareto = reports::pareto_ids(t);
  const std::set<std::string> on_front(pareto.begin(), pareto.end());
  // pareto.csv lists each workload's front together, workloads in the order
  // their points come (the sweep file's), each front in index order.
  std::map<std::string, std::size_t> workload_rank;
  for (const auto& r : t.rows) workload_rank.emplace(r.workload, workload_rank.size());
  std::vector<reports::sweep_row> front;
  for (const auto& r : t.rows)
    if (on_front.count(r.id)) front.push_back(r);
  std::stable_sort(front.begin(), front.end(), [&](const reports::sweep_row& a, const reports::sweep_row& b) {
    return workload_rank.at(a.workload) < workload_rank.at(b.workload);
  });
  write_output_file(dir, "results.csv", reports::rows_to_csv(t, t.rows));
  write_output_file(dir, "pareto.csv", reports::rows_to_csv(t, front));
  const auto doc = reports::sweep_to_json(t, pareto);
  write_output_file(dir, "sweep.json", doc.dump(2) + "\n");
  if (with_html) write_output_file(dir, "report.html", reports::render_sweep_html(doc));
}

const std::vector<std::string>& sweep_output_names() {
  static const std::vector<std::string> names = {"results.jsonl", "results.csv", "pareto.csv", "sweep.json",
                                                 "report.html", sweep_inputs_name};
  return names;
}

void claim_sweep_outputs(const std::string& dir) {
  std::vector<std::string> checked;
  for (const auto& name : sweep_output_names())
    if (name != "results.jsonl") checked.push_back(name);
  check_output_set_replaceable(dir, checked);
  record_output_files(dir, sweep_output_names());
}

int run_sweep(const dsl::sweep_spec& spec, const std::vector<dsl::sweep_point>& points, const sweep_run_options& o,
              std::ostream& out, std::ostream& err) {
  ensure_output_dir(o.out_dir);
  std::error_code ec;
  const fs::path journal_path = fs::path(o.out_dir) / "results.jsonl";
  const bool existed = fs::exists(journal_path, ec);
  if (o.resume && !existed)
    throw dsl::input_error({journal_path.string(), 0, 0},
                           "--resume continues an earlier run of this sweep, but there are no results here");
  if (!o.resume && existed && fs::file_size(journal_path, ec) > 0)
    throw dsl::input_error({journal_path.string(), 0, 0},
                           "already holds results of a sweep; pass --resume to continue it, or choose another -o "
                           "directory");
  // What an earlier run or comparison wrote here goes once the sweep's tables
  // are written (as run and compare replace each other's, after they have
  // succeeded); a run directory of theirs holding a file of the user's stops
  // the sweep now, not at the end.
  claim_sweep_outputs(o.out_dir);
  // The rows here must have been made from what the points read now.
  if (o.resume)
    check_resumed_sweep_inputs(o.out_dir, spec, o.input_files, existed && fs::file_size(journal_path, ec) > 0);
  write_sweep_inputs(o.out_dir, spec, o.input_files);
  results_journal journal(journal_path.string());

  // Rows already there must be points of this sweep, exactly.
  std::map<std::string, const dsl::sweep_point*> by_id;
  for (const auto& p : points) by_id[p.id] = &p;
  // Points already recorded are skipped, except those to run again: `retry`
  // always, failed and timed-out ones when asked to.
  const auto rerun = [&](const reports::sweep_row& row) {
    return row.status == reports::retry_status ||
           (o.retry_failed && (row.status == "failed" || row.status == "timeout"));
  };
  std::map<std::string, bool> done;
  {
    dsl::diagnostics errors;
    for (std::size_t i = 0; i < journal.rows().size(); ++i) {
      const auto& row = journal.rows()[i];
      const auto it = by_id.find(row.id);
      if (it == by_id.end()) continue;  // another shard's point, in a shared directory
      const reports::sweep_row expected = sweep_row_for_point(*it->second);
      if (!reports::same_point(row, expected)) {
        reports::sweep_row respelled = row;
        respelled.architecture = expected.architecture;
        // The same point but for how its architecture's path is written: the
        // sweep began in another directory, or was given its file otherwise.
        if (reports::same_point(respelled, expected))
          errors.error({journal_path.string(), journal.lines()[i], 1},
                       "point " + row.id + " was recorded with its architecture written '" + row.architecture +
                           "', and this sweep writes it '" + expected.architecture +
                           "': paths are written as the sweep file is given and relative to the directory the sweep "
                           "runs in; resume from the directory the sweep began in, giving its file as then");
        else
          errors.error({journal_path.string(), journal.lines()[i], 1},
                       "point " + row.id + " was recorded with other settings than this sweep gives it; these "
                       "results belong to another sweep (choose another -o directory)");
      }
      if (!rerun(row)) done[row.id] = true;
    }
    if (errors.has_errors()) throw dsl::input_error(errors);
  }
  if (journal.dropped_torn_line())
    err << "sweep: " << journal_path.string() << ": dropped a torn last line (an interrupted write)\n";

  std::vector<const dsl::sweep_point*> todo;
  for (const auto& p : points)
    if (!done.count(p.id)) todo.push_back(&p);

  const std::string self = self_executable();
  if (self.empty()) {
    err << "mottsim: internal error: cannot find the mottsim binary (/proc/self/exe) to run the sweep\n";
    return 1;
  }
  const reports::sweep_table table = sweep_table_of(spec);
  // Rows recorded by an earlier run were judged under the constraints of
  // then; the tables and the counts follow the sweep file's constraints now
  // (results.jsonl keeps what each point was when it ran).
  const auto judged_rows = [&] {
    std::vector<reports::sweep_row> rows = journal.rows();
    for (auto& r : rows) judge_constraints(spec, r);
    return rows;
  };
  write_sweep_tables(table, judged_rows(), o.out_dir);
  const fs::path points_dir = fs::path(o.out_dir) / "points";

  sweep_progress progress(err, o.terminal, points.size(), points.size() - todo.size());
  process_pool pool(o.jobs, o.timeout_s);
  out.flush();
  auto last_tables = std::chrono::steady_clock::now();
  std::chrono::steady_clock::duration last_table_cost{};
  const bool started = pool.run(
      todo.size(),
      [&](std::size_t i) {
        const fs::path dir = points_dir / todo[i]->id;
        // An interrupted earlier run may have left files here: the new run
        // overwrites each of them (report.json is only read after it exits 0),
        // so nothing needs removing. When the directory cannot be made, the
        // pool cannot open the log in it and records why.
        std::error_code e;
        fs::create_directories(dir, e);
        return point_job(spec, *todo[i], self, dir, o);
      },
      [&](std::size_t i, const process_outcome& outcome) {
        const auto row = finished_row(spec, *todo[i], points_dir / todo[i]->id, outcome, o.timeout_s);
        journal.append(row);
        // Rewriting every table costs O(rows) each time (0.3 s at 7,000 rows),
        // so the tables wait 20 times as long as the last rewrite took: at most
        // a twentieth of this process's time, which also starts the points.
        // Past a thousand rows, at most once a second; always once at the end.
        const auto now = std::chrono::steady_clock::now();
        const auto floor = journal.rows().size() > 1000 ? std::chrono::seconds(1) : std::chrono::seconds(0);
        if (now - last_tables >= std::max<std::chrono::steady_clock::duration>(floor, 20 * last_table_cost)) {
          write_sweep_tables(table, judged_rows(), o.out_dir);
          last_tables = std::chrono::steady_clock::now();
          last_table_cost = last_tables - now;
        }
        progress.point_done(row.id, row.status, outcome.wall_s, row.error);
      },
      [&] { progress.tick(); });
  progress.finish();
  const std::vector<reports::sweep_row> rows = judged_rows();
  write_sweep_tables(table, rows, o.out_dir, true);
  // A sweep killed while it rewrote its tables left a temporary file behind.
  remove_stale_temporary_files(o.out_dir, {"results.csv", "pareto.csv", "sweep.json", "report.html"});
  if (!started) {
    err << "mottsim: internal error: cannot start a simulation process\n";
    return 1;
  }

  std::size_t ok = 0, dropped = 0, failed = 0, retry = 0;
  for (const auto& row : rows) {
    if (!by_id.count(row.id)) continue;
    if (row.status == "ok") ++ok;
    else if (row.status == "dropped") ++dropped;
    else if (row.status == reports::retry_status) ++retry;
    else ++failed;
  }
  out << "sweep " << spec.name << ": " << points.size() << " points: " << ok << " ok, " << dropped
      << " dropped by constraints, " << failed << " failed";
  if (retry) out << ", " << retry << " could not write their output (--resume runs them again)";
  // A shard with no point of its own (more shards than points) ran nothing
  // and made no points/ directory: it is not named as written.
  std::error_code points_error;
  const bool wrote_points = fs::is_directory(points_dir, points_error);
  out << "\nwrote " << o.out_dir << "/results.jsonl, results.csv, pareto.csv, sweep.json"
      << (wrote_points ? ", report.html and points/\n" : " and report.html\n");
  out << removed_outputs_text(replace_output_set(o.out_dir, sweep_output_names()));
  return failed || retry ? 1 : 0;
}

}  // namespace mottsim::platform

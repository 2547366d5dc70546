#pragma once
#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

// Results of `mottsim sweep`: one row per point, as a line of results.jsonl,
// a row of results.csv and an entry of sweep.json. No SystemC.
namespace mottsim::reports {

inline constexpr const char* retry_status = "retry";

struct sweep_row {
  std::string id;  // "p00017"
  std::size_t index = 0;
  std::string architecture;  // file
  std::string workload;      // name
  std::vector<std::pair<std::string, std::string>> params;  // path, value as given to --set
  // ok, dropped (ran, but fails a constraint), failed, timeout, or retry (its
  // output could not be written: --resume runs it again)
  std::string status;
  std::string error;
  std::map<std::string, double> metrics;
  std::string config_hash;
};

// The metrics of one report.json (latency_s, energy_j, area_mm2,
// throughput_ips, energy_per_mac_j, edp_js, tops_per_w, and accuracy_top1 and
// psnr_db when the report has them) and its configuration hash. Throws
// std::runtime_error when the text is not a mottsim report.
std::map<std::string, double> metrics_from_report(const std::string& report_json, std::string& config_hash);

// The row as one line of JSON (no newline). A parameter value that reads as a
// number is written as a number.
std::string row_to_json_line(const sweep_row& row);
// The inverse; throws std::runtime_error when the line is not a complete row.
sweep_row row_from_json_line(const std::string& line);
// Whether two rows describe the same point (id, index, architecture,
// workload, parameters), comparing values as row_to_json_line writes them.
bool same_point(const sweep_row& a, const sweep_row& b);

struct sweep_objective_goal {
  std::string metric;
  bool maximize = false;
};

struct sweep_table {
  std::string name;
  std::string mode;  // perf or functional
  std::vector<sweep_objective_goal> objectives;
  std::vector<std::string> parameters;  // paths, in the sweep's order
  std::vector<std::string> metrics;     // CSV metric columns, in order
  std::vector<sweep_row> rows;          // in index order
};

// Ids of the rows on the Pareto fronts, in row order: one front per workload,
// each taken among that workload's rows with status ok, under the objectives
// (none: empty). A point is only ever compared with points of its own
// workload; a sweep of one workload has one front.
std::vector<std::string> pareto_ids(const sweep_table& t);

// results.csv: id, index, architecture, workload, one column per parameter,
// status, error, one column per metric, config_hash.
std::string rows_to_csv(const sweep_table& t, const std::vector<sweep_row>& rows);
// The document of sweep.json (schema "mottsim.sweep/1"), keys in the order
// written, with `pareto_per: workload` saying how the fronts in `pareto` were
// taken; report.html is rendered from it too.
nlohmann::ordered_json sweep_to_json(const sweep_table& t, const std::vector<std::string>& pareto);

}  // namespace mottsim::reports

#pragma once
#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

#include "dsl/sweep_spec.hpp"
#include "reports/sweep_results.hpp"

namespace mottsim::platform {

class model_registry;

// A sweep split into shards that run apart (a Slurm job array): shard I of N
// (1-based) runs the points whose index mod N is I - 1 into DIR/shards/I/, and
// DIR/slurm/shards.json records which sweep the directory belongs to.

// What identifies a sweep's inputs: the canonical text of the sweep file and
// of every base architecture and workload it names (formatting and comments
// aside). Shards of a sweep whose fingerprint differs are another sweep's.
std::string sweep_fingerprint(const std::string& sweep_file, const dsl::sweep_spec& spec);

struct shard_manifest {
  std::string sweep_file;   // absolute
  std::string fingerprint;
  std::size_t shards = 1;
  std::size_t points = 0;
  std::vector<std::string> jobs;  // Slurm job ids submitted for this directory, in order
};

std::string manifest_path(const std::string& dir);               // DIR/slurm/shards.json
std::string shard_dir(const std::string& dir, std::size_t shard);  // DIR/shards/I
// Throws dsl::input_error located at the file when it is missing or malformed.
shard_manifest read_manifest(const std::string& dir);
void write_manifest(const std::string& dir, const shard_manifest& m);
// DIR/shards/I/shard.json, which says whose shard the directory is.
void write_shard_marker(const std::string& dir, std::size_t shard, const shard_manifest& m);

// Points of one shard by what their latest row says.
struct shard_state {
  std::size_t shard = 0;    // 1-based
  std::size_t points = 0;   // points this shard owns
  std::size_t done = 0;     // ok or dropped by a constraint
  std::size_t failed = 0;   // failed or timed out (recorded: a rerun does not retry them)
  std::size_t missing = 0;  // no row yet, or only a row to retry
  bool started = false;     // its results.jsonl exists
  int torn_line = 0;        // an unfinished last line (a task killed mid-write, or still writing)
  bool complete() const { return missing == 0 && torn_line == 0; }
};

// Points shard `shard` of `shards` owns among `total`.
std::size_t shard_point_count(std::size_t total, std::size_t shard, std::size_t shards);

// Reads every shard of DIR read-only. Rows are checked against the sweep: a
// row of a point that is not this sweep's, that belongs to another shard, or
// that was recorded with other settings, and a shard marker of another sweep,
// are located input errors. `rows` receives every shard's latest rows.
std::vector<shard_state> read_shards(const std::string& dir, const dsl::sweep_spec& spec,
                                     const shard_manifest& m, std::vector<reports::sweep_row>* rows = nullptr);

// The sweep a shard directory belongs to, checked against its manifest's
// fingerprint (an edited sweep file, base or workload is an error).
dsl::sweep_spec load_sharded_sweep(const model_registry& registry, const shard_manifest& m, const std::string& dir);

// `mottsim sweep status DIR`: done, failed and missing points per shard.
int command_sweep_status(const model_registry& registry, const std::string& dir, std::ostream& out);

// `mottsim sweep merge DIR`: joins the shards' rows into DIR/results.jsonl,
// results.csv, pareto.csv, sweep.json and report.html, after checking that
// every point of the sweep is there exactly once. A missing shard, a torn
// line or a missing point is a located input error naming what to resubmit.
int command_sweep_merge(const model_registry& registry, const std::string& dir, std::ostream& out);

}  // namespace mottsim::platform

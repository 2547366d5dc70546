#pragma once
#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

#include "dsl/sweep_spec.hpp"

namespace mottsim::platform {

struct slurm_options {
  bool print_only = false;    // --slurm-print: write and print the script, submit nothing
  bool only_missing = false;  // --only-missing: resubmit the shards that are not complete
  std::size_t array = 0;      // --slurm-array N: tasks (shards); 0: one per default_points_per_task
  std::string partition;      // --slurm-partition
  std::string time;           // --slurm-time, as sbatch takes it (MM, HH:MM:SS, D-HH:MM, ...)
  unsigned cpus = 1;          // --slurm-cpus: each task's CPUs, passed to its sweep as -j
};

// A point costs a fraction of a second, and each task pays a scheduling and
// start-up cost: by default a task holds about this many points.
inline constexpr std::size_t default_points_per_task = 5000;
// Slurm's default MaxArraySize is 1001: task ids 0 to 1000.
inline constexpr std::size_t max_array_tasks = 1000;

// What each task's sweep gets besides its shard.
struct shard_run_flags {
  std::string max_work, max_memory;
  double timeout_s = 0;  // 0: the sweep's default
};

// `mottsim sweep FILE -o DIR --slurm`: writes DIR/slurm/sweep.sbatch, a job
// array whose task I runs `mottsim sweep FILE --shard I/N -j CPUS` into
// DIR/shards/I/ (resuming what an earlier task left there), records the sweep
// in DIR/slurm/shards.json, and submits the array with sbatch (unless
// print_only), printing the job id and how to follow it. With only_missing,
// only the shards that are not complete are resubmitted. Bad options, a
// directory of another sweep and a missing sbatch throw dsl::input_error.
int submit_sweep_to_slurm(const dsl::sweep_spec& spec, const std::string& sweep_file, const std::string& out_dir,
                          const slurm_options& slurm, const shard_run_flags& flags, std::ostream& out);

// The sbatch script for `tasks` (1-based shard indices) of `shards`.
std::string sbatch_script(const dsl::sweep_spec& spec, const std::string& mottsim, const std::string& sweep_file,
                          const std::string& out_dir, std::size_t shards, const std::vector<std::size_t>& tasks,
                          const slurm_options& slurm, const shard_run_flags& flags);

// Whether `text` is a time limit sbatch takes: MM, MM:SS, HH:MM:SS, D-HH,
// D-HH:MM or D-HH:MM:SS (or UNLIMITED).
bool is_slurm_time(const std::string& text);

}  // namespace mottsim::platform

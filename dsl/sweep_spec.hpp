#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "dsl/metric_constraint.hpp"
#include "dsl/source_location.hpp"

namespace mottsim::dsl {

// How the parameters' value lists combine into points. Architectures and
// workloads always cross every combination.
enum class sweep_combine { grid, zip, random };

// One swept architecture value: a `--set` path and the values it takes, as the
// text `--set PATH=VALUE` is given.
struct sweep_parameter {
  std::string path;
  source_location where;  // the key in the sweep file
  std::vector<std::string> values;
  std::vector<source_location> value_locations;  // per value (a range's values share the range's)
};

struct sweep_objective {
  std::string metric;
  bool maximize = false;
  source_location where;
};

// Sweeps larger than this are refused unless the file raises `max_points`.
constexpr std::size_t default_max_sweep_points = 100000;
// The most values one parameter's range may make, whatever `max_points`: each
// value is checked against the architecture's schemas. Larger sweeps cross
// several parameters.
constexpr std::size_t max_parameter_values = 100000;

// A whole sweep file, validated, with ranges already turned into value lists.
struct sweep_spec {
  std::string name;
  std::vector<std::string> architectures;  // paths, relative to the working directory
  std::vector<source_location> architecture_where;  // each one's entry in `base:`
  std::vector<std::string> workloads;      // paths, relative to the working directory
  std::vector<std::string> workload_names; // each workload's `name`, for rows (one per workload)
  std::vector<sweep_parameter> parameters;
  sweep_combine combine = sweep_combine::grid;
  std::size_t random_count = 0;
  unsigned long long random_seed = 1;
  std::string mode = "perf";  // perf or functional: passed to every run
  std::string schedule = "layer";  // layer or pipeline: every run's --schedule
  unsigned long long seed = 1;  // every run's --seed
  long long chips = 1;          // every run's --chips (functional mode)
  std::vector<metric_constraint> constraints;
  std::vector<sweep_objective> objectives;
  std::size_t max_points = default_max_sweep_points;
  // `slurm:` extra #SBATCH options for `sweep --slurm` ("--account=abc", ...).
  std::vector<std::string> slurm_lines;
};

// One run of the sweep.
struct sweep_point {
  std::size_t index = 0;
  std::string id;  // "p00017"
  std::string architecture;
  std::string workload;       // file
  std::string workload_name;  // its `name`
  std::vector<std::pair<std::string, std::string>> params;  // path, value (the sweep's parameter order)
};

}  // namespace mottsim::dsl

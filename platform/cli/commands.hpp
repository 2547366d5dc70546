#pragma once
#include <iosfwd>
#include <string>
#include <vector>

#include "platform/elaboration/model_registry.hpp"
#include "platform/session/session.hpp"
#include "platform/sweep/slurm_submit.hpp"
#include "platform/sweep/sweep_runner.hpp"

namespace mottsim::platform {

// Each subcommand, callable without the CLI so tests can drive it. They print
// results to `out`, located errors to `err`, and return the exit status.
// What every run of an architecture needs, whatever the workload: a CIM
// chip's dram, controller and one cim_tile (check_cim_components), a
// baseline's caches or buffers and dram (check_baseline_components). Returns
// false for an architecture with no engine at all (a base to extend), which
// it does not count as an error.
bool check_architecture_components(const dsl::architecture_spec& arch, dsl::diagnostics& errors);

// Each base of a sweep as every point's run needs it, said once rather than by
// every point: check_architecture_components at the base's own lines, and at
// its `base:` entry one with no engine at all, or, in functional mode, a
// baseline (which computes digitally and exactly). validate and sweep
// (--dry-run too) call it; returns the bases as loaded, for the files they read.
std::vector<dsl::architecture_spec> check_sweep_bases(const dsl::sweep_spec& sweep, const model_registry& registry,
                                                      dsl::diagnostics& errors);

int command_validate(const model_registry& registry, const std::vector<std::string>& files,
                     const std::vector<std::string>& overrides, std::ostream& out, std::ostream& err);
int command_list(const model_registry& registry, const std::string& type, std::ostream& out, std::ostream& err);
int command_describe(const model_registry& registry, const std::string& file, const std::vector<std::string>& overrides,
                     std::ostream& out, std::ostream& err);

// Reads an ONNX model or a NeuroSim network CSV and writes the mottsim
// workload for it to `output` (atomically); an ONNX model's layers are named
// after its nodes and its weights_file names the model. Exit status 2 with a
// located error for a file it cannot import.
int command_import(const std::string& model, const std::string& output, std::ostream& out, std::ostream& err);

// Simulates one workload on one architecture and writes DIR/report.json and
// DIR/summary.md (atomically), printing the summary.
int command_run(const model_registry& registry, const run_options& options, const std::string& out_dir,
                std::ostream& out, std::ostream& err);

struct compare_options {
  std::vector<std::string> architectures;  // the first is the reference for ratios
  std::string workload;
  std::string out_dir;
  // path=value for every architecture, or NAME:path=value for the one whose
  // file is NAME.yaml.
  std::vector<std::string> overrides;
  unsigned jobs = 0;  // simulations at once; 0: the number of processors
  std::string max_work, max_memory;  // --max-work, --max-memory as given ("": defaults), for every run
  // Passed to every run: perf or functional, the seed and (functional) the
  // number of independent chips.
  std::string mode = "perf";
  unsigned long long seed = 1;
  long long chips = 1;
  // layer or pipeline, for every CIM architecture; the digital baselines run
  // the layer schedule (one processor or array runs every layer: there are no
  // stages to stream through), and the table says which ran which.
  std::string schedule = "layer";
};

// Runs the workload on every architecture (one `mottsim run` process each, in
// parallel), then prints the side-by-side table and writes DIR/compare.json,
// DIR/compare.md and each run's report in DIR/<architecture name>/. Bad input
// is found before anything runs where it can be; nothing is half-written.
int command_compare(const model_registry& registry, const compare_options& options, std::ostream& out,
                    std::ostream& err);

// How to run (out_dir, jobs, timeout_s, resume; out_dir is needed unless
// dry_run) and what: the file, a shard of it, or only its list of points.
struct sweep_options : sweep_run_options {
  std::string file;
  std::string shard;    // "I/N": run the points whose index % N == I - 1; "" = all
  bool dry_run = false;
  bool slurm = false;   // submit the shards as a Slurm job array (slurm_submit.hpp)
  slurm_options slurm_opts;
};

// Expands a sweep file into points and runs each (one `mottsim run` process
// per point, in parallel), appending rows to DIR/results.jsonl and rewriting
// results.csv, pareto.csv and sweep.json after every point. --dry-run prints
// the points instead. Returns 0 when every point ran, 1 when some failed.
int command_sweep(const model_registry& registry, const sweep_options& options, std::ostream& out, std::ostream& err);

struct neuron_curve_options {
  std::string architecture;
  std::vector<std::string> overrides;
  int points = 101;
  double x_min = 0.0;  // inputs relative to the neuron's full scale
  double x_max = 1.0;
  std::string output;  // CSV file; empty: print to `out`
  bool steady_state = false;  // thermal: settled curve instead of the read at settling_time
};

// Prints (or writes) the transfer curve of the architecture's first mott_neuron
// stage as CSV: input,output,temperature_k,resistance_ohm (the last two blank
// unless the model is thermal).
int command_neuron_curve(const model_registry& registry, const neuron_curve_options& options, std::ostream& out,
                         std::ostream& err);

// Runs every published design under `directory` (a directory holding
// expected.yaml, or one whose subdirectories do) and prints, for every figure,
// the published and simulated value, their ratio, the tolerance and the
// verdict. Returns 0 when no figure fails (known gaps do not fail), 1 when one
// does, 2 for a malformed expected.yaml or a design that cannot run.
int command_validation(const model_registry& registry, const std::string& directory, std::ostream& out,
                       std::ostream& err);

}  // namespace mottsim::platform

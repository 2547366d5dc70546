#include "platform/cli/cli.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "dsl/diagnostics.hpp"
#include "dsl/input_file.hpp"
#include "dsl/units.hpp"
#include "dsl/suggest.hpp"
#include "platform/cli/commands.hpp"
#include "platform/cli/numeric_flags.hpp"
#include "reports/simulator_identity.hpp"
#include "platform/sweep/sweep_shards.hpp"

namespace mottsim::platform {

namespace {

// CLI11's message as a located error, "WHERE: error: WHAT": at the flag it
// names ("--mode: bogus not in {perf,functional}", "--workload is required"),
// at the words it did not expect, else at the command.
std::string command_line_error(std::string what, const std::string& command) {
  std::string where = command;
  const std::string unexpected = "not expected: ";
  if (const auto at = what.find(unexpected); at != std::string::npos) {
    // CLI11 lists the words last first: in the order they were typed.
    std::istringstream words(what.substr(at + unexpected.size()));
    std::vector<std::string> typed;
    for (std::string w; words >> w;) typed.insert(typed.begin(), w);
    where.clear();
    for (const auto& w : typed) where += (where.empty() ? "" : " ") + w;
    what = std::string(typed.size() == 1 ? "not an option or argument" : "not options or arguments") + " of '" +
           command + "'";
  } else if (const auto colon = what.find(": "); colon != std::string::npos && what.rfind("-", 0) == 0) {
    where = what.substr(0, colon);
    what = what.substr(colon + 2);
    // mottsim's own checks of a flag's value say it all already.
    if (what.rfind("error: ", 0) == 0) return where + ": " + what;
  } else if (const auto required = what.find(" is required"); required != std::string::npos &&
                                                               what.find(' ') == required) {
    where = what.substr(0, required);
    what = "is required";
  }
  return where + ": error: " + what + "; '" + command + " --help' lists the options";
}


// How a --max-file-size reaches the runs a command starts of itself.
constexpr const char* max_file_size_variable = "MOTTSIM_MAX_FILE_SIZE";

// Bounds of the numeric flags. A seed is any 63-bit number, so it reads back
// the same as a signed or an unsigned integer; chips are as many as a sweep
// file may ask for; more simulations at once than this is more processes than
// any one machine runs usefully.
constexpr long long max_seed = std::numeric_limits<long long>::max();
constexpr long long max_chips = 10000;
constexpr long long max_jobs = 4096;
constexpr long long min_curve_points = 2;
constexpr long long max_curve_points = 1000000;

// An empty value (--max-work "$UNSET") is never what a flag means, and some
// read it as the flag left out; nor is one of spaces alone (-o ' ' made a
// directory named by them): every option of the app and its commands that
// takes a value refuses both, naming the option.
void refuse_empty_values(CLI::App& app) {
  static const CLI::Validator non_empty(
      [](std::string& value) {
        if (value.empty()) return std::string("error: the value is empty (an unset shell variable?)");
        if (value.find_first_not_of(" \t\r\n") == std::string::npos)
          return std::string("error: the value is only white space");
        return std::string();
      },
      "", "NON_EMPTY");
  for (CLI::Option* option : app.get_options())
    if (option->get_type_size() > 0) option->check(non_empty);
  for (CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) refuse_empty_values(*command);
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"mottsim: system-level co-simulator for compute-in-memory neural-network hardware "
               "(crossbars, Mott activation neurons, ADCs, memories and buses)"};
  app.set_version_flag("--version", reports::simulator_identity());
  app.require_subcommand(1);
  // Options of mottsim itself (--max-file-size) may also follow the command.
  app.fallthrough(true);
  std::string max_file_size;
  app.add_option("--max-file-size", max_file_size,
                 "largest input file mottsim reads, e.g. '256 MiB' (default " +
                     dsl::format_quantity(static_cast<double>(dsl::default_max_file_bytes), dsl::dimension::data_size) +
                     "); runs started by compare and sweep inherit it");

  numeric_flags numbers;
  std::vector<std::string> files;
  std::vector<std::string> overrides;
  auto* validate = app.add_subcommand("validate", "check architecture, workload and technology files; print located errors");
  validate->add_option("files", files, "YAML files to check")->required();
  validate->add_option("--set", overrides, "override an architecture value: path.to.key=value (repeatable)");

  std::string type;
  auto* list = app.add_subcommand("list", "list component and block types, or one type's parameters");
  list->add_option("type", type, "type to describe in full");

  std::string arch;
  auto* describe = app.add_subcommand("describe", "print an architecture with every value resolved and where it came from");
  describe->add_option("arch", arch, "architecture YAML")->required();
  describe->add_option("--set", overrides, "override a value: path.to.key=value (repeatable)");

  run_options run_opts;
  std::string out_dir;
  std::string schedule = "layer";
  auto* run = app.add_subcommand("run", "simulate a workload on an architecture; print and write the report");
  run->add_option("arch", run_opts.architecture, "architecture YAML")->required();
  run->add_option("workload", run_opts.workload, "workload YAML, an ONNX model (MODEL.onnx) or a NeuroSim network CSV")->required();
  run->add_option("-o,--output", out_dir, "directory for report.json and summary.md")->required();
  run->add_option("--set", run_opts.overrides, "override an architecture value: path.to.key=value (repeatable)");
  run->add_option("--schedule", schedule, "layer (one inference's latency) or pipeline (steady-state throughput)")
      ->check(CLI::IsMember({"layer", "pipeline"}));
  numbers.add_whole(run, "--seed", run_opts.seed, 0, max_seed, "seed for every random draw (device variation, noise)");
  run->add_option("--mode", run_opts.mode,
                  "perf (shapes only) or functional (values through the device models, with output quality)")
      ->check(CLI::IsMember({"perf", "functional"}));
  run->add_option("--image", run_opts.image, "functional mode: input image (PNG, JPEG or PGM) instead of the workload's");
  numbers.add_whole(run, "--chips", run_opts.chips, 1, max_chips,
                    "functional mode: independent chips to draw (programming variation, stuck cells, neuron Tc and "
                    "threshold); reports their mean, spread and 95 % interval (default 1)");
  bool no_timeline = false;
  run->add_flag("--no-timeline", no_timeline,
                "write report.json and summary.md only: no busy intervals, report.html or trace.json (sweeps use it)");
  // The same two limits for run, compare and sweep (which pass them to their runs).
  const std::string max_work_help = "refuse a run estimated to take more TLM transactions than this (default " +
                                    std::to_string(static_cast<long long>(default_max_work)) + ")";
  const std::string max_memory_help = "refuse a run estimated to need more memory than this (default " +
                                      dsl::format_quantity(default_max_memory, dsl::dimension::data_size) + ")";
  std::string max_work, max_memory;
  run->add_option("--max-work", max_work, max_work_help);
  run->add_option("--max-memory", max_memory, max_memory_help);

  compare_options compare_opts;
  auto* compare = app.add_subcommand("compare", "run a workload on several architectures (in parallel) and print "
                                                "them side by side, with ratios against the first");
  compare->add_option("archs", compare_opts.architectures, "architecture YAML files; the first is the reference")
      ->required();
  compare->add_option("-w,--workload", compare_opts.workload, "workload YAML")->required();
  compare->add_option("-o,--output", compare_opts.out_dir,
                      "directory for compare.json, compare.md and each architecture's report directory")
      ->required();
  compare->add_option("--set", compare_opts.overrides,
                      "override a value of every architecture (path.to.key=value) or of one (NAME:path.to.key=value, "
                      "NAME its file's stem; a stem's second file is NAME-2) (repeatable)");
  numbers.add_whole(compare, "-j,--jobs", compare_opts.jobs, 1, max_jobs,
                    "simulations at once (default: the number of processors)");
  compare->add_option("--max-work", compare_opts.max_work, max_work_help);
  compare->add_option("--max-memory", compare_opts.max_memory, max_memory_help);
  compare->add_option("--mode", compare_opts.mode, "perf (default) or functional, for every run")
      ->check(CLI::IsMember({"perf", "functional"}));
  compare->add_option("--schedule", compare_opts.schedule,
                      "layer (default) or pipeline (steady-state throughput) for every CIM architecture; the digital "
                      "baselines run layer")
      ->check(CLI::IsMember({"layer", "pipeline"}));
  numbers.add_whole(compare, "--seed", compare_opts.seed, 0, max_seed, "every run's seed (default 1)");
  numbers.add_whole(compare, "--chips", compare_opts.chips, 1, max_chips,
                    "functional mode: independent chips per architecture, with their mean and 95 % interval");

  sweep_options sweep_opts;
  auto* sweep = app.add_subcommand("sweep", "run a design-space sweep file: one simulation per point (in parallel), "
                                            "results as JSONL, CSV and a Pareto front");
  sweep->add_option("file", sweep_opts.file, "sweep YAML (configs/sweeps/)");
  // Subcommands of a sweep split into shards (--slurm); a sweep file is
  // named otherwise.
  std::string shards_dir;
  auto* sweep_status = sweep->add_subcommand("status", "count done, failed and missing points per shard of a "
                                                       "--slurm sweep (also while it runs)");
  sweep_status->add_option("dir", shards_dir, "the sweep's -o directory")->required();
  auto* sweep_merge = sweep->add_subcommand("merge", "join the shards of a --slurm sweep into the whole sweep's "
                                                     "results.jsonl, results.csv, pareto.csv, sweep.json and report.html");
  sweep_merge->add_option("dir", shards_dir, "the sweep's -o directory")->required();
  sweep->add_option("-o,--output", sweep_opts.out_dir,
                    "directory for results.jsonl, results.csv, pareto.csv, sweep.json and points/ (required unless "
                    "--dry-run)");
  numbers.add_whole(sweep, "-j,--jobs", sweep_opts.jobs, 1, max_jobs,
                    "simulations at once (default: the number of processors)");
  sweep->add_flag("--resume", sweep_opts.resume,
                  "continue an interrupted sweep: skip the points already in results.jsonl, except those that could "
                  "not write their output (status retry), which run again");
  sweep->add_flag("--retry-failed", sweep_opts.retry_failed,
                  "with --resume: also run again the points recorded as failed or timed out");
  sweep->add_option("--shard", sweep_opts.shard, "I/N: run only the points whose index mod N is I-1 (cluster job arrays)");
  sweep->add_flag("--dry-run", sweep_opts.dry_run, "print the expanded points and their count; run nothing");
  sweep->add_option("--max-work", sweep_opts.max_work, max_work_help + " (each point)");
  sweep->add_option("--max-memory", sweep_opts.max_memory, max_memory_help + " (each point)");
  sweep->add_flag("--slurm", sweep_opts.slurm,
                  "submit the sweep as a Slurm job array: task I runs shard I/N into DIR/shards/I/ (see README, "
                  "\"Running on a cluster\")");
  sweep->add_flag("--slurm-print", sweep_opts.slurm_opts.print_only,
                  "with --slurm: write DIR/slurm/sweep.sbatch and print it, without submitting");
  sweep->add_flag("--only-missing", sweep_opts.slurm_opts.only_missing,
                  "with --slurm: resubmit only the shards that are not complete (failed or cancelled tasks)");
  numbers.add_whole(sweep, "--slurm-array", sweep_opts.slurm_opts.array, 1,
                    static_cast<long long>(max_array_tasks),
                    "with --slurm: tasks (shards) in the array (default: one per " +
                        std::to_string(default_points_per_task) + " points)");
  sweep->add_option("--slurm-partition", sweep_opts.slurm_opts.partition, "with --slurm: the partition (sbatch -p)");
  sweep->add_option("--slurm-time", sweep_opts.slurm_opts.time, "with --slurm: each task's time limit (sbatch -t)");
  numbers.add_whole(sweep, "--slurm-cpus", sweep_opts.slurm_opts.cpus, 1, max_jobs,
                    "with --slurm: CPUs per task, passed to its sweep as -j (default 1)");
  numbers.add_finite(sweep, "--timeout", sweep_opts.timeout_s,
                     "seconds a point may run before it is killed (default " +
                         std::to_string(static_cast<long long>(sweep_run_options{}.timeout_s)) + ")");

  neuron_curve_options curve_opts;
  auto* curve = app.add_subcommand("neuron-curve", "print the transfer curve of the architecture's first Mott neuron as CSV");
  curve->add_option("arch", curve_opts.architecture, "architecture YAML")->required();
  curve->add_option("--set", curve_opts.overrides, "override an architecture value: path.to.key=value (repeatable)");
  numbers.add_whole(curve, "--points", curve_opts.points, min_curve_points, max_curve_points,
                    "number of points (default 101)");
  numbers.add_finite(curve, "--min", curve_opts.x_min, "first input, relative to the neuron's full scale (default 0)");
  numbers.add_finite(curve, "--max", curve_opts.x_max, "last input, relative to the neuron's full scale (default 1)");
  curve->add_option("-o,--output", curve_opts.output, "write the CSV to this file instead of printing it");
  curve->add_flag("--steady", curve_opts.steady_state, "thermal: the settled curve, not the read at settling_time");

  std::string import_model, import_output;
  auto* import = app.add_subcommand("import", "turn an ONNX model or a NeuroSim network CSV into a mottsim workload "
                                              "YAML (run, compare and sweep also take them directly)");
  import->add_option("model", import_model, "ONNX model (MODEL.onnx) or NeuroSim network (NETWORK.csv)")->required();
  import->add_option("-o,--output", import_output, "workload YAML to write")->required();

  std::string validation_dir = "configs/validation";
  auto* validation = app.add_subcommand(
      "validation", "simulate the published designs and compare each published figure with its tolerance "
                    "(exit 0: all pass, 1: a figure fails, 2: a malformed expected.yaml)");
  validation->add_option("dir", validation_dir,
                         "a design directory (with expected.yaml) or a directory of them (default configs/validation)");

  refuse_empty_values(app);
  try {
    // CLI11 would only say "a subcommand is required" for a mistyped command.
    if (argc > 1 && argv[1][0] != '-') {
      std::vector<std::string> commands;
      for (const auto* sub : app.get_subcommands({})) commands.push_back(sub->get_name());
      if (std::find(commands.begin(), commands.end(), argv[1]) == commands.end()) {
        std::cerr << "mottsim: unknown command '" << argv[1] << "'" << dsl::did_you_mean(argv[1], commands)
                  << "; 'mottsim --help' lists the commands\n";
        return 2;
      }
    }
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // A mistyped command line is bad input like any other: a located error,
    // status 2.
    std::string command = "mottsim";  // down to the innermost command parsed ("mottsim sweep merge")
    for (const CLI::App* at = &app; !at->get_subcommands().empty();) {
      at = at->get_subcommands().front();
      command += " " + at->get_name();
    }
    std::cerr << command_line_error(e.what(), command) << '\n';
    return 2;
  }
  {
    dsl::diagnostics errors;
    numbers.convert(errors);
    if (errors.has_errors()) {
      errors.print(std::cerr);
      return 2;
    }
  }

  // The flag wins; without it, a limit inherited from the command that started
  // this one (compare and sweep start runs of mottsim).
  const char* inherited = std::getenv(max_file_size_variable);
  const std::string limit_source = !max_file_size.empty() ? "--max-file-size" : max_file_size_variable;
  if (max_file_size.empty() && inherited) max_file_size = inherited;
  if (!max_file_size.empty()) {
    std::uintmax_t bytes = 0;
    std::string problem;
    if (!dsl::parse_file_size_limit(max_file_size, bytes, problem)) {
      std::cerr << limit_source << ": error: " << problem << '\n';
      return 2;
    }
    dsl::set_max_file_bytes(bytes);
    ::setenv(max_file_size_variable, std::to_string(bytes).c_str(), 1);
  }

  model_registry registry;
  register_builtin_models(registry);
  try {
    if (*validate) return command_validate(registry, files, overrides, std::cout, std::cerr);
    if (*list) return command_list(registry, type, std::cout, std::cerr);
    if (*describe) return command_describe(registry, arch, overrides, std::cout, std::cerr);
    if (*run) {
      run_opts.schedule = schedule_named(schedule);
      run_opts.timeline = !no_timeline;
      dsl::diagnostics errors;
      run_opts.budget = parse_work_budget(max_work, max_memory, errors);
      if (errors.has_errors()) throw dsl::input_error(errors);
      return command_run(registry, run_opts, out_dir, std::cout, std::cerr);
    }
    if (*compare) return command_compare(registry, compare_opts, std::cout, std::cerr);
    if (*sweep_status) return command_sweep_status(registry, shards_dir, std::cout);
    if (*sweep_merge) return command_sweep_merge(registry, shards_dir, std::cout);
    if (*sweep) return command_sweep(registry, sweep_opts, std::cout, std::cerr);
    if (*curve) return command_neuron_curve(registry, curve_opts, std::cout, std::cerr);
    if (*import) return command_import(import_model, import_output, std::cout, std::cerr);
    if (*validation) return command_validation(registry, validation_dir, std::cout, std::cerr);
  } catch (const dsl::input_error& e) {
    e.errors().print(std::cerr);
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "mottsim: internal error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}

}  // namespace mottsim::platform

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <functional>
#include <ostream>
#include <set>

#include "dsl/architecture_loader.hpp"
#include "dsl/sweep_expansion.hpp"
#include "dsl/sweep_loader.hpp"
#include "dsl/units.hpp"
#include "dsl/neurosim_network.hpp"
#include "dsl/onnx_import.hpp"
#include "dsl/workload_loader.hpp"
#include "platform/cli/commands.hpp"
#include "platform/data/overwrite_guard.hpp"
#include "platform/sweep/slurm_submit.hpp"
#include "platform/data/output_dir.hpp"
#include "platform/sweep/sweep_inputs.hpp"
#include "platform/sweep/sweep_runner.hpp"
#include "platform/mapping/work_estimate.hpp"

namespace mottsim::platform {

namespace {

// --dry-run lists the points of a share up to this many; a larger one prints
// its count only, at once, whatever its size.
constexpr std::size_t dry_run_listing_limit = dsl::default_max_sweep_points;

struct shard_share {
  std::size_t index = 1;  // 1-based
  std::size_t count = 1;
};

shard_share parse_shard(const std::string& text, dsl::diagnostics& errors) {
  shard_share s;
  if (text.empty()) return s;
  const dsl::source_location where{"--shard '" + text + "'", 0, 0};
  const auto slash = text.find('/');
  // Each number as the numeric flags take theirs (decimal or 0x hex), with
  // nothing around it: ' 1/2' is most likely a quoting slip.
  auto digits = [](const std::string& part) {
    return !part.empty() &&
           std::none_of(part.begin(), part.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
  };
  long long i = 0, n = 0;
  if (slash == std::string::npos || !digits(text.substr(0, slash)) || !digits(text.substr(slash + 1)) ||
      !dsl::parse_integer(text.substr(0, slash), i) || !dsl::parse_integer(text.substr(slash + 1), n)) {
    errors.error(where, "expected I/N, such as 1/4 (the first of four shards)");
    return s;
  }
  if (n < 1 || i < 1 || i > n) {
    errors.error(where, "shard I/N needs 1 <= I <= N, got I=" + std::to_string(i) + ", N=" + std::to_string(n));
    return s;
  }
  s.index = static_cast<std::size_t>(i);
  s.count = static_cast<std::size_t>(n);
  return s;
}

// Whether a swept value may name a file (or a list of them): a path, or the
// name of a file of a kind mottsim reads. Numbers and quantities ("0.1 V") do
// not, so a range of thousands of them costs no load.
bool may_name_file(const std::string& value) {
  double number = 0;
  std::string_view unit;
  if (dsl::split_number_unit(value, number, unit)) return false;  // "25.6 GB/s", "49.6 pJ/K": a quantity
  if (value.find('/') != std::string::npos) return true;
  std::string lower = value;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* extension : {".yaml", ".yml", ".csv", ".json", ".onnx", ".png", ".jpg", ".jpeg", ".pgm", ".ppm"})
    if (lower.find(extension) != std::string::npos) return true;
  return false;
}

// Adds the files a swept value names itself, such as a technology library
// in a `tech` list, to `files`: each distinct value that may name one is
// applied alone to each base, and what the base then reads joins them.
void add_files_swept_values_read(const dsl::sweep_spec& spec, const model_registry& registry,
                                 std::vector<std::string>& files) {
  for (const auto& parameter : spec.parameters) {
    std::set<std::string> named(parameter.values.begin(), parameter.values.end());
    for (const std::string& value : named) {
      if (!may_name_file(value)) continue;
      for (const std::string& base : spec.architectures) {
        dsl::diagnostics ignored;  // each point's run reports its own errors
        add_files_read(dsl::load_architecture(base, {parameter.path + "=" + value}, registry, ignored).spec, files);
      }
    }
  }
}

}  // namespace

int command_sweep(const model_registry& registry, const sweep_options& o, std::ostream& out, std::ostream& err) {
  dsl::diagnostics errors;
  const shard_share shard = parse_shard(o.shard, errors);
  if (!(o.timeout_s > 0) || !std::isfinite(o.timeout_s))
    errors.error({"--timeout", 0, 0}, "the timeout is a number of seconds greater than zero");
  if (o.retry_failed && !o.resume)
    errors.error({"--retry-failed", 0, 0}, "reruns failed points of an earlier run of the sweep: add --resume");
  if (o.file.empty())
    errors.error({"mottsim sweep", 0, 0}, "name a sweep file (mottsim sweep FILE -o DIR), or use 'mottsim sweep "
                                          "status DIR' or 'mottsim sweep merge DIR'");
  if (o.out_dir.empty() && !o.dry_run)
    errors.error({"mottsim sweep", 0, 0}, "-o DIR is needed to run a sweep (or pass --dry-run to list its points)");
  const slurm_options defaults;
  const bool slurm_flags = o.slurm_opts.print_only || o.slurm_opts.only_missing || o.slurm_opts.array ||
                           !o.slurm_opts.partition.empty() || !o.slurm_opts.time.empty() ||
                           o.slurm_opts.cpus != defaults.cpus;
  if (slurm_flags && !o.slurm)
    errors.error({"mottsim sweep", 0, 0}, "--slurm-print, --only-missing and the --slurm-* options go with --slurm");
  if (o.slurm && (o.dry_run || o.resume || !o.shard.empty()))
    errors.error({"--slurm", 0, 0}, "submits every shard itself: leave out --dry-run, --resume and --shard");
  parse_work_budget(o.max_work, o.max_memory, errors);  // checked once here, applied by each point's run
  const dsl::sweep_spec spec = dsl::load_sweep(o.file, registry, errors);
  const std::vector<dsl::architecture_spec> bases =
      errors.has_errors() ? std::vector<dsl::architecture_spec>{} : check_sweep_bases(spec, registry, errors);
  if (errors.has_errors()) throw dsl::input_error(errors);
  std::map<std::string, std::string> input_files;
  if (!o.dry_run) {
    // The sweep file, and every file its architectures and workloads read.
    std::vector<std::string> inputs = {o.file};
    inputs.insert(inputs.end(), spec.architectures.begin(), spec.architectures.end());
    inputs.insert(inputs.end(), spec.workloads.begin(), spec.workloads.end());
    dsl::diagnostics ignored;  // each point's run reports its own errors
    for (const auto& base : bases) add_files_read(base, inputs);
    add_files_swept_values_read(spec, registry, inputs);
    for (const auto& w : spec.workloads)  // an imported model (ONNX, CSV) reads only itself
      if (!dsl::is_onnx_path(w) && !dsl::is_network_csv_path(w)) add_files_read(dsl::load_workload(w, ignored), inputs);
    std::vector<std::filesystem::path> outputs;
    for (const std::string& name : sweep_output_names()) outputs.push_back(std::filesystem::path(o.out_dir) / name);
    for (const char* dir : {"points", "slurm", "shards"}) outputs.push_back(std::filesystem::path(o.out_dir) / dir);
    // ... and what the sweep removes when done (an earlier run's maps that a
    // workload here scores, say) is refused now, not lost.
    refuse_overwriting_inputs("-o", outputs, inputs, superseded_output_files(o.out_dir, sweep_output_names()));
    // What the points read (not the sweep file: its constraints and
    // objectives judge rows again on --resume, and its run settings are
    // recorded apart).
    input_files = fingerprint_sweep_inputs(std::vector<std::string>(inputs.begin() + 1, inputs.end()));
  }

  if (o.slurm) {
    shard_run_flags flags;
    flags.max_work = o.max_work;
    flags.max_memory = o.max_memory;
    if (o.timeout_s != sweep_run_options{}.timeout_s) flags.timeout_s = o.timeout_s;
    return submit_sweep_to_slurm(spec, o.file, o.out_dir, o.slurm_opts, flags, out);
  }

  // Counted by arithmetic; points are made only for the shard, one by one.
  const std::size_t total = *dsl::sweep_point_count(spec);  // the loader refused an overflow
  const std::size_t first = shard.index - 1;
  const std::size_t in_share = total / shard.count + (first < total % shard.count ? 1 : 0);
  const auto each_point = [&](const std::function<void(const dsl::sweep_point&)>& use) {
    const dsl::sweep_points all(spec);
    for (std::size_t i = first; i < total; i += shard.count) use(all.at(i));
  };

  if (o.dry_run) {
    if (in_share <= dry_run_listing_limit) {
      each_point([&](const dsl::sweep_point& p) {
        out << p.id << "  " << p.architecture << "  " << p.workload_name;
        for (const auto& [path, value] : p.params) out << "  " << path << '=' << value;
        out << '\n';
      });
    }
    out << in_share << " points";
    if (shard.count > 1) out << " (shard " << shard.index << '/' << shard.count << " of " << total << ")";
    if (in_share > dry_run_listing_limit)
      out << " (not listed: more than " << dry_run_listing_limit << "; --shard I/N lists a part)";
    out << '\n';
    return 0;
  }

  std::vector<dsl::sweep_point> share;
  share.reserve(in_share);
  each_point([&](const dsl::sweep_point& p) { share.push_back(p); });
  sweep_run_options run = o;
  run.terminal = ::isatty(STDERR_FILENO) != 0;
  run.input_files = input_files;
  return run_sweep(spec, share, run, out, err);
}

}  // namespace mottsim::platform

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <ostream>

#include "dsl/architecture_loader.hpp"
#include "dsl/config_hash.hpp"
#include "dsl/overrides.hpp"
#include "dsl/path_component.hpp"
#include "dsl/workload_loader.hpp"
#include "platform/session/baseline_session.hpp"
#include "platform/cli/commands.hpp"
#include "platform/mapping/network_plan.hpp"
#include "platform/data/output_dir.hpp"
#include "platform/data/overwrite_guard.hpp"
#include "platform/sweep/process_pool.hpp"
#include "reports/compare_report.hpp"
#include "reports/html_report.hpp"

namespace mottsim::platform {

namespace {

// The files a comparison writes beside its run directories.
const std::vector<std::string> comparison_files = {"compare.json", "compare.md", "report.html"};

namespace fs = std::filesystem;

// One `mottsim run` of the comparison.
struct compare_job {
  std::string file;  // architecture
  std::string name;  // its directory
  std::vector<std::string> overrides;
  fs::path dir;  // where the run writes its report (staging)
  fs::path log;  // its stdout and stderr
  int status = -1;
  std::string not_started;  // why it never ran (its log could not be written)
  bool baseline = false;     // a digital baseline: the layer schedule, whatever --schedule says
};

// The n-th use of `base` among names handed out: base itself, then base-2,
// base-3 ... (an architecture compared with itself: its NAME: and its
// directory).
std::string numbered_name(std::map<std::string, int>& seen, const std::string& base) {
  const int n = ++seen[base];
  return n == 1 ? base : base + "-" + std::to_string(n);
}

// One architecture's --set overrides: what `run` is given, and the flag the
// user wrote for each (with its NAME: prefix, if any), to locate its errors.
struct architecture_overrides {
  std::vector<std::string> given;
  std::vector<std::string> written;  // given[i] as the user wrote it
};

// Splits --set flags: "path=value" goes to every architecture, "NAME:path=value"
// to the one whose file is NAME.yaml. There an architecture's own flags come
// after the plain ones, whatever their order on the command line, and replace
// every plain flag of the same key or of a key inside it: its own value of a
// key is the one it runs with. An unknown NAME is a located error.
std::vector<architecture_overrides> overrides_per_architecture(const compare_options& o, dsl::diagnostics& errors) {
  // Each architecture's NAME: its file's stem, and for the second, third ...
  // file of one stem (an architecture compared with itself) STEM-2, STEM-3 ...,
  // so that each copy can be given its own values.
  std::vector<std::string> stems;
  std::map<std::string, int> seen;
  for (const auto& a : o.architectures) stems.push_back(numbered_name(seen, fs::path(a).stem().string()));
  std::vector<architecture_overrides> per(o.architectures.size());
  auto named_target = [](const std::string& flag) {
    const auto eq = flag.find('=');
    const auto colon = flag.find(':');
    return colon != std::string::npos && (eq == std::string::npos || colon < eq) ? flag.substr(0, colon)
                                                                                  : std::string();
  };
  // The keys each architecture's own flags set.
  std::vector<std::vector<std::vector<std::string>>> own_keys(stems.size());
  for (const auto& flag : o.overrides) {
    const std::string target = named_target(flag);
    if (target.empty()) continue;
    const std::vector<std::string> path = dsl::override_key(flag.substr(target.size() + 1));
    if (path.empty()) continue;
    for (std::size_t i = 0; i < stems.size(); ++i)
      if (stems[i] == target) own_keys[i].push_back(path);
  }
  auto replaced = [&](std::size_t i, const std::vector<std::string>& path) {
    return std::any_of(own_keys[i].begin(), own_keys[i].end(),
                       [&](const std::vector<std::string>& own) { return dsl::key_within(path, own); });
  };
  for (const auto& flag : o.overrides) {
    if (!named_target(flag).empty()) continue;
    const std::vector<std::string> path = dsl::override_key(flag);
    for (std::size_t i = 0; i < per.size(); ++i) {
      if (!path.empty() && replaced(i, path)) continue;
      per[i].given.push_back(flag);
      per[i].written.push_back(flag);
    }
  }
  for (const auto& flag : o.overrides) {
    const std::string target = named_target(flag);
    if (target.empty()) continue;
    const std::string own = flag.substr(target.size() + 1);
    const auto named = static_cast<std::size_t>(std::count(stems.begin(), stems.end(), target));
    if (named > 1) {  // a file whose stem is another's STEM-2, say
      errors.error({"--set '" + flag + "'", 0, 0},
                   "two compared architectures are named '" + target +
                       "' (a file of that stem, and a later file of another stem that is numbered so): rename one "
                       "file to give each its own flags");
      continue;
    }
    bool found = false;
    for (std::size_t i = 0; i < stems.size(); ++i)
      if (stems[i] == target) {
        per[i].given.push_back(own);
        per[i].written.push_back(flag);
        found = true;
      }
    if (!found) {
      std::string known;
      for (const auto& s : stems) known += (known.empty() ? "" : ", ") + s;
      errors.error({"--set '" + flag + "'", 0, 0},
                   "no compared architecture is named '" + target + "' (their names are their files' stems, -2, -3 ... "
                   "for a stem's later files: " + known + ")");
    }
  }
  return per;
}

// An architecture's errors as the user can place them: one at a --set flag
// names the flag as written (NAME: prefix included) and the architecture it
// failed on, since a flag without a prefix goes to every one.
dsl::diagnostics located_for_architecture(const dsl::diagnostics& found, const architecture_overrides& overrides,
                                          const std::string& file) {
  dsl::diagnostics out;
  for (const dsl::diagnostic& d : found.errors()) {
    dsl::source_location where = d.where;
    std::string message = d.message;
    // Two flags may give one architecture the same override (one with its
    // name, one without): the error is at either, so it names both.
    std::string flags;
    for (std::size_t k = 0; k < overrides.given.size(); ++k)
      if (where.file == "--set '" + overrides.given[k] + "'" &&
          flags.find("'" + overrides.written[k] + "'") == std::string::npos)
        flags += (flags.empty() ? "--set '" : " or --set '") + overrides.written[k] + "'";
    if (!flags.empty()) {
      where.file = flags;
      message = "on " + file + ": " + message;
      // A message that quotes another of the flags quotes it as written.
      for (std::size_t k = 0; k < overrides.given.size(); ++k) {
        if (overrides.given[k] == overrides.written[k]) continue;
        const std::string quoted = "--set '" + overrides.given[k] + "'";
        for (auto at = message.find(quoted); at != std::string::npos; at = message.find(quoted, at + 1)) {
          message.replace(at, quoted.size(), "--set '" + overrides.written[k] + "'");
          at += overrides.written[k].size();
        }
      }
    }
    out.error(where, message);
  }
  return out;
}

// The `mottsim run` command line of a job.
process_job run_job(const compare_job& job, const std::string& self, const compare_options& o) {
  process_job p;
  p.args = {self, "run", job.file, o.workload, "-o", job.dir.string(), "--mode", o.mode, "--seed",
            std::to_string(o.seed), "--chips", std::to_string(o.chips)};
  p.args.insert(p.args.end(), {"--schedule", job.baseline ? std::string("layer") : o.schedule});
  if (!o.max_work.empty()) p.args.insert(p.args.end(), {"--max-work", o.max_work});
  if (!o.max_memory.empty()) p.args.insert(p.args.end(), {"--max-memory", o.max_memory});
  for (const auto& s : job.overrides) {
    p.args.push_back("--set");
    p.args.push_back(s);
  }
  p.log = job.log.string();
  return p;
}

}  // namespace

int command_compare(const model_registry& registry, const compare_options& o, std::ostream& out, std::ostream& err) {
  // Everything that can be checked without simulating is checked first, for
  // every architecture at once.
  dsl::diagnostics errors;
  if (o.mode != "perf" && o.mode != "functional")
    errors.error({"--mode", 0, 0}, "mode '" + o.mode + "' is not one of perf, functional");
  if (o.chips > 1 && o.mode != "functional")
    errors.error({"--chips", 0, 0}, "chips are device draws, which only functional mode makes: add --mode functional");
  if (o.schedule != "layer" && o.schedule != "pipeline")
    errors.error({"--schedule", 0, 0}, "schedule '" + o.schedule + "' is not one of layer, pipeline");
  const auto per_arch = overrides_per_architecture(o, errors);
  const work_budget budget = parse_work_budget(o.max_work, o.max_memory, errors);
  const dsl::workload_spec workload = dsl::load_workload(o.workload, errors);
  const bool workload_ok = !errors.has_errors();
  // Every file the comparison reads, so that none is among what it writes.
  std::vector<std::string> inputs = {o.workload};
  add_files_read(workload, inputs);
  std::vector<compare_job> jobs;
  std::map<std::string, int> seen;
  for (std::size_t i = 0; i < o.architectures.size(); ++i) {
    dsl::diagnostics arch_errors;
    const auto arch = dsl::load_architecture(o.architectures[i], per_arch[i].given, registry, arch_errors);
    inputs.push_back(o.architectures[i]);
    add_files_read(arch.spec, inputs);
    if (!arch_errors.has_errors() && workload_ok) {
      if (is_baseline_architecture(arch.spec) && o.mode == "functional")
        arch_errors.error({"--mode", 0, 0}, "'" + arch.spec.name + "' (" + o.architectures[i] +
                                                ") computes digitally and exactly, so functional mode has nothing to "
                                                "model on it: compare CIM architectures only, or use --mode perf");
      else if (is_baseline_architecture(arch.spec))
        check_baseline_plan(workload, arch.spec, registry, arch_errors, budget);
      else
        plan_network(workload, arch.spec, registry.readout_stages(),
                     schedule_named(o.schedule), arch_errors, budget);
    }
    errors.append(located_for_architecture(arch_errors, per_arch[i], o.architectures[i]));
    compare_job job;
    job.file = o.architectures[i];
    job.overrides = per_arch[i].given;
    job.baseline = is_baseline_architecture(arch.spec);
    // Comparing an architecture with itself is allowed: directories get -2, -3 ...
    const std::string base = arch.spec.name.empty() ? fs::path(job.file).stem().string() : arch.spec.name;
    // The name becomes the directory DIR/NAME: it must not climb out of DIR.
    // Nor take the name of the comparison's own files, or of the hidden ones
    // (its manifest, its staging directories).
    std::string problem = dsl::path_component_problem(base);
    if (problem.empty() && std::count(comparison_files.begin(), comparison_files.end(), base))
      problem = "the comparison writes its own " + base + " there";
    else if (problem.empty() && base.front() == '.')
      problem = "a name starting with '.' is kept for the comparison's hidden files (its manifest, its staging)";
    if (!problem.empty())
      errors.error(arch.spec.name.empty() ? dsl::source_location{job.file, 0, 0} : arch.spec.name_where,
                   "architecture name '" + base + "' cannot name its directory in the comparison: " + problem);
    job.name = numbered_name(seen, base);
    jobs.push_back(std::move(job));
  }
  const bool all_baselines = std::all_of(jobs.begin(), jobs.end(), [](const compare_job& j) { return j.baseline; });
  if (o.schedule == "pipeline" && all_baselines)
    errors.error({"--schedule", 0, 0}, "pipeline streams inferences through a CIM chip's layer stages, and every "
                                       "architecture here is a digital baseline, which runs its layers in turn: use "
                                       "--schedule layer, or add a CIM architecture");
  if (errors.has_errors()) throw dsl::input_error(errors);
  std::vector<fs::path> outputs;
  std::vector<std::string> names;  // as the directory's manifest lists them
  for (const std::string& name : comparison_files) {
    outputs.push_back(fs::path(o.out_dir) / name);
    names.push_back(name);
  }
  for (const auto& job : jobs) {
    outputs.push_back(fs::path(o.out_dir) / job.name);  // replaced whole
    names.push_back(job.name + "/");
  }
  // What an earlier command wrote into DIR and this one does not (a run's
  // report.json, another comparison's run directories) goes when it is done.
  refuse_overwriting_inputs("-o", outputs, inputs, superseded_output_files(o.out_dir, names));
  check_output_set_replaceable(o.out_dir, names);
  refuse_sweep_directory(o.out_dir);

  const std::string self = self_executable();
  if (self.empty()) {
    err << "mottsim: internal error: cannot find the mottsim binary (/proc/self/exe) to run the comparison\n";
    return 1;
  }

  // Runs write into a hidden staging directory; only a complete comparison is
  // moved into place, so a failure leaves nothing half-written.
  std::error_code ec;
  const bool existed = fs::exists(o.out_dir, ec);
  ensure_output_dir(o.out_dir);
  const fs::path stage = make_staging_dir(o.out_dir, "compare");
  const auto give_up = [&] {
    remove_staging_dir(stage);
    if (!existed) fs::remove(o.out_dir, ec);  // only if empty
  };
  for (auto& job : jobs) {
    job.dir = stage / job.name;
    job.log = stage / (job.name + ".log");
  }

  // At most `jobs` (default: the processors) simulations at once.
  out.flush();
  err.flush();
  process_pool pool(o.jobs);
  const bool started = pool.run(
      jobs.size(), [&](std::size_t i) { return run_job(jobs[i], self, o); },
      [&](std::size_t i, const process_outcome& outcome) {
        jobs[i].status = outcome.exit_status;
        jobs[i].not_started = outcome.not_started;
      });
  if (!started) {
    give_up();
    err << "mottsim: internal error: cannot start a simulation process\n";
    return 1;
  }

  // A run that rejected its input exits 2 (its located errors are in its
  // log); anything else is a simulator failure.
  bool failed = false, crashed = false;
  for (const auto& j : jobs) {
    if (j.status == 0) continue;
    failed = true;
    if (!j.not_started.empty()) {
      err << j.not_started << '\n';  // an output problem, like a run that cannot write its report
      continue;
    }
    std::string log;
    try {
      log = dsl::read_file_text(j.log.string());
    } catch (const dsl::input_error& e) {
      log = e.errors().to_string();
    }
    err << "mottsim compare: the run of " << j.file << " failed (exit status " << j.status << "):\n" << log;
    crashed |= j.status != 2;
  }
  if (failed) {
    give_up();
    return crashed ? 1 : 2;
  }

  // Render everything before moving anything into place.
  reports::compare_result result;
  result.workload = workload.name;
  result.workload_file = o.workload;
  for (const auto& j : jobs) {
    reports::compare_entry e;
    try {
      e = reports::entry_from_report(dsl::read_file_text((j.dir / "report.json").string()));
    } catch (const std::exception& x) {
      give_up();
      err << "mottsim: internal error: the report of " << j.file << " cannot be read: " << x.what() << '\n';
      return 1;
    }
    e.name = j.name;
    e.file = j.file;
    result.entries.push_back(std::move(e));
  }
  const std::string json = reports::compare_to_json(result);
  const std::string markdown = reports::compare_to_markdown(result);
  const std::string shown = reports::compare_to_markdown(result, reports::text_target::terminal);
  const std::string html = reports::render_compare_html(result);

  // Earlier results are replaced only where mottsim wrote them: every target
  // is checked before the first one is touched.
  try {
    for (const auto& j : jobs) check_output_dir_removable(fs::path(o.out_dir) / j.name);
    for (const auto& j : jobs) {
      const fs::path target = fs::path(o.out_dir) / j.name;
      remove_output_dir(target);
      fs::rename(j.dir, target, ec);
      if (ec) throw dsl::input_error({target.string(), 0, 0}, "cannot write directory: " + ec.message());
    }
  } catch (const dsl::input_error&) {
    give_up();
    throw;
  }
  remove_staging_dir(stage);
  std::vector<std::string> run_dirs;
  for (const auto& j : jobs) run_dirs.push_back(j.name);
  const std::vector<fs::path> removed =
      write_output_set(o.out_dir, {{"compare.json", json}, {"compare.md", markdown}, {"report.html", html}}, run_dirs);
  // What comparisons killed before they could clean up left in DIR.
  remove_stale_staging_dirs(o.out_dir, "compare");
  remove_stale_temporary_files(o.out_dir, comparison_files);
  out << shown << '\n' << "wrote " << o.out_dir << "/compare.json, " << o.out_dir << "/compare.md, " << o.out_dir
      << "/report.html and";
  for (const auto& j : jobs) out << ' ' << o.out_dir << '/' << j.name << '/';
  out << '\n';
  out << removed_outputs_text(removed);
  return 0;
}

}  // namespace mottsim::platform

#include "platform/sweep/slurm_submit.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <ostream>

#include "dsl/diagnostics.hpp"
#include "dsl/sweep_expansion.hpp"
#include "platform/data/output_dir.hpp"
#include "platform/sweep/process_pool.hpp"
#include "platform/sweep/sweep_shards.hpp"

namespace mottsim::platform {

namespace fs = std::filesystem;

namespace {

// A word the shell takes literally.
std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string absolute_path(const std::string& p) {
  std::error_code ec;
  const fs::path a = fs::absolute(p, ec);
  return (ec ? fs::path(p) : a).lexically_normal().string();
}

// The full path of `program` on PATH, or "".
std::string find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (!path) return "";
  std::string dirs = path;
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const std::size_t end = std::min(dirs.find(':', start), dirs.size());
    const fs::path candidate = fs::path(dirs.substr(start, end - start).empty() ? "." : dirs.substr(start, end - start)) /
                               program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    start = end + 1;
  }
  return "";
}

// Runs `args` (args[0] a full path) and returns its exit status, its stdout
// in `output` and its stderr in `errors`.
int run_capture(const std::vector<std::string>& args, std::string& output, std::string& errors) {
  int out_pipe[2], err_pipe[2];
  if (::pipe(out_pipe) != 0) return -1;
  if (::pipe(err_pipe) != 0) {
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return -1;
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) ::close(fd);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (pid < 0) {
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    return -1;
  }
  // sbatch and squeue print little: read stdout, then stderr, without deadlock
  // risk at these sizes (each far below a pipe's buffer).
  char buffer[4096];
  for (auto [fd, text] : {std::pair<int, std::string*>{out_pipe[0], &output}, {err_pipe[0], &errors}}) {
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0) text->append(buffer, static_cast<std::size_t>(n));
    ::close(fd);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// "1-4" or "2,4": the --array value of the tasks.
std::string array_spec(const std::vector<std::size_t>& tasks, std::size_t shards) {
  if (tasks.size() == shards) return "1-" + std::to_string(shards);
  std::string s;
  for (std::size_t t : tasks) s += (s.empty() ? "" : ",") + std::to_string(t);
  return s;
}

}  // namespace

bool is_slurm_time(const std::string& text) {
  if (text == "UNLIMITED" || text == "INFINITE") return true;
  // [D-]H[:M[:S]] with D and H any digits, M and S one or two; without a day,
  // 1 to 3 fields (MM, MM:SS, HH:MM:SS); with one, 1 to 3 (D-HH, D-HH:MM, D-HH:MM:SS).
  std::string rest = text;
  const std::size_t dash = rest.find('-');
  if (dash != std::string::npos) {
    const std::string days = rest.substr(0, dash);
    if (days.empty() || !std::all_of(days.begin(), days.end(), [](unsigned char c) { return std::isdigit(c); }))
      return false;
    rest = rest.substr(dash + 1);
  }
  std::size_t fields = 0, start = 0;
  while (true) {
    const std::size_t colon = rest.find(':', start);
    const std::string field = rest.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (field.empty() || !std::all_of(field.begin(), field.end(), [](unsigned char c) { return std::isdigit(c); }))
      return false;
    if (fields > 0 && field.size() > 2) return false;  // minutes and seconds
    ++fields;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return fields <= 3;
}

std::string sbatch_script(const dsl::sweep_spec& spec, const std::string& mottsim, const std::string& sweep_file,
                          const std::string& out_dir, std::size_t shards, const std::vector<std::size_t>& tasks,
                          const slurm_options& slurm, const shard_run_flags& flags) {
  std::string job_name = "mottsim-" + spec.name;
  for (char& c : job_name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') c = '_';
  std::string s = "#!/bin/bash\n";
  s += "# Written by mottsim sweep --slurm: task I of this array runs shard I of " + std::to_string(shards) +
       " of the sweep\n# " + sweep_file + " into " + out_dir + "/shards/I/, resuming what an earlier task left there.\n";
  s += "#SBATCH --job-name=" + job_name + "\n";
  s += "#SBATCH --array=" + array_spec(tasks, shards) + "\n";
  s += "#SBATCH --ntasks=1\n";
  s += "#SBATCH --cpus-per-task=" + std::to_string(slurm.cpus) + "\n";
  s += "#SBATCH --output=" + out_dir + "/slurm/task-%a.log\n";
  if (!slurm.partition.empty()) s += "#SBATCH --partition=" + slurm.partition + "\n";
  if (!slurm.time.empty()) s += "#SBATCH --time=" + slurm.time + "\n";
  for (const auto& line : spec.slurm_lines) s += "#SBATCH " + line + "\n";
  s += "set -u\n";
  s += "shard=\"$SLURM_ARRAY_TASK_ID\"\n";
  s += "dir=" + shell_quote(out_dir + "/shards/") + "\"$shard\"\n";
  s += "resume=()\n";
  s += "[ -e \"$dir/results.jsonl\" ] && resume=(--resume)\n";
  s += "exec " + shell_quote(mottsim) + " sweep " + shell_quote(sweep_file) + " -o \"$dir\" --shard \"$shard/" +
       std::to_string(shards) + "\" -j " + std::to_string(slurm.cpus) + " \"${resume[@]}\"";
  if (!flags.max_work.empty()) s += " --max-work " + shell_quote(flags.max_work);
  if (!flags.max_memory.empty()) s += " --max-memory " + shell_quote(flags.max_memory);
  if (flags.timeout_s > 0) s += " --timeout " + shell_quote(std::to_string(flags.timeout_s));
  s += "\n";
  return s;
}

int submit_sweep_to_slurm(const dsl::sweep_spec& spec, const std::string& sweep_file_given, const std::string& out_dir_given,
                          const slurm_options& slurm, const shard_run_flags& flags, std::ostream& out) {
  dsl::diagnostics errors;
  if (slurm.cpus < 1) errors.error({"--slurm-cpus", 0, 0}, "a task needs at least one CPU");
  if (!slurm.time.empty() && !is_slurm_time(slurm.time))
    errors.error({"--slurm-time", 0, 0}, "'" + slurm.time + "' is not a Slurm time limit (MM, HH:MM:SS, D-HH:MM, ...)");
  const auto partition_char = [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '.' || c == ',' || c == '-';
  };
  if (!slurm.partition.empty() && !std::all_of(slurm.partition.begin(), slurm.partition.end(), partition_char))
    errors.error({"--slurm-partition", 0, 0}, "'" + slurm.partition + "' is not a partition name");
  const std::size_t total = *dsl::sweep_point_count(spec);
  const std::string sweep_file = absolute_path(sweep_file_given);
  const std::string out_dir = absolute_path(out_dir_given);
  shard_manifest m;
  std::error_code ec;
  const bool submitted_before = fs::exists(manifest_path(out_dir), ec);
  if (slurm.only_missing) {
    if (!submitted_before)
      errors.error({"--only-missing", 0, 0}, "resubmits the missing shards of an earlier --slurm submission, but " +
                                                 out_dir + " has none (no slurm/shards.json)");
  } else if (submitted_before) {
    errors.error({manifest_path(out_dir), 0, 0}, "this directory already holds a Slurm submission; add "
                                                 "--only-missing to resubmit its missing shards, or choose another -o");
  } else if (fs::exists(fs::path(out_dir) / "results.jsonl", ec)) {
    errors.error({out_dir, 0, 0}, "holds the results of a local run of a sweep; choose another -o directory");
  }
  if (slurm.array > max_array_tasks)
    errors.error({"--slurm-array", 0, 0}, std::to_string(slurm.array) + " tasks: at most " +
                                              std::to_string(max_array_tasks) + " (Slurm's default MaxArraySize)");
  if (errors.has_errors()) throw dsl::input_error(errors);

  std::vector<std::size_t> tasks;
  if (slurm.only_missing) {
    m = read_manifest(out_dir);
    if (m.sweep_file != sweep_file)
      throw dsl::input_error({sweep_file, 0, 0}, "the shards in " + out_dir + " are of another sweep file, " +
                                                     m.sweep_file);
    if (sweep_fingerprint(sweep_file, spec) != m.fingerprint)
      throw dsl::input_error({sweep_file, 0, 0}, "this sweep file, a base architecture or a workload has changed "
                                                 "since the shards of " + out_dir + " were submitted");
    if (slurm.array && slurm.array != m.shards)
      throw dsl::input_error({"--slurm-array", 0, 0}, "the sweep was split into " + std::to_string(m.shards) +
                                                          " shards; resubmitting keeps that split");
    // Tasks of an earlier submission still queued or running would run a
    // shard twice at once.
    if (const std::string squeue = find_on_path("squeue"); !squeue.empty() && !m.jobs.empty() && !slurm.print_only) {
      std::string jobs, listed, problems;
      for (const auto& j : m.jobs) jobs += (jobs.empty() ? "" : ",") + j;
      if (run_capture({squeue, "-h", "-o", "%i", "-j", jobs}, listed, problems) == 0 && !trimmed(listed).empty())
        throw dsl::input_error({"--only-missing", 0, 0}, "tasks of job " + jobs + " are still queued or running (" +
                                                             trimmed(listed) + "); wait for them, or scancel them");
    }
    for (const auto& s : read_shards(out_dir, spec, m))
      if (!s.complete()) tasks.push_back(s.shard);
    if (tasks.empty()) {
      out << "every shard of " << out_dir << " is complete; nothing to resubmit. Next: mottsim sweep merge "
          << out_dir << '\n';
      return 0;
    }
  } else {
    m.sweep_file = sweep_file;
    m.fingerprint = sweep_fingerprint(sweep_file, spec);
    m.points = total;
    m.shards = slurm.array ? slurm.array
                           : std::clamp<std::size_t>((total + default_points_per_task - 1) / default_points_per_task, 1,
                                                     max_array_tasks);
    m.shards = std::max<std::size_t>(1, std::min(m.shards, total));
    for (std::size_t s = 1; s <= m.shards; ++s) tasks.push_back(s);
  }

  const std::string mottsim = self_executable();
  if (mottsim.empty()) throw dsl::input_error({"--slurm", 0, 0}, "cannot find the mottsim binary (/proc/self/exe)");
  const std::string script = sbatch_script(spec, mottsim, sweep_file, out_dir, m.shards, tasks, slurm, flags);
  const std::string slurm_dir = (fs::path(out_dir) / "slurm").string();
  write_output_file(slurm_dir, "sweep.sbatch", script);
  for (std::size_t s = 1; s <= m.shards; ++s) write_shard_marker(out_dir, s, m);
  const std::string script_path = slurm_dir + "/sweep.sbatch";
  if (slurm.print_only) {
    write_manifest(out_dir, m);
    out << script << "wrote " << script_path << " (" << tasks.size() << " of " << m.shards
        << " shards); submit it with: sbatch " << script_path << '\n';
    return 0;
  }
  const std::string sbatch = find_on_path("sbatch");
  if (sbatch.empty())
    throw dsl::input_error({"--slurm", 0, 0}, "sbatch is not on PATH (is this a Slurm login node?); --slurm-print "
                                              "writes the script without submitting it");
  std::string job, problems;
  const int status = run_capture({sbatch, "--parsable", script_path}, job, problems);
  job = trimmed(job.substr(0, job.find(';')));
  if (status != 0 || job.empty())
    throw dsl::input_error({script_path, 0, 0}, "sbatch refused the job (exit status " + std::to_string(status) +
                                                    "): " + trimmed(problems));
  m.jobs.push_back(job);
  write_manifest(out_dir, m);
  out << "submitted Slurm job " << job << ": " << tasks.size() << " task(s) of " << m.shards << " shards, "
      << total << " points (" << shard_point_count(total, 1, m.shards) << " in the largest shard)\n"
      << "follow:    mottsim sweep status " << out_dir << "    (or: squeue -j " << job << ")\n"
      << "if a task fails or is cancelled: mottsim sweep " << sweep_file << " -o " << out_dir
      << " --slurm --only-missing\n"
      << "when done: mottsim sweep merge " << out_dir << '\n';
  return 0;
}

}  // namespace mottsim::platform

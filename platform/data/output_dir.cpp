#include "platform/data/output_dir.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "dsl/config_hash.hpp"
#include "dsl/diagnostics.hpp"

namespace mottsim::platform {

namespace fs = std::filesystem;

namespace {

constexpr const char* staging_mark = ".mottsim-staging";

// Directories of the operating system: writing reports into them (or, worse,
// replacing entries there) is never what a user meant. Whole trees that hold
// the system itself (/usr but /usr/local), and the top-level directories that
// hold everybody's. Checked as written and as resolved, since /bin is often a
// link to /usr/bin.
bool is_system_path(const fs::path& p) {
  if (p == p.root_path()) return true;
  std::vector<std::string> parts;
  for (const auto& c : p.relative_path()) parts.push_back(c.string());
  while (!parts.empty() && (parts.back().empty() || parts.back() == ".")) parts.pop_back();
  if (parts.empty()) return true;
  static const std::set<std::string> system_trees = {"bin",  "boot",   "dev",  "etc",  "lib", "lib32",
                                                     "lib64", "libx32", "proc", "sbin", "sys"};
  static const std::set<std::string> shared_tops = {"home", "mnt", "media", "opt", "run", "srv", "var"};
  if (system_trees.count(parts[0])) return true;
  if (parts[0] == "usr") return parts.size() == 1 || parts[1] != "local" || parts.size() == 2;
  return parts.size() == 1 && shared_tops.count(parts[0]);
}

bool is_system_dir(const fs::path& dir) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(dir, ec).lexically_normal();
  if (is_system_path(absolute)) return true;
  const fs::path resolved = fs::weakly_canonical(absolute, ec);
  return !ec && is_system_path(resolved);
}

std::string reason(int err) { return std::strerror(err); }

// The staging mark's text: the owning process and its machine, so that a
// later command can tell a dead owner's directory from a live one's.
std::string this_host() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return {};
  return name;
}

std::string staging_mark_text() { return std::to_string(::getpid()) + "\n" + this_host() + "\n"; }

// Whether `text` is a process id as mottsim writes one into a name (1 to 9
// digits), and which.
bool pid_text(const std::string& text, long& pid) {
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) return false;
  pid = std::stol(text);
  return true;
}

// Whether `name` is ".PREFIX-PID" or ".PREFIX-PID-N", with the PID.
bool is_staging_name(const std::string& name, const std::string& prefix, long& pid) {
  const std::string start = "." + prefix + "-";
  if (name.compare(0, start.size(), start) != 0) return false;
  const std::string rest = name.substr(start.size());
  const std::size_t dash = rest.find('-');
  long n = 0;
  return pid_text(rest.substr(0, dash), pid) && (dash == std::string::npos || pid_text(rest.substr(dash + 1), n));
}

bool process_exists(long pid) { return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM; }

// A manifest line naming a run directory ("NAME/") rather than a file.
bool is_directory_entry(const std::string& line) { return !line.empty() && line.back() == '/'; }

// A manifest line is a plain name of its directory, never a path (nor the
// manifest itself): a file's name, or a run directory's name and '/'. A line
// that is neither is ignored.
bool is_plain_name(const std::string& line) {
  const std::string name = is_directory_entry(line) ? line.substr(0, line.size() - 1) : line;
  return !name.empty() && name != "." && name != ".." && name != output_manifest_name &&
         name.find('/') == std::string::npos;
}

// What the manifest lists; nothing when there is none. One that exists but
// cannot be read is an error with its reason (guessing would risk removing
// what mottsim did not write).
std::set<std::string> read_manifest(const fs::path& dir) {
  std::set<std::string> names;
  std::error_code ec;
  const fs::path path = dir / output_manifest_name;
  if (!fs::exists(fs::symlink_status(path, ec))) return names;
  std::istringstream in(dsl::read_file_text(path.string(), "output manifest"));
  for (std::string line; std::getline(in, line);)
    if (is_plain_name(line)) names.insert(line);
  return names;
}

void write_manifest(const std::string& dir, const std::set<std::string>& names) {
  std::ostringstream text;
  for (const auto& n : names) text << n << '\n';
  write_output_file(dir, output_manifest_name, text.str());
}

}  // namespace

bool is_output_write_error(const std::string& error_line) {
  for (const char* what : {write_failure, create_failure})
    if (error_line.find(std::string(": error: ") + what) != std::string::npos) return true;
  return false;
}

void ensure_output_dir(const std::string& dir) {
  if (is_system_dir(dir))
    throw dsl::input_error({"-o " + dir, 0, 0},
                           "refusing to write into the root or a system directory; choose a directory of your own");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!ec && fs::is_directory(dir)) return;
  // A link whose target is missing, at the directory or on the way to it,
  // makes the system say "File exists": name the link instead. mottsim does
  // not create a link's target, as mkdir -p does not.
  fs::path prefix;
  for (const auto& part : fs::path(dir)) {
    prefix /= part;
    std::error_code link_ec;
    if (!fs::is_symlink(fs::symlink_status(prefix, link_ec))) continue;
    std::error_code target_ec;
    if (fs::exists(prefix, target_ec)) continue;
    fs::path target = fs::read_symlink(prefix, link_ec);
    if (target.is_relative()) target = (prefix.parent_path() / target).lexically_normal();
    // Only a missing target is "does not exist"; a loop or a directory that
    // cannot be searched says its own reason.
    const bool missing = !target_ec || target_ec == std::errc::no_such_file_or_directory;
    throw dsl::input_error({"-o " + dir, 0, 0},
                           create_failure + std::string("'") + prefix.string() + "' is a symbolic link to '" +
                               target.string() + "', " +
                               (missing ? "which does not exist: create it, or choose another directory"
                                        : "which cannot be followed: " + target_ec.message()));
  }
  throw dsl::input_error({"-o " + dir, 0, 0},
                         create_failure + (ec ? ec.message() : std::string("a file is in the way")));
}

void write_output_file(const std::string& dir, const std::string& name, const std::string& text) {
  ensure_output_dir(dir);
  std::error_code ec;
  const fs::path final_path = fs::path(dir) / name;
  const fs::path tmp = fs::path(dir) / ("." + name + ".tmp" + std::to_string(::getpid()));
  // stdio rather than a stream, so a failure keeps its errno (ENOSPC, EACCES, ...).
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw dsl::input_error({final_path.string(), 0, 0}, write_failure + reason(errno));
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  int err = written ? 0 : errno;
  if (std::fflush(f) != 0 && !err) err = errno;
  if (std::fclose(f) != 0 && !err) err = errno;
  if (!written && !err) err = EIO;
  if (err) {
    fs::remove(tmp, ec);
    throw dsl::input_error({final_path.string(), 0, 0}, write_failure + reason(err));
  }
  fs::rename(tmp, final_path, ec);
  if (ec) {
    const std::string why = ec.message();
    fs::remove(tmp, ec);
    throw dsl::input_error({final_path.string(), 0, 0}, write_failure + why);
  }
}

void record_output_files(const std::string& dir, const std::vector<std::string>& names) {
  std::set<std::string> all = read_manifest(dir);
  all.insert(names.begin(), names.end());
  write_manifest(dir, all);
}

std::vector<fs::path> superseded_output_files(const std::string& dir, const std::vector<std::string>& names) {
  std::vector<fs::path> superseded;
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(dir, ec))) return superseded;
  const std::set<std::string> kept(names.begin(), names.end());
  for (const auto& line : read_manifest(dir)) {
    if (kept.count(line)) continue;
    const bool is_dir = is_directory_entry(line);
    const fs::path path = fs::path(dir) / (is_dir ? line.substr(0, line.size() - 1) : line);
    // symlink_status: a link is never followed, nor removed.
    const auto st = fs::symlink_status(path, ec);
    if (is_dir ? fs::is_directory(st) : fs::is_regular_file(st)) superseded.push_back(path);
  }
  return superseded;
}

void check_output_set_replaceable(const std::string& dir, const std::vector<std::string>& names) {
  std::error_code ec;
  for (const auto& path : superseded_output_files(dir, names))
    if (fs::is_directory(fs::symlink_status(path, ec))) check_output_dir_removable(path);
  // A file of the user's that has an output's name: writing would replace it.
  // Followed if DIR is a link: writing goes through it.
  if (!fs::is_directory(fs::status(dir, ec))) return;
  const std::set<std::string> listed = read_manifest(dir);
  for (const auto& name : names) {
    if (is_directory_entry(name) || listed.count(name)) continue;
    const fs::path path = fs::path(dir) / name;
    if (fs::exists(fs::symlink_status(path, ec)))
      throw dsl::input_error({path.string(), 0, 0},
                             write_failure + std::string("it is in the way, and mottsim did not write it (") +
                                 (fs::path(dir) / output_manifest_name).string() +
                                 " does not list it): move it away, or choose another -o directory");
  }
}

std::vector<fs::path> write_output_set(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& files,
                                       const std::vector<std::string>& run_dirs) {
  ensure_output_dir(dir);
  std::vector<std::string> names;
  for (const auto& f : files) names.push_back(f.first);
  for (const auto& d : run_dirs) names.push_back(d + "/");
  check_output_set_replaceable(dir, names);
  record_output_files(dir, names);  // the earlier files and these, while both may be there
  for (const auto& [name, text] : files) write_output_file(dir, name, text);
  return replace_output_set(dir, names);
}

std::vector<fs::path> replace_output_set(const std::string& dir, const std::vector<std::string>& names) {
  check_output_set_replaceable(dir, names);
  const std::vector<fs::path> superseded = superseded_output_files(dir, names);
  record_output_files(dir, names);
  std::error_code ec;
  for (const auto& path : superseded) {
    if (fs::is_directory(fs::symlink_status(path, ec))) {
      remove_output_dir(path);
      continue;
    }
    fs::remove(path, ec);
    if (ec) throw dsl::input_error({path.string(), 0, 0}, "cannot remove an earlier run's output: " + ec.message());
  }
  write_manifest(dir, std::set<std::string>(names.begin(), names.end()));
  return superseded;
}

void refuse_sweep_directory(const std::string& dir) {
  std::error_code ec;
  // A sweep's journal, or a cluster sweep's list of shards (its results are
  // in the shards' directories until `sweep merge`).
  for (const fs::path& mark : {fs::path(dir) / "results.jsonl", fs::path(dir) / "slurm" / "shards.json"})
    if (fs::is_regular_file(fs::symlink_status(mark, ec)))
      throw dsl::input_error({"-o", 0, 0}, "'" + dir + "' holds a sweep's results (" + mark.string() +
                                               ", which sweep --resume or sweep merge continues); a report written "
                                               "there would mix with them: choose another -o directory");
}

std::string removed_outputs_text(const std::vector<fs::path>& removed) {
  if (removed.empty()) return "";
  std::string text = "removed what an earlier command wrote there and this one did not:";
  for (const auto& f : removed) text += ' ' + f.string();
  return text + '\n';
}

void check_output_dir_removable(const fs::path& dir) {
  std::error_code ec;
  const auto st = fs::symlink_status(dir, ec);
  if (!fs::exists(st)) return;
  if (!fs::is_directory(st))
    throw dsl::input_error({dir.string(), 0, 0},
                           "is in the way of mottsim's output and was not written by mottsim; move it or choose "
                           "another -o directory");
  const std::set<std::string> ours = read_manifest(dir);
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name == output_manifest_name) continue;
    if (!ours.count(name) || !entry.is_regular_file(ec) || entry.is_symlink(ec))
      throw dsl::input_error({entry.path().string(), 0, 0},
                             "was not written by mottsim, so mottsim will not replace the directory holding it; "
                             "move it or choose another -o directory");
  }
  if (ec) throw dsl::input_error({dir.string(), 0, 0}, "cannot read directory: " + ec.message());
}

void remove_output_dir(const fs::path& dir) {
  check_output_dir_removable(dir);
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(dir, ec))) return;
  for (const auto& name : read_manifest(dir)) fs::remove(dir / name, ec);
  fs::remove(dir / output_manifest_name, ec);
  if (!fs::remove(dir, ec) || ec)
    throw dsl::input_error({dir.string(), 0, 0},
                           "cannot replace directory: " + (ec ? ec.message() : std::string("it is not empty")));
}

fs::path make_staging_dir(const fs::path& parent, const std::string& prefix) {
  const std::string base = "." + prefix + "-" + std::to_string(::getpid());
  for (int n = 0; n < 1000; ++n) {
    const fs::path dir = parent / (n == 0 ? base : base + "-" + std::to_string(n));
    std::error_code ec;
    // create_directory is false for an existing directory: never adopt one.
    if (fs::create_directory(dir, ec)) {
      write_output_file(dir.string(), staging_mark, staging_mark_text());
      return dir;
    }
    if (ec && ec != std::errc::file_exists)
      throw dsl::input_error({parent.string(), 0, 0}, "cannot write in output directory: " + ec.message());
  }
  throw dsl::input_error({parent.string(), 0, 0}, "cannot make a staging directory: too many exist already");
}

void remove_staging_dir(const fs::path& dir) {
  std::error_code ec;
  const auto st = fs::symlink_status(dir, ec);
  if (!fs::is_directory(st) || !fs::is_regular_file(fs::symlink_status(dir / staging_mark, ec))) return;
  fs::remove_all(dir, ec);
}

void remove_stale_staging_dirs(const fs::path& parent, const std::string& prefix) {
  std::error_code ec;
  std::vector<fs::path> stale;
  for (const auto& entry : fs::directory_iterator(parent, ec)) {
    long pid = 0;
    if (!is_staging_name(entry.path().filename().string(), prefix, pid) || pid <= 0 || pid == ::getpid()) continue;
    if (!entry.is_directory(ec) || entry.is_symlink(ec)) continue;
    // The mark must name the same process, made here (a mark without a
    // machine is an older mottsim's, which only ever staged locally).
    const fs::path mark_path = entry.path() / staging_mark;
    if (!fs::is_regular_file(fs::symlink_status(mark_path, ec)) || fs::file_size(mark_path, ec) > 4096) continue;
    std::ifstream mark(mark_path);
    std::string mark_pid, mark_host;
    if (!std::getline(mark, mark_pid) || mark_pid != std::to_string(pid)) continue;
    if (std::getline(mark, mark_host) && mark_host != this_host()) continue;
    if (!process_exists(pid)) stale.push_back(entry.path());
  }
  for (const auto& dir : stale) remove_staging_dir(dir);
}

void remove_stale_temporary_files(const fs::path& dir, const std::vector<std::string>& names) {
  std::error_code ec;
  std::vector<fs::path> stale;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string file = entry.path().filename().string();
    for (const auto& name : names) {
      // write_output_file's own pattern: "." NAME ".tmp" PID.
      const std::string start = "." + name + ".tmp";
      if (file.compare(0, start.size(), start) != 0) continue;
      long pid = 0;
      if (!pid_text(file.substr(start.size()), pid)) continue;
      // Its process may be one on another machine sharing the directory
      // (shards of a sweep), so an absent PID is not enough: a file being
      // written is also seconds old, an abandoned one older than this.
      const auto age = fs::file_time_type::clock::now() - fs::last_write_time(entry.path(), ec);
      if (pid != ::getpid() && !process_exists(pid) && fs::is_regular_file(entry.symlink_status(ec)) && !ec &&
          age > std::chrono::minutes(10))
        stale.push_back(entry.path());
    }
  }
  for (const auto& file : stale) fs::remove(file, ec);
}

}  // namespace mottsim::platform

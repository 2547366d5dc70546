#include "platform/sweep/sweep_inputs.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "dsl/config_hash.hpp"
#include "dsl/diagnostics.hpp"
#include "reports/simulator_identity.hpp"
#include "platform/data/output_dir.hpp"

namespace mottsim::platform {

namespace fs = std::filesystem;

namespace {

nlohmann::json settings_of(const dsl::sweep_spec& spec) {
  return {{"mode", spec.mode}, {"seed", spec.seed}, {"chips", spec.chips}, {"schedule", spec.schedule},
          {"revision", reports::simulator_revision()}};
}

// Whether a recorded setting and today's differ. A revision that either build
// could not read ("unknown": built outside a git checkout) differs from none.
bool setting_changed(const std::string& key, const nlohmann::json& then, const nlohmann::json& now) {
  if (key == "revision" && (then == "unknown" || now == "unknown")) return false;
  return then != now;
}

}  // namespace

std::map<std::string, std::string> fingerprint_sweep_inputs(const std::vector<std::string>& files) {
  std::map<std::string, std::string> out;
  for (const auto& f : files) {
    if (f.empty()) continue;
    std::error_code ec;
    const std::string key = fs::weakly_canonical(fs::absolute(f, ec), ec).string();
    if (out.count(key)) continue;
    const auto st = fs::status(f, ec);
    if (!fs::exists(st)) {
      out[key] = "absent";
    } else if (fs::is_regular_file(st)) {
      out[key] = dsl::file_fingerprint_hex(f, "input file");
    } else if (fs::is_directory(st)) {
      // A directory of inputs (calibration photographs): its files' names
      // and bytes, in name order.
      std::map<std::string, std::string> listing;
      for (fs::directory_iterator it(f, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_regular_file(ec))
          listing[it->path().filename().string()] = dsl::file_fingerprint_hex(it->path().string(), "input file");
      std::string all;
      for (const auto& [name, hash] : listing) all += name + '\n' + hash + '\n';
      out[key] = "directory " + dsl::fnv1a_hex(all);
    }
  }
  return out;
}

namespace {

// dir/sweep_inputs.json, checked to be a record (an object with 'settings' and
// 'files'); null when there is none.
nlohmann::json read_record(const std::string& dir) {
  const fs::path record = fs::path(dir) / sweep_inputs_name;
  std::error_code ec;
  if (!fs::exists(record, ec)) return nullptr;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(dsl::read_file_text(record.string(), "sweep inputs record"));
  } catch (const nlohmann::json::exception& e) {
    throw dsl::input_error({record.string(), 0, 0}, "is not valid JSON (" + std::string(e.what()) +
                                                        "): it records what the sweep's results were made from");
  }
  if (!j.is_object() || !j.contains("settings") || !j["settings"].is_object() || !j.contains("files") ||
      !j["files"].is_object())
    throw dsl::input_error({record.string(), 0, 0},
                           "is not a record of a sweep's inputs (an object with 'settings' and 'files'); run the sweep "
                           "into another -o directory");
  return j;
}

}  // namespace

std::string recorded_sweep_revision(const std::string& dir) {
  const nlohmann::json j = read_record(dir);
  if (j.is_null() || !j["settings"].contains("revision") || !j["settings"]["revision"].is_string()) return "";
  return j["settings"]["revision"].get<std::string>();
}

namespace {

// What differs between a record and what the sweep reads now (`files`,
// `spec`'s settings, a build of `revision`), each as "then -> now"; a
// revision that differs is said as `revision_from` names its builds. A record
// written before mottsim recorded revisions did not record the files a swept
// value names either: those are not counted as new.
std::vector<std::string> sweep_input_changes(const nlohmann::json& record, const dsl::sweep_spec& spec,
                                             const std::map<std::string, std::string>& files,
                                             const std::string& revision, const std::string& revision_from) {
  std::vector<std::string> changed;
  nlohmann::json now = settings_of(spec);
  now["revision"] = revision;
  for (const auto& [key, value] : now.items()) {
    if (!record["settings"].contains(key) || !setting_changed(key, record["settings"][key], value)) continue;
    const std::string then = record["settings"][key].dump();
    changed.push_back(key != "revision" ? key + " " + then + " -> " + value.dump()
                                        : "mottsim's source revision " + then + " here, " + value.dump() + " " +
                                              revision_from);
  }
  const bool older_record = !record["settings"].contains("revision");
  std::map<std::string, std::string> then;
  for (const auto& [path, hash] : record["files"].items())
    if (hash.is_string()) then[path] = hash.get<std::string>();
  for (const auto& [path, hash] : files) {
    const auto it = then.find(path);
    if (it == then.end()) {
      if (!older_record) changed.push_back(path + " (not read then)");
    } else if (it->second != hash) {
      changed.push_back(path + (hash == "absent" ? " (now absent)" : " (edited)"));
    }
  }
  for (const auto& [path, hash] : then)
    if (!files.count(path)) changed.push_back(path + " (no longer read)");
  return changed;
}

std::string listed(const std::vector<std::string>& changed) {
  std::string list;
  for (std::size_t i = 0; i < changed.size() && i < 8; ++i) list += (i ? "; " : "") + changed[i];
  if (changed.size() > 8) list += "; and " + std::to_string(changed.size() - 8) + " more";
  return list;
}

// dir's record, refused (located) when results exist without one.
nlohmann::json required_record(const std::string& dir) {
  nlohmann::json j = read_record(dir);
  if (j.is_null())
    throw dsl::input_error({(fs::path(dir) / sweep_inputs_name).string(), 0, 0},
                           "is missing, so the results beside it cannot be checked against what the sweep reads now "
                           "(it records the files and settings they were made from); run the sweep into another -o "
                           "directory");
  return j;
}

}  // namespace

void check_resumed_sweep_inputs(const std::string& dir, const dsl::sweep_spec& spec,
                                const std::map<std::string, std::string>& files, bool has_results) {
  // No results: nothing made from other inputs to mix with.
  if (!has_results) return;
  const std::vector<std::string> changed =
      sweep_input_changes(required_record(dir), spec, files, reports::simulator_revision(), "in this build");
  if (changed.empty()) return;
  throw dsl::input_error({(fs::path(dir) / "results.jsonl").string(), 0, 0},
                         "these results were recorded from other inputs than the sweep reads now (" +
                             listed(changed) +
                             "): with new results they would put two designs, or two builds of mottsim, in one "
                             "table; run the sweep into another -o directory, or restore what changed");
}

void check_shard_sweep_inputs(const std::string& dir, const dsl::sweep_spec& spec, const std::string& revision,
                              const std::string& revision_from) {
  // The files the shard recorded, as they are now: the merge reads only the
  // sweep file, its bases and workloads, so the record names the rest.
  const nlohmann::json record = required_record(dir);
  std::vector<std::string> recorded;
  for (const auto& [path, hash] : record["files"].items()) recorded.push_back(path);
  const std::vector<std::string> changed = sweep_input_changes(record, spec, fingerprint_sweep_inputs(recorded),
                                                               revision, "in " + revision_from + " record");
  if (changed.empty()) return;
  throw dsl::input_error({(fs::path(dir) / "results.jsonl").string(), 0, 0},
                         "this shard's results were made from other inputs than the sweep reads now, or by another "
                         "build of mottsim than the other shards (" +
                             listed(changed) +
                             "): merged, they would put two designs, or two builds, in one table; run this shard "
                             "again with the inputs and the build of the others");
}

void write_sweep_inputs(const std::string& dir, const dsl::sweep_spec& spec,
                        const std::map<std::string, std::string>& files) {
  nlohmann::json j = {{"settings", settings_of(spec)}, {"files", nlohmann::json::object()}};
  for (const auto& [path, hash] : files) j["files"][path] = hash;
  write_output_file(dir, sweep_inputs_name, j.dump(2) + "\n");
}

}  // namespace mottsim::platform

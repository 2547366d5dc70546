#include "platform/sweep/sweep_shards.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>

#include "dsl/config_hash.hpp"
#include "dsl/diagnostics.hpp"
#include "dsl/sweep_expansion.hpp"
#include "dsl/sweep_loader.hpp"
#include "dsl/yaml_tree.hpp"
#include "platform/elaboration/model_registry.hpp"
#include "platform/data/output_dir.hpp"
#include "platform/sweep/results_journal.hpp"
#include "platform/sweep/sweep_inputs.hpp"
#include "platform/sweep/sweep_runner.hpp"

namespace mottsim::platform {

namespace fs = std::filesystem;

namespace {

constexpr const char* manifest_schema = "mottsim.slurm_sweep/1";
constexpr const char* marker_schema = "mottsim.sweep_shard/1";
// Missing points named in a message, at most.
constexpr std::size_t listed_points = 5;

// The canonical text of one YAML file, or its raw text when it does not parse
// (the loader has reported that already).
std::string file_canonical_text(const std::string& path) {
  dsl::diagnostics ignored;
  const auto root = dsl::load_yaml_file(path, ignored);
  return root ? dsl::canonical_text(*root) : dsl::read_file_text(path);
}

nlohmann::json read_json_file(const std::string& path, const std::string& what) {
  const std::string text = dsl::read_file_text(path, what);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw dsl::input_error({path, 0, 0}, what + " is not valid JSON (" + std::string(e.what()) + ")");
  }
}

std::string resubmit_hint(const shard_manifest& m, const std::string& dir) {
  return "resubmit the missing shards: mottsim sweep " + m.sweep_file + " -o " + dir + " --slurm --only-missing";
}

}  // namespace

std::string sweep_fingerprint(const std::string& sweep_file, const dsl::sweep_spec& spec) {
  std::string all = file_canonical_text(sweep_file);
  for (const auto* files : {&spec.architectures, &spec.workloads})
    for (const auto& f : *files) all += "\n--- " + fs::path(f).filename().string() + "\n" + file_canonical_text(f);
  return dsl::fnv1a_hex(all);
}

std::string manifest_path(const std::string& dir) { return (fs::path(dir) / "slurm" / "shards.json").string(); }

std::string shard_dir(const std::string& dir, std::size_t shard) {
  return (fs::path(dir) / "shards" / std::to_string(shard)).string();
}

shard_manifest read_manifest(const std::string& dir) {
  const std::string path = manifest_path(dir);
  std::error_code ec;
  if (!fs::exists(path, ec))
    throw dsl::input_error({dir, 0, 0}, "not a sharded sweep directory: it has no slurm/shards.json (written by "
                                        "mottsim sweep FILE -o DIR --slurm)");
  const nlohmann::json j = read_json_file(path, "shard manifest");
  shard_manifest m;
  try {
    if (j.at("schema").get<std::string>() != manifest_schema) throw std::runtime_error("unknown schema");
    m.sweep_file = j.at("sweep_file").get<std::string>();
    m.fingerprint = j.at("fingerprint").get<std::string>();
    m.shards = j.at("shards").get<std::size_t>();
    m.points = j.at("points").get<std::size_t>();
    m.jobs = j.at("jobs").get<std::vector<std::string>>();
  } catch (const std::exception& e) {
    throw dsl::input_error({path, 0, 0}, "not a mottsim shard manifest (" + std::string(e.what()) + ")");
  }
  if (m.shards < 1) throw dsl::input_error({path, 0, 0}, "a shard manifest needs at least one shard");
  return m;
}

void write_manifest(const std::string& dir, const shard_manifest& m) {
  nlohmann::ordered_json j;
  j["schema"] = manifest_schema;
  j["sweep_file"] = m.sweep_file;
  j["fingerprint"] = m.fingerprint;
  j["shards"] = m.shards;
  j["points"] = m.points;
  j["jobs"] = m.jobs;
  write_output_file((fs::path(dir) / "slurm").string(), "shards.json", j.dump(2) + "\n");
}

void write_shard_marker(const std::string& dir, std::size_t shard, const shard_manifest& m) {
  nlohmann::ordered_json j;
  j["schema"] = marker_schema;
  j["fingerprint"] = m.fingerprint;
  j["shard"] = shard;
  j["shards"] = m.shards;
  write_output_file(shard_dir(dir, shard), "shard.json", j.dump(2) + "\n");
}

std::size_t shard_point_count(std::size_t total, std::size_t shard, std::size_t shards) {
  const std::size_t first = shard - 1;
  return total / shards + (first < total % shards ? 1 : 0);
}

dsl::sweep_spec load_sharded_sweep(const model_registry& registry, const shard_manifest& m, const std::string& dir) {
  dsl::diagnostics errors;
  dsl::sweep_spec spec = dsl::load_sweep(m.sweep_file, registry, errors);
  if (errors.has_errors()) throw dsl::input_error(errors);
  if (sweep_fingerprint(m.sweep_file, spec) != m.fingerprint)
    throw dsl::input_error({m.sweep_file, 0, 0},
                           "this sweep file, a base architecture or a workload has changed since the shards of " + dir +
                               " were submitted; their results belong to the earlier version");
  const auto total = dsl::sweep_point_count(spec);
  if (!total || *total != m.points)
    throw dsl::input_error({manifest_path(dir), 0, 0}, "records " + std::to_string(m.points) +
                                                           " points, but the sweep now has another count");
  return spec;
}

std::vector<shard_state> read_shards(const std::string& dir, const dsl::sweep_spec& spec, const shard_manifest& m,
                                     std::vector<reports::sweep_row>* rows) {
  const dsl::sweep_points all(spec);
  const std::size_t total = all.size();
  dsl::diagnostics errors;
  std::vector<shard_state> states;
  for (std::size_t s = 1; s <= m.shards; ++s) {
    shard_state st;
    st.shard = s;
    st.points = shard_point_count(total, s, m.shards);
    const std::string here = shard_dir(dir, s);
    const std::string marker = (fs::path(here) / "shard.json").string();
    std::error_code ec;
    if (fs::exists(marker, ec)) {
      const nlohmann::json j = read_json_file(marker, "shard marker");
      const bool ours = j.is_object() && j.value("fingerprint", "") == m.fingerprint &&
                        j.value("shard", std::size_t{0}) == s && j.value("shards", std::size_t{0}) == m.shards;
      if (!ours) {
        errors.error({marker, 0, 0}, "this shard directory belongs to another sweep or another split (fingerprint " +
                                         j.value("fingerprint", std::string("?")) + ", shard " +
                                         std::to_string(j.value("shard", 0)) + "/" +
                                         std::to_string(j.value("shards", 0)) + "; this sweep's is " + m.fingerprint +
                                         ", shard " + std::to_string(s) + "/" + std::to_string(m.shards) + ")");
        states.push_back(st);
        continue;
      }
    }
    const std::string journal = (fs::path(here) / "results.jsonl").string();
    std::size_t recorded = 0;
    if (fs::exists(journal, ec)) {
      st.started = true;
      const journal_contents c = parse_results_journal(journal, dsl::read_file_text(journal, "results journal"));
      st.torn_line = c.torn_line;
      for (std::size_t i = 0; i < c.rows.size(); ++i) {
        const reports::sweep_row& row = c.rows[i];
        const dsl::source_location at{journal, c.lines[i], 1};
        if (row.index >= total || !reports::same_point(row, sweep_row_for_point(all.at(row.index)))) {
          errors.error(at, "point " + row.id + " is not this sweep's (another sweep file, or other settings): this "
                           "shard directory belongs to another sweep");
          continue;
        }
        if (row.index % m.shards != s - 1) {
          errors.error(at, "point " + row.id + " belongs to shard " + std::to_string(row.index % m.shards + 1) +
                               ", not to shard " + std::to_string(s));
          continue;
        }
        if (row.status == reports::retry_status) continue;  // still to run
        ++recorded;
        if (row.status == "ok" || row.status == "dropped") ++st.done;
        else ++st.failed;
        if (rows) rows->push_back(row);
      }
    }
    st.missing = st.points - std::min(st.points, recorded);
    states.push_back(st);
  }
  if (errors.has_errors()) throw dsl::input_error(errors);
  return states;
}

int command_sweep_status(const model_registry& registry, const std::string& dir, std::ostream& out) {
  const shard_manifest m = read_manifest(dir);
  const dsl::sweep_spec spec = load_sharded_sweep(registry, m, dir);
  const auto states = read_shards(dir, spec, m);
  out << "sweep " << spec.name << ": " << m.points << " points in " << m.shards << " shards";
  if (!m.jobs.empty()) {
    out << " (Slurm job";
    for (const auto& j : m.jobs) out << ' ' << j;
    out << ')';
  }
  out << "\nshard  points  done  failed  missing  state\n";
  shard_state sum;
  std::size_t complete = 0;
  for (const auto& s : states) {
    const char* state = s.complete() ? "complete" : !s.started ? "not started" : "incomplete";
    complete += s.complete() ? 1 : 0;
    char line[160];
    std::snprintf(line, sizeof line, "%5zu  %6zu  %4zu  %6zu  %7zu  %s%s\n", s.shard, s.points, s.done, s.failed,
                  s.missing, state, s.torn_line ? " (a torn last line: killed, or still writing)" : "");
    out << line;
    sum.points += s.points;
    sum.done += s.done;
    sum.failed += s.failed;
    sum.missing += s.missing;
  }
  char line[160];
  std::snprintf(line, sizeof line, "total  %6zu  %4zu  %6zu  %7zu  %zu of %zu shards complete\n", sum.points,
                sum.done, sum.failed, sum.missing, complete, states.size());
  out << line;
  if (complete == states.size()) out << "every shard is complete: mottsim sweep merge " << dir << '\n';
  return 0;
}

int command_sweep_merge(const model_registry& registry, const std::string& dir, std::ostream& out) {
  const shard_manifest m = read_manifest(dir);
  const dsl::sweep_spec spec = load_sharded_sweep(registry, m, dir);
  std::vector<reports::sweep_row> rows;
  const auto states = read_shards(dir, spec, m, &rows);
  // Each shard ran from the files it recorded: they must be as they are now.
  // The shards must also share one build of mottsim: the first that says
  // which (one built outside git, or recorded before revisions were, says
  // none). The build that merges them computes nothing, so it may be another.
  std::string revision = "unknown", revision_from = "the other shards";
  for (const auto& s : states) {
    if (!s.started) continue;
    const std::string known = recorded_sweep_revision(shard_dir(dir, s.shard));
    if (known.empty() || known == "unknown") continue;
    revision = known;
    revision_from = "shard " + std::to_string(s.shard) + "'s";
    break;
  }
  for (const auto& s : states)
    if (s.started) check_shard_sweep_inputs(shard_dir(dir, s.shard), spec, revision, revision_from);
  dsl::diagnostics errors;
  for (const auto& s : states) {
    const std::string journal = (fs::path(shard_dir(dir, s.shard)) / "results.jsonl").string();
    if (!s.started) {
      errors.error({shard_dir(dir, s.shard), 0, 0}, "shard " + std::to_string(s.shard) + " of " +
                                                        std::to_string(m.shards) + " is missing (no results.jsonl); " +
                                                        resubmit_hint(m, dir));
    } else if (s.torn_line) {
      errors.error({journal, s.torn_line, 1}, "a torn last line: shard " + std::to_string(s.shard) +
                                                  " was killed while writing a result; " + resubmit_hint(m, dir));
    } else if (s.missing) {
      errors.error({journal, 0, 0}, "shard " + std::to_string(s.shard) + " lacks " + std::to_string(s.missing) +
                                        " of its " + std::to_string(s.points) + " points; " + resubmit_hint(m, dir));
    }
  }
  if (errors.has_errors()) throw dsl::input_error(errors);
  std::sort(rows.begin(), rows.end(),
            [](const reports::sweep_row& a, const reports::sweep_row& b) { return a.index < b.index; });
  // Exactly once: each shard holds only its own points (an index names its
  // shard), each recorded once, so every index is there when the count is.
  std::vector<bool> present(m.points, false);
  for (const auto& r : rows) present[r.index] = true;
  if (rows.size() != m.points || std::find(present.begin(), present.end(), false) != present.end()) {
    std::string which;
    for (std::size_t k = 0, n = 0; k < m.points && n < listed_points; ++k)
      if (!present[k]) which += (n++ ? ", " : "") + dsl::sweep_point_id(k);
    throw dsl::input_error({dir, 0, 0}, "the shards do not hold every point of the sweep exactly once (missing: " +
                                            which + "); " + resubmit_hint(m, dir));
  }
  // The merge writes the whole sweep's journal itself: a results.jsonl of the
  // user's there stops it too (checked before the claim lists the name).
  check_output_set_replaceable(dir, {"results.jsonl"});
  claim_sweep_outputs(dir);
  std::string jsonl;
  for (const auto& r : rows) jsonl += reports::row_to_json_line(r) + "\n";
  write_output_file(dir, "results.jsonl", jsonl);
  write_sweep_tables(sweep_table_of(spec), rows, dir, true);
  std::size_t ok = 0, dropped = 0, failed = 0;
  for (const auto& r : rows) {
    if (r.status == "ok") ++ok;
    else if (r.status == "dropped") ++dropped;
    else ++failed;
  }
  out << "sweep " << spec.name << ": merged " << m.shards << " shards, " << rows.size() << " points: " << ok
      << " ok, " << dropped << " dropped by constraints, " << failed << " failed\n"
      << "wrote " << dir << "/results.jsonl, results.csv, pareto.csv, sweep.json and report.html\n";
  out << removed_outputs_text(replace_output_set(dir, sweep_output_names()));
  return failed ? 1 : 0;
}

}  // namespace mottsim::platform

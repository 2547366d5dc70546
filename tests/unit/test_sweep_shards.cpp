#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>

#include "dsl/diagnostics.hpp"
#include "dsl/sweep_expansion.hpp"
#include "dsl/sweep_loader.hpp"
#include "platform/sweep/slurm_submit.hpp"
#include "platform/sweep/sweep_inputs.hpp"
#include "platform/sweep/sweep_runner.hpp"
#include "platform/sweep/sweep_shards.hpp"
#include "reports/sweep_results.hpp"
#include "test_support.hpp"

using namespace mottsim;
using mottsim::test_support::registry;
using mottsim::test_support::scratch_dir;

namespace {

std::string source(const std::string& relative) { return std::string(MOTTSIM_SOURCE_DIR) + "/" + relative; }

// 2 x 11 = 22 points: four shards hold 6, 6, 5 and 5.
std::string sweep_text(const std::string& name = "t") {
  return "name: " + name + "\nbase: " + source("tests/sim/configs/small_adc.yaml") +
         "\nworkloads: " + source("tests/sim/configs/conv3x3_8x8.yaml") +
         "\nparameters:\n  components.tile.crossbar.rows: [32, 64]\n"
         "  components.tile.readout[0].bits: {linear: {from: 2, to: 12, step: 1}}\n";
}

struct sharded_sweep {
  scratch_dir dir;
  std::string file;
  dsl::sweep_spec spec;
  platform::shard_manifest manifest;

  explicit sharded_sweep(std::size_t shards, const std::string& name = "t") {
    file = dir.write("s.yaml", sweep_text(name));
    dsl::diagnostics errors;
    spec = dsl::load_sweep(file, registry(), errors);
    REQUIRE_FALSE(errors.has_errors());
    manifest.sweep_file = file;
    manifest.fingerprint = platform::sweep_fingerprint(file, spec);
    manifest.shards = shards;
    manifest.points = *dsl::sweep_point_count(spec);
    platform::write_manifest(out(), manifest);
    for (std::size_t s = 1; s <= shards; ++s) {
      platform::write_shard_marker(out(), s, manifest);
      platform::write_sweep_inputs(platform::shard_dir(out(), s), spec, {});  // as each shard's run records it
    }
  }
  std::string out() const { return dir.path("out"); }
  std::string journal(std::size_t shard) const { return platform::shard_dir(out(), shard) + "/results.jsonl"; }
};

reports::sweep_row row_of(const dsl::sweep_point& p, const std::string& status) {
  reports::sweep_row r = platform::sweep_row_for_point(p);
  r.status = status;
  if (status == "ok" || status == "dropped") r.metrics["energy_j"] = 1e-6 * static_cast<double>(p.index + 1);
  return r;
}

void append(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::app) << text;
}

}  // namespace

TEST_CASE("sweep shards: status counts agree with a brute-force count over random journals") {
  const std::size_t shards = 4;
  sharded_sweep s(shards);
  const dsl::sweep_points all(s.spec);
  REQUIRE(all.size() == 22);
  std::mt19937 rng(7);
  const std::vector<std::string> statuses = {"ok", "dropped", "failed", "timeout", "retry", "none"};
  // What each point ends as, decided here and counted independently below.
  std::map<std::size_t, std::string> final_status;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const std::string status = statuses[rng() % statuses.size()];
    final_status[i] = status;
    if (status == "none") continue;
    const std::size_t shard = i % shards + 1;
    // Some points first ran into a retry, then ran again: the later row counts.
    if (rng() % 3 == 0 && status != "retry")
      append(s.journal(shard), reports::row_to_json_line(row_of(all.at(i), "retry")) + "\n");
    append(s.journal(shard), reports::row_to_json_line(row_of(all.at(i), status)) + "\n");
  }
  const auto states = platform::read_shards(s.out(), s.spec, s.manifest);
  REQUIRE(states.size() == shards);
  for (std::size_t shard = 1; shard <= shards; ++shard) {
    std::size_t points = 0, done = 0, failed = 0, missing = 0;
    for (std::size_t i = shard - 1; i < all.size(); i += shards) {
      ++points;
      const std::string& st = final_status[i];
      if (st == "ok" || st == "dropped") ++done;
      else if (st == "failed" || st == "timeout") ++failed;
      else ++missing;  // retry or never recorded
    }
    CAPTURE(shard);
    CHECK(states[shard - 1].points == points);
    CHECK(states[shard - 1].done == done);
    CHECK(states[shard - 1].failed == failed);
    CHECK(states[shard - 1].missing == missing);
  }
  CHECK(platform::shard_point_count(22, 1, 4) == 6);
  CHECK(platform::shard_point_count(22, 3, 4) == 5);
}

TEST_CASE("sweep shards: merge joins complete shards in index order, and names what is missing") {
  const std::size_t shards = 3;
  sharded_sweep s(shards);
  const dsl::sweep_points all(s.spec);
  // Shards written out of order; every point once.
  for (std::size_t i = all.size(); i-- > 0;)
    append(s.journal(i % shards + 1), reports::row_to_json_line(row_of(all.at(i), i % 5 ? "ok" : "failed")) + "\n");
  std::ostringstream out;
  CHECK(platform::command_sweep_merge(registry(), s.out(), out) == 1);  // some points failed: reported, not hidden
  std::ifstream merged(s.out() + "/results.jsonl");
  std::string line;
  std::size_t expected = 0;
  while (std::getline(merged, line)) {
    const auto row = reports::row_from_json_line(line);
    CHECK(row.index == expected);
    ++expected;
  }
  CHECK(expected == all.size());
  CHECK(out.str().find(std::to_string(all.size()) + " points") != std::string::npos);

  SUBCASE("a shard without results is named") {
    std::filesystem::remove(s.journal(2));
    try {
      platform::command_sweep_merge(registry(), s.out(), out);
      FAIL("merge accepted a missing shard");
    } catch (const dsl::input_error& e) {
      CHECK(e.errors().to_string().find("shard 2 of 3 is missing") != std::string::npos);
    }
  }
  SUBCASE("a torn last line is located") {
    append(s.journal(1), "{\"id\":\"p000");
    const int lines = static_cast<int>((all.size() + shards - 1) / shards);  // shard 1's complete lines
    try {
      platform::command_sweep_merge(registry(), s.out(), out);
      FAIL("merge accepted a torn line");
    } catch (const dsl::input_error& e) {
      const auto& d = e.errors().errors().front();
      CHECK(d.where.line == lines + 1);
      CHECK(d.message.find("torn last line") != std::string::npos);
    }
  }
  SUBCASE("a shard of another sweep is refused, by its marker and by its rows") {
    sharded_sweep other(shards, "another");
    platform::write_shard_marker(s.out(), 2, other.manifest);
    try {
      platform::command_sweep_merge(registry(), s.out(), out);
      FAIL("merge accepted another sweep's shard");
    } catch (const dsl::input_error& e) {
      CHECK(e.errors().to_string().find("belongs to another sweep") != std::string::npos);
    }
  }
  SUBCASE("a file a shard recorded reading, edited since it ran, is refused") {
    // What a base extends, say: the merge reads only the sweep file, its
    // bases and workloads, so the shard's own record names the rest.
    const std::string parent = s.dir.write("parent.yaml", "name: parent\n");
    const auto read_then = platform::fingerprint_sweep_inputs({parent});
    platform::write_sweep_inputs(platform::shard_dir(s.out(), 2), s.spec, read_then);
    CHECK(platform::command_sweep_merge(registry(), s.out(), out) == 1);  // unchanged: merges
    s.dir.write("parent.yaml", "name: parent\n# edited\n");
    try {
      platform::command_sweep_merge(registry(), s.out(), out);
      FAIL("merge accepted a shard whose inputs changed");
    } catch (const dsl::input_error& e) {
      CHECK(e.errors().to_string().find("parent.yaml (edited)") != std::string::npos);
      CHECK(e.errors().to_string().find("shards/2/results.jsonl") != std::string::npos);
    }
  }
  SUBCASE("shards made by two builds of mottsim are refused; the build that merges them may be a third") {
    // Every shard's record names another build than this one, so only the
    // shards' agreement is checked.
    const auto record_revision = [&](std::size_t shard, const std::string& revision) {
      const std::string path = platform::shard_dir(s.out(), shard) + "/" + platform::sweep_inputs_name;
      auto j = nlohmann::json::parse(std::ifstream(path));
      j["settings"]["revision"] = revision;
      std::ofstream(path) << j.dump(2);
    };
    for (std::size_t shard = 1; shard <= shards; ++shard) record_revision(shard, "0123456789ab");
    CHECK(platform::command_sweep_merge(registry(), s.out(), out) == 1);
    record_revision(3, "ba9876543210");
    try {
      platform::command_sweep_merge(registry(), s.out(), out);
      FAIL("merge accepted shards made by two builds");
    } catch (const dsl::input_error& e) {
      CHECK(e.errors().to_string().find("source revision \"ba9876543210\" here, \"0123456789ab\" in shard 1's "
                                        "record") != std::string::npos);
      CHECK(e.errors().to_string().find("shards/3/results.jsonl") != std::string::npos);
    }
    record_revision(3, "unknown");  // built outside a git checkout: nothing to compare
    CHECK(platform::command_sweep_merge(registry(), s.out(), out) == 1);
    // A first shard that says no build does not let the others differ.
    record_revision(1, "unknown");
    record_revision(3, "ba9876543210");
    try {
      platform::command_sweep_merge(registry(), s.out(), out);
      FAIL("merge accepted shards made by two builds after one of unknown build");
    } catch (const dsl::input_error& e) {
      CHECK(e.errors().to_string().find("\"0123456789ab\" in shard 2's record") != std::string::npos);
    }
  }
  SUBCASE("a shard with results but no record of its inputs is refused") {
    std::filesystem::remove(platform::shard_dir(s.out(), 3) + "/sweep_inputs.json");
    try {
      platform::command_sweep_merge(registry(), s.out(), out);
      FAIL("merge accepted a shard without its record");
    } catch (const dsl::input_error& e) {
      CHECK(e.errors().to_string().find("shards/3/sweep_inputs.json: error: is missing") != std::string::npos);
    }
  }
  SUBCASE("a row in the wrong shard is located") {
    append(s.journal(2), reports::row_to_json_line(row_of(all.at(0), "ok")) + "\n");
    try {
      platform::command_sweep_merge(registry(), s.out(), out);
      FAIL("merge accepted a row in the wrong shard");
    } catch (const dsl::input_error& e) {
      CHECK(e.errors().to_string().find("belongs to shard 1, not to shard 2") != std::string::npos);
    }
  }
}

TEST_CASE("sweep shards: the sbatch script runs shard I of N with --resume only when it has results") {
  sharded_sweep s(4);
  platform::slurm_options o;
  o.cpus = 2;
  o.partition = "short";
  o.time = "0-01:00:00";
  platform::shard_run_flags flags;
  flags.max_work = "1e6";
  const std::string all = platform::sbatch_script(s.spec, "/opt/mottsim's bin/mottsim", s.file, "/r/out", 4,
                                                  {1, 2, 3, 4}, o, flags);
  CHECK(all.find("#SBATCH --array=1-4\n") != std::string::npos);
  CHECK(all.find("#SBATCH --cpus-per-task=2\n") != std::string::npos);
  CHECK(all.find("#SBATCH --partition=short\n") != std::string::npos);
  CHECK(all.find("#SBATCH --time=0-01:00:00\n") != std::string::npos);
  CHECK(all.find("--shard \"$shard/4\" -j 2") != std::string::npos);
  CHECK(all.find("'/opt/mottsim'\\''s bin/mottsim'") != std::string::npos);  // quoted for the shell
  CHECK(all.find("--max-work '1e6'") != std::string::npos);
  const std::string some = platform::sbatch_script(s.spec, "/m", s.file, "/r/out", 4, {2, 4}, o, flags);
  CHECK(some.find("#SBATCH --array=2,4\n") != std::string::npos);
  for (const char* good : {"30", "10:00", "1:00:00", "2-0", "2-12:00", "2-12:00:00", "UNLIMITED"})
    CHECK(platform::is_slurm_time(good));
  for (const char* bad : {"", "1h", "1:2:3:4", "-1", "a-b"}) CHECK_FALSE(platform::is_slurm_time(bad));
}

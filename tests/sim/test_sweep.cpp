// `mottsim sweep` end to end: interrupted and resumed sweeps, shards, the
// Pareto front and bad input, on the small test chip (each point runs in
// milliseconds).
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "run_mottsim.hpp"

namespace {

using nlohmann::json;

// A sweep of the conv workload on the small ADC chip: `params` are the lines
// under 'parameters:' (and any keys after them).
std::string small_chip_sweep(const std::string& params) {
  return "base: " + source_path("tests/sim/configs/small_adc.yaml") + "\n"
         "workloads: " + source_path("tests/sim/configs/conv3x3_8x8.yaml") + "\n"
         "parameters:\n" + params;
}

// 3 x 5 x 2 x 3 = 90 points on the small ADC chip.
std::string grid_sweep(const std::string& extra = "") {
  return "name: small_grid\n" +
         small_chip_sweep("  components.tile.crossbar.rows: [32, 64, 128]\n"
                          "  components.tile.readout[0].bits: {linear: {from: 4, to: 8, step: 1}}\n"
                          "  components.tile.count: [1, 2]\n"
                          "  components.tile.readout[0].energy_per_conversion: {log: {from: 0.5 pJ, to: 2 pJ, count: 3}}\n"
                          "objectives:\n"
                          "  - minimize: energy_j\n"
                          "  - minimize: latency_s\n"
                          "  - minimize: area_mm2\n") +
         extra;
}
constexpr std::size_t grid_points = 90;

// The complete rows of a results.jsonl, by index; fails on a torn line.
std::map<std::size_t, json> rows_of(const std::string& jsonl) {
  std::map<std::size_t, json> rows;
  const std::string text = read_text(jsonl);
  CHECK_MESSAGE((text.empty() || text.back() == '\n'), "results.jsonl ends in a torn line");
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const json row = json::parse(line);
    const auto index = row.at("index").get<std::size_t>();
    CHECK_MESSAGE(rows.count(index) == 0, "point " << index << " recorded twice");
    rows[index] = row;
  }
  return rows;
}

std::size_t complete_lines(const std::string& path) {
  const std::string text = read_text(path);
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// Starts `mottsim ARGS...` in the background, its output discarded.
pid_t start_mottsim(std::vector<std::string> args) {
  args.insert(args.begin(), MOTTSIM_BINARY);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

// Processes whose command line mentions `text`.
std::size_t processes_mentioning(const std::string& text) {
  std::size_t n = 0;
  DIR* proc = ::opendir("/proc");
  if (!proc) return 0;
  while (const dirent* e = ::readdir(proc)) {
    if (!std::isdigit(static_cast<unsigned char>(e->d_name[0]))) continue;
    std::string cmdline = read_text(std::string("/proc/") + e->d_name + "/cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find(text) != std::string::npos) ++n;
  }
  ::closedir(proc);
  return n;
}

// Polls `done` every millisecond, for at most `limit` (a guard against a hang,
// never the thing asserted).
template <class F>
bool wait_until(F done, std::chrono::seconds limit = std::chrono::seconds(60)) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// The rows that no other row of the same workload beats in every objective
// at once, worked out pairwise.
std::set<std::string> brute_force_front(const json& sweep) {
  std::vector<const json*> ok;
  for (const auto& r : sweep.at("rows"))
    if (r.at("status") == "ok") ok.push_back(&r);
  std::set<std::string> front;
  for (const auto* a : ok) {
    bool dominated = false;
    for (const auto* b : ok) {
      if (b->at("workload") != a->at("workload")) continue;
      bool no_worse = true, better = false;
      for (const auto& o : sweep.at("objectives")) {
        const std::string m = o.at("metric");
        const double sign = o.at("goal") == "maximize" ? -1 : 1;
        const double x = sign * a->at("metrics").at(m).get<double>(), y = sign * b->at("metrics").at(m).get<double>();
        no_worse &= y <= x;
        better |= y < x;
      }
      dominated |= no_worse && better;
    }
    if (!dominated) front.insert(a->at("id").get<std::string>());
  }
  return front;
}

}  // namespace

TEST_CASE("sweep: a sweep killed mid-run and resumed ends with exactly the rows of an uninterrupted run") {
  scratch_dir dir;
  const std::string file = dir.write("grid.yaml", grid_sweep());
  const auto whole = run_command("sweep " + file + " -o " + dir.path("whole") + " -j 2");
  REQUIRE_MESSAGE(whole.status == 0, whole.output);
  const auto expected = rows_of(dir.path("whole/results.jsonl"));
  REQUIRE(expected.size() == grid_points);

  const std::string out = dir.path("killed");
  const pid_t pid = start_mottsim({"sweep", file, "-o", out, "-j", "2"});
  REQUIRE(pid > 0);
  const std::string jsonl = out + "/results.jsonl";
  const bool some = wait_until([&] { return complete_lines(jsonl) >= 3; });
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  REQUIRE(some);
  const std::size_t before = complete_lines(jsonl);
  REQUIRE_MESSAGE(before < grid_points, "the sweep finished before it could be killed");
  // Its running points die with it (PR_SET_PDEATHSIG): no orphans.
  CHECK(wait_until([&] { return processes_mentioning(out + "/points/") == 0; }, std::chrono::seconds(10)));

  // A kill during a write would leave a torn last line: make one.
  std::ofstream(jsonl, std::ios::app) << R"({"id":"p000)";
  const auto resumed = run_command("sweep " + file + " -o " + out + " -j 2 --resume");
  REQUIRE_MESSAGE(resumed.status == 0, resumed.output);
  CHECK(resumed.output.find("dropped a torn last line") != std::string::npos);
  const auto got = rows_of(jsonl);
  CHECK(got.size() == grid_points);
  CHECK(got == expected);  // ids, parameters, status, metrics and config hashes alike
  CHECK(complete_lines(out + "/results.csv") == grid_points + 1);

  // Without --resume an existing sweep is refused, not mixed into.
  const auto again = run_command("sweep " + file + " -o " + out);
  CHECK(again.status == 2);
  CHECK(again.output.find(jsonl + ": error: already holds results") != std::string::npos);
}

TEST_CASE("sweep: two shards together hold exactly the rows of the whole sweep") {
  scratch_dir dir;
  const std::string file = dir.write("grid.yaml", grid_sweep());
  REQUIRE(run_command("sweep " + file + " -o " + dir.path("whole") + " -j 2").status == 0);
  const auto first = run_command("sweep " + file + " -o " + dir.path("s1") + " -j 2 --shard 1/2");
  const auto second = run_command("sweep " + file + " -o " + dir.path("s2") + " -j 2 --shard 2/2");
  REQUIRE_MESSAGE(first.status == 0, first.output);
  REQUIRE_MESSAGE(second.status == 0, second.output);
  const auto a = rows_of(dir.path("s1/results.jsonl"));
  const auto b = rows_of(dir.path("s2/results.jsonl"));
  CHECK(a.size() == grid_points / 2);
  CHECK(b.size() == grid_points / 2);
  for (const auto& [index, row] : a) CHECK(index % 2 == 0);
  for (const auto& [index, row] : b) CHECK(index % 2 == 1);
  dir.write("both.jsonl", read_text(dir.path("s1/results.jsonl")) + read_text(dir.path("s2/results.jsonl")));
  CHECK(rows_of(dir.path("both.jsonl")) == rows_of(dir.path("whole/results.jsonl")));
}

TEST_CASE("sweep: the Pareto front and the constraints follow from the rows' metrics") {
  scratch_dir dir;
  const std::string file = dir.write("grid.yaml", grid_sweep());
  REQUIRE(run_command("sweep " + file + " -o " + dir.path("free") + " -j 2").status == 0);
  const json free = json::parse(read_text(dir.path("free/sweep.json")));
  CHECK(free.at("schema") == "mottsim.sweep/1");
  CHECK(free.at("name") == "small_grid");
  CHECK(free.at("mode") == "perf");
  CHECK(free.at("parameters").size() == 4);
  REQUIRE(free.at("rows").size() == grid_points);
  const auto front = brute_force_front(free);
  CHECK(front.size() > 1);
  CHECK(free.at("pareto_ids").get<std::set<std::string>>() == front);
  // pareto.csv holds the same points (and a header).
  std::set<std::string> csv_ids;
  std::istringstream csv(read_text(dir.path("free/pareto.csv")));
  std::string line;
  std::getline(csv, line);
  while (std::getline(csv, line)) csv_ids.insert(line.substr(0, line.find(',')));
  CHECK(csv_ids == front);
  // The sweep's page carries every row's data for the scatter (rendered in a
  // browser by tests/e2e/html_render.sh).
  const std::string html = read_text(dir.path("free/report.html"));
  CHECK(html.find("vegaEmbed") != std::string::npos);
  for (const auto& id : front) CHECK(html.find("\"" + id + "\"") != std::string::npos);
  // Points write report.json only: no timeline, page or trace each.
  for (const auto& id : front) {
    CHECK(std::filesystem::exists(dir.path("free/points/" + id + "/report.json")));
    CHECK_FALSE(std::filesystem::exists(dir.path("free/points/" + id + "/report.html")));
    CHECK_FALSE(std::filesystem::exists(dir.path("free/points/" + id + "/trace.json")));
  }

  // Drop the points at or above the median area; the front is then taken
  // among the rest.
  std::vector<double> areas;
  for (const auto& r : free.at("rows")) areas.push_back(r.at("metrics").at("area_mm2").get<double>());
  std::sort(areas.begin(), areas.end());
  const double median = areas[areas.size() / 2];
  std::ostringstream limit;
  limit.precision(17);
  limit << median;
  const std::string bounded = dir.write("bounded.yaml", grid_sweep("constraints: ['area_mm2 < " + limit.str() + "']\n"));
  const auto run = run_command("sweep " + bounded + " -o " + dir.path("bounded") + " -j 2");
  REQUIRE_MESSAGE(run.status == 0, run.output);
  const json constrained = json::parse(read_text(dir.path("bounded/sweep.json")));
  std::size_t dropped = 0;
  for (std::size_t i = 0; i < grid_points; ++i) {
    const auto& r = constrained.at("rows")[i];
    const bool too_big = r.at("metrics").at("area_mm2").get<double>() >= median;
    CHECK(r.at("status") == (too_big ? "dropped" : "ok"));
    CHECK(r.at("metrics") == free.at("rows")[i].at("metrics"));
    dropped += too_big;
  }
  CHECK(dropped > 0);
  CHECK(dropped < grid_points);
  CHECK(constrained.at("pareto_ids").get<std::set<std::string>>() == brute_force_front(constrained));
}

// The ids of a CSV's rows, in order (the first column after the header).
std::vector<std::string> csv_ids_of(const std::string& path) {
  std::vector<std::string> ids;
  std::istringstream csv(read_text(path));
  std::string line;
  std::getline(csv, line);
  while (std::getline(csv, line)) ids.push_back(line.substr(0, line.find(',')));
  return ids;
}

TEST_CASE("sweep: each workload has its own Pareto front, never compared with another workload") {
  // The 8x8 convolution costs far less than the grouped network on every
  // design, so one front over both would hold 8x8 points only.
  scratch_dir dir;
  const std::string file = dir.write(
      "two.yaml", "name: two_workloads\nbase: " + source_path("tests/sim/configs/small_adc.yaml") +
                      "\nworkloads:\n  - " + source_path("tests/sim/configs/conv3x3_8x8.yaml") + "\n  - " +
                      source_path("tests/sim/configs/grouped_convs.yaml") +
                      "\nparameters:\n"
                      "  components.tile.crossbar.rows: [32, 64, 128]\n"
                      "  components.tile.readout[0].bits: [4, 6, 8]\n"
                      "objectives:\n  - minimize: energy_j\n  - minimize: latency_s\n  - minimize: area_mm2\n");
  const auto r = run_command("sweep " + file + " -o " + dir.path("out") + " -j 2");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const json doc = json::parse(read_text(dir.path("out/sweep.json")));
  CHECK(doc.at("pareto_per") == "workload");
  const auto front = brute_force_front(doc);
  CHECK(doc.at("pareto_ids").get<std::set<std::string>>() == front);
  std::map<std::string, std::string> workload_of;
  for (const auto& row : doc.at("rows")) workload_of[row.at("id")] = row.at("workload");
  std::map<std::string, std::size_t> per_workload;
  for (const auto& id : front) ++per_workload[workload_of.at(id)];
  CHECK(per_workload.size() == 2);
  // pareto.csv: the same points, the 8x8 convolution's front first (the
  // sweep file's order), then the grouped network's, each in index order.
  const auto ids = csv_ids_of(dir.path("out/pareto.csv"));
  CHECK(std::set<std::string>(ids.begin(), ids.end()) == front);
  REQUIRE(ids.size() == front.size());
  for (std::size_t i = 0; i < ids.size(); ++i)
    CHECK((workload_of.at(ids[i]) == "conv3x3_8x8") == (i < per_workload.at("conv3x3_8x8")));
  CHECK(read_text(dir.path("out/pareto.csv")).find(",grouped_convs,") != std::string::npos);
  CHECK(read_text(dir.path("out/report.html")).find("on the Pareto fronts (one per workload)") != std::string::npos);
}

TEST_CASE("sweep: --resume judges recorded points by the constraints the sweep file has now") {
  scratch_dir dir;
  const std::string out = dir.path("out");
  const std::string file = dir.write("grid.yaml", grid_sweep());
  REQUIRE(run_command("sweep " + file + " -o " + out + " -j 2").status == 0);
  const json free = json::parse(read_text(out + "/sweep.json"));
  std::vector<double> areas;
  for (const auto& row : free.at("rows")) areas.push_back(row.at("metrics").at("area_mm2").get<double>());
  std::sort(areas.begin(), areas.end());
  std::ostringstream limit;
  limit.precision(17);
  limit << areas[areas.size() / 2];
  const std::string journal = read_text(out + "/results.jsonl");

  // A constraint added after every point ran: nothing runs again, but the
  // points that fail it are dropped and leave the front.
  dir.write("grid.yaml", grid_sweep("constraints: ['area_mm2 < " + limit.str() + "']\n"));
  const auto tightened = run_command("sweep " + file + " -o " + out + " -j 2 --resume");
  REQUIRE_MESSAGE(tightened.status == 0, tightened.output);
  const json doc = json::parse(read_text(out + "/sweep.json"));
  std::size_t dropped = 0;
  for (const auto& row : doc.at("rows")) {
    const bool too_big = row.at("metrics").at("area_mm2").get<double>() >= areas[areas.size() / 2];
    CHECK(row.at("status") == (too_big ? "dropped" : "ok"));
    if (too_big) CHECK(row.at("error") == "fails constraint 'area_mm2 < " + limit.str() + "'");
    dropped += too_big;
  }
  REQUIRE(dropped > 0);
  CHECK(doc.at("pareto_ids").get<std::set<std::string>>() == brute_force_front(doc));
  for (const auto& id : csv_ids_of(out + "/pareto.csv"))
    CHECK(doc.at("rows")[std::stoi(id.substr(1))].at("status") == "ok");
  CHECK_MESSAGE(tightened.output.find(std::to_string(grid_points - dropped) + " ok, " + std::to_string(dropped) +
                                      " dropped by constraints") != std::string::npos,
                tightened.output);
  CHECK(read_text(out + "/results.jsonl") == journal);  // the journal keeps what each point was when it ran

  // Taken away again: every point is back, and so is the front.
  dir.write("grid.yaml", grid_sweep());
  REQUIRE(run_command("sweep " + file + " -o " + out + " -j 2 --resume").status == 0);
  const json again = json::parse(read_text(out + "/sweep.json"));
  CHECK(again.at("rows") == free.at("rows"));
  CHECK(again.at("pareto_ids") == free.at("pareto_ids"));
}

TEST_CASE("sweep: a failing point is recorded with its located error while the others run") {
  scratch_dir dir;
  const std::string file = dir.write("dram.yaml", small_chip_sweep("  components.dram.capacity: [1 KiB, 1 GiB]\n"));
  const auto r = run_command("sweep " + file + " -o " + dir.path("out") + " -j 2");
  CHECK(r.status == 1);
  const auto rows = rows_of(dir.path("out/results.jsonl"));
  REQUIRE(rows.size() == 2);
  CHECK(rows.at(0).at("status") == "failed");
  const std::string error = rows.at(0).at("error");
  // Located at the sweep's value of the capacity, the flag its point's run got.
  CHECK_MESSAGE(error.find("--set 'components.dram.capacity=1 KiB': error: 'conv3x3_8x8' needs 2432 bytes of DRAM") !=
                    std::string::npos,
                error);
  CHECK(rows.at(1).at("status") == "ok");
  CHECK(rows.at(1).at("config_hash").get<std::string>().size() == 16);
}

TEST_CASE("sweep: bad input exits 2 with a located error and runs nothing") {
  scratch_dir dir;
  const std::string file = dir.write("grid.yaml", grid_sweep());
  for (const std::string shard : {"3/2", "0/2", "x"}) {
    const auto r = run_command("sweep " + file + " -o " + dir.path("out") + " --shard " + shard);
    CHECK(r.status == 2);
    CHECK_MESSAGE(r.output.find("--shard '" + shard + "': error: ") != std::string::npos, r.output);
  }
  const auto no_results = run_command("sweep " + file + " -o " + dir.path("out") + " --resume");
  CHECK(no_results.status == 2);
  CHECK_MESSAGE(no_results.output.find(dir.path("out/results.jsonl") + ": error: --resume") != std::string::npos,
                no_results.output);
  const auto timeout = run_command("sweep " + file + " -o " + dir.path("out") + " --timeout 0");
  CHECK(timeout.status == 2);
  CHECK(timeout.output.find("--timeout: error: ") != std::string::npos);

  const std::string typo = dir.write("typo.yaml", grid_sweep() + "contraints: ['area_mm2 < 1']\n");
  const auto t = run_command("sweep " + typo + " -o " + dir.path("out"));
  CHECK(t.status == 2);
  CHECK_MESSAGE(t.output.find(typo + ":13:1: error: unknown key 'contraints' in sweep (did you mean 'constraints'?)") !=
                    std::string::npos,
                t.output);
  const std::string path = dir.write("path.yaml", small_chip_sweep("  components.tile.crossbar.colums: [32, 64]\n"));
  const auto p = run_command("sweep " + path + " -o " + dir.path("out"));
  CHECK(p.status == 2);
  CHECK_MESSAGE(p.output.find(path + ":4:3: error: ") != std::string::npos, p.output);
  CHECK(p.output.find("did you mean 'columns'") != std::string::npos);
  // Nothing ran, so nothing was written.
  CHECK_FALSE(std::ifstream(dir.path("out/results.jsonl")).good());

  // Results of another sweep are not taken for this one's.
  const std::string small = dir.write("small.yaml", small_chip_sweep("  components.tile.crossbar.rows: [16, 32]\n"));
  // One at a time, so p00001 is the journal's second line.
  REQUIRE(run_command("sweep " + small + " -o " + dir.path("other") + " -j 1").status == 0);
  const std::string changed =
      dir.write("small.yaml", small_chip_sweep("  components.tile.crossbar.rows: [16, 48, 64]\n"));
  const auto mixed = run_command("sweep " + changed + " -o " + dir.path("other") + " --resume");
  CHECK(mixed.status == 2);
  CHECK_MESSAGE(mixed.output.find(dir.path("other/results.jsonl") + ":2:1: error: point p00001") != std::string::npos,
                mixed.output);
}

TEST_CASE("sweep: a functional sweep of a workload without weights is refused before any point runs") {
  // conv3x3_8x8 writes no weights and names no weights_file: functional mode
  // has nothing to compute with, which every point's run would find alike.
  scratch_dir dir;
  const std::string rows = "  components.tile.crossbar.rows: [32, 64]\n";
  const std::string file = dir.write("functional.yaml", small_chip_sweep(rows) + "mode: functional\n");
  const std::string expected = file + ":2:12: error: 'mode: functional' cannot run workload 'conv3x3_8x8': " +
                               source_path("tests/sim/configs/conv3x3_8x8.yaml") +
                               ":8:5: error: layer 'conv' has no weights: give 'weights:' in the layer or "
                               "'weights_file:' in the workload";
  for (const std::string& how : {std::string("--dry-run"), "-o " + dir.path("out")}) {
    const auto r = run_command("sweep " + file + " " + how);
    CHECK_MESSAGE(r.status == 2, how, r.output);
    CHECK_MESSAGE(r.output.find(expected) != std::string::npos, how, r.output);
  }
  CHECK_FALSE(std::filesystem::exists(dir.path("out")));  // no point ran, nothing was written
  const auto v = run_command("validate " + file);
  CHECK(v.status == 2);
  CHECK_MESSAGE(v.output.find(expected) != std::string::npos, v.output);
  // The same sweep in perf mode needs no weights.
  const std::string perf = dir.write("perf.yaml", small_chip_sweep(rows));
  CHECK(run_command("sweep " + perf + " --dry-run").status == 0);
}

TEST_CASE("sweep: every shipped sweep expands, dry, to the points its parameters make") {
  const std::vector<std::pair<std::string, std::size_t>> sweeps{
      {"configs/sweeps/adc_crossbar_x_adc_bits.yaml", 3 * 3 * 1 * 5},
      {"configs/sweeps/mott_neuron_energy_x_settling.yaml", 1 * 5 * 4},
      {"configs/sweeps/mott_heater_scale.yaml", 11 * 2},  // zip: 11 heated volumes, on 2 workloads
      {"configs/sweeps/three_way_all_networks.yaml", 5 * 7},
      {"configs/sweeps/lenet5_cbram_variation.yaml", 2 * 6},
      {"bench/sweep_vgg8.yaml", 4 * 4 * 4},
  };
  for (const auto& [file, count] : sweeps) {
    const auto r = run_command("sweep " + source_path(file) + " --dry-run");
    CHECK_MESSAGE(r.status == 0, r.output);
    CHECK_MESSAGE(r.output.find("\n" + std::to_string(count) + " points\n") != std::string::npos, file, r.output);
    CHECK(static_cast<std::size_t>(std::count(r.output.begin(), r.output.end(), '\n')) == count + 1);
  }
  // A shard lists its share: indices 1, 5, 9, ... of 45.
  const auto shard = run_command("sweep " + source_path("configs/sweeps/adc_crossbar_x_adc_bits.yaml") +
                                 " --dry-run --shard 2/4");
  CHECK(shard.status == 0);
  CHECK(shard.output.find("11 points (shard 2/4 of 45)") != std::string::npos);
  CHECK(shard.output.rfind("p00001", 0) == 0);
}

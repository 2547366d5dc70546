#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <cmath>
#include <random>
#include <set>
#include <string>
#include <tuple>

#include "dsl/diagnostics.hpp"
#include "dsl/metric_constraint.hpp"
#include "dsl/sweep_expansion.hpp"
#include "dsl/sweep_loader.hpp"
#include "dsl/sweep_metrics.hpp"
#include "dsl/config_hash.hpp"
#include "dsl/value_range.hpp"
#include "platform/sweep/results_journal.hpp"
#include "platform/sweep/sweep_inputs.hpp"
#include "reports/pareto.hpp"
#include "reports/sweep_results.hpp"
#include "test_support.hpp"

using namespace mottsim;
using mottsim::test_support::registry;
using mottsim::test_support::scratch_dir;

namespace {

std::string source(const std::string& relative) { return std::string(MOTTSIM_SOURCE_DIR) + "/" + relative; }

// A sweep over the small test chip; `body` follows the base and workload lines.
std::string sweep_text(const std::string& body) {
  return "name: t\nbase: " + source("tests/sim/configs/small_adc.yaml") +
         "\nworkloads: " + source("tests/sim/configs/conv3x3_8x8.yaml") + "\n" + body;
}

dsl::sweep_spec load(const scratch_dir& dir, const std::string& body, dsl::diagnostics& errors) {
  return dsl::load_sweep(dir.write("s.yaml", sweep_text(body)), registry(), errors);
}

bool has_error(const dsl::diagnostics& errors, int line, int column, const std::string& text) {
  for (const auto& d : errors.errors())
    if (d.where.line == line && d.where.column == column && d.message.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("linear and log ranges hit both ends and space their values evenly") {
  CHECK(dsl::linear_by_count(4, 8, 5) == std::vector<double>{4, 5, 6, 7, 8});
  CHECK(dsl::linear_by_count(3, 3, 1) == std::vector<double>{3});
  // 0.1 steps do not add up exactly; the last value still lands on `to`.
  const auto steps = dsl::linear_by_step(0, 1, 0.1);
  REQUIRE(steps.size() == 11);
  CHECK(steps.back() == 1.0);
  CHECK(dsl::linear_by_step(10, 0, -5) == std::vector<double>{10, 5, 0});
  CHECK(dsl::linear_by_step(0, 7, 3) == std::vector<double>{0, 3, 6});  // 9 would overshoot
  const auto log = dsl::log_by_count(32, 256, 4);
  REQUIRE(log.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) CHECK(log[i] == doctest::Approx(32.0 * std::pow(2.0, i)).scale(0));
  CHECK(dsl::format_range_value(log[1]) == "64");
  CHECK(dsl::format_range_value(0.25) == "0.25");
}

TEST_CASE("a grid crosses every value, the last parameter fastest, with architectures and workloads outermost") {
  scratch_dir dir;
  dsl::diagnostics errors;
  const auto spec = load(dir,
                         "parameters:\n"
                         "  components.tile.crossbar.rows: [32, 64]\n"
                         "  components.tile.readout[0].bits: {linear: {from: 4, to: 8, step: 2}}\n"
                         "  components.tile.readout[0].energy_per_conversion: {log: {from: 1 pJ, to: 100 pJ, count: 3}}\n",
                         errors);
  REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
  CHECK(dsl::sweep_point_count(spec) == 2 * 3 * 3);
  const auto points = dsl::expand_sweep(spec);
  REQUIRE(points.size() == 18);
  for (std::size_t i = 0; i < points.size(); ++i) {
    CHECK(points[i].index == i);
    CHECK(points[i].id == dsl::sweep_point_id(i));
    CHECK(points[i].workload_name == "conv3x3_8x8");
    // Mixed radix: index = rows * 9 + bits * 3 + energy.
    const std::vector<std::string> rows{"32", "64"}, bits{"4", "6", "8"}, energy{"1 pJ", "10 pJ", "100 pJ"};
    CHECK(points[i].params[0].second == rows[i / 9]);
    CHECK(points[i].params[1].second == bits[i / 3 % 3]);
    CHECK(points[i].params[2].second == energy[i % 3]);
  }
  CHECK(points[0].id == "p00000");
  CHECK(points[17].id == "p00017");
}

TEST_CASE("zip pairs values by position and refuses lists of different lengths where they are") {
  scratch_dir dir;
  dsl::diagnostics errors;
  const auto spec = load(dir,
                         "combine: zip\n"
                         "parameters:\n"
                         "  components.tile.crossbar.rows: [32, 64, 128]\n"
                         "  components.tile.crossbar.columns: [16, 32, 64]\n",
                         errors);
  REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
  const auto points = dsl::expand_sweep(spec);
  REQUIRE(points.size() == 3);
  for (const auto& p : points) CHECK(std::stoi(p.params[0].second) == 2 * std::stoi(p.params[1].second));

  dsl::diagnostics bad;
  load(dir,
       "combine: zip\n"
       "parameters:\n"
       "  components.tile.crossbar.rows: [32, 64, 128]\n"
       "  components.tile.crossbar.columns: [16, 32]\n",
       bad);
  CHECK(bad.size() == 1);
  CHECK_MESSAGE(has_error(bad, 7, 3, "'components.tile.crossbar.columns' has 2"), bad.to_string());
}

TEST_CASE("random draws distinct grid points, the same ones for the same seed") {
  scratch_dir dir;
  const std::string params =
      "parameters:\n"
      "  components.tile.crossbar.rows: [16, 32, 64, 128]\n"
      "  components.tile.readout[0].bits: {linear: {from: 1, to: 10, count: 10}}\n";
  const auto draw = [&](int count, int seed) {
    dsl::diagnostics errors;
    const auto spec = load(dir, "combine: random\nrandom: {count: " + std::to_string(count) + ", seed: " +
                                    std::to_string(seed) + "}\n" + params, errors);
    REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
    std::vector<std::string> keys;
    for (const auto& p : dsl::expand_sweep(spec)) keys.push_back(p.params[0].second + "/" + p.params[1].second);
    return keys;
  };
  const auto a = draw(7, 3), b = draw(7, 3), c = draw(7, 4);
  CHECK(a.size() == 7);
  CHECK(a == b);
  CHECK(a != c);
  CHECK(std::set<std::string>(a.begin(), a.end()).size() == 7);
  // Sparse draws (count far below the grid) and dense ones (most of it) alike.
  const auto all = draw(40, 1);
  CHECK(std::set<std::string>(all.begin(), all.end()).size() == 40);
  const auto few = draw(2, 9);
  CHECK(std::set<std::string>(few.begin(), few.end()).size() == 2);

  dsl::diagnostics errors;
  load(dir, "combine: random\nrandom: {count: 41, seed: 1}\n" + params, errors);
  CHECK_MESSAGE(has_error(errors, 5, 17, "only 40 distinct combinations"), errors.to_string());
}

TEST_CASE("a sweep of absurd size is refused before anything is checked point by point") {
  scratch_dir dir;
  dsl::diagnostics errors;
  // 'bits: 0' is out of range: checked, it would be a second error.
  load(dir,
       "parameters:\n"
       "  components.tile.crossbar.rows: {linear: {from: 1, to: 1000, count: 1000}}\n"
       "  components.tile.crossbar.columns: {linear: {from: 1, to: 1000, count: 1000}}\n"
       "  components.tile.readout[0].bits: [0]\n",
       errors);
  REQUIRE_MESSAGE(errors.size() == 1, errors.to_string());
  CHECK_MESSAGE(has_error(errors, 4, 1, "expands to 1000000 points, more than max_points (100000)"), errors.to_string());

  dsl::diagnostics capped;
  load(dir, "max_points: 3\nparameters:\n  components.tile.crossbar.rows: [16, 32, 64, 128]\n", capped);
  CHECK_MESSAGE(has_error(capped, 5, 1, "expands to 4 points, more than max_points (3)"), capped.to_string());
}

TEST_CASE("parameter paths and values are checked as --set checks them, located in the sweep file") {
  scratch_dir dir;
  dsl::diagnostics errors;
  load(dir,
       "parameters:\n"
       "  components.tile.crossbar.rowz: [32, 64]\n"
       "  components.tile.readout[0].bits: [4, 0, 8]\n",
       errors);
  CHECK_MESSAGE(errors.size() == 2, errors.to_string());
  CHECK_MESSAGE(has_error(errors, 5, 3, "did you mean 'rows'"), errors.to_string());
  CHECK_MESSAGE(has_error(errors, 6, 40, "'bits' must be 1 .. 16, got 0"), errors.to_string());

  // A value written twice is checked once but reported where each one is.
  dsl::diagnostics twice;
  load(dir, "parameters:\n  components.tile.readout[0].bits: [0, 4, 0]\n", twice);
  CHECK_MESSAGE(twice.size() == 2, twice.to_string());
  CHECK_MESSAGE(has_error(twice, 5, 37, "'bits' must be 1 .. 16, got 0"), twice.to_string());
  CHECK_MESSAGE(has_error(twice, 5, 43, "'bits' must be 1 .. 16, got 0"), twice.to_string());

  // The schedule every point runs with.
  dsl::diagnostics scheduled;
  CHECK(load(dir, "schedule: pipeline\nparameters:\n  components.tile.crossbar.rows: [32]\n", scheduled).schedule ==
        "pipeline");
  CHECK_MESSAGE(!scheduled.has_errors(), scheduled.to_string());
  CHECK(load(dir, "parameters:\n  components.tile.crossbar.rows: [32]\n", scheduled).schedule == "layer");
  dsl::diagnostics unscheduled;
  load(dir, "schedule: pipelined\nparameters:\n  components.tile.crossbar.rows: [32]\n", unscheduled);
  CHECK_MESSAGE(has_error(unscheduled, 4, 11, "'schedule' is layer or pipeline"), unscheduled.to_string());

  // Every value wrong for a key the base leaves to its default: each value
  // is reported at itself (they are refused in their own words), where a
  // wrong path is reported once, at the path.
  dsl::diagnostics all_wrong;
  load(dir,
       "parameters:\n"
       "  components.tile.readout[0].walden_fom: [20 ns, 30 ns]\n"
       "  components.tile.readout[0].walden_form: [20 fJ, 30 fJ]\n",
       all_wrong);
  REQUIRE_MESSAGE(all_wrong.size() == 3, all_wrong.to_string());
  CHECK_MESSAGE(has_error(all_wrong, 5, 43, "'20 ns'"), all_wrong.to_string());
  CHECK_MESSAGE(has_error(all_wrong, 5, 50, "'30 ns'"), all_wrong.to_string());
  CHECK_MESSAGE(has_error(all_wrong, 6, 3, "walden_form"), all_wrong.to_string());
}

TEST_CASE("constraints parse metric, comparison and value, converting units to the metric's own") {
  dsl::diagnostics errors;
  const dsl::source_location at{"s.yaml", 3, 5};
  const auto area = dsl::parse_metric_constraint("area_mm2 < 100", at, errors);
  const auto latency = dsl::parse_metric_constraint("latency_s<=2 ms", at, errors);
  const auto area_um = dsl::parse_metric_constraint("area_mm2 >= 500000 um^2", at, errors);
  const auto acc = dsl::parse_metric_constraint("accuracy_top1 > 95 %", at, errors);
  REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
  CHECK(area->op == dsl::metric_constraint::comparison::less);
  CHECK(area->bound == 100);
  CHECK(latency->op == dsl::metric_constraint::comparison::less_equal);
  CHECK(latency->bound == doctest::Approx(2e-3).scale(0));
  CHECK(area_um->bound == doctest::Approx(0.5).scale(0));
  CHECK(acc->bound == doctest::Approx(0.95).scale(0));
  CHECK(area->holds({{"area_mm2", 99.9}}));
  CHECK_FALSE(area->holds({{"area_mm2", 100}}));
  CHECK(latency->holds({{"latency_s", 2e-3}}));
  CHECK_FALSE(latency->holds({}));  // not measured: not met
  // A YAML block scalar ends in a newline.
  const auto block = dsl::parse_metric_constraint("latency_s < 2 ms\n", at, errors);
  REQUIRE_MESSAGE(block, errors.to_string());
  CHECK(block->bound == doctest::Approx(2e-3).scale(0));

  dsl::diagnostics bad;
  CHECK_FALSE(dsl::parse_metric_constraint("aera_mm2 < 100", at, bad));
  CHECK_FALSE(dsl::parse_metric_constraint("energy_j = 1 mJ", at, bad));
  CHECK_FALSE(dsl::parse_metric_constraint("latency_s < 2 pJ", at, bad));
  CHECK_FALSE(dsl::parse_metric_constraint("area_mm2 <> 100", at, bad));
  CHECK_FALSE(dsl::parse_metric_constraint("area_mm2 == 100", at, bad));
  CHECK_FALSE(dsl::parse_metric_constraint("area_mm2 100", at, bad));
  REQUIRE_MESSAGE(bad.size() == 6, bad.to_string());
  CHECK(has_error(bad, 3, 5, "unknown metric 'aera_mm2' (did you mean 'area_mm2'?)"));
  CHECK(has_error(bad, 3, 14, "'=' is not a comparison a constraint takes: use one of <, <=, >, >="));
  CHECK(has_error(bad, 3, 17, "energy"));
  // The operator as written, not '<' followed by a bad value '> 100'.
  CHECK_MESSAGE(has_error(bad, 3, 14, "'<>' is not a comparison a constraint takes: use one of <, <=, >, >="),
                bad.to_string());
  CHECK(has_error(bad, 3, 14, "'==' is not a comparison"));
  CHECK(has_error(bad, 3, 14, "expected a comparison after 'area_mm2'"));
}

namespace {

// Whether a is no worse than b everywhere and better somewhere.
bool dominates(const std::vector<double>& a, const std::vector<double>& b, const std::vector<bool>& maximize) {
  bool better = false;
  for (std::size_t k = 0; k < a.size(); ++k) {
    const double x = maximize[k] ? -a[k] : a[k], y = maximize[k] ? -b[k] : b[k];
    if (x > y) return false;
    better |= x < y;
  }
  return better;
}

std::vector<std::size_t> brute_force_front(const std::vector<std::vector<double>>& points,
                                           const std::vector<bool>& maximize) {
  std::vector<std::size_t> front;
  for (std::size_t i = 0; i < points.size(); ++i) {
    bool dominated = false;
    for (std::size_t j = 0; j < points.size() && !dominated; ++j) dominated = dominates(points[j], points[i], maximize);
    if (!dominated) front.push_back(i);
  }
  return front;
}

}  // namespace

TEST_CASE("the Pareto front equals a brute-force O(n^2) front, with ties and duplicates") {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t objectives = 1 + rng() % 3;
    const std::size_t n = rng() % 40;
    std::vector<bool> maximize;
    for (std::size_t k = 0; k < objectives; ++k) maximize.push_back(rng() % 2 == 0);
    std::vector<std::vector<double>> points;
    for (std::size_t i = 0; i < n; ++i) {
      if (!points.empty() && rng() % 5 == 0) {
        points.push_back(points[rng() % points.size()]);  // a duplicate
        continue;
      }
      std::vector<double> p;
      for (std::size_t k = 0; k < objectives; ++k) p.push_back(static_cast<double>(rng() % 6));  // many ties
      points.push_back(p);
    }
    CHECK(reports::pareto_front(points, maximize) == brute_force_front(points, maximize));
  }
  // Duplicates on the front are all kept; a NaN point never is.
  CHECK(reports::pareto_front({{1, 2}, {1, 2}, {2, 1}, {NAN, 0}, {3, 3}}, {false, false}) ==
        std::vector<std::size_t>{0, 1, 2});
}

TEST_CASE("a sweep's Pareto front is taken per workload, and the document says so") {
  reports::sweep_table t;
  t.objectives = {{"energy_j", false}, {"latency_s", false}};
  const auto row = [](const std::string& id, const std::string& workload, double energy, double latency,
                      const std::string& status = "ok") {
    reports::sweep_row r;
    r.id = id;
    r.workload = workload;
    r.status = status;
    r.metrics = {{"energy_j", energy}, {"latency_s", latency}};
    return r;
  };
  // Every small-network point beats every large-network one on both.
  t.rows = {row("p0", "small", 1, 2), row("p1", "large", 100, 200), row("p2", "small", 2, 1),
            row("p3", "large", 200, 100), row("p4", "large", 150, 150), row("p5", "large", 300, 300),
            row("p6", "small", 3, 3), row("p7", "large", 1, 1, "dropped"), row("p8", "large", 90, 90, "failed")};
  CHECK(reports::pareto_ids(t) == std::vector<std::string>{"p0", "p1", "p2", "p3", "p4"});
  // One workload: one front, as it always was.
  t.rows = {row("p0", "small", 1, 2), row("p2", "small", 2, 1), row("p6", "small", 3, 3)};
  CHECK(reports::pareto_ids(t) == std::vector<std::string>{"p0", "p2"});
  const auto doc = reports::sweep_to_json(t, reports::pareto_ids(t));
  CHECK(doc.at("pareto_per") == "workload");
  CHECK(doc.at("pareto_ids") == nlohmann::ordered_json::array({"p0", "p2"}));
}

TEST_CASE("a sweep row survives a JSON line round trip; parameters that are numbers are written as numbers") {
  reports::sweep_row r;
  r.id = "p00003";
  r.index = 3;
  r.architecture = "configs/arch/adc_cim.yaml";
  r.workload = "vgg8_cifar10";
  r.params = {{"components.tile.crossbar.rows", "128"}, {"a.b", "2 %"}, {"c", "0.25"}};
  r.status = "ok";
  r.metrics = {{"energy_j", 1.5e-3}, {"latency_s", 2e-6}, {"psnr_db", NAN}};
  r.config_hash = "0123456789abcdef";
  const std::string line = reports::row_to_json_line(r);
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.find("\"components.tile.crossbar.rows\":128") != std::string::npos);
  CHECK(line.find("\"a.b\":\"2 %\"") != std::string::npos);
  const auto back = reports::row_from_json_line(line);
  CHECK(reports::same_point(r, back));
  CHECK(back.metrics.at("energy_j") == r.metrics.at("energy_j"));
  CHECK(std::isnan(back.metrics.at("psnr_db")));
  CHECK(back.config_hash == r.config_hash);
  CHECK_THROWS(reports::row_from_json_line(line.substr(0, line.size() / 2)));
  auto moved = back;
  moved.params[0].second = "256";
  CHECK_FALSE(reports::same_point(r, moved));
  // A hand-edited row: a status no sweep writes, or a point that ran without figures.
  auto edited = r;
  edited.status = "weird";
  CHECK_THROWS_WITH(reports::row_from_json_line(reports::row_to_json_line(edited)),
                    doctest::Contains("status 'weird' is none a sweep writes"));
  edited.status = "ok";
  edited.metrics.clear();
  CHECK_THROWS_WITH(reports::row_from_json_line(reports::row_to_json_line(edited)),
                    doctest::Contains("recorded as ok has no metrics"));
  edited.status = "failed";  // a failed point has none
  CHECK(reports::row_from_json_line(reports::row_to_json_line(edited)).status == "failed");
}

TEST_CASE("every sweep metric the sweep files may name is read from a report") {
  const std::string report = R"({"totals": {"latency_s": 2, "energy_j": 6, "area_mm2": 3, "throughput_ips": 0.5,
    "edp_js": 12, "tops_per_w": 1, "macs": 3}, "accuracy": {"top1": 0.9}, "quality": {"psnr_db": 30, "ssim": 0.8},
    "chips": {"count": 3, "metrics": {"top1": {"mean": 0.9, "ci95_low": 0.88, "ci95_high": 0.92},
      "psnr_db": {"mean": 30, "ci95_low": 29, "ci95_high": 31}, "ssim": {"mean": 0.8, "ci95_low": 0.7, "ci95_high": 0.9}}},
    "provenance": {"config_hash": "abc"}})";
  std::string hash;
  const auto m = reports::metrics_from_report(report, hash);
  CHECK(hash == "abc");
  for (const auto& name : dsl::sweep_metric_names()) CHECK_MESSAGE(m.count(name) == 1, name);
  CHECK(m.at("energy_per_mac_j") == 2);
  CHECK(m.at("accuracy_top1") == 0.9);
  CHECK(m.at("accuracy_top1_ci95_low") == 0.88);
  CHECK(m.at("psnr_db_ci95_high") == 31);
  CHECK(m.at("ssim_ci95_low") == 0.7);
  // One chip has no interval: its ends are null in the report and absent here.
  const auto one = reports::metrics_from_report(
      R"({"totals": {"latency_s": 2, "energy_j": 6, "area_mm2": 3, "throughput_ips": 0.5, "edp_js": 12,
      "tops_per_w": 1, "macs": 3}, "accuracy": {"top1": 0.9}, "chips": {"count": 1, "metrics": {"top1": {"mean": 0.9,
      "ci95_low": null, "ci95_high": null}}}, "provenance": {"config_hash": "abc"}})",
      hash);
  CHECK(one.at("accuracy_top1") == 0.9);
  CHECK(one.count("accuracy_top1_ci95_low") == 0);
}

TEST_CASE("a sweep's record of its inputs: a file by its bytes, a directory by its files' names and bytes") {
  scratch_dir dir;
  const std::string file = dir.write("w.json", "[1, 2]");
  dir.write("photos/a.jpg", "a");
  dir.write("photos/b.jpg", "b");
  const std::string photos = dir.path("photos"), gone = dir.path("gone.yaml");
  const auto first = platform::fingerprint_sweep_inputs({file, photos, gone});
  REQUIRE(first.size() == 3);
  CHECK(first.at(std::filesystem::weakly_canonical(gone).string()) == "absent");
  CHECK(platform::fingerprint_sweep_inputs({file, photos, gone}) == first);  // the same bytes, the same record
  const auto key = std::filesystem::weakly_canonical(photos).string();
  dir.write("photos/b.jpg", "B");  // a photograph edited
  const auto edited = platform::fingerprint_sweep_inputs({photos});
  CHECK(edited.at(key) != first.at(key));
  dir.write("photos/b.jpg", "b");
  dir.write("photos/c.jpg", "c");  // one added
  CHECK(platform::fingerprint_sweep_inputs({photos}).at(key) != first.at(key));
  std::filesystem::remove(dir.path("photos/c.jpg"));
  CHECK(platform::fingerprint_sweep_inputs({photos}).at(key) == first.at(key));
}

TEST_CASE("a sweep's record: a file not read then is a change, unless the record predates revisions") {
  scratch_dir dir;
  dsl::diagnostics errors;
  const dsl::sweep_spec spec = load(dir, "parameters:\n  components.tile.crossbar.rows: [32]\n", errors);
  REQUIRE_FALSE(errors.has_errors());
  const std::string out = dir.path("out");
  std::filesystem::create_directories(out);
  const auto read_now = platform::fingerprint_sweep_inputs({dir.write("lib.yaml", "library: x\n")});
  platform::write_sweep_inputs(out, spec, {});  // recorded without lib.yaml
  try {
    platform::check_resumed_sweep_inputs(out, spec, read_now, true);
    FAIL("a file the sweep did not read then was let through");
  } catch (const dsl::input_error& e) {
    CHECK(e.errors().to_string().find("lib.yaml (not read then)") != std::string::npos);
  }
  // A record from before mottsim recorded its revision did not record the
  // files a swept value names either: such a file is not a change.
  const std::string record = out + "/" + platform::sweep_inputs_name;
  auto j = nlohmann::json::parse(std::ifstream(record));
  j["settings"].erase("revision");
  std::ofstream(record) << j.dump();
  CHECK_NOTHROW(platform::check_resumed_sweep_inputs(out, spec, read_now, true));
}

TEST_CASE("the results journal cuts a torn last line, appends whole lines, and locates a corrupt one") {
  scratch_dir dir;
  reports::sweep_row r;
  r.id = "p00000";
  r.status = "ok";
  r.metrics = {{"latency_s", 1e-3}};  // a point that ran has its figures
  const std::string one = reports::row_to_json_line(r) + "\n";
  r.id = "p00001";
  r.index = 1;
  const std::string two = reports::row_to_json_line(r) + "\n";
  const std::string path = dir.write("results.jsonl", one + two + two.substr(0, 20));
  {
    platform::results_journal journal(path);
    CHECK(journal.dropped_torn_line());
    REQUIRE(journal.rows().size() == 2);
    CHECK(dsl::read_file_text(path) == one + two);
    r.id = "p00002";
    r.index = 2;
    journal.append(r);
  }
  const std::string text = dsl::read_file_text(path);
  CHECK(text == one + two + reports::row_to_json_line(r) + "\n");

  dir.write("bad.jsonl", one + "{\"id\": 3}\n" + two);
  try {
    platform::results_journal bad(dir.path("bad.jsonl"));
    FAIL("a corrupt row was accepted");
  } catch (const dsl::input_error& e) {
    REQUIRE(e.errors().size() == 1);
    CHECK(e.errors().errors()[0].where.line == 2);
  }
  dir.write("twice.jsonl", one + two + one);
  CHECK_THROWS_AS(platform::results_journal(dir.path("twice.jsonl")), dsl::input_error);
}

namespace {

// A sweep over `sizes` values per parameter, built without files: the
// expansion is pure arithmetic over the value lists.
dsl::sweep_spec sized_sweep(std::size_t architectures, std::size_t workloads, const std::vector<std::size_t>& sizes) {
  dsl::sweep_spec s;
  for (std::size_t a = 0; a < architectures; ++a) s.architectures.push_back("a" + std::to_string(a) + ".yaml");
  for (std::size_t w = 0; w < workloads; ++w) {
    s.workloads.push_back("w" + std::to_string(w) + ".yaml");
    s.workload_names.push_back("w" + std::to_string(w));
  }
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    dsl::sweep_parameter p;
    p.path = "x" + std::to_string(i);
    for (std::size_t v = 0; v < sizes[i]; ++v) p.values.push_back(std::to_string(i) + "." + std::to_string(v));
    s.parameters.push_back(p);
  }
  return s;
}

// The points written out the long way: nested loops over architectures,
// workloads, then every parameter (an odometer, last parameter fastest).
std::vector<std::string> brute_force_grid(const dsl::sweep_spec& s) {
  std::vector<std::string> out;
  for (const auto& a : s.architectures)
    for (const auto& w : s.workload_names) {
      std::vector<std::size_t> digit(s.parameters.size(), 0);
      while (true) {
        std::string key = a + "|" + w;
        for (std::size_t i = 0; i < digit.size(); ++i) key += "|" + s.parameters[i].values[digit[i]];
        out.push_back(key);
        std::size_t i = digit.size();
        while (i > 0 && ++digit[i - 1] == s.parameters[i - 1].values.size()) digit[--i] = 0;
        if (i == 0) break;
      }
    }
  return out;
}

std::string key_of(const dsl::sweep_point& p) {
  std::string key = p.architecture + "|" + p.workload_name;
  for (const auto& [path, value] : p.params) key += "|" + value;
  return key;
}

}  // namespace

TEST_CASE("the point count is arithmetic and equals the expanded points for grid, zip and random") {
  for (const auto& [arch, work, sizes] : std::vector<std::tuple<std::size_t, std::size_t, std::vector<std::size_t>>>{
           {1, 1, {3}}, {2, 3, {2, 3, 4}}, {1, 2, {5, 1, 2}}, {3, 1, {}}}) {
    auto s = sized_sweep(arch, work, sizes);
    const auto grid = brute_force_grid(s);
    REQUIRE(dsl::sweep_point_count(s).has_value());
    CHECK(*dsl::sweep_point_count(s) == grid.size());
    const dsl::sweep_points points(s);
    REQUIRE(points.size() == grid.size());
    for (std::size_t i = 0; i < grid.size(); ++i) CHECK(key_of(points.at(i)) == grid[i]);

    // Zip: the i-th value of every parameter together.
    if (!sizes.empty()) {
      auto z = sized_sweep(arch, work, std::vector<std::size_t>(sizes.size(), 4));
      z.combine = dsl::sweep_combine::zip;
      const dsl::sweep_points zipped(z);
      CHECK(*dsl::sweep_point_count(z) == arch * work * 4);
      REQUIRE(zipped.size() == arch * work * 4);
      for (std::size_t i = 0; i < zipped.size(); ++i)
        for (const auto& [path, value] : zipped.at(i).params)
          CHECK(value.substr(value.find('.') + 1) == std::to_string(i % 4));
    }

    // Random: `count` distinct grid points per architecture and workload,
    // or the whole grid when the count is larger.
    for (const std::size_t count : {std::size_t{1}, std::size_t{5}, std::size_t{1000}}) {
      auto r = s;
      r.combine = dsl::sweep_combine::random;
      r.random_count = count;
      const std::size_t per_block = std::min(count, grid.size() / (arch * work));
      CHECK(*dsl::sweep_point_count(r) == arch * work * per_block);
      const dsl::sweep_points drawn(r);
      REQUIRE(drawn.size() == arch * work * per_block);
      std::set<std::string> seen;
      for (std::size_t i = 0; i < drawn.size(); ++i) {
        const std::string key = key_of(drawn.at(i));
        CHECK(std::find(grid.begin(), grid.end(), key) != grid.end());
        seen.insert(key);
      }
      CHECK(seen.size() == drawn.size());
    }
  }
}

TEST_CASE("a point count beyond 64 bits is reported as such; a huge one is counted without expansion") {
  // 10^18 points: ten values on each of 18 parameters.
  auto s = sized_sweep(1, 1, std::vector<std::size_t>(18, 10));
  CHECK(dsl::sweep_point_count(s) == std::size_t{1000000000000000000ULL});
  const dsl::sweep_points points(s);  // made one by one, on demand
  CHECK(key_of(points.at(points.size() - 1)).substr(0, 8) == "a0.yaml|");
  CHECK(points.at(points.size() - 1).params.back().second == "17.9");
  // 10^20 does not fit; crossed with more architectures, neither does 10^18.
  CHECK_FALSE(dsl::sweep_point_count(sized_sweep(1, 1, std::vector<std::size_t>(20, 10))).has_value());
  CHECK_FALSE(dsl::sweep_point_count(sized_sweep(100, 1, std::vector<std::size_t>(18, 10))).has_value());
  // Random mode draws from a grid too large to count: its count is its own.
  auto r = sized_sweep(1, 1, std::vector<std::size_t>(30, 10));
  r.combine = dsl::sweep_combine::random;
  r.random_count = 6;
  CHECK(dsl::sweep_point_count(r) == 6u);
  CHECK(dsl::sweep_points(r).size() == 6);
}

TEST_CASE("a sweep whose point count overflows is a located error; a raised max_points allows a big one") {
  scratch_dir dir;
  std::string params = "parameters:\n";
  // Seven parameters of 1,000 values each: 10^21 points.
  for (const char* p : {"components.tile.crossbar.rows", "components.tile.crossbar.columns",
                        "components.tile.readout[0].bits", "components.tile.readout[0].energy_per_conversion",
                        "components.tile.readout[0].sample_rate", "components.bus.latency_cycles",
                        "components.controller.vector_lanes"})
    params += std::string("  ") + p + ": {linear: {from: 1, to: 1000, count: 1000}}\n";
  dsl::diagnostics errors;
  load(dir, params, errors);
  REQUIRE(errors.size() == 1);
  CHECK_MESSAGE(has_error(errors, 4, 1, "does not fit in 64 bits"), errors.to_string());

  // 10^9 points (nine energies of ten values each) within a raised
  // max_points: valid, counted, never expanded.
  std::string energies = "max_points: 2000000000\nparameters:\n";
  for (const char* p : {"components.bus.energy_per_bit", "components.controller.energy_per_command",
                        "components.controller.energy_per_op", "components.dram.energy_per_bit",
                        "components.tile.readout[0].energy_per_conversion", "components.tile.readout[1].energy_per_op",
                        "components.tile.readout[2].energy_per_op", "components.tile.accumulation.energy_per_add",
                        "components.tile.input.counter_energy_per_level"})
    energies += std::string("  ") + p + ": {linear: {from: 1 pJ, to: 10 pJ, count: 10}}\n";
  dsl::diagnostics big;
  const auto spec = load(dir, energies, big);
  REQUIRE_MESSAGE(!big.has_errors(), big.to_string());
  CHECK(dsl::sweep_point_count(spec) == std::size_t{1000000000});
  // One range may not make more than a parameter may take, whatever max_points.
  dsl::diagnostics range;
  load(dir, "max_points: 2000000000\nparameters:\n"
            "  components.tile.crossbar.rows: {linear: {from: 1, to: 1000000000, count: 1000000000}}\n", range);
  REQUIRE(range.size() == 1);
  CHECK_MESSAGE(has_error(range, 6, 76, "more than one parameter may take (100000"), range.to_string());
}

TEST_CASE("a point run again after it could not write its output replaces its row; a result is never replaced") {
  scratch_dir dir;
  const auto row = [](const std::string& id, const std::string& status) {
    reports::sweep_row r;
    r.id = id;
    r.index = static_cast<std::size_t>(std::stoi(id.substr(1)));
    r.status = status;
    return reports::row_to_json_line(r) + "\n";
  };
  const std::string path =
      dir.write("results.jsonl", row("p00000", "ok") + row("p00001", reports::retry_status) + row("p00002", "failed"));
  {
    platform::results_journal journal(path);
    REQUIRE(journal.rows().size() == 3);
    reports::sweep_row again;
    again.id = "p00001";
    again.index = 1;
    again.status = "ok";
    journal.append(again);
    REQUIRE(journal.rows().size() == 3);
    CHECK(journal.rows()[1].status == "ok");
    CHECK(journal.lines()[1] == 4);
  }
  {
    platform::results_journal reopened(path);  // the later row counts
    REQUIRE(reopened.rows().size() == 3);
    CHECK(reopened.rows()[1].status == "ok");
  }
  // A failed point run again (--retry-failed) is recorded again too.
  dir.write("again.jsonl", row("p00002", "failed") + row("p00002", "ok"));
  CHECK(platform::results_journal(dir.path("again.jsonl")).rows().at(0).status == "ok");
  // A point with a result recorded twice is corruption.
  dir.write("twice.jsonl", row("p00000", "ok") + row("p00000", "ok"));
  try {
    platform::results_journal twice(dir.path("twice.jsonl"));
    FAIL("a point with a result was recorded twice");
  } catch (const dsl::input_error& e) {
    CHECK(e.errors().errors()[0].where.line == 2);
    CHECK(e.errors().errors()[0].message.find("recorded twice") != std::string::npos);
  }
}

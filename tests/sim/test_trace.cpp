// trace.json from `mottsim run`: Chrome trace-event format, checked against
// the busy time the same run reports in report.json.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "run_mottsim.hpp"

namespace {

struct trace_view {
  std::map<int, std::string> process_names;                 // pid -> "name (type)"
  std::map<std::string, double> busy_us;                    // component -> busy time (inference only)
  // (pid, tid) -> [ts, ts + dur) in whole picoseconds: the trace's times are
  // exact decimal microseconds, and adding them as doubles could round up.
  std::map<std::pair<int, int>, std::vector<std::pair<long long, long long>>> spans;
};

// Checks what every event must satisfy and gathers busy time per component.
trace_view check_events(const nlohmann::json& trace) {
  trace_view v;
  REQUIRE(trace.is_object());
  CHECK(trace.at("displayTimeUnit") == "ns");
  REQUIRE(trace.at("traceEvents").is_array());
  for (const auto& e : trace["traceEvents"])
    if (e.at("ph") == "M" && e.at("name") == "process_name")
      v.process_names[e.at("pid").get<int>()] = e.at("args").at("name").get<std::string>();
  int complete = 0;
  for (const auto& e : trace["traceEvents"]) {
    const std::string ph = e.at("ph");
    CHECK((ph == "X" || ph == "M"));
    if (ph != "X") continue;
    ++complete;
    const double ts = e.at("ts").get<double>(), dur = e.at("dur").get<double>();
    CHECK(ts >= 0.0);
    CHECK(dur >= 0.0);
    const int pid = e.at("pid").get<int>(), tid = e.at("tid").get<int>();
    REQUIRE(v.process_names.count(pid));
    const long long start_ps = std::llround(ts * 1e6), dur_ps = std::llround(dur * 1e6);
    v.spans[{pid, tid}].push_back({start_ps, start_ps + dur_ps});
    if (e.at("cat") != "busy") continue;  // weight programming and schedule stages
    const std::string process = v.process_names[pid];
    const std::string component = process.substr(0, process.find(" ("));
    v.busy_us[component] += e.contains("args") ? e["args"].at("busy_us").get<double>() : dur;
  }
  CHECK(complete > 0);
  return v;
}

// Events of one thread (one resource, or one layer's stage) never overlap.
void check_no_overlap(const trace_view& v) {
  for (auto [key, spans] : v.spans) {
    std::sort(spans.begin(), spans.end());
    for (std::size_t i = 1; i < spans.size(); ++i) {
      CAPTURE(v.process_names.at(key.first));
      CAPTURE(key.second);
      CHECK(spans[i].first >= spans[i - 1].second);
    }
  }
}

// Each component's busy time in the trace is its busy_s in report.json:
// timestamps are rounded to the picosecond, so allow 1 ps per event.
void check_busy_matches_report(const trace_view& v, const nlohmann::json& report) {
  std::size_t events = 0;
  for (const auto& [key, spans] : v.spans) events += spans.size();
  // The pipeline schedule's trace holds all its inferences; the report gives
  // busy time per inference.
  const double inferences =
      report.contains("pipeline") ? report.at("pipeline").at("inferences_in_flight").get<double>() : 1.0;
  for (const auto& c : report.at("components")) {
    const std::string name = c.at("name");
    CAPTURE(name);
    const double busy_s = inferences * c.at("busy_s").get<double>();
    const double traced_s = v.busy_us.count(name) ? v.busy_us.at(name) * 1e-6 : 0.0;
    CHECK(std::abs(traced_s - busy_s) <= 1e-12 * static_cast<double>(events) + 1e-9 * busy_s);
  }
}

}  // namespace

TEST_CASE("trace.json: a CIM run's busy intervals add up to each component's busy time") {
  const auto r = run_mottsim_traced("configs/arch/adc_cim.yaml", "configs/workloads/vgg8_cifar10.yaml");
  REQUIRE(r.status == 0);
  const trace_view v = check_events(r.trace);
  check_no_overlap(v);
  check_busy_matches_report(v, r.report);
  // Every component of the report has its own process, and the schedule has one thread per layer.
  std::set<std::string> processes;
  for (const auto& [pid, name] : v.process_names) processes.insert(name.substr(0, name.find(" (")));
  for (const auto& c : r.report.at("components")) CHECK(processes.count(c.at("name").get<std::string>()));
  std::set<int> stage_threads;
  for (const auto& [key, spans] : v.spans)
    if (key.first == 0) stage_threads.insert(key.second);
  CHECK(stage_threads.size() >= r.report.at("layers").size());
  CHECK(r.trace.at("otherData").at("architecture") == "adc_cim");
}

TEST_CASE("trace.json: the pipeline schedule's overlapping stages each have their own thread") {
  const auto r = run_mottsim_traced("configs/arch/mott_cim.yaml", "configs/workloads/lenet5_mnist.yaml",
                                    "--schedule pipeline");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const trace_view v = check_events(r.trace);
  check_no_overlap(v);
  check_busy_matches_report(v, r.report);
  // Stages of different layers run at once, so they overlap in time.
  std::vector<std::pair<long long, long long>> stages;
  for (const auto& [key, spans] : v.spans)
    if (key.first == 0 && key.second > 0) stages.insert(stages.end(), spans.begin(), spans.end());
  std::sort(stages.begin(), stages.end());
  bool overlap = false;
  for (std::size_t i = 1; i < stages.size(); ++i) overlap |= stages[i].first < stages[i - 1].second;
  CHECK(overlap);
  // Every layer's stage ran once per inference in flight.
  const auto k = r.report.at("pipeline").at("inferences_in_flight").get<std::size_t>();
  CHECK(r.trace.at("otherData").at("inferences").get<std::size_t>() == k);
  CHECK(stages.size() == k * r.report.at("layers").size());
}

TEST_CASE("trace.json: baseline architectures write a trace too") {
  for (const char* arch : {"configs/arch/cpu_baseline.yaml", "configs/arch/systolic_baseline.yaml"}) {
    CAPTURE(arch);
    const auto r = run_mottsim_traced(arch, "tests/sim/configs/conv3x3_8x8.yaml");
    REQUIRE(r.status == 0);
    const trace_view v = check_events(r.trace);
    check_no_overlap(v);
    check_busy_matches_report(v, r.report);
    double busy = 0;
    for (const auto& [component, us] : v.busy_us) busy += us;
    CHECK(busy > 0.0);
  }
}

TEST_CASE("trace.json: a large network's trace stays within its event budget, busy time intact") {
  const auto r = run_mottsim_traced("configs/arch/adc_cim.yaml", "configs/workloads/vgg16_imagenet.yaml");
  REQUIRE(r.status == 0);
  const auto& other = r.trace.at("otherData");
  const auto recorded = other.at("recorded_busy_intervals").get<long long>();
  const auto written = other.at("busy_events").get<long long>();
  const auto budget = other.at("event_budget").get<long long>();
  CHECK(recorded > budget);  // this network needs merging
  CHECK(written <= budget + 1000);  // a slice boundary or a phase change may add an event per resource
  CHECK(other.at("note").get<std::string>().find("merged") != std::string::npos);
  const trace_view v = check_events(r.trace);
  check_no_overlap(v);
  check_busy_matches_report(v, r.report);
}

// report.html and trace.json writers, on hand-made data (no simulation).
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "reports/busy_timeline.hpp"
#include "reports/embedded_scripts.hpp"
#include "reports/html_page.hpp"
#include "reports/html_report.hpp"
#include "reports/trace_json.hpp"

using namespace mottsim::reports;
using nlohmann::json;

namespace {

// The chart specs a page embeds (the JSON in #mottsim-charts).
json charts_of(const std::string& page) {
  const std::string open = "id=\"mottsim-charts\">";
  const auto from = page.find(open);
  REQUIRE(from != std::string::npos);
  const auto to = page.find("</script>", from);
  return json::parse(page.substr(from + open.size(), to - from - open.size()));
}

run_trace two_component_trace() {
  run_trace t;
  t.layer_names = {"conv1", "fc"};
  t.inference_start_s = 1.0;
  t.inference_end_s = 5.0;
  // "a" has two resources; "b" one. Programming (before 1 s) is left out.
  t.tracks.push_back({"a", "bus", "a[0]", {{0.0, 1.0, programming_layer}, {1.0, 3.0, 0}}});
  t.tracks.push_back({"a", "bus", "a[1]", {{2.0, 2.5, 0}, {4.5, 5.0, 1}}});
  t.tracks.push_back({"b", "sram", "b", {{3.0, 5.0, 1}}});
  return t;
}

}  // namespace

TEST_CASE("html: text and embedded JSON cannot end a script or inject markup") {
  CHECK(html_escape("<b>\"x\" & 'y'</b>") == "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;");
  const json value = {{"name", "</script><!-- & -->"}, {"n", 3}};
  const std::string safe = script_safe_json(value);
  CHECK(safe.find('<') == std::string::npos);
  CHECK(safe.find('>') == std::string::npos);
  CHECK(json::parse(safe) == value);
}

TEST_CASE("html: a page inlines the libraries and its charts, and loads nothing") {
  html_page page;
  page.title = "t </script>";
  page.sections.push_back({"s", "", json{{"mark", "bar"}}, {{"h"}, {{"<td>"}}}});
  const std::string html = render_html_page(page);
  CHECK(html.find("<title>t &lt;/script&gt;</title>") != std::string::npos);
  CHECK(html.find("<td>&lt;td&gt;</td>") != std::string::npos);
  // The three libraries themselves, not only the call that needs them.
  for (const std::string& library : {embedded_script_vega(), embedded_script_vega_lite(), embedded_script_vega_embed()}) {
    CHECK(library.size() > 10000);
    CHECK(html.find(library.substr(0, 2000)) != std::string::npos);
  }
  CHECK(html.find("<script src") == std::string::npos);
  CHECK(html.find("sourceMappingURL") == std::string::npos);
  CHECK(html.find("data-status=\"pending\"") != std::string::npos);
  const json charts = charts_of(html);
  REQUIRE(charts.size() == 1);
  CHECK(charts[0]["id"] == "chart0");
  CHECK(charts[0]["spec"]["mark"] == "bar");
}

TEST_CASE("html: utilization over time is busy time per slice over slice length times resources") {
  const auto samples = utilization_over_time(two_component_trace(), 4);  // slices of 1 s from t = 1 s
  REQUIRE(samples.size() == 8);
  // a: [1,3) on a[0] and [2,2.5) + [4.5,5) on a[1], over 2 resources.
  const double a[] = {1.0 / 2, 1.5 / 2, 0.0, 0.5 / 2};
  const double b[] = {0.0, 0.0, 1.0, 1.0};
  for (int s = 0; s < 4; ++s) {
    CHECK(samples[static_cast<std::size_t>(s)].component == "a");
    CHECK(std::abs(samples[static_cast<std::size_t>(s)].start_s - s) < 1e-12);
    CHECK(std::abs(samples[static_cast<std::size_t>(s)].utilization - a[s]) < 1e-12);
    CHECK(samples[static_cast<std::size_t>(4 + s)].component == "b");
    CHECK(std::abs(samples[static_cast<std::size_t>(4 + s)].utilization - b[s]) < 1e-12);
  }
  run_trace empty;
  CHECK(utilization_over_time(empty, 4).empty());
}

TEST_CASE("trace.json: events per resource, programming apart, named processes and threads") {
  run_result r;
  r.trace = two_component_trace();
  r.trace.stages = {{programming_layer, 0.0, 1.0}, {0, 1.0, 3.0}, {1, 3.0, 5.0}};
  const json t = json::parse(to_trace_json(r));
  CHECK(t["displayTimeUnit"] == "ns");
  int busy = 0, programming = 0, stages = 0;
  double a_busy_us = 0;
  std::map<std::pair<int, int>, std::string> threads;
  for (const auto& e : t["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "thread_name") threads[{e["pid"], e["tid"]}] = e["args"]["name"];
    if (e["ph"] != "X") continue;
    if (e["cat"] == "busy") ++busy;
    if (e["cat"] == "programming") ++programming;
    if (e["cat"] == "stage") ++stages;
    if (e["cat"] == "busy" && e["pid"] == 1) a_busy_us += e["dur"].get<double>();
  }
  CHECK(busy == 4);
  CHECK(programming == 1);
  CHECK(stages == 3);
  CHECK(a_busy_us == doctest::Approx(3e6).scale(0));  // 2 s + 0.5 s + 0.5 s
  CHECK(threads[{1, 1}] == "a[0]");
  CHECK(threads[{1, 2}] == "a[1]");
  CHECK(threads[{2, 1}] == "b");
  CHECK(threads[{0, 0}] == "weight programming");
  CHECK(threads[{0, 2}] == "fc");
}

TEST_CASE("trace.json: over its budget a resource's intervals merge, busy time kept, never overlapping") {
  run_result r;
  r.trace.layer_names = {"l0", "l1"};
  trace_track track{"bus", "bus", "bus", {}};
  double busy = 0;
  for (int i = 0; i < 10000; ++i) {  // 1 ns busy every 3 ns, layer changing halfway
    track.intervals.push_back({i * 3e-9, i * 3e-9 + 1e-9, i < 5000 ? 0 : 1});
    busy += 1e-9;
  }
  r.trace.tracks.push_back(track);
  const json t = json::parse(to_trace_json(r, 100));
  double busy_us = 0;
  long long merged = 0;
  int events = 0;
  double last_end = -1;
  for (const auto& e : t["traceEvents"]) {
    if (e["ph"] != "X") continue;
    ++events;
    REQUIRE(e.contains("args"));
    busy_us += e["args"]["busy_us"].get<double>();
    merged += e["args"]["intervals"].get<long long>();
    CHECK(e["ts"].get<double>() >= last_end - 1e-9);
    last_end = e["ts"].get<double>() + e["dur"].get<double>();
  }
  CHECK(events <= 101);
  CHECK(events >= 50);
  CHECK(merged == 10000);
  CHECK(busy_us == doctest::Approx(busy * 1e6).epsilon(1e-9).scale(0));
  CHECK(t["otherData"]["note"].get<std::string>().find("merged") != std::string::npos);
  CHECK(t["otherData"]["recorded_busy_intervals"] == 10000);
}

TEST_CASE("html: a sweep's scatter plots the first two objectives with its Pareto front") {
  json rows = json::array();
  const double energy[] = {1e-6, 1e-4, 1e-3, 5e-6};
  const double latency[] = {4e-3, 1e-3, 2e-3, 5e-3};
  for (int i = 0; i < 4; ++i)
    rows.push_back({{"id", "p0000" + std::to_string(i)},
                    {"index", i},
                    {"architecture", "configs/arch/adc_cim.yaml"},
                    {"workload", "vgg8_cifar10"},
                    {"params", {{"tile.rows", 64 << i}}},
                    {"status", "ok"},
                    {"error", ""},
                    {"metrics", {{"energy_j", energy[i]}, {"latency_s", latency[i]}, {"area_mm2", 1.0}}},
                    {"config_hash", "x"}});
  rows.push_back({{"id", "p00004"}, {"status", "failed"}, {"error", "bad"}, {"metrics", json::object()}});
  const json doc = {{"schema", "mottsim.sweep/1"},
                    {"name", "s"},
                    {"mode", "perf"},
                    {"objectives", json::array({{{"metric", "energy_j"}, {"goal", "minimize"}},
                                                {{"metric", "latency_s"}, {"goal", "minimize"}}})},
                    {"parameters", json::array({"tile.rows"})},
                    {"rows", rows},
                    {"pareto_ids", json::array({"p00000", "p00001"})}};
  const std::string html = render_sweep_html(doc);
  const json charts = charts_of(html);
  REQUIRE(charts.size() == 1);
  const json& spec = charts[0]["spec"];
  CHECK(spec["data"]["values"].size() == 4);  // the failed point is not plotted
  REQUIRE(spec["layer"].size() == 3);         // points, front line, front points
  const json& x = spec["layer"][0]["encoding"]["x"];
  const json& y = spec["layer"][0]["encoding"]["y"];
  CHECK(x["title"] == "energy (J)");
  CHECK(x["scale"]["type"] == "log");  // energy spans three decades
  CHECK_FALSE(y["scale"].contains("type"));  // latency spans a factor of 5
  int on_front = 0;
  for (const auto& p : spec["data"]["values"]) on_front += p["pareto"].get<bool>();
  CHECK(on_front == 2);
  CHECK(spec["data"]["values"][2]["p0"] == "256");
  // The table lists the Pareto points and not the others.
  CHECK(html.find("<td>p00000</td>") != std::string::npos);
  CHECK(html.find("<td>p00001</td>") != std::string::npos);
  CHECK(html.find("<td>p00002</td>") == std::string::npos);
  // Taken per workload with two workloads: the page says so, draws one line
  // per front and lists each workload's points together.
  json two = doc;
  two["pareto_per"] = "workload";
  two["rows"][0]["workload"] = "lenet5_mnist";
  two["rows"][1]["workload"] = "lenet5_mnist";
  two["pareto_ids"] = json::array({"p00000", "p00001", "p00002", "p00003"});  // nothing dominated within a workload
  const std::string per = render_sweep_html(two);
  CHECK(per.find("on the Pareto fronts (one per workload)") != std::string::npos);
  CHECK(per.find("each workload has its own Pareto front") != std::string::npos);
  CHECK(per.find("Pareto points, per workload") != std::string::npos);
  const json per_spec = charts_of(per)[0]["spec"];
  CHECK(per_spec["layer"][1]["encoding"]["detail"]["field"] == "workload");
  const auto at = [&](const char* id) { return per.find(std::string("<td>") + id + "</td>"); };
  // lenet5_mnist's front, then vgg8_cifar10's, each along x (energy).
  CHECK(at("p00000") < at("p00001"));
  CHECK(at("p00001") < at("p00003"));
  CHECK(at("p00003") < at("p00002"));
  // One workload: the words of a single front.
  CHECK(html.find("one per workload") == std::string::npos);
  // A document with nothing finished still renders, without a chart.
  const json none = {{"name", "empty"}, {"rows", json::array()}};
  CHECK(charts_of(render_sweep_html(none)).empty());
}

TEST_CASE("report.html: a class index in the headline is the class, a rate a percentage") {
  run_result r;
  r.architecture = "adc_cim";
  r.workload = "vit_tiny";
  r.mode = "functional";
  r.accuracy = {{"reference_class", 6.0}, {"top1_agreement", 1.0}};
  const std::string page = render_run_html(r);
  CHECK(page.find("<dt>reference_class</dt><dd>6</dd>") != std::string::npos);
  CHECK(page.find("<dt>top1_agreement</dt><dd>100 %</dd>") != std::string::npos);
}

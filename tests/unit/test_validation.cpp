#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "platform/cli/validation_spec.hpp"
#include "test_support.hpp"

using namespace mottsim;
using mottsim::platform::figure_verdict;
using mottsim::platform::tolerance;
using mottsim::test_support::scratch_dir;

namespace {

tolerance relative(double amount) {
  tolerance t;
  t.type = tolerance::kind::relative;
  t.amount = amount;
  return t;
}

tolerance absolute(double amount) {
  tolerance t;
  t.type = tolerance::kind::absolute;
  t.amount = amount;
  return t;
}

tolerance band(double low, double high) {
  tolerance t;
  t.type = tolerance::kind::ratio_band;
  t.low = low;
  t.high = high;
  return t;
}

// The first error of loading DIR/expected.yaml written with `text`.
std::string first_error(const std::string& text) {
  scratch_dir dir;
  dir.write("d/expected.yaml", text);
  dsl::diagnostics errors;
  platform::load_validation_design(dir.path("d"), errors);
  return errors.has_errors() ? errors.errors().front().to_string() : std::string();
}

const char* good_head =
    "design: d\n"
    "source: a paper\n"
    "run: {architecture: a.yaml, workload: w.yaml}\n";

}  // namespace

TEST_CASE("a relative tolerance accepts |sim/pub - 1| up to its amount, on either side") {
  const tolerance t = relative(0.25);
  CHECK(t.accepts(16.0, 16.0));
  CHECK(t.accepts(16.0, 20.0));     // ratio 1.25 exactly
  CHECK(t.accepts(16.0, 12.0));     // ratio 0.75 exactly
  CHECK_FALSE(t.accepts(16.0, 20.1));
  CHECK_FALSE(t.accepts(16.0, 11.9));
  CHECK(t.accepts(-4, -4.5));         // a negative published figure: ratio 1.125
  CHECK_FALSE(t.accepts(-4, 4));      // the wrong sign is ratio -1
  CHECK(t.accepts(0, 0));             // zero can only be matched exactly
  CHECK_FALSE(t.accepts(0, 1e-30));
}

TEST_CASE("an absolute tolerance accepts |sim - pub| up to its amount") {
  const tolerance t = absolute(0.01);
  CHECK(t.accepts(0.9838, 0.9795));   // 0.0043 below
  CHECK(t.accepts(0.9838, 0.9930));   // 0.0092 above
  CHECK_FALSE(t.accepts(0.9838, 0.9730));
  CHECK_FALSE(t.accepts(0.9838, 0.9950));
  // At the edges, in binary fractions that carry no rounding:
  CHECK(absolute(0.25).accepts(1.0, 1.25));
  CHECK(absolute(0.25).accepts(1.0, 0.75));
  CHECK_FALSE(absolute(0.25).accepts(1.0, 1.2578125));
  CHECK(absolute(0.5).accepts(0, -0.5));
}

TEST_CASE("a ratio band accepts sim/pub between its ends, which may be lopsided") {
  const tolerance t = band(0.7, 3.0);
  CHECK(t.accepts(0.0029, 0.0029 * 0.7));
  CHECK(t.accepts(0.0029, 0.0029 * 3.0));
  CHECK(t.accepts(0.0029, 0.0058));
  CHECK_FALSE(t.accepts(0.0029, 0.0029 * 0.69));
  CHECK_FALSE(t.accepts(0.0029, 0.0029 * 3.01));
  CHECK_FALSE(band(0.8, 1.0).accepts(92, 92.5));  // above the peak
  CHECK_FALSE(t.accepts(0, 0));                  // no ratio to a zero figure
}

TEST_CASE("no tolerance accepts a figure that is not a number") {
  const double nan = std::nan("");
  CHECK_FALSE(relative(1).accepts(1, nan));
  CHECK_FALSE(absolute(1).accepts(1, INFINITY));
  CHECK_FALSE(band(0, 10).accepts(1, nan));
}

TEST_CASE("tolerances describe themselves for the table") {
  CHECK(relative(0.25).describe() == "+-25 %");
  CHECK(absolute(0.01).describe() == "+-0.01");
  CHECK(band(0.5, 2).describe() == "[0.5, 2]x");
}

TEST_CASE("a figure outside its tolerance fails, or is a known gap when it names one; inside, it passes") {
  platform::validation_figure f;
  f.published = 16e-3;
  f.tol = relative(0.25);
  CHECK(platform::judge_figure(f, 17e-3) == figure_verdict::pass);
  CHECK(platform::judge_figure(f, 107e-3) == figure_verdict::fail);
  f.known_gap = "ADC class";
  CHECK(platform::judge_figure(f, 107e-3) == figure_verdict::known_gap);
  CHECK(platform::judge_figure(f, 17e-3) == figure_verdict::pass);  // the gap has closed
  CHECK(std::string(platform::verdict_name(figure_verdict::known_gap)) == "KNOWN-GAP");
  CHECK(std::string(platform::verdict_name(figure_verdict::fail)) == "FAIL");
}

TEST_CASE("report paths walk keys, list indices and [name=X] selectors to a number") {
  const nlohmann::json report = nlohmann::json::parse(R"({
    "totals": {"latency_s": 0.5, "energy_j": 3.0, "label": "x"},
    "energy_by_category": {"dram_j": 1.0},
    "components": [
      {"name": "bus", "area_mm2": 0.09},
      {"name": "tile", "actions": {"adc_conversion": {"energy_per_action_j": 1.5e-12, "count": 8}}}
    ]})");
  std::string problem;
  CHECK(*platform::resolve_report_path(report, "totals.latency_s", problem) == 0.5);
  CHECK(*platform::resolve_report_path(report, "components[0].area_mm2", problem) == 0.09);
  CHECK(*platform::resolve_report_path(report, "components[name=tile].actions.adc_conversion.count", problem) == 8);

  CHECK_FALSE(platform::resolve_report_path(report, "totals.latency", problem));
  CHECK(problem.find("has no key 'latency'") != std::string::npos);
  CHECK(problem.find("did you mean 'latency_s'") != std::string::npos);
  CHECK_FALSE(platform::resolve_report_path(report, "components[name=dram].area_mm2", problem));
  CHECK(problem.find("no entry of 'components' has name 'dram'") != std::string::npos);
  CHECK_FALSE(platform::resolve_report_path(report, "components[7].area_mm2", problem));
  CHECK(problem.find("has 2 entries") != std::string::npos);
  CHECK_FALSE(platform::resolve_report_path(report, "totals.label", problem));
  CHECK(problem.find("not a number") != std::string::npos);
  CHECK_FALSE(platform::resolve_report_path(report, "totals[0]", problem));
  CHECK(problem.find("is not a list") != std::string::npos);

  // (energy - dram) / latency x scale: (3 - 1) / 0.5 x 10 = 40
  platform::report_expression e;
  e.add = {"totals.energy_j"};
  e.subtract = {"energy_by_category.dram_j"};
  e.divide_by = "totals.latency_s";
  e.scale = 10;
  CHECK(*platform::evaluate_expression(report, e, problem) == doctest::Approx(40).scale(0));
  e.divide_by = "energy_by_category.dram_j";
  e.subtract.clear();
  CHECK(*platform::evaluate_expression(report, e, problem) == doctest::Approx(30).scale(0));
  nlohmann::json zero = report;
  zero["energy_by_category"]["dram_j"] = 0.0;
  CHECK_FALSE(platform::evaluate_expression(zero, e, problem));
  CHECK(problem.find("is zero") != std::string::npos);
}

TEST_CASE("a well-formed expected.yaml loads with its run and figures, files relative to it") {
  scratch_dir dir;
  dir.write("d/expected.yaml", std::string(good_head) +
                                   "figures:\n"
                                   "  - name: power\n"
                                   "    published: 40\n"
                                   "    unit: W\n"
                                   "    simulated: {path: totals.energy_j, minus: [energy_by_category.dram_j], per: totals.latency_s}\n"
                                   "    tolerance: {ratio: [0.5, 2], reason: why}\n"
                                   "    source: a table\n"
                                   "    known_gap: node scaling\n"
                                   "  - name: rate\n"
                                   "    published: 35\n"
                                   "    simulated: totals.throughput_ips\n"
                                   "    tolerance: {relative: 0.3, reason: why}\n"
                                   "    source: an abstract\n");
  dsl::diagnostics errors;
  const auto d = platform::load_validation_design(dir.path("d"), errors);
  REQUIRE_FALSE(errors.has_errors());
  CHECK(d.name == "d");
  CHECK(d.architecture == (std::filesystem::path(dir.path("d")) / "a.yaml").string());
  CHECK(d.mode == "perf");
  REQUIRE(d.figures.size() == 2);
  CHECK(d.figures[0].simulated.subtract.size() == 1);
  CHECK(d.figures[0].tol.type == tolerance::kind::ratio_band);
  CHECK(d.figures[0].tol.high == 2);
  CHECK(d.figures[0].known_gap == "node scaling");
  CHECK(d.figures[1].tol.amount == doctest::Approx(0.3).scale(0));
  CHECK(d.figures[1].simulated.add == std::vector<std::string>{"totals.throughput_ips"});
}

TEST_CASE("malformed expected.yaml files are located errors") {
  const std::string fig = "    simulated: totals.tops\n    source: s\n";
  // A missing file.
  {
    scratch_dir dir;
    dsl::diagnostics errors;
    platform::load_validation_design(dir.path("nowhere"), errors);
    CHECK(errors.has_errors());
  }
  CHECK(first_error("design: d\n").find("missing key 'source'") != std::string::npos);
  CHECK(first_error("- a list\n").find("expected.yaml:1:1: error: expected.yaml must be a map") != std::string::npos);
  CHECK(first_error(std::string(good_head) + "figures: []\n").find("non-empty list") != std::string::npos);
  CHECK(first_error(std::string(good_head) + "figure: []\n").find("did you mean 'figures'") != std::string::npos);
  // Published figure not a number: located at its value (line 6, column 16).
  CHECK(first_error(std::string(good_head) + "figures:\n  - name: x\n    published: 40 W\n" + fig +
                    "    tolerance: {relative: 0.1, reason: r}\n")
            .find("expected.yaml:6:16: error: 'published' must be a finite number") != std::string::npos);
  // No tolerance kind, two kinds, a missing reason, a bad band.
  CHECK(first_error(std::string(good_head) + "figures:\n  - {name: x, published: 1, simulated: a, source: s, tolerance: {reason: r}}\n")
            .find("needs one of relative, absolute or ratio") != std::string::npos);
  CHECK(first_error(std::string(good_head) +
                    "figures:\n  - {name: x, published: 1, simulated: a, source: s, tolerance: {relative: 0.1, absolute: 1, reason: r}}\n")
            .find("only one of") != std::string::npos);
  CHECK(first_error(std::string(good_head) + "figures:\n  - {name: x, published: 1, simulated: a, source: s, tolerance: {relative: 0.1}}\n")
            .find("missing key 'reason'") != std::string::npos);
  CHECK(first_error(std::string(good_head) +
                    "figures:\n  - {name: x, published: 1, simulated: a, source: s, tolerance: {ratio: [2, 0.5], reason: r}}\n")
            .find("0 <= low < high") != std::string::npos);
  CHECK(first_error(std::string(good_head) +
                    "figures:\n  - {name: x, published: 0, simulated: a, source: s, tolerance: {ratio: [0.5, 2], reason: r}}\n")
            .find("non-zero published figure") != std::string::npos);
  CHECK(first_error(std::string(good_head) + "figures:\n  - {name: x, published: 1, simulated: a, source: s, tolerance: {relative: -0.1, reason: r}}\n")
            .find("must be above 0") != std::string::npos);
  // Unknown keys in a figure and in 'simulated', a bad mode, an empty known gap.
  CHECK(first_error(std::string(good_head) + "figures:\n  - {name: x, publshed: 1, simulated: a, source: s, tolerance: {relative: 0.1, reason: r}}\n")
            .find("did you mean 'published'") != std::string::npos);
  CHECK(first_error(std::string(good_head) +
                    "figures:\n  - {name: x, published: 1, simulated: {path: a, divide: b}, source: s, tolerance: {relative: 0.1, reason: r}}\n")
            .find("unknown key 'divide'") != std::string::npos);
  CHECK(first_error("design: d\nsource: s\nrun: {architecture: a, workload: w, mode: fast}\n"
                    "figures:\n  - {name: x, published: 1, simulated: a, source: s, tolerance: {relative: 0.1, reason: r}}\n")
            .find("'mode' must be perf or functional") != std::string::npos);
  CHECK(first_error(std::string(good_head) +
                    "figures:\n  - {name: x, published: 1, simulated: a, source: s, known_gap: '', tolerance: {relative: 0.1, reason: r}}\n")
            .find("'known_gap' must name") != std::string::npos);
}

// summary.md (and what run prints): how each figure is shown.
#include <doctest/doctest.h>

#include <string>

#include "reports/compare_report.hpp"
#include "reports/markdown_summary.hpp"

using namespace mottsim::reports;

namespace {

// A functional run without labels: one input, the float reference's class and
// whether the chips agreed with it.
run_result unlabelled_functional_run() {
  run_result r;
  r.architecture = "adc_cim";
  r.workload = "vit_tiny";
  r.mode = "functional";
  r.functional_samples = 1;
  r.accuracy = {{"reference_class", 6.0}, {"top1_agreement", 0.5}};
  chip_metric agreement;
  agreement.mean = 0.5;
  agreement.per_chip = {1.0, 0.0};
  r.chip_metrics["top1_agreement"] = agreement;
  r.chip_seeds = {1, 2};
  return r;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("summary: a class index is shown as the class, the rates as percentages") {
  const std::string md = to_markdown(unlabelled_functional_run());
  CHECK(has(md, "| accuracy.reference_class | 6 |\n"));
  CHECK(has(md, "| accuracy.top1_agreement | 50.00 % |\n"));
  CHECK(has(md, "| top1_agreement (%) | 50.00 | - | - (one chip) | 100.00, 0.00 |\n"));
  CHECK_FALSE(has(md, "600"));

  run_result labelled;
  labelled.mode = "functional";
  labelled.accuracy = {{"top1", 0.9855}, {"reference_top1", 0.99}, {"ideal_devices_top1", 0.98}};
  const std::string l = to_markdown(labelled);
  CHECK(has(l, "| accuracy.top1 | 98.55 % |\n"));
  CHECK(has(l, "| accuracy.reference_top1 | 99.00 % |\n"));
  CHECK(has(l, "| accuracy.ideal_devices_top1 | 98.00 % |\n"));
}

TEST_CASE("summary: which functional figures are rates") {
  for (const char* rate : {"top1", "reference_top1", "ideal_devices_top1", "top1_agreement"}) CHECK(is_rate_figure(rate));
  for (const char* other : {"reference_class", "psnr_db", "ssim"}) CHECK_FALSE(is_rate_figure(other));
}

TEST_CASE("summary: the terminal gets names as written, summary.md gets them escaped") {
  run_result r;
  r.architecture = "mesh";
  r.workload = "net<1>";
  component_result noc;
  noc.name = "noc";
  noc.links.push_back({"(0,0)>dram", 100.0, 1e-6, 0.5});
  noc.links.push_back({"(0,0)>tile[1]", 100.0, 1e-6, 0.25});
  r.components.push_back(noc);
  const std::string file = to_markdown(r), shown = to_markdown(r, text_target::terminal);
  CHECK(has(file, "# net&lt;1&gt; on mesh\n"));
  CHECK(has(file, "| (0,0)&gt;dram | "));
  CHECK(has(file, "| (0,0)&gt;tile\\[1\\] | "));
  CHECK(has(shown, "# net<1> on mesh\n"));
  CHECK(has(shown, "| (0,0)>dram | "));
  CHECK(has(shown, "| (0,0)>tile[1] | "));
  // Everything else is the same text.
  CHECK(shown.size() + 4 * 3 + 2 == file.size());  // four &..; entities, two backslashes
}

TEST_CASE("terminal text: as written, but no control character reaches the terminal") {
  CHECK(shown_text("a|b [c] `d` <e> & f\\", text_target::terminal) == "a|b [c] `d` <e> & f\\");
  CHECK(shown_text("red \x1b[31m\nnext\x7f", text_target::terminal) == "red  [31m next ");
  CHECK(shown_text("a|b", text_target::markdown) == markdown_text("a|b"));
}

TEST_CASE("compare: the terminal gets names as written, compare.md gets them escaped") {
  compare_result r;
  r.workload = "net<1>";
  compare_entry a, b;
  a.name = "tile[1]";
  b.name = "b";
  r.entries = {a, b};
  CHECK(has(compare_to_markdown(r), "# net&lt;1&gt;: 2 architectures compared"));
  CHECK(has(compare_to_markdown(r), "| metric | tile\\[1\\] | b | b / tile\\[1\\] |"));
  const std::string shown = compare_to_markdown(r, text_target::terminal);
  CHECK(has(shown, "# net<1>: 2 architectures compared"));
  CHECK(has(shown, "| metric | tile[1] | b | b / tile[1] |"));
}

// summary.md (and what run prints): how each figure is shown.
#include <doctest/doctest.h>

#include <string>

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

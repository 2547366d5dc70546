#pragma once
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "reports/text_escape.hpp"

// `mottsim compare`: one workload on several architectures, side by side, with
// ratios against the first. Built from each run's report.json; no SystemC.
namespace mottsim::reports {

struct compare_entry {
  std::string name;          // its directory under the compare output (the architecture's name, made unique)
  std::string architecture;  // as its report names it
  std::string file;          // the architecture file
  // layer (one inference at a time: latency is one inference's) or pipeline
  // (inferences streamed through layer stages: throughput is the steady
  // state's), as its report says.
  std::string schedule = "layer";
  double latency_s = 0;
  double throughput_ips = 0;
  double energy_j = 0;
  double area_mm2 = 0;
  double edp_js = 0;
  double tops = 0;
  double tops_per_w = 0;
  double tops_per_mm2 = 0;
  long long macs = 0;
  std::map<std::string, double> energy_by_category_j;  // as in the report
  // Functional runs: top1, reference_top1, ideal_devices_top1, psnr_db and
  // ssim as the report gives them (means over its chips), with the 95 %
  // interval where it has one (NaN otherwise).
  struct figure {
    double mean = NAN, ci_low = NAN, ci_high = NAN;
  };
  std::map<std::string, figure> functional;
  long long chips = 0;
};

struct compare_result {
  std::string schema = "mottsim.compare/1";
  std::string workload;
  std::string workload_file;
  std::vector<compare_entry> entries;  // the first is the reference
};

// Reads the totals and categories of one report.json; throws
// std::runtime_error when the text is not a mottsim report.
compare_entry entry_from_report(const std::string& report_json);

// The groups the comparison shows energy in, each gathering report categories,
// so a CIM chip and a CPU line up: compute/crossbar, converters,
// activation/neurons, on-chip memory, bus, DRAM, leakage (and "other" for any
// category not listed).
const std::vector<std::pair<std::string, std::vector<std::string>>>& energy_groups();
std::map<std::string, double> grouped_energy(const compare_entry& e);

// The figures a comparison shows, in table order.
struct compare_metric {
  const char* key;    // JSON key (with its unit)
  const char* name;   // the same without the unit, for its ratio
  const char* label;  // table row
  const char* unit;   // for si(); empty: plain number
  double (*get)(const compare_entry&);
};
const std::vector<compare_metric>& compare_metrics();
// value / reference; NaN when the reference is zero.
double ratio(double value, double reference);
// "0.42 x", or "-" for NaN.
std::string ratio_text(double r);

// compare.json (units in key names, ratios to the first entry; a ratio whose
// reference is zero is null) and compare.md (the side-by-side table).
std::string compare_to_json(const compare_result& r);
// `mottsim compare` prints compare.md with names as written (text_target::terminal).
std::string compare_to_markdown(const compare_result& r, text_target target = text_target::markdown);

}  // namespace mottsim::reports

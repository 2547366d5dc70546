#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "reports/compare_report.hpp"
#include "reports/run_result.hpp"

// report.html for each command: one self-contained page (see html_page.hpp)
// whose charts are Vega-Lite specs over the run's data.
namespace mottsim::reports {

// `mottsim run`: headline numbers, energy by component and by category,
// per-layer latency and energy, and component utilization over the inference
// (from r.trace).
std::string render_run_html(const run_result& r);

// `mottsim compare`: ratios to the reference (latency, energy, area, energy
// per MAC) and energy by group for every architecture.
std::string render_compare_html(const compare_result& r);

// A sweep: the first two objectives of its points as a scatter, the Pareto
// front highlighted and connected, and a table of the Pareto points. Takes
// the sweep document ("mottsim.sweep/1": name, mode, objectives, parameters,
// rows, pareto_ids); missing or failed values are left out, never fatal.
std::string render_sweep_html(const nlohmann::json& sweep_doc);

}  // namespace mottsim::reports

#include "platform/session/finite_figures.hpp"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "dsl/diagnostics.hpp"

namespace mottsim::platform {

namespace {

constexpr const char* too_large =
    ": a parameter is beyond what mottsim computes in double precision (about 1.8e308 in SI units); give a "
    "physical value";

}  // namespace

void refuse_non_finite_figures(const reports::run_result& r, const dsl::architecture_spec& arch) {
  dsl::diagnostics errors;
  for (const auto& c : r.components) {
    // An action's price first: its source names the parameters (and their
    // files, lines or --set flags) it was computed from, which the totals
    // built from it cannot.
    std::vector<std::pair<std::string, double>> figures;
    for (const auto& [action, a] : c.actions) {
      const std::string priced = a.source.empty() ? "" : " (priced as " + a.source + ")";
      figures.emplace_back("'" + action + "' price" + priced, a.price_j);
      figures.emplace_back("'" + action + "' energy" + priced, a.energy_j);
    }
    figures.insert(figures.end(), {{"area", c.area_mm2}, {"dynamic energy", c.dynamic_j}, {"leakage", c.leakage_w},
                                   {"leakage energy", c.leakage_j}, {"busy time", c.busy_s}});
    for (const auto& [what, value] : figures) {
      if (std::isfinite(value)) continue;
      const dsl::component_spec* spec = arch.find(c.name);
      errors.error(spec ? spec->where : dsl::source_location{arch.file, 0, 0},
                   "component '" + c.name + "': its " + what + " came out as " + std::to_string(value) + too_large);
      break;  // one error a component
    }
  }
  if (!errors.has_errors()) {
    std::vector<std::pair<std::string, double>> totals = {{"latency", r.latency_s},
                                                          {"energy per inference", r.energy_j},
                                                          {"chip area", r.area_mm2},
                                                          {"weight programming energy", r.programming_energy_j},
                                                          {"weight programming time", r.programming_time_s}};
    for (const auto& [category, energy] : r.energy_by_category_j) totals.emplace_back(category + " energy", energy);
    for (const auto& [what, value] : totals)
      if (!std::isfinite(value)) {
        errors.error({arch.file, 0, 0}, "the chip's " + what + " came out as " + std::to_string(value) + too_large);
        break;
      }
  }
  if (errors.has_errors()) throw dsl::input_error(errors);
}

}  // namespace mottsim::platform

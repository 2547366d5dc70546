#pragma once
#include <string>
#include <vector>

#include "dsl/units.hpp"

namespace mottsim::dsl {

// A number a sweep reads from each point's report, by the name it has in
// sweep rows, constraints and objectives. The unit is in the name, as in
// report.json.
struct sweep_metric {
  std::string name;      // "energy_j"
  dimension dim;         // what a value with a unit in a constraint must be
  double si_per_unit;    // SI value of one unit of the metric (area_mm2: 1e-6 m^2)
  bool functional_only;  // measured only in functional mode
  std::string doc;
};

const std::vector<sweep_metric>& sweep_metrics();
const sweep_metric* find_sweep_metric(const std::string& name);
std::vector<std::string> sweep_metric_names();

}  // namespace mottsim::dsl

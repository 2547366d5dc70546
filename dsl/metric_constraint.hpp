#pragma once
#include <map>
#include <optional>
#include <string>

#include "dsl/diagnostics.hpp"

namespace mottsim::dsl {

// A condition a sweep point's metrics must meet to count, such as
// `area_mm2 < 100` or `latency_s <= 2 ms`: a metric name, a comparison and a
// number, optionally with a unit of the metric's dimension.
struct metric_constraint {
  enum class comparison { less, less_equal, greater, greater_equal };

  std::string text;    // as written
  std::string metric;  // a name from sweep_metrics()
  comparison op = comparison::less;
  double bound = 0;    // in the metric's own unit (area_mm2: mm^2)
  source_location where;

  // False when the metric is missing (the point did not measure it).
  bool holds(const std::map<std::string, double>& metrics) const;
};

// Parses one constraint. `where` is the text's first character; errors point
// into the text (column of the offending word). Unknown metrics get a
// did-you-mean.
std::optional<metric_constraint> parse_metric_constraint(const std::string& text, const source_location& where,
                                                         diagnostics& errors);

}  // namespace mottsim::dsl

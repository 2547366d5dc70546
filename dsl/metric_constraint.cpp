#include "dsl/metric_constraint.hpp"

#include <cctype>
#include <cmath>
#include <string_view>

#include "dsl/suggest.hpp"
#include "dsl/sweep_metrics.hpp"
#include "dsl/units.hpp"

namespace mottsim::dsl {

bool metric_constraint::holds(const std::map<std::string, double>& metrics) const {
  const auto it = metrics.find(metric);
  if (it == metrics.end() || std::isnan(it->second)) return false;
  const double v = it->second;
  switch (op) {
    case comparison::less: return v < bound;
    case comparison::less_equal: return v <= bound;
    case comparison::greater: return v > bound;
    case comparison::greater_equal: return v >= bound;
  }
  return false;
}

std::optional<metric_constraint> parse_metric_constraint(const std::string& text, const source_location& where,
                                                         diagnostics& errors) {
  const auto at = [&](std::size_t offset) {
    source_location l = where;
    if (l.line > 0) l.column += static_cast<int>(offset);
    return l;
  };
  const std::string form = "a constraint is 'METRIC OP VALUE' with OP one of <, <=, >, >= (e.g. 'area_mm2 < 100')";
  std::size_t i = 0;
  const auto skip_space = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  skip_space();
  const std::size_t name_start = i;
  while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) ++i;
  const std::string name = text.substr(name_start, i - name_start);
  if (name.empty()) {
    errors.error(at(name_start), "expected a metric name; " + form);
    return std::nullopt;
  }
  const sweep_metric* metric = find_sweep_metric(name);
  if (!metric) {
    std::string known;
    for (const auto& n : sweep_metric_names()) known += (known.empty() ? "" : ", ") + n;
    errors.error(at(name_start), "unknown metric '" + name + "'" + did_you_mean(name, sweep_metric_names()) +
                                     "; metrics: " + known);
    return std::nullopt;
  }
  skip_space();
  metric_constraint c;
  c.text = text;
  c.metric = name;
  c.where = where;
  // The whole run of comparison characters, so that '<>' or '==' is named as
  // it is written rather than read as '<' followed by a bad value.
  const std::size_t op_start = i;
  while (i < text.size() && std::string_view("<>=!").find(text[i]) != std::string_view::npos) ++i;
  const std::string op = text.substr(op_start, i - op_start);
  if (op == "<=") c.op = metric_constraint::comparison::less_equal;
  else if (op == ">=") c.op = metric_constraint::comparison::greater_equal;
  else if (op == "<") c.op = metric_constraint::comparison::less;
  else if (op == ">") c.op = metric_constraint::comparison::greater;
  else if (op.empty()) {
    errors.error(at(op_start), "expected a comparison after '" + name + "'; " + form);
    return std::nullopt;
  } else {
    errors.error(at(op_start), "'" + op + "' is not a comparison a constraint takes: use one of <, <=, >, >= "
                                          "(e.g. 'area_mm2 < 100')");
    return std::nullopt;
  }
  skip_space();
  const std::size_t value_start = i;
  const std::string value = text.substr(value_start);
  if (value.find_first_not_of(" \t") == std::string::npos) {
    errors.error(at(value_start), "expected a value after the comparison; " + form);
    return std::nullopt;
  }
  // A bare number is in the metric's own unit (the one in its name); a value
  // with a unit is converted.
  double bare = 0;
  std::string trimmed = value;
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back()))) trimmed.pop_back();
  if (parse_number(trimmed, bare)) {
    c.bound = bare;
    return c;
  }
  const auto q = parse_quantity(trimmed, metric->dim);
  if (!q.ok) {
    errors.error(at(value_start), "bad value for '" + name + "': " + q.error);
    return std::nullopt;
  }
  c.bound = q.si / metric->si_per_unit;
  return c;
}

}  // namespace mottsim::dsl

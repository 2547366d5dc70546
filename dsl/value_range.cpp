#include "dsl/value_range.hpp"

#include <cmath>
#include <algorithm>
#include <cstdio>

namespace mottsim::dsl {

std::vector<double> linear_by_count(double from, double to, std::size_t count) {
  if (count == 1) return {from};
  std::vector<double> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    out.push_back(i + 1 == count ? to : from + (to - from) * static_cast<double>(i) / static_cast<double>(count - 1));
  return out;
}

// Steps that land within this fraction of a step of `to` count as landing on it.
static constexpr double step_slack = 1e-9;

double linear_step_count(double from, double to, double step) {
  const double n = (to - from) / step;
  if (n < -step_slack) return 0;
  return std::floor(n + step_slack) + 1;
}

std::vector<double> linear_by_step(double from, double to, double step) {
  const double n = linear_step_count(from, to, step);
  std::vector<double> out;
  for (std::size_t i = 0; static_cast<double>(i) < n; ++i) out.push_back(from + step * static_cast<double>(i));
  // Land exactly on `to` rather than a rounding error away from it.
  if (!out.empty() && std::fabs(out.back() - to) <= std::fabs(step) * step_slack) out.back() = to;
  return out;
}

std::vector<double> log_by_count(double from, double to, std::size_t count) {
  if (count == 1) return {from};
  std::vector<double> out;
  out.reserve(count);
  const double a = std::log(from), b = std::log(to);
  for (std::size_t i = 0; i < count; ++i) {
    if (i == 0) out.push_back(from);
    else if (i + 1 == count) out.push_back(to);
    else out.push_back(std::exp(a + (b - a) * static_cast<double>(i) / static_cast<double>(count - 1)));
  }
  return out;
}

std::string format_range_value(double v) {
  const double rounded = std::round(v);
  char buf[64];
  if (std::fabs(v - rounded) <= 1e-9 * std::max(1.0, std::fabs(v)) && std::fabs(rounded) < 1e15)
    std::snprintf(buf, sizeof buf, "%.0f", rounded);
  else
    std::snprintf(buf, sizeof buf, "%.12g", v);
  return buf;
}

}  // namespace mottsim::dsl

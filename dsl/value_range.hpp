#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace mottsim::dsl {

// The values of a sweep range, in the units they were written in. Callers
// check the arguments (count >= 1, step != 0, log bounds > 0) and locate errors.

// `count` values evenly spaced from `from` to `to` (both included).
std::vector<double> linear_by_count(double from, double to, std::size_t count);
// from, from + step, ... while not past `to` (`to` included when a step lands
// on it, within rounding).
std::vector<double> linear_by_step(double from, double to, double step);
// How many values linear_by_step gives, without making them (to refuse a
// range that would be huge).
double linear_step_count(double from, double to, double step);
// `count` values evenly spaced in log scale from `from` to `to` (both > 0).
std::vector<double> log_by_count(double from, double to, std::size_t count);

// A value as text for `--set`: integers without a fraction, else up to 12
// significant digits, so 10^(log10(32) + ...) that rounds to 64 prints "64".
std::string format_range_value(double v);

}  // namespace mottsim::dsl

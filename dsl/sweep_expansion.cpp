#include "dsl/sweep_expansion.hpp"

#include <algorithm>
#include <cstdio>
#include <random>
#include <set>

namespace mottsim::dsl {

namespace {

std::size_t saturating_multiply(std::size_t a, std::size_t b) {
  if (a == 0 || b == 0) return 0;
  return a > sweep_count_saturated / b ? sweep_count_saturated : a * b;
}

// The value index of each parameter in grid combination `k` (mixed radix,
// last parameter fastest).
std::vector<std::size_t> grid_digits(const sweep_spec& s, std::size_t k) {
  std::vector<std::size_t> digits(s.parameters.size());
  for (std::size_t i = s.parameters.size(); i-- > 0;) {
    const std::size_t n = s.parameters[i].values.size();
    digits[i] = k % n;
    k /= n;
  }
  return digits;
}

// Distinct grid combinations, drawn with mt19937_64 (its sequence is fixed by
// the standard; the distributions are not, so none is used), in grid order.
std::vector<std::size_t> draw_combinations(const sweep_spec& s) {
  const std::size_t grid = sweep_grid_size(s);
  const std::size_t count = std::min(s.random_count, grid);
  std::mt19937_64 rng(s.random_seed);
  std::vector<std::size_t> chosen;
  if (grid <= 4 * count) {
    // Dense: a partial Fisher-Yates shuffle of every combination.
    std::vector<std::size_t> all(grid);
    for (std::size_t i = 0; i < grid; ++i) all[i] = i;
    for (std::size_t i = 0; i < count; ++i) {
      const std::size_t j = i + static_cast<std::size_t>(rng() % (grid - i));
      std::swap(all[i], all[j]);
    }
    chosen.assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(count));
  } else {
    // Sparse: draw until `count` distinct ones (each draw is new with
    // probability > 3/4).
    std::set<std::size_t> seen;
    while (seen.size() < count) seen.insert(static_cast<std::size_t>(rng() % grid));
    chosen.assign(seen.begin(), seen.end());
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

}  // namespace

std::size_t sweep_grid_size(const sweep_spec& s) {
  std::size_t n = 1;
  for (const auto& p : s.parameters) n = saturating_multiply(n, p.values.size());
  return n;
}

std::string sweep_point_id(std::size_t index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "p%05zu", index);
  return buf;
}

std::size_t sweep_combination_count(const sweep_spec& s) {
  switch (s.combine) {
    case sweep_combine::grid: return sweep_grid_size(s);
    case sweep_combine::zip: return s.parameters.empty() ? 1 : s.parameters.front().values.size();
    case sweep_combine::random: return std::min(s.random_count, sweep_grid_size(s));
  }
  return 0;
}

std::size_t sweep_point_count(const sweep_spec& s) {
  return saturating_multiply(saturating_multiply(s.architectures.size(), s.workloads.size()),
                             sweep_combination_count(s));
}

std::vector<sweep_point> expand_sweep(const sweep_spec& s) {
  std::vector<std::vector<std::size_t>> combos;
  switch (s.combine) {
    case sweep_combine::grid:
      for (std::size_t k = 0, n = sweep_grid_size(s); k < n; ++k) combos.push_back(grid_digits(s, k));
      break;
    case sweep_combine::zip:
      for (std::size_t k = 0; k < sweep_combination_count(s); ++k)
        combos.emplace_back(s.parameters.size(), k);
      break;
    case sweep_combine::random:
      for (const std::size_t k : draw_combinations(s)) combos.push_back(grid_digits(s, k));
      break;
  }
  std::vector<sweep_point> points;
  points.reserve(sweep_point_count(s));
  for (const auto& arch : s.architectures)
    for (std::size_t w = 0; w < s.workloads.size(); ++w)
      for (const auto& digits : combos) {
        sweep_point p;
        p.index = points.size();
        p.id = sweep_point_id(p.index);
        p.architecture = arch;
        p.workload = s.workloads[w];
        p.workload_name = s.workload_names[w];
        for (std::size_t i = 0; i < s.parameters.size(); ++i)
          p.params.emplace_back(s.parameters[i].path, s.parameters[i].values[digits[i]]);
        points.push_back(std::move(p));
      }
  return points;
}

}  // namespace mottsim::dsl

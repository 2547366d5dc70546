#include "dsl/sweep_expansion.hpp"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <random>
#include <set>

#include "dsl/checked_arithmetic.hpp"

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
  std::size_t four_times = 0;
  if (!checked_mul<std::size_t>(4, count, four_times) || grid <= four_times) {
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

std::optional<std::size_t> sweep_point_count(const sweep_spec& s) {
  std::size_t combinations = 1;
  switch (s.combine) {
    case sweep_combine::grid:
      for (const auto& p : s.parameters)
        if (!checked_mul(combinations, p.values.size(), combinations)) return std::nullopt;
      break;
    case sweep_combine::zip: combinations = s.parameters.empty() ? 1 : s.parameters.front().values.size(); break;
    case sweep_combine::random: combinations = std::min(s.random_count, sweep_grid_size(s)); break;
  }
  std::size_t n = 0;
  if (!checked_mul(s.architectures.size(), s.workloads.size(), n) || !checked_mul(n, combinations, n))
    return std::nullopt;
  return n;
}

sweep_points::sweep_points(const sweep_spec& s) : m_spec(s) {
  const auto count = sweep_point_count(s);
  assert(count && "the sweep loader refuses sweeps whose count overflows");
  m_size = *count;
  const std::size_t outer = s.architectures.size() * s.workloads.size();
  m_combinations = outer ? m_size / outer : 0;
  if (s.combine == sweep_combine::random) m_drawn = draw_combinations(s);
}

sweep_point sweep_points::at(std::size_t index) const {
  const std::size_t per_architecture = m_spec.workloads.size() * m_combinations;
  const std::size_t w = index % per_architecture / m_combinations;
  const std::size_t k = index % m_combinations;
  std::vector<std::size_t> digits;
  switch (m_spec.combine) {
    case sweep_combine::grid: digits = grid_digits(m_spec, k); break;
    case sweep_combine::zip: digits.assign(m_spec.parameters.size(), k); break;
    case sweep_combine::random: digits = grid_digits(m_spec, m_drawn[k]); break;
  }
  sweep_point p;
  p.index = index;
  p.id = sweep_point_id(index);
  p.architecture = m_spec.architectures[index / per_architecture];
  p.workload = m_spec.workloads[w];
  p.workload_name = m_spec.workload_names[w];
  for (std::size_t i = 0; i < m_spec.parameters.size(); ++i)
    p.params.emplace_back(m_spec.parameters[i].path, m_spec.parameters[i].values[digits[i]]);
  return p;
}

std::vector<sweep_point> expand_sweep(const sweep_spec& s) {
  const sweep_points all(s);
  std::vector<sweep_point> points;
  points.reserve(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) points.push_back(all.at(i));
  return points;
}

}  // namespace mottsim::dsl

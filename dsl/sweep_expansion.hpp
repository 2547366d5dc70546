#pragma once
#include <cstddef>
#include <limits>
#include <optional>
#include <vector>

#include "dsl/sweep_spec.hpp"

namespace mottsim::dsl {

// What sweep_grid_size gives instead of overflowing.
constexpr std::size_t sweep_count_saturated = std::numeric_limits<std::size_t>::max();

// The product of the parameters' value counts: every distinct combination
// (saturating; random mode draws below it).
std::size_t sweep_grid_size(const sweep_spec& s);
// How many points the sweep has, by arithmetic alone (nothing is expanded):
// the parameter combinations its `combine` makes (grid: the product of the
// value counts; zip: the common length; random: its count, at most the grid's)
// crossed with every architecture and workload. Empty when that number does
// not fit in 64 bits.
std::optional<std::size_t> sweep_point_count(const sweep_spec& s);

// The points of a sweep by index, each made when asked for, so a huge sweep
// is never held whole. Index order: architecture outermost, then workload,
// then the parameter combinations (grid: the last parameter changes fastest).
// Random mode draws its distinct grid combinations once, here, with a seeded
// generator whose output the C++ standard fixes, so every platform draws the
// same points. The sweep's count must fit (sweep_point_count).
class sweep_points {
 public:
  explicit sweep_points(const sweep_spec& s);
  std::size_t size() const { return m_size; }
  sweep_point at(std::size_t index) const;

 private:
  const sweep_spec& m_spec;
  std::size_t m_combinations = 0;
  std::size_t m_size = 0;
  std::vector<std::size_t> m_drawn;  // random mode: the grid combinations drawn, in grid order
};

// Every point, in index order (sweep_points, all at once).
std::vector<sweep_point> expand_sweep(const sweep_spec& s);

// "p00017"
std::string sweep_point_id(std::size_t index);

}  // namespace mottsim::dsl

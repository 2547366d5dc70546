#pragma once
#include <cstddef>
#include <limits>
#include <vector>

#include "dsl/sweep_spec.hpp"

namespace mottsim::dsl {

// What the counts below give instead of overflowing.
constexpr std::size_t sweep_count_saturated = std::numeric_limits<std::size_t>::max();

// The product of the parameters' value counts: every distinct combination
// (saturating).
std::size_t sweep_grid_size(const sweep_spec& s);
// How many parameter combinations the sweep's `combine` makes (grid: the
// product of the value counts; zip: the common length; random: its count),
// saturating.
std::size_t sweep_combination_count(const sweep_spec& s);
// Every combination crossed with every architecture and workload (saturating).
std::size_t sweep_point_count(const sweep_spec& s);

// The points, in index order: architecture outermost, then workload, then the
// parameter combinations (grid: the last parameter changes fastest). Random
// mode draws distinct grid combinations with a seeded generator whose output
// the C++ standard fixes, so every platform draws the same points.
std::vector<sweep_point> expand_sweep(const sweep_spec& s);

// "p00017"
std::string sweep_point_id(std::size_t index);

}  // namespace mottsim::dsl

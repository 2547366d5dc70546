#pragma once
#include <cstddef>
#include <vector>

#include "dsl/sweep_spec.hpp"

namespace mottsim::dsl {

// How many parameter combinations the sweep's `combine` makes (grid: the
// product of the value counts; zip: the common length; random: its count),
// saturating at SIZE_MAX instead of overflowing.
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

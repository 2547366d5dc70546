#pragma once
#include <cstddef>
#include <vector>

namespace mottsim::reports {

// The non-dominated points: those no other point beats in one objective
// without losing in another. `points[i][k]` is point i's value of objective
// k; `maximize[k]` says which way objective k is better. Equal points do not
// dominate each other, so duplicates on the front are all kept. Points with a
// NaN value are never on the front. Returns indices in ascending order.
std::vector<std::size_t> pareto_front(const std::vector<std::vector<double>>& points, const std::vector<bool>& maximize);

}  // namespace mottsim::reports

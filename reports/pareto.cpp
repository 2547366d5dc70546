#include "reports/pareto.hpp"

#include <algorithm>
#include <cmath>


namespace mottsim::reports {

std::vector<std::size_t> pareto_front(const std::vector<std::vector<double>>& points, const std::vector<bool>& maximize) {
  // Turn every objective into one to minimize.
  std::vector<std::vector<double>> cost;
  std::vector<std::size_t> order;
  cost.reserve(points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    std::vector<double> c(maximize.size());
    bool usable = true;
    for (std::size_t k = 0; k < maximize.size(); ++k) {
      const double v = k < points[i].size() ? points[i][k] : NAN;
      usable &= !std::isnan(v);
      c[k] = maximize[k] ? -v : v;
    }
    cost.push_back(std::move(c));
    if (usable) order.push_back(i);
  }
  // A point that dominates another comes before it lexicographically, and
  // dominance is transitive, so in that order a point is dominated exactly
  // when a point already on the front dominates it.
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return cost[a] < cost[b]; });
  const auto dominates = [&](std::size_t a, std::size_t b) {
    bool better = false;
    for (std::size_t k = 0; k < maximize.size(); ++k) {
      if (cost[a][k] > cost[b][k]) return false;
      better |= cost[a][k] < cost[b][k];
    }
    return better;
  };
  std::vector<std::size_t> front;
  for (const std::size_t i : order)
    if (std::none_of(front.begin(), front.end(), [&](std::size_t f) { return dominates(f, i); })) front.push_back(i);
  std::sort(front.begin(), front.end());
  return front;
}

}  // namespace mottsim::reports

#include "models/htree_network.hpp"

#include <algorithm>
#include <stdexcept>

namespace mottsim::models {

namespace {
int depth_for(int leaves) {
  int d = 0;
  while ((1 << d) < leaves) ++d;
  return d;
}
}  // namespace

htree_network::htree_network(int leaves, int concentration, const link_timing& timing)
    : routed_network(timing, 2 << depth_for(leaves)), m_leaves(leaves), m_concentration(concentration),
      m_depth(depth_for(leaves)) {
  const int switches = 2 * first_leaf();
  m_up.assign(static_cast<std::size_t>(switches), -1);
  m_down.assign(static_cast<std::size_t>(switches), -1);
  // Only the branches that lead to a used leaf exist.
  for (int leaf = first_leaf(); leaf < first_leaf() + leaves; ++leaf)
    for (int s = leaf; s > 1 && m_up[static_cast<std::size_t>(s)] < 0; s /= 2) {
      m_up[static_cast<std::size_t>(s)] = add_link(router_name(s) + ">" + router_name(s / 2));
      m_down[static_cast<std::size_t>(s)] = add_link(router_name(s / 2) + ">" + router_name(s));
    }
  add_endpoint(1, "port");
}

int htree_network::attach(const std::string& target, long long instances, placement how) {
  if (instances <= 1) return add_endpoint(1, target);
  if (how == placement::at_port) return add_endpoints_at(1, target, instances);
  // A sliced memory: as many instances at every leaf.
  if (how == placement::sliced) {
    if (instances % m_leaves != 0)
      throw std::invalid_argument("'" + target + "' is sliced over the H-tree but has " + std::to_string(instances) +
                                  " instances for its " + std::to_string(m_leaves) +
                                  " leaves; give every leaf as many ('count:' a multiple of " +
                                  std::to_string(m_leaves) + ")");
    const long long per_leaf = instances / m_leaves;
    int first = -1;
    for (long long i = 0; i < instances; ++i) {
      const int e = add_endpoint(first_leaf() + static_cast<int>(i / per_leaf), target + "[" + std::to_string(i) + "]");
      if (first < 0) first = e;
    }
    return first;
  }
  const long long room = static_cast<long long>(m_leaves) * m_concentration - m_placed;
  if (instances > room)
    throw std::invalid_argument("'" + target + "' has " + std::to_string(instances) + " instances but the H-tree's " +
                                std::to_string(m_leaves) + " leaves of " + std::to_string(m_concentration) +
                                " endpoints have room for " + std::to_string(room) + "; raise leaves or concentration");
  int first = -1;
  for (long long i = 0; i < instances; ++i) {
    const int leaf = first_leaf() + static_cast<int>(m_placed / m_concentration);
    const int e = add_endpoint(leaf, target + "[" + std::to_string(i) + "]");
    if (first < 0) first = e;
    ++m_placed;
  }
  return first;
}

void htree_network::route(int from, int to, std::vector<int>& links) const {
  // Climb from the deeper side until both meet, keeping the descent to replay.
  int a = from, b = to;
  std::vector<int> down;
  auto level = [](int s) {
    int l = 0;
    while (s > 1) s /= 2, ++l;
    return l;
  };
  while (a != b) {
    if (level(a) >= level(b)) {
      links.push_back(m_up[static_cast<std::size_t>(a)]);
      a /= 2;
    } else {
      down.push_back(m_down[static_cast<std::size_t>(b)]);
      b /= 2;
    }
  }
  links.insert(links.end(), down.rbegin(), down.rend());
}

}  // namespace mottsim::models

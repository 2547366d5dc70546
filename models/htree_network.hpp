#pragma once
#include <string>
#include <vector>

#include "models/routed_network.hpp"

namespace mottsim::models {

// A binary tree of links (an H-tree on the die), its root at the port the
// initiators and single-instance targets sit at. The instances of a
// replicated target fill the leaves `concentration` at a time, left to right.
// A transfer climbs to the lowest switch it shares with its destination and
// descends: every branch is a pair of directed links, and leaves below one
// branch contend for it.
class htree_network : public routed_network {
 public:
  htree_network(int leaves, int concentration, const link_timing& timing);

  int attach(const std::string& target, long long instances, placement how = placement::replicated) override;
  int depth() const { return m_depth; }
  int leaves() const { return m_leaves; }

 protected:
  std::string router_name(int router) const override { return "s" + std::to_string(router); }
  void route(int from, int to, std::vector<int>& links) const override;

 private:
  // Switches in heap order: 1 is the root, 2s and 2s+1 the children of s; the
  // leaves are first_leaf() .. first_leaf() + leaves - 1. Index 0 is unused.
  int first_leaf() const { return 1 << m_depth; }
  int m_leaves, m_concentration, m_depth = 0;
  std::vector<int> m_up, m_down;  // switch s: its link to / from its parent
  long long m_placed = 0;
};

}  // namespace mottsim::models

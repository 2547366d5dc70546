#pragma once
#include <string>

// How many routers and links a network of a given shape has: what its area
// and static power scale with. Pure arithmetic, shared by the estimators and
// the SystemC models' tests.
namespace mottsim::models {

inline long long mesh_routers(long long columns, long long rows) { return columns * rows; }

// A component of several instances of this type is sliced over a routed
// network (as many instances at every router or leaf): an on-chip memory, a
// global buffer's slices. Off-chip memory channels all sit at the network's
// port, the chip's memory edge beside the controller. Other replicated
// components (the tiles) fill the routers `concentration` at a time.
inline bool sliced_over_network(const std::string& type) { return type == "sram"; }
inline bool at_network_port(const std::string& type) { return type == "dram"; }

// Each neighbouring pair of routers is joined by one link each way.
inline long long mesh_directed_links(long long columns, long long rows) {
  return 2 * ((columns - 1) * rows + columns * (rows - 1));
}

// Levels of a binary tree with at least `leaves` leaves.
inline int htree_depth(long long leaves) {
  int d = 0;
  while ((1LL << d) < leaves) ++d;
  return d;
}

// Branches of a binary tree that lead to one of its first `leaves` leaves:
// at each level, the distinct ancestors of those leaves.
inline long long htree_branches(long long leaves) {
  long long branches = 0;
  for (long long n = leaves, d = htree_depth(leaves); d > 0; --d) {
    branches += n;
    n = (n + 1) / 2;
  }
  return branches;
}

// Switches: one per branch, plus the root.
inline long long htree_switches(long long leaves) { return htree_branches(leaves) + 1; }

}  // namespace mottsim::models

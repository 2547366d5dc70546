#pragma once
#include <string>
#include <vector>

#include "models/routed_network.hpp"

namespace mottsim::models {

struct mesh_shape {
  int columns = 1;
  int rows = 1;
  int concentration = 1;  // endpoints of a replicated target per router (a concentrated mesh)
  int port_column = 0;    // the router the initiators and single-instance targets sit at
  int port_row = 0;
};

// A 2-D mesh with XY routing (along the row first, then along the column),
// deadlock-free without virtual channels. The instances of a replicated target
// (the tiles) fill the routers `concentration` at a time in snake order (row
// 0 left to right, row 1 right to left, ...), so consecutive instances, which
// the mapper gives to consecutive layers, sit on the same or a neighbouring
// router. Targets of one instance (memories) sit at the port's router; a
// sliced memory has as many instances at every router (its slice there), the
// slice of snake index i beside the tiles that fill that router.
class mesh_network : public routed_network {
 public:
  mesh_network(const mesh_shape& shape, const link_timing& timing);

  int attach(const std::string& target, long long instances, placement how = placement::replicated) override;

  // Router (column, row) of the router with snake index `i`, and back.
  int router_at(int column, int row) const { return row * m_shape.columns + column; }
  int snake_router(long long i) const;
  int column_of(int router) const { return router % m_shape.columns; }
  int row_of(int router) const { return router / m_shape.columns; }

 protected:
  std::string router_name(int router) const override;
  void route(int from, int to, std::vector<int>& links) const override;

 private:
  enum direction { east, west, north, south };
  mesh_shape m_shape;
  std::vector<int> m_out[4];  // router -> its link in each direction (-1 at the edge)
  long long m_placed = 0;     // replicated instances attached so far
};

}  // namespace mottsim::models

#include "models/mesh_network.hpp"

#include <stdexcept>

namespace mottsim::models {

mesh_network::mesh_network(const mesh_shape& shape, const link_timing& timing)
    : routed_network(timing, shape.columns * shape.rows), m_shape(shape) {
  const int n = shape.columns * shape.rows;
  for (auto& v : m_out) v.assign(static_cast<std::size_t>(n), -1);
  for (int r = 0; r < n; ++r) {
    const int x = column_of(r), y = row_of(r);
    const int next[4] = {x + 1 < shape.columns ? router_at(x + 1, y) : -1, x > 0 ? router_at(x - 1, y) : -1,
                         y + 1 < shape.rows ? router_at(x, y + 1) : -1, y > 0 ? router_at(x, y - 1) : -1};
    for (int d = 0; d < 4; ++d)
      if (next[d] >= 0) m_out[d][static_cast<std::size_t>(r)] = add_link(router_name(r) + ">" + router_name(next[d]));
  }
  add_endpoint(router_at(shape.port_column, shape.port_row), "port");
}

std::string mesh_network::router_name(int r) const {
  return "(" + std::to_string(column_of(r)) + "," + std::to_string(row_of(r)) + ")";
}

int mesh_network::snake_router(long long i) const {
  const int y = static_cast<int>(i / m_shape.columns);
  const int along = static_cast<int>(i % m_shape.columns);
  return router_at(y % 2 == 0 ? along : m_shape.columns - 1 - along, y);
}

int mesh_network::attach(const std::string& target, long long instances, placement how) {
  const int port = endpoint_router(0);
  if (instances <= 1) return add_endpoint(port, target);
  if (how == placement::at_port) return add_endpoints_at(port, target, instances);
  // A memory sliced over the routers (a global buffer's slices, as ISAAC's
  // eDRAM per tile): every router gets as many instances, router by router in
  // snake order, beside the tiles that fill that router, so the mapper can
  // keep a tensor beside its readers.
  if (how == placement::sliced) {
    if (instances % routers() != 0)
      throw std::invalid_argument("'" + target + "' is sliced over the mesh but has " + std::to_string(instances) +
                                  " instances for its " + std::to_string(routers()) +
                                  " routers; give every router as many ('count:' a multiple of " +
                                  std::to_string(routers()) + ")");
    const long long per_router = instances / routers();
    int first = -1;
    for (long long i = 0; i < instances; ++i) {
      const int e = add_endpoint(snake_router(i / per_router), target + "[" + std::to_string(i) + "]");
      if (first < 0) first = e;
    }
    return first;
  }
  const long long room = static_cast<long long>(routers()) * m_shape.concentration - m_placed;
  if (instances > room)
    throw std::invalid_argument("'" + target + "' has " + std::to_string(instances) + " instances but the mesh's " +
                                std::to_string(routers()) + " routers of " + std::to_string(m_shape.concentration) +
                                " endpoints have room for " + std::to_string(room) +
                                "; raise columns, rows or concentration");
  int first = -1;
  for (long long i = 0; i < instances; ++i) {
    const int e = add_endpoint(snake_router(m_placed / m_shape.concentration), target + "[" + std::to_string(i) + "]");
    if (first < 0) first = e;
    ++m_placed;
  }
  return first;
}

void mesh_network::route(int from, int to, std::vector<int>& links) const {
  int x = column_of(from), y = row_of(from);
  const int tx = column_of(to), ty = row_of(to);
  while (x != tx) {
    const direction d = tx > x ? east : west;
    links.push_back(m_out[d][static_cast<std::size_t>(router_at(x, y))]);
    x += d == east ? 1 : -1;
  }
  while (y != ty) {
    const direction d = ty > y ? north : south;
    links.push_back(m_out[d][static_cast<std::size_t>(router_at(x, y))]);
    y += d == north ? 1 : -1;
  }
}

}  // namespace mottsim::models

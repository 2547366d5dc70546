#include "models/routed_network.hpp"

#include <cmath>

#include "models/sim_time.hpp"

namespace mottsim::models {

int routed_network::add_link(std::string name) {
  m_links.push_back({std::move(name), {}, {}});
  return static_cast<int>(m_links.size()) - 1;
}

int routed_network::add_endpoints_at(int router, const std::string& target, long long instances) {
  int first = -1;
  for (long long i = 0; i < instances; ++i) {
    const int e = add_endpoint(router, target + "[" + std::to_string(i) + "]");
    if (first < 0) first = e;
  }
  return first;
}

int routed_network::add_endpoint(int router, const std::string& name) {
  const std::string at = router_name(router);
  endpoint e;
  e.router = router;
  e.in = add_link(name + ">" + at);
  e.out = add_link(at + ">" + name);
  m_endpoints.push_back(e);
  return static_cast<int>(m_endpoints.size()) - 1;
}

int routed_network::routers_crossed(int from, int to) const {
  std::vector<int> hops;
  route(endpoint_router(from), endpoint_router(to), hops);
  return static_cast<int>(hops.size()) + 1;
}

sc_core::sc_time routed_network::transfer(int from, int to, const sc_core::sc_time& arrival, double bytes, int layer,
                                          action_counter& counts, const sc_core::sc_object& owner) {
  const endpoint& src = m_endpoints[static_cast<std::size_t>(from)];
  const endpoint& dst = m_endpoints[static_cast<std::size_t>(to)];
  m_route.clear();
  m_route.push_back(src.in);
  route(src.router, dst.router, m_route);
  m_route.push_back(dst.out);
  const double flits = std::ceil(bytes / m_timing.flit_bytes);
  const sc_core::sc_time body = to_sc_time(flits * m_timing.flit_bytes / m_timing.bytes_per_s, owner, "a flit stream");
  const sc_core::sc_time hop = to_sc_time(m_timing.hop_s, owner, "a router hop");
  // The head enters a router at the end of every link but the last.
  sc_core::sc_time head = arrival, end = arrival;
  for (std::size_t k = 0; k < m_route.size(); ++k) {
    link& l = m_links[static_cast<std::size_t>(m_route[k])];
    end = l.busy.occupy(head, body, layer);
    l.bytes[layer] += bytes;
    if (k + 1 < m_route.size()) {
      if (!sum_fits(end - body, hop))
        raise_time_overflow({owner.name(), &l.busy, (end - body + hop).to_seconds(), "a router hop"});
      head = end - body + hop;
    }
  }
  // Each router crossed reads, switches and drives the flits once.
  counts.add(layer, "hop_bytes", bytes * static_cast<double>(m_route.size() - 1));
  return end;
}

std::vector<busy_resource*> routed_network::resources() {
  std::vector<busy_resource*> out;
  out.reserve(m_links.size());
  for (auto& l : m_links) out.push_back(&l.busy);
  return out;
}

std::vector<interconnect_topology::link_use> routed_network::links() const {
  std::vector<link_use> out;
  out.reserve(m_links.size());
  for (const auto& l : m_links) out.push_back({l.name, &l.busy, &l.bytes});
  return out;
}

}  // namespace mottsim::models

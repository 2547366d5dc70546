#pragma once
#include <deque>
#include <string>
#include <vector>

#include "models/interconnect_topology.hpp"

namespace mottsim::models {

struct link_timing {
  double bytes_per_s = 32e9;  // one directed link
  double flit_bytes = 32;     // the body streams in whole flits
  double hop_s = 2e-9;        // the head through one router and the link it leaves on
};

// Routers joined by directed links, each link a busy resource. Every endpoint
// reaches its router over a local link of its own each way (its network
// interface). A transfer is cut-through: the head pays the hop latency at each
// router it crosses, the body follows at link bandwidth, and a link still busy
// with an earlier transfer holds the head until it frees. The body's
// occupancy is reserved on every link of the route (each link buffers the
// head while it waits; back-pressure on the links behind it is not modelled).
// So transfers sharing a link serialize on it and transfers on disjoint links
// overlap. Subclasses lay out the routers and choose the route.
class routed_network : public interconnect_topology {
 public:
  sc_core::sc_time transfer(int from, int to, const sc_core::sc_time& arrival, double bytes, int layer,
                            action_counter& counts, const sc_core::sc_object& owner) override;
  std::vector<busy_resource*> resources() override;
  std::vector<link_use> links() const override;
  bool routes_directly() const override { return true; }

  int routers() const { return m_routers; }
  // Routers a transfer from `from` to `to` crosses.
  int routers_crossed(int from, int to) const;
  const link_timing& timing() const { return m_timing; }

 protected:
  routed_network(const link_timing& timing, int routers) : m_timing(timing), m_routers(routers) {}

  int add_link(std::string name);
  // An endpoint at `router` with its two local links; returns its id.
  int add_endpoint(int router, const std::string& name);
  // Endpoints for all `instances` of a target at one router ("target[i]");
  // returns the first.
  int add_endpoints_at(int router, const std::string& target, long long instances);
  int endpoint_router(int id) const { return m_endpoints[static_cast<std::size_t>(id)].router; }
  int endpoint_count() const { return static_cast<int>(m_endpoints.size()); }

  virtual std::string router_name(int router) const { return "r" + std::to_string(router); }
  // Appends the router-to-router links from router `from` to router `to`.
  virtual void route(int from, int to, std::vector<int>& links) const = 0;

 private:
  struct link {
    std::string name;
    busy_resource busy;
    std::map<int, double> bytes;  // by layer
  };
  struct endpoint {
    int router;
    int in;   // endpoint -> router
    int out;  // router -> endpoint
  };
  link_timing m_timing;
  int m_routers;
  std::deque<link> m_links;  // stable addresses for resources()
  std::vector<endpoint> m_endpoints;
  std::vector<int> m_route;  // scratch
};

}  // namespace mottsim::models

#pragma once
#include <systemc>

#include <map>
#include <string>
#include <vector>

#include "models/action_counter.hpp"
#include "models/busy_resource.hpp"

namespace mottsim::models {

// What a transfer holds up inside an interconnect and how long it takes: a
// shared bus, a mesh of routers, an H-tree, an off-chip link. The
// address-mapped TLM module (bus_module) decodes the target and asks its
// topology for the time; the topology owns the busy resources.
//
// Endpoints: 0 is the port the initiators sit at (the controller's DMA
// engine); a target gets endpoints from attach(), one per instance.
class interconnect_topology {
 public:
  virtual ~interconnect_topology() = default;

  // How a target's instances sit on the topology: replicated compute (tiles)
  // fills the routers `concentration` at a time; a sliced memory (a global
  // buffer cut into slices) puts as many of its instances at every router;
  // off-chip memory channels all sit at the port.
  enum class placement { replicated, sliced, at_port };

  // Endpoints for a target of `instances` instances; returns the first (the
  // instances take consecutive ids). Throws std::invalid_argument with a
  // message for people when the topology has no room for them, or a sliced
  // target's instances do not divide evenly among its routers.
  virtual int attach(const std::string& target, long long instances, placement how = placement::replicated) = 0;

  // Moves `bytes` from endpoint `from` to endpoint `to`, the head arriving at
  // `arrival`; returns when the last byte has arrived. Counts the actions the
  // estimator prices into `counts`.
  virtual sc_core::sc_time transfer(int from, int to, const sc_core::sc_time& arrival, double bytes, int layer,
                                    action_counter& counts, const sc_core::sc_object& owner) = 0;

  // True when a DMA copy between two of its endpoints travels straight from
  // one to the other (each router's network interface moves data), false
  // when it goes to the initiators' port and back out (one DMA engine there).
  virtual bool routes_directly() const { return false; }

  // Every busy resource, for utilization and traces.
  virtual std::vector<busy_resource*> resources() = 0;

  // The directed links by name, for the per-link utilization of the report
  // (empty for a shared bus: its one resource is the component's).
  struct link_use {
    std::string name;
    const busy_resource* busy = nullptr;
    const std::map<int, double>* bytes_by_layer = nullptr;
  };
  virtual std::vector<link_use> links() const { return {}; }
};

}  // namespace mottsim::models

#include <string>

#include "dsl/block_value.hpp"
#include "dsl/diagnostics.hpp"
#include "models/logic_scaling.hpp"
#include "models/schemas.hpp"

// Parameter schemas of the interconnects beyond the shared bus. Defaults are
// ISAAC's concentrated mesh and HyperTransport links at 32 nm (Shafiee 2016;
// configs/tech/interconnect.yaml gives each figure's source).
namespace mottsim::models {

using dsl::dimension;
using dsl::schema_builder;

namespace {

// Link width, clock and per-bit energy: what every routed network has.
schema_builder& link_params(schema_builder& b, const char* hop) {
  return b.quantity("width", dimension::data_size, "256 b", "bits a link moves per cycle (one flit)")
      .at_least(one_bit)
      .quantity("clock", dimension::frequency, "1 GHz", "network clock")
      .above(0)
      .integer("link_cycles", "1", "cycles a flit takes along one link")
      .range(0, 1000)
      .quantity("energy_per_bit", dimension::energy, "0.081 pJ", hop)
      .at_least(0);
}

}  // namespace

schema_ptr mesh_schema() {
  static const schema_ptr s = [] {
    schema_builder b("mesh",
                     "2-D mesh network on chip with XY routing: each directed link is a busy resource; tiles attach "
                     "to routers (concentration per router), memories and the controller at the port router");
    logic_scaling_params(b).component(dsl::component_role::interconnect)
        .integer("columns", "4", "routers along a row")
        .range(1, 1024)
        .integer("rows", "4", "routers along a column")
        .range(1, 1024)
        .integer("concentration", "1", "instances of a replicated component (the tiles) attached to one router")
        .range(1, 1024)
        .integer("port_column", "0", "column of the router the controller and the memories attach to")
        .range(0, 1023)
        .integer("port_row", "0", "row of the router the controller and the memories attach to")
        .range(0, 1023)
        .integer("router_cycles", "2", "router pipeline cycles a flit's head spends in each router")
        .range(0, 1000);
    link_params(b, "energy per bit per router crossed (router and the link it drives)")
        .quantity("router_area", dimension::area, "0.151 mm^2", "area of one router")
        .at_least(0)
        .quantity("link_area", dimension::area, "0 mm^2", "area of one directed link between routers (wires, repeaters)")
        .at_least(0)
        .quantity("router_leakage", dimension::power, "0 W", "static power of one router")
        .at_least(0)
        .check([](const dsl::block_value& v, dsl::diagnostics& errors) {
          // The port router must be one of the mesh's routers.
          auto inside = [&](const char* key, const char* extent, const char* what) {
            const long long at = v.integer(key), n = v.integer(extent);
            if (at >= n)
              errors.error(v.at(key).where, std::string("mesh: ") + key + " " + std::to_string(at) +
                                                " is outside the " + std::to_string(n) + " " + what + " (0.." +
                                                std::to_string(n - 1) + ")");
          };
          inside("port_column", "columns", "columns");
          inside("port_row", "rows", "rows");
        });
    return b.build();
  }();
  return s;
}

schema_ptr htree_schema() {
  static const schema_ptr s = [] {
    schema_builder b("htree",
                     "H-tree: a binary tree of links rooted at the controller and memories' port; tiles attach to "
                     "its leaves and contend for the branches they share");
    logic_scaling_params(b).component(dsl::component_role::interconnect)
        .integer("leaves", "16", "leaves of the tree")
        .range(1, 1 << 20)
        .integer("concentration", "1", "instances of a replicated component (the tiles) attached to one leaf")
        .range(1, 1024)
        .integer("switch_cycles", "1", "cycles a flit's head spends in each switch of the tree")
        .range(0, 1000);
    link_params(b, "energy per bit per switch crossed (switch and the branch it drives)")
        .quantity("switch_area", dimension::area, "0 mm^2", "area of one switch")
        .at_least(0)
        .quantity("branch_area", dimension::area, "0 mm^2", "area of one branch (both directions)")
        .at_least(0)
        .quantity("switch_leakage", dimension::power, "0 W", "static power of one switch")
        .at_least(0);
    return b.build();
  }();
  return s;
}

schema_ptr offchip_link_schema() {
  static const schema_ptr s =
      schema_builder("offchip_link",
                     "full-duplex off-chip link (SerDes, HyperTransport) between the chip and what connects "
                     "through it (e.g. DRAM, with 'connect: {bus: ..., via: link}')")
          .component(dsl::component_role::interconnect)
          .quantity("bandwidth", dimension::bandwidth, "6.4 GB/s", "bytes per second each way")
          .above(0)
          .quantity("latency", dimension::time, "0 s", "SerDes, wire and protocol latency of a transfer")
          .at_least(0)
          .quantity("energy_per_bit", dimension::energy, "0 pJ", "energy per bit sent")
          .at_least(0)
          .quantity("power", dimension::power, "0 W", "static power of the link's PHYs (drawn for the whole run)")
          .at_least(0)
          .quantity("area", dimension::area, "0 mm^2", "die area of the link's PHYs and controller")
          .at_least(0)
          .build();
  return s;
}

}  // namespace mottsim::models

#include <string>

#include "dsl/units.hpp"
#include "models/component_estimators.hpp"
#include "models/network_shape.hpp"
#include "models/pricing_support.hpp"

// What the networks' routers, switches and links cost: energy per bit per
// router crossed, and area and static power summed over the parts the
// network's shape has.
namespace mottsim::models {

namespace {

using dsl::block_value;
using dsl::dimension;

action_price per_hop_byte(const block_value& p) {
  const double e = p.quantity("energy_per_bit");
  return {8.0 * e, energy_category::bus,
          "8 x energy_per_bit " + show(e, dimension::energy) + " per router crossed " + cited({{p, "energy_per_bit"}})};
}

// n parts of one figure each: "42 x router_area 0.151 mm^2 (source)".
double counted(const block_value& p, const char* name, long long n, dimension d, std::string& text) {
  const double each = p.quantity(name);
  if (!text.empty()) text += " + ";
  text += std::to_string(n) + " x " + name + " " + (d == dimension::area ? show_area(each) : show(each, d)) + " (" +
          origin(p, name) + ")";
  return static_cast<double>(n) * each;
}

}  // namespace

component_pricing price_mesh(const block_value& p, const pricing_context&) {
  component_pricing out;
  out.actions["hop_bytes"] = per_hop_byte(p);
  const long long routers = mesh_routers(p.integer("columns"), p.integer("rows"));
  const long long links = mesh_directed_links(p.integer("columns"), p.integer("rows"));
  out.area_m2 = counted(p, "router_area", routers, dimension::area, out.area_source) +
                counted(p, "link_area", links, dimension::area, out.area_source);
  out.leakage_w = counted(p, "router_leakage", routers, dimension::power, out.leakage_source);
  return out;
}

component_pricing price_htree(const block_value& p, const pricing_context&) {
  component_pricing out;
  out.actions["hop_bytes"] = per_hop_byte(p);
  const long long leaves = p.integer("leaves");
  out.area_m2 = counted(p, "switch_area", htree_switches(leaves), dimension::area, out.area_source) +
                counted(p, "branch_area", htree_branches(leaves), dimension::area, out.area_source);
  out.leakage_w = counted(p, "switch_leakage", htree_switches(leaves), dimension::power, out.leakage_source);
  return out;
}

component_pricing price_offchip_link(const block_value& p, const pricing_context&) {
  component_pricing out;
  const double e = p.quantity("energy_per_bit");
  out.actions["transfer_bytes"] = {8.0 * e, energy_category::bus,
                                   "8 x energy_per_bit " + show(e, dimension::energy) + " " +
                                       cited({{p, "energy_per_bit"}})};
  out.leakage_w = p.quantity("power");
  out.leakage_source = origin(p, "power");
  out.area_m2 = p.quantity("area");
  out.area_source = origin(p, "area");
  return out;
}

}  // namespace mottsim::models

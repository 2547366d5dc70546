#include <string>

#include "dsl/units.hpp"
#include "models/component_estimators.hpp"
#include "models/logic_scaling.hpp"
#include "models/network_shape.hpp"
#include "models/pricing_support.hpp"

// What the networks' routers, switches and links cost: energy per bit per
// router crossed, and area and static power summed over the parts the
// network's shape has.
namespace mottsim::models {

namespace {

using dsl::block_value;
using dsl::dimension;

action_price per_hop_byte(const block_value& p, const logic_scale& scale) {
  action_price price = scaled_per_byte(p, energy_category::bus, scale);
  price.source += " per router crossed";
  return price;
}

// n parts of one figure each, scaled to the node: "42 x (router_area 0.151
// mm^2 (source) x 0.5 (Stillmaker & Baas area, 32 nm -> 22 nm))".
double counted(const block_value& p, const char* name, scaled_kind kind, const logic_scale& scale, long long n,
               std::string& text) {
  std::string each_source;
  const double each = scaled_figure(p, name, kind, scale, each_source);
  if (!text.empty()) text += " + ";
  const dimension d = kind == scaled_kind::area ? dimension::area : dimension::power;
  text += std::to_string(n) + " x " + name + " " + (d == dimension::area ? show_area(each) : show(each, d)) + " (" +
          each_source + ")";
  return static_cast<double>(n) * each;
}

}  // namespace

// Routers, switches and their links are characterized at a node like logic:
// at another node their figures scale by Stillmaker & Baas (reference_node).
component_pricing price_mesh(const block_value& p, const pricing_context& at) {
  component_pricing out;
  const logic_scale scale = logic_scaling(p, at.node_m);
  out.actions["hop_bytes"] = per_hop_byte(p, scale);
  const long long routers = mesh_routers(p.integer("columns"), p.integer("rows"));
  const long long links = mesh_directed_links(p.integer("columns"), p.integer("rows"));
  out.area_m2 = counted(p, "router_area", scaled_kind::area, scale, routers, out.area_source) +
                counted(p, "link_area", scaled_kind::area, scale, links, out.area_source);
  out.leakage_w = counted(p, "router_leakage", scaled_kind::leakage, scale, routers, out.leakage_source);
  return out;
}

component_pricing price_htree(const block_value& p, const pricing_context& at) {
  component_pricing out;
  const logic_scale scale = logic_scaling(p, at.node_m);
  out.actions["hop_bytes"] = per_hop_byte(p, scale);
  const long long leaves = p.integer("leaves");
  out.area_m2 = counted(p, "switch_area", scaled_kind::area, scale, htree_switches(leaves), out.area_source) +
                counted(p, "branch_area", scaled_kind::area, scale, htree_branches(leaves), out.area_source);
  out.leakage_w =
      counted(p, "switch_leakage", scaled_kind::leakage, scale, htree_switches(leaves), out.leakage_source);
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

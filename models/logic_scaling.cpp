#include "models/logic_scaling.hpp"

#include "dsl/units.hpp"
#include <cmath>

#include "models/cacti_table.hpp"
#include "models/memory_technology.hpp"
#include "models/pricing_support.hpp"

namespace mottsim::models {

using dsl::dimension;

dsl::schema_builder& logic_scaling_params(dsl::schema_builder& b) {
  return b
      .quantity("reference_node", dimension::length, std::nullopt,
                "node at which the energies, area and leakage were characterized; at another architecture node they scale "
                "by Stillmaker & Baas, leakage also by CACTI 7's device leakage per um (default: taken as the architecture's node)")
      .optional()
      .above(0)
      .quantity("reference_supply", dimension::voltage, std::nullopt,
                "supply at which the energies were characterized (with supply_voltage: energies scale by "
                "(supply_voltage / reference_supply)^2)")
      .optional()
      .above(0)
      .quantity("supply_voltage", dimension::voltage, std::nullopt, "supply the logic runs at")
      .optional()
      .above(0);
}

logic_scale logic_scaling(const dsl::block_value& b, double node_m) {
  logic_scale s;
  if (b.has("reference_node") && b.quantity("reference_node") != node_m) {
    const double ref = b.quantity("reference_node");
    s.energy = stillmaker_energy_factor(node_m) / stillmaker_energy_factor(ref);
    s.area = stillmaker_area_factor(node_m) / stillmaker_area_factor(ref);
    const std::string nodes =
        show(ref, dimension::length) + " -> " + show(node_m, dimension::length) + " " + cited({{b, "reference_node"}});
    s.energy_note = " x " + show(s.energy) + " (Stillmaker & Baas energy, " + nodes + ")";
    s.area_note = " x " + show(s.area) + " (Stillmaker & Baas area, " + nodes + ")";
    // The same circuit has its transistors' widths scaled by the linear
    // shrink, and each um of width leaks what the node's devices leak.
    const logic_leakage at = hp_leakage_per_um(node_m);
    const logic_leakage from = hp_leakage_per_um(ref);
    const double width = std::sqrt(s.area);
    s.leakage = width * at.watts_per_um / from.watts_per_um;
    s.leakage_note = " x " + show(s.leakage) + " (width x sqrt of the Stillmaker & Baas area factor " + show(width) +
                     ", " + nodes + "; leakage per um " + from.source + " -> " + at.source + ")";
  }
  if (b.has("reference_supply") && b.has("supply_voltage")) {
    const double ratio = b.quantity("supply_voltage") / b.quantity("reference_supply");
    s.energy *= ratio * ratio;
    // Static power is Vdd x the off current; the off current is held.
    s.leakage *= ratio;
    s.leakage_note += " x (" + show(b.quantity("supply_voltage"), dimension::voltage) + " / " +
                      show(b.quantity("reference_supply"), dimension::voltage) + ") " +
                      cited({{b, "supply_voltage"}, {b, "reference_supply"}});
    s.energy_note += " x (" + show(b.quantity("supply_voltage"), dimension::voltage) + " / " +
                     show(b.quantity("reference_supply"), dimension::voltage) + ")^2 " +
                     cited({{b, "supply_voltage"}, {b, "reference_supply"}});
  }
  return s;
}

action_price scaled_energy(const dsl::block_value& b, const char* name, energy_category c, const logic_scale& s) {
  const double e = b.quantity(name);
  if (s.energy_note.empty()) return {e, c, origin(b, name)};
  return {e * s.energy, c,
          std::string(name) + " " + show(e, dimension::energy) + " (" + origin(b, name) + ")" + s.energy_note};
}

double scaled_figure(const dsl::block_value& b, const char* name, scaled_kind kind, const logic_scale& s,
                     std::string& source) {
  const double value = b.quantity(name);
  const double factor = kind == scaled_kind::energy ? s.energy : kind == scaled_kind::area ? s.area : s.leakage;
  const std::string& note = kind == scaled_kind::energy ? s.energy_note
                            : kind == scaled_kind::area ? s.area_note
                                                        : s.leakage_note;
  const dimension d = kind == scaled_kind::energy ? dimension::energy
                      : kind == scaled_kind::area ? dimension::area
                                                  : dimension::power;
  if (note.empty() || value == 0.0) {
    source = origin(b, name);
    return value;
  }
  source = std::string(name) + " " + (d == dimension::area ? show_area(value) : show(value, d)) + " (" +
           origin(b, name) + ")" + note;
  return value * factor;
}

action_price scaled_per_byte(const dsl::block_value& b, energy_category c, const logic_scale& s) {
  const double e = b.quantity("energy_per_bit");
  if (s.energy_note.empty())
    return {8.0 * e, c, "8 x energy_per_bit " + show(e, dimension::energy) + " " + cited({{b, "energy_per_bit"}})};
  std::string source;
  const double scaled = scaled_figure(b, "energy_per_bit", scaled_kind::energy, s, source);
  return {8.0 * scaled, c, "8 x " + source};
}

double scaled_area(const dsl::block_value& b, const logic_scale& s, std::string& source) {
  return scaled_figure(b, "area", scaled_kind::area, s, source);
}

double scaled_leakage(const dsl::block_value& b, const logic_scale& s, std::string& source) {
  return scaled_figure(b, "leakage", scaled_kind::leakage, s, source);
}

}  // namespace mottsim::models

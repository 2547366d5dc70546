#pragma once
#include <string>

#include "dsl/block_value.hpp"
#include "dsl/schema.hpp"
#include "models/pricing.hpp"

// Digital logic (MACs, adders, shift-and-add, activation units, a controller's
// vector unit) characterized at one node and supply, priced at the
// architecture's: energies and areas scale by the Stillmaker & Baas factors
// between the two nodes (models/cacti_table.hpp), energies also by
// (V / V_ref)^2 when both supplies are given. Leakage scales with the
// transistor width (the square root of the area factor) times what a um of
// width leaks at each node (CACTI 7's itrs-hp devices,
// models/memory_technology.hpp), and by V / V_ref. Pure: no SystemC.
namespace mottsim::models {

// Adds reference_node, reference_supply and supply_voltage to a block's schema.
dsl::schema_builder& logic_scaling_params(dsl::schema_builder& b);

struct logic_scale {
  double energy = 1.0;
  double area = 1.0;
  double leakage = 1.0;
  std::string energy_note;  // " x 0.55 (Stillmaker & Baas energy, 32 nm -> 22 nm)", or empty
  std::string area_note;
  std::string leakage_note;
};

logic_scale logic_scaling(const dsl::block_value& b, double node_m);

// The block's `name` energy times the scale, its source saying both.
action_price scaled_energy(const dsl::block_value& b, const char* name, energy_category c, const logic_scale& s);
// The block's area times the scale, and its source.
double scaled_area(const dsl::block_value& b, const logic_scale& s, std::string& source);
// The block's `leakage` times the scale, and its source.
double scaled_leakage(const dsl::block_value& b, const logic_scale& s, std::string& source);

// Any of the block's energies, areas or static powers (`name`) times the
// matching factor of the scale, and its source.
enum class scaled_kind { energy, area, leakage };
double scaled_figure(const dsl::block_value& b, const char* name, scaled_kind kind, const logic_scale& s,
                     std::string& source);

// The energy per byte of the block's `energy_per_bit` (buses and networks move
// bytes), times the scale.
action_price scaled_per_byte(const dsl::block_value& b, energy_category c, const logic_scale& s);

}  // namespace mottsim::models

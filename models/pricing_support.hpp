#pragma once
#include <initializer_list>
#include <string>
#include <vector>

#include "dsl/block_value.hpp"
#include "dsl/units.hpp"
#include "models/estimator.hpp"
#include "models/pricing.hpp"

// Text the estimators share to say where a price came from.
namespace mottsim::models {

// Where one parameter's value came from: its file location, or the schema default.
std::string origin(const dsl::block_value& b, const std::string& name);

// "(walden_fom: configs/tech/converters.yaml:40:17; bits: default of adc.bits)"
struct cite {
  const dsl::block_value& block;
  const char* name;
};
std::string cited(std::initializer_list<cite> items);
std::string cited(const std::vector<cite>& items);  // for a list built by what entered a figure

std::string show(double si, dsl::dimension d);
std::string show(double x);
// Tile parts span nm^2 to mm^2; mm^2 keeps a breakdown comparable at a glance.
std::string show_area(double m2);

// A parameter's energy as an action's price, citing where it came from.
action_price direct(const dsl::block_value& b, const char* name, energy_category c);

// ", synapses.rram_isaac_32nm" when the block starts from a library entry.
std::string entry_note(const dsl::block_value& b);

// "name value (detail) + ...". Zero parts are left out (a tile's drivers and
// ADCs rarely list leakage), unless nothing else is left to say.
std::string breakdown(const std::vector<cost_part>& parts, dsl::dimension d);

inline long long div_round_up(long long a, long long b) { return (a + b - 1) / b; }

}  // namespace mottsim::models

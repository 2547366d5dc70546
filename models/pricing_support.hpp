#pragma once
#include <initializer_list>
#include <string>

#include "dsl/block_value.hpp"
#include "dsl/units.hpp"

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

std::string show(double si, dsl::dimension d);
std::string show(double x);
// Tile parts span nm^2 to mm^2; mm^2 keeps a breakdown comparable at a glance.
std::string show_area(double m2);

}  // namespace mottsim::models

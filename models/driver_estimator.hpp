#pragma once
#include <string>

#include "dsl/block_value.hpp"

// Energy of one input drive (one word line, one read) from the line it
// charges, or from a driver's published power over the time it drives
// (docs/modelling.md, "Input drivers"). Pure: no SystemC.
namespace mottsim::models {

struct driver_estimate {
  double energy_j = 0.0;
  std::string source;
  double line_capacitance_f = 0.0;  // load model: the word line the driver charges, its own included
};

// `input` is a validated input_driver block, `crossbar` the crossbar it drives
// (its columns, cell, read voltage and read pulse), `node_m` the architecture's node.
driver_estimate estimate_input_drive(const dsl::block_value& input, const dsl::block_value& crossbar, double node_m);

// Mean of (k / L)^2 over the levels k = 0..L of a uniform L-level input,
// (2L + 1) / (6L): the share of C V^2 a uniform DAC output draws.
double mean_square_level(long long levels);

}  // namespace mottsim::models

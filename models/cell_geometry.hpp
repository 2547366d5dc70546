#pragma once
#include <string>

#include "dsl/block_value.hpp"

// The footprint of one synapse cell by its access device (docs/modelling.md,
// "Cells"): a pure crossbar cell or a 1S1R cell takes its `area`; a 1T1R cell's
// area is set by its access transistor. Pure: no SystemC.
namespace mottsim::models {

// DNN+NeuroSim lays a 1T1R cell out 4 F high with the access transistor along
// its width (heightInFeatureSize1T1R = 4 in its Param.cpp).
inline constexpr double one_t_one_r_height_f = 4.0;

struct cell_footprint {
  double area_f2 = 0.0;  // in F^2
  double width_f = 0.0;  // along the word line, in F: the pitch of one column
  std::string source;
};

cell_footprint cell_geometry(const dsl::block_value& cell);

}  // namespace mottsim::models

#include "models/cell_geometry.hpp"

#include <cmath>

#include "models/pricing_support.hpp"

namespace mottsim::models {

cell_footprint cell_geometry(const dsl::block_value& cell) {
  cell_footprint out;
  const std::string& access = cell.text("access_device");
  if (access == "transistor") {
    const double w = cell.number("access_width");
    out.width_f = w;
    out.area_f2 = one_t_one_r_height_f * w;
    out.source = "1T1R: 4 F high (DNN+NeuroSim's 1T1R cell) x the access transistor's width " + show(w) + " F = " +
                 show(out.area_f2) + " F^2 " + cited({{cell, "access_width"}});
    return out;
  }
  out.area_f2 = cell.quantity("area");
  out.width_f = std::sqrt(out.area_f2);
  out.source = show(out.area_f2) + " F^2 " + (access == "selector" ? "(1S1R: the selector stacks on the cell) " : "") +
               "(" + origin(cell, "area") + ")";
  return out;
}

}  // namespace mottsim::models

#include "models/pricing.hpp"

namespace mottsim::models {

const char* category_name(energy_category c) {
  switch (c) {
    case energy_category::crossbar: return "crossbar";
    case energy_category::input_drivers: return "input_drivers";
    case energy_category::adc: return "adc";
    case energy_category::neurons: return "neurons";
    case energy_category::accumulation: return "accumulation";
    case energy_category::buffers: return "buffers";
    case energy_category::bus: return "bus";
    case energy_category::dram: return "dram";
    case energy_category::compute: return "compute";
    case energy_category::leakage: return "leakage";
  }
  return "?";
}

}  // namespace mottsim::models

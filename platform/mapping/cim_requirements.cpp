#include "platform/mapping/cim_requirements.hpp"

namespace mottsim::platform {

dsl::diagnostic missing_controller(const dsl::architecture_spec& arch) {
  return arch.missing_component("controller",
                                "architecture '" + arch.name + "' has no controller component to run the schedule");
}

bool check_cim_components(const dsl::architecture_spec& arch, dsl::diagnostics& errors) {
  const auto report = [&](const dsl::diagnostic& d) { errors.error(d.where, d.message); };
  const auto tiles = arch.of_type("cim_tile");
  if (tiles.empty()) {
    report(arch.missing_component("cim_tile",
                                  "architecture '" + arch.name + "' has no cim_tile component to run the network on"));
    return false;
  }
  if (tiles.size() > 1)
    errors.error(tiles[1]->where, "only one cim_tile component per architecture is supported (use 'count:')");
  if (arch.of_type("controller").empty()) report(missing_controller(arch));
  if (arch.of_type("dram").empty()) {
    report(arch.missing_component("dram",
                                  "architecture '" + arch.name + "' needs a dram component to hold the input and weights"));
    return false;
  }
  return true;
}

}  // namespace mottsim::platform

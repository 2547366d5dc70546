#include <doctest/doctest.h>

#include <limits>
#include <string>

#include "dsl/diagnostics.hpp"
#include "platform/session/finite_figures.hpp"

using namespace mottsim;

namespace {

// An architecture with one component, 'tile', given at arch.yaml:7:3.
dsl::architecture_spec one_tile() {
  dsl::architecture_spec arch;
  arch.file = "arch.yaml";
  dsl::component_spec tile;
  tile.name = "tile";
  tile.type = "cim_tile";
  tile.where = {"arch.yaml", 7, 3};
  arch.components.push_back(tile);
  return arch;
}

reports::run_result finite_run() {
  reports::run_result r;
  r.latency_s = 1e-3;
  r.energy_j = 2e-6;
  r.area_mm2 = 3.0;
  r.programming_energy_j = 1e-6;
  r.energy_by_category_j["crossbar"] = 2e-6;
  reports::component_result c;
  c.name = "tile";
  c.area_mm2 = 3.0;
  c.dynamic_j = 2e-6;
  c.energy_j = 2e-6;
  c.actions["cell_read"] = {1000, 2e-6, 2e-9, "crossbar", "test"};
  r.components.push_back(c);
  return r;
}

// The one error refuse_non_finite_figures throws, as the CLI prints it.
std::string refusal(const reports::run_result& r, const dsl::architecture_spec& arch) {
  try {
    platform::refuse_non_finite_figures(r, arch);
  } catch (const dsl::input_error& e) {
    REQUIRE(e.errors().size() == 1);
    return e.errors().errors()[0].to_string();
  }
  return "";
}

}  // namespace

TEST_CASE("finite figures: a run whose figures are all finite passes") {
  CHECK(refusal(finite_run(), one_tile()).empty());
}

TEST_CASE("finite figures: an overflowed price is refused at its component, a total at the architecture") {
  const double inf = std::numeric_limits<double>::infinity();
  reports::run_result r = finite_run();
  r.components[0].actions["cell_read"].price_j = inf;
  r.components[0].actions["cell_read"].energy_j = inf;
  r.components[0].actions["cell_read"].source = "read_energy 1e+308 J (read_energy: --set 'x.read_energy=1e308 J')";
  r.components[0].dynamic_j = inf;  // the action, which says how it was priced, is named before the total
  r.energy_j = inf;  // the component's error is the one said
  const std::string priced = refusal(r, one_tile());
  CHECK(priced.rfind("arch.yaml:7:3: error: component 'tile': its 'cell_read' price (priced as read_energy 1e+308 J "
                     "(read_energy: --set 'x.read_energy=1e308 J')) came out as inf",
                     0) == 0);

  r = finite_run();
  r.programming_energy_j = inf;  // a weight write of 1e308 J x the cells written
  CHECK(refusal(r, one_tile()).rfind("arch.yaml: error: the chip's weight programming energy came out as inf", 0) == 0);

  r = finite_run();
  r.energy_by_category_j["crossbar"] = std::numeric_limits<double>::quiet_NaN();
  CHECK(refusal(r, one_tile()).find("the chip's crossbar energy came out as nan") != std::string::npos);
}

// A component type registered in one place (its schema, estimator and SystemC
// factory in one add_component call, nothing else in mottsim told about it) is
// validated like a built-in type, elaborated with the architecture and priced:
// its leakage, area and counted actions reach the report. So is a readout stage
// type registered in one add_readout_stage call: a cim_tile's chain accepts it
// and the tile's price carries its hardware. SystemC elaborates once per
// process, and CTest runs each test case in a process of its own.
#include <doctest/doctest.h>

#include <systemc>

#include <memory>
#include <string>

#include "dsl/architecture_loader.hpp"
#include "dsl/diagnostics.hpp"
#include "dsl/schema.hpp"
#include "models/action_counter.hpp"
#include "models/readout_estimators.hpp"
#include "platform/elaboration/elaborator.hpp"
#include "platform/elaboration/model_registry.hpp"
#include "platform/session/session.hpp"
#include "../unit/test_support.hpp"

using namespace mottsim;

namespace {

// The probe's SystemC model: it does no traffic, only counts its ticks once.
struct probe_module : sc_core::sc_module {
  models::action_counter counts;
  probe_module(const sc_core::sc_module_name& name, long long ticks) : sc_core::sc_module(name) {
    counts.add(-1, "tick", static_cast<double>(ticks));
  }
};

// The one place the test-only type is registered.
void register_probe(platform::model_registry& registry) {
  using dsl::dimension;
  registry.add_component(
      dsl::schema_builder("test_probe", "test-only component: static power, area and a counted action")
          .component()
          .quantity("leakage", dimension::power, "1 mW", "static power")
          .at_least(0)
          .quantity("area", dimension::area, "0.25 mm^2", "area of one probe")
          .at_least(0)
          .quantity("energy_per_tick", dimension::energy, "2 pJ", "energy of one tick")
          .at_least(0)
          .integer("ticks", "3", "ticks counted when the probe is built")
          .range(0, 1000)
          .build(),
      [](const dsl::block_value& p, const models::pricing_context&) {
        models::component_pricing out;
        out.actions["tick"] = {p.quantity("energy_per_tick"), models::energy_category::compute, "probe tick"};
        out.leakage_w = p.quantity("leakage");
        out.leakage_source = "probe leakage";
        out.area_m2 = p.quantity("area");
        out.area_source = "probe area";
        return out;
      },
      [](platform::elaborator& e, const dsl::component_spec& c) {
        auto m = std::make_unique<probe_module>(c.name.c_str(), c.params.integer("ticks"));
        e.add_counts(c.name, m->counts);
        e.own(std::move(m));
      });
}

// The one place the test-only readout stage is registered: a tap on every
// column of every array, with an area and a static power each.
void register_tap(platform::model_registry& registry) {
  using dsl::dimension;
  models::readout_stage_type tap;
  tap.schema = dsl::schema_builder("test_tap", "test-only readout stage: a tap per column")
                   .quantity("area", dimension::area, "10 um^2", "area of one tap")
                   .at_least(0)
                   .quantity("leakage", dimension::power, "1 uW", "static power of one tap")
                   .at_least(0)
                   .build();
  tap.estimator = [](const dsl::block_value& stage, const models::tile_context& tile) {
    models::stage_pricing out;
    models::add_stage_units(out, stage, tile, "test taps", tile.columns, true, stage.quantity("area"), "");
    return out;
  };
  registry.add_readout_stage(std::move(tap));
}

platform::model_registry registry_with_probe() {
  platform::model_registry r;
  platform::register_builtin_models(r);
  register_probe(r);
  register_tap(r);
  return r;
}

// adc_cim's readout chain with a tap after the digital activation.
const char* tap_chain =
    "  tile:\n"
    "    readout:\n"
    "      - {type: adc, use: converters.adc_isaac_8b, columns_per_adc: 128}\n"
    "      - {type: shift_add, use: converters.shift_add_isaac}\n"
    "      - {type: digital_activation, use: converters.relu_22nm}\n"
    "      - type: test_tap\n";

std::string architecture(const std::string& probe) {
  return "extends: " + std::string(MOTTSIM_SOURCE_DIR) +
         "/configs/arch/adc_cim.yaml\n"
         "name: adc_cim_probe\n"
         "components:\n"
         "  probe:\n"
         "    type: test_probe\n" +
         probe;
}

}  // namespace

TEST_CASE("registry: a type registered in one place is validated and priced through its estimator") {
  const platform::model_registry registry = registry_with_probe();
  test_support::scratch_dir dir;
  {
    dsl::diagnostics errors;
    const std::string file = dir.write("bad.yaml", architecture("    leakage: -1 mW\n    tiks: 4\n"));
    dsl::load_architecture(file, {}, registry, errors);
    REQUIRE(errors.has_errors());
    const std::string text = errors.to_string();
    CHECK(text.find(file + ":6:") != std::string::npos);  // the negative leakage, at its line
    CHECK(text.find("did you mean 'ticks'") != std::string::npos);
  }
  dsl::diagnostics errors;
  const std::string file = dir.write("ok.yaml", architecture("    leakage: 2 mW\n"));
  const auto arch = dsl::load_architecture(file, {}, registry, errors);
  REQUIRE_FALSE(errors.has_errors());
  const dsl::component_spec* probe = arch.spec.find("probe");
  REQUIRE(probe);
  const models::component_pricing p = registry.price("test_probe", probe->params, arch.spec.node_m);
  CHECK(p.leakage_w == doctest::Approx(2e-3).epsilon(1e-12));
  CHECK(p.area_m2 == doctest::Approx(0.25e-6).epsilon(1e-12));
  CHECK(p.actions.at("tick").energy_j == doctest::Approx(2e-12).epsilon(1e-12));

  // The readout stage: validated in the chain, priced through its estimator.
  // 8 arrays x 128 columns = 1024 taps: 10240 um^2 and 1.024 mW more per tile.
  const std::string plain = dir.write("plain.yaml", architecture(""));
  const std::string tapped = dir.write("tapped.yaml", architecture("") + tap_chain);
  const auto a = dsl::load_architecture(plain, {}, registry, errors);
  const auto b = dsl::load_architecture(tapped, {}, registry, errors);
  REQUIRE_FALSE(errors.has_errors());
  const auto without = registry.price("cim_tile", a.spec.find("tile")->params, a.spec.node_m);
  const auto with = registry.price("cim_tile", b.spec.find("tile")->params, b.spec.node_m);
  CHECK(with.area_m2 - without.area_m2 == doctest::Approx(10240e-12).epsilon(1e-9));
  CHECK(with.leakage_w - without.leakage_w == doctest::Approx(1.024e-3).epsilon(1e-9));
  CHECK(with.area_source.find("test taps 0.01024 mm^2 (8 arrays x 128 x 10 um^2)") != std::string::npos);
  {
    dsl::diagnostics bad;
    const std::string bad_file = dir.write("bad_tap.yaml", architecture("") + tap_chain + "        area: -1 um^2\n");
    dsl::load_architecture(bad_file, {}, registry, bad);
    CHECK(bad.to_string().find(bad_file + ":12:") != std::string::npos);  // the negative area, at its line
  }
}

TEST_CASE("registry: a type registered in one place is elaborated and its energy reaches the report") {
  const platform::model_registry registry = registry_with_probe();
  test_support::scratch_dir dir;
  platform::run_options options;
  options.architecture = dir.write("probe.yaml", architecture("    leakage: 2 mW\n    ticks: 5\n") + tap_chain);
  options.workload = std::string(MOTTSIM_SOURCE_DIR) + "/configs/workloads/lenet5_mnist.yaml";
  options.timeline = false;
  const reports::run_result r = platform::run_session(options, registry);
  const reports::component_result* probe = nullptr;
  double energy_sum = 0.0, area_sum = 0.0;
  for (const auto& c : r.components) {
    if (c.name == "probe") probe = &c;
    energy_sum += c.energy_j;
    area_sum += c.area_mm2;
  }
  REQUIRE(probe);
  CHECK(probe->type == "test_probe");
  // 5 ticks x 2 pJ; 2 mW over the inference (the layer schedule's period is
  // its latency); 0.25 mm^2.
  REQUIRE(probe->actions.count("tick") == 1);
  CHECK(probe->actions.at("tick").count == 5);
  CHECK(probe->actions.at("tick").energy_j == doctest::Approx(10e-12).epsilon(1e-12));
  CHECK(probe->leakage_j == doctest::Approx(2e-3 * r.latency_s).epsilon(1e-12));
  CHECK(probe->energy_j == doctest::Approx(10e-12 + 2e-3 * r.latency_s).epsilon(1e-12));
  CHECK(probe->area_mm2 == doctest::Approx(0.25).epsilon(1e-12));
  // And into the chip's totals.
  CHECK(r.energy_j == doctest::Approx(energy_sum).epsilon(1e-12));
  CHECK(r.area_mm2 == doctest::Approx(area_sum).epsilon(1e-12));
  CHECK(r.energy_by_category_j.at("compute") >= 10e-12);

  // The tile carries its taps: its area is the instances times the price its
  // estimator gave, taps included.
  dsl::diagnostics errors;
  const auto arch = dsl::load_architecture(options.architecture, {}, registry, errors);
  REQUIRE_FALSE(errors.has_errors());
  const dsl::component_spec& tile = *arch.spec.find("tile");
  const auto priced = registry.price("cim_tile", tile.params, arch.spec.node_m);
  for (const auto& c : r.components)
    if (c.name == "tile") {
      CHECK(c.area_mm2 == doctest::Approx(static_cast<double>(tile.count) * priced.area_m2 * 1e6).epsilon(1e-12));
      CHECK(c.area_source.find("test taps") != std::string::npos);
      CHECK(c.leakage_w > 0.0);
    }
}

// Readout stage types are registered whole, in one call each (schema, traits,
// reader of the tile's figures, estimator): the chain's rules and the tile's
// figures treat a type registered in a test exactly by its traits, with
// nothing else in mottsim told about it.
#include <doctest/doctest.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "dsl/architecture_loader.hpp"
#include "dsl/diagnostics.hpp"
#include "models/cim_tile_params.hpp"
#include "models/mott_neuron_model.hpp"
#include "test_readout_types.hpp"
#include "test_support.hpp"

using namespace mottsim;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// mott_cim (analog accumulation, a mott_neuron then an adc) with its chain
// replaced by `stages`, one `- type: ...` line each from line 6.
std::string architecture(const std::vector<std::string>& stages) {
  std::string text = "extends: " + std::string(MOTTSIM_SOURCE_DIR) +
                     "/configs/arch/mott_cim.yaml\n"
                     "name: mott_cim_probe\n"
                     "components:\n"
                     "  tile:\n"
                     "    readout:\n";
  for (const auto& s : stages) text += "      - type: " + s + "\n";
  return text;
}

struct loaded {
  dsl::architecture_load arch;
  std::string errors;
  std::string file;
};

loaded load(const platform::model_registry& registry, test_support::scratch_dir& dir, const std::string& name,
            const std::vector<std::string>& stages) {
  loaded out;
  dsl::diagnostics errors;
  out.file = dir.write(name, architecture(stages));
  out.arch = dsl::load_architecture(out.file, {}, registry, errors);
  out.errors = errors.has_errors() ? errors.to_string() : "";
  return out;
}

}  // namespace

TEST_CASE("readout registry: a stage type registered in a test is accepted in the chain for its traits") {
  const platform::model_registry registry = test_support::registry_with_test_stages();
  test_support::scratch_dir dir;

  // A chain whose only converter is the test's ramp: it digitizes, so it is
  // valid, and the ramp's reader gives the tile its converter figures.
  const loaded ramp = load(registry, dir, "ramp.yaml", {"mott_neuron", "test_ramp"});
  REQUIRE_MESSAGE(ramp.errors.empty(), ramp.errors);
  const auto p = models::read_cim_tile_params(ramp.arch.spec.find("tile")->params, registry.readout_stages());
  CHECK(p.activation_stage == 0);
  CHECK(p.converter_stage == 1);
  CHECK(p.has_neuron);
  CHECK(p.activation_part == "mott_neuron");
  CHECK(p.adc_bits == 6);
  CHECK(p.columns_per_adc == 32);
  CHECK(p.adc_rate_hz == doctest::Approx(1.28e9).epsilon(1e-12).scale(0));
  // Its estimator prices the tile's conversions: 3 pJ each; 256 columns / 32
  // = 8 ramps of 100 um^2 on each of the tile's 32 arrays (a readout group each).
  const auto& tile = ramp.arch.spec.find("tile")->params;
  const auto priced = registry.price("cim_tile", tile, ramp.arch.spec.node_m);
  CHECK(priced.actions.at("adc_conversion").energy_j == doctest::Approx(3e-12).epsilon(1e-12).scale(0));
  CHECK(contains(priced.area_source, "test ramps 0.0256 mm^2"));

  // The test's analog activation starts the chain, as analog accumulation
  // needs: the tile gets an activation part named after it, and its settling.
  const loaded clamp = load(registry, dir, "clamp.yaml", {"test_clamp", "adc"});
  REQUIRE_MESSAGE(clamp.errors.empty(), clamp.errors);
  const auto c = models::read_cim_tile_params(clamp.arch.spec.find("tile")->params, registry.readout_stages());
  CHECK(c.has_neuron);
  CHECK(c.activation_part == "test_clamp");
  CHECK(c.activation_label == "test clamp");
  CHECK(c.settling_s == doctest::Approx(50e-9).epsilon(1e-12).scale(0));
  CHECK(c.converter_stage == 1);
  CHECK_FALSE(c.has_sample_hold);

  // And the test's analog hold after it: the tile holds outputs.
  const loaded held = load(registry, dir, "held.yaml", {"test_clamp", "test_hold", "adc"});
  REQUIRE_MESSAGE(held.errors.empty(), held.errors);
  const auto h = models::read_cim_tile_params(held.arch.spec.find("tile")->params, registry.readout_stages());
  CHECK(h.has_sample_hold);
  CHECK(h.hold_stage == 1);
  CHECK(h.converter_stage == 2);
}

TEST_CASE("readout registry: a stage whose traits break the chain's rules is a located error") {
  const platform::model_registry registry = test_support::registry_with_test_stages();
  test_support::scratch_dir dir;

  // Two analog activations: the second, the test's, at its line (7) and column.
  const loaded two = load(registry, dir, "two.yaml", {"mott_neuron", "test_clamp", "adc"});
  CHECK(contains(two.errors, two.file + ":7:9: error: cim_tile: the readout chain already has an analog activation "
                                        "('mott_neuron'); use one mott_neuron or one cmos_activation or one test_clamp"));
  // An analog hold before any activation.
  const loaded early = load(registry, dir, "early.yaml", {"test_hold", "test_clamp", "adc"});
  CHECK(contains(early.errors, early.file + ":6:9: error: cim_tile: a test_hold holds an analog activation's output: "
                                            "put it after a mott_neuron or a cmos_activation or a test_clamp"));
  // Analog accumulation needs an analog activation first, not a converter.
  const loaded first = load(registry, dir, "first.yaml", {"test_ramp", "test_clamp"});
  CHECK(contains(first.errors, "the chain must start with a mott_neuron or a cmos_activation or a test_clamp"));
  // One converter, after every analog stage: a second converter, or an
  // analog stage after the converter, at its line (8).
  const loaded twice = load(registry, dir, "twice.yaml", {"mott_neuron", "adc", "test_ramp"});
  CHECK(contains(twice.errors, twice.file + ":8:9: error: cim_tile: a 'test_ramp' converts again what an 'adc' before "
                                            "it has digitized: use one converter per chain"));
  const loaded late = load(registry, dir, "late.yaml", {"mott_neuron", "adc", "test_hold"});
  CHECK(contains(late.errors, late.file + ":8:9: error: cim_tile: a 'test_hold' works on the analog column sum, which "
                                          "an 'adc' before it has digitized: put it before the converter"));
  // A chain of analog stages only never digitizes (reported where the chain
  // starts): each registered converter is named.
  const loaded none = load(registry, dir, "none.yaml", {"test_clamp", "test_hold"});
  CHECK(contains(none.errors, none.file + ":6:7: error: cim_tile: the readout chain never digitizes: add an 'adc' or "
                                          "a 'test_ramp' stage after the analog stages"));
  // The built-in registry knows none of the test's types: they exist where registered.
  const loaded unknown = load(test_support::registry(), dir, "unknown.yaml", {"test_clamp", "adc"});
  CHECK(contains(unknown.errors, unknown.file + ":6:15:"));
}

TEST_CASE("readout registry: traits no stage can have are refused when the type is registered") {
  platform::model_registry registry;
  platform::register_builtin_models(registry);
  models::readout_stage_type both = test_support::test_ramp_stage();
  both.traits.holds_analog = true;  // a converter that holds analog values
  CHECK_THROWS_WITH_AS(registry.add_readout_stage(both),
                       "readout stage type 'test_ramp': a readout stage is at most one of an analog activation, a "
                       "converter and an analog hold (each is a part of its own in the tile), not a converter and an "
                       "analog hold",
                       std::invalid_argument);
  models::readout_stage_type all = test_support::test_clamp_stage();
  all.traits.converter = all.traits.holds_analog = true;
  CHECK_THROWS_WITH_AS(registry.add_readout_stage(all),
                       "readout stage type 'test_clamp': a readout stage is at most one of an analog activation, a "
                       "converter and an analog hold (each is a part of its own in the tile), not an analog "
                       "activation and a converter and an analog hold",
                       std::invalid_argument);
  // Refused whole: neither the stage nor its schema is registered.
  CHECK_FALSE(registry.readout_stages().find("test_ramp"));
  CHECK(registry.find_schema("test_ramp") == nullptr);
  // Each trait alone is a stage; a type is registered once.
  registry.add_readout_stage(test_support::test_ramp_stage());
  CHECK(registry.readout_stages().find("test_ramp")->traits.converter);
  CHECK_THROWS_AS(registry.add_readout_stage(test_support::test_ramp_stage()), std::invalid_argument);
  CHECK(models::readout_traits_problem({}).empty());
  CHECK(models::readout_traits_problem({true, false, false}).empty());
}

TEST_CASE("readout registry: a stage lacking what functional mode reads by name is refused when registered") {
  platform::model_registry registry;
  platform::register_builtin_models(registry);
  // A converter without code_spacing: functional mode reads it from the chain's converter.
  models::readout_stage_type ramp = test_support::test_ramp_stage();
  ramp.schema = dsl::schema_builder("test_ramp", "a ramp without reference levels")
                    .integer("bits", "6", "resolution")
                    .number("full_scale", "1", "input mapped to the top code")
                    .build();
  CHECK_THROWS_WITH_AS(registry.add_readout_stage(ramp),
                       "readout stage type 'test_ramp': a converter's schema needs what functional mode reads from "
                       "it: 'code_spacing' missing",
                       std::invalid_argument);
  CHECK_FALSE(registry.readout_stages().find("test_ramp"));
  // An activation simulated by the Mott neuron's model needs that type's parameters.
  models::readout_stage_type clamp = test_support::test_clamp_stage();
  clamp.functional = models::activation_model::mott_neuron;
  CHECK_THROWS_WITH_AS(registry.add_readout_stage(clamp), doctest::Contains("needs every parameter of that type"),
                       std::invalid_argument);
  // A variant of the Mott neuron under a name of its own, with its schema, is
  // accepted, and its blocks build the neuron model.
  models::readout_stage_type variant = *registry.readout_stages().find("mott_neuron");
  auto schema = std::make_shared<dsl::block_schema>(*variant.schema);
  schema->type = "test_vo2_variant";
  variant.schema = schema;
  registry.add_readout_stage(variant);
  dsl::diagnostics errors;
  const dsl::block_value block = test_support::validated_block("test_vo2_variant", "model: ideal\nenergy_per_activation: 10 pJ\n", errors,
                                                                 registry);
  INFO(errors.to_string());
  REQUIRE_FALSE(errors.has_errors());
  CHECK_NOTHROW(models::mott_neuron_model(block, 4, 1));
}

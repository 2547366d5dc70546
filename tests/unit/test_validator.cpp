#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "dsl/schema_set.hpp"
#include "dsl/tech_library.hpp"
#include "dsl/validator.hpp"
#include "dsl/yaml_tree.hpp"
#include "platform/elaboration/model_registry.hpp"
#include "test_support.hpp"

using namespace mottsim::dsl;

namespace {

using mottsim::test_support::scratch_dir;

namespace fs = std::filesystem;

// A fresh directory under the system temp dir, removed with everything in it.

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A small catalog, so these tests do not move when the real models' parameters do.
struct test_catalog {
  schema_set set;
  test_catalog() {
    auto stage = schema_builder("stage", "a stage block")
                     .integer("bits", "8", "resolution")
                     .range(1, 16)
                     .quantity("energy", dimension::energy, "1 pJ", "energy per use")
                     .at_least(0)
                     .build();
    auto other = schema_builder("other_stage", "another stage").integer("width", "1", "width").range(1, 8).build();
    auto widget = schema_builder("widget", "a test component")
                      .quantity("delay", dimension::time, "10 ns", "a delay")
                      .above(0)
                      .quantity("resistance", dimension::resistance, std::nullopt, "required, no default")
                      .above(0)
                      .integer("lanes", "4", "lanes")
                      .range(1, 64)
                      .number("ratio", "50 %", "a fraction")
                      .range(0, 1)
                      .boolean("enabled", "true", "a flag")
                      .choice("mode", {"fast", "slow", "balanced"}, "fast", "a choice")
                      .text("label", std::nullopt, "optional text")
                      .optional()
                      .integer_list("shape", "[3, 3]", "a list of integers")
                      .range(1, 16)
                      .block("inner", stage, "a nested block")
                      .block_list("stages", {"stage", "other_stage"}, "a chain of blocks")
                      .optional()
                      .check([](const block_value& v, diagnostics& errors) {
                        if (v.integer("lanes") > 8 && v.text("mode") == "slow")
                          errors.error(v.at("lanes").where, "a slow widget has at most 8 lanes");
                      })
                      .component(component_role::target)
                      .build();
    set.add(stage);
    set.add(other);
    set.add(widget);
  }
  const block_schema& widget() const { return *set.find_schema("widget"); }
};

struct validated {
  block_value value;
  diagnostics errors;
};

validated validate_widget(const std::string& yaml, const tech_libraries* tech = nullptr) {
  static const test_catalog catalog;
  validated out;
  diagnostics parse_errors;
  auto root = load_yaml_string(yaml, "w.yaml", parse_errors);
  REQUIRE_MESSAGE(root, parse_errors.to_string());
  validator v(catalog.set, tech, out.errors);
  out.value = v.validate(*root, catalog.widget(), "component 'w'");
  return out;
}

void check_error(const diagnostics& errors, std::size_t index, int line, int column, const std::string& text) {
  REQUIRE(index < errors.size());
  const auto& d = errors.errors()[index];
  CAPTURE(d.to_string());
  CHECK(d.where.line == line);
  CHECK(d.where.column == column);
  CHECK(contains(d.message, text));
}

}  // namespace

TEST_CASE("validator: a valid block gets every default filled in") {
  auto r = validate_widget("resistance: 6 kOhm\nlanes: 0x10\nlabel: hello\n");
  REQUIRE_MESSAGE(!r.errors.has_errors(), r.errors.to_string());
  const auto& v = r.value;
  CHECK(v.type == "widget");
  CHECK(v.quantity("resistance") == doctest::Approx(6000.0).scale(0));
  CHECK_FALSE(v.at("resistance").from_default);
  CHECK(v.at("resistance").where.line == 1);
  CHECK(v.at("resistance").where.column == 13);
  CHECK(v.integer("lanes") == 16);
  CHECK(v.text("label") == "hello");
  CHECK(v.quantity("delay") == doctest::Approx(10e-9).scale(0));
  CHECK(v.at("delay").from_default);
  CHECK(v.at("delay").where.line == 0);
  CHECK(v.number("ratio") == doctest::Approx(0.5).scale(0));
  CHECK(v.flag("enabled"));
  CHECK(v.text("mode") == "fast");
  CHECK(v.integers("shape") == std::vector<long long>{3, 3});
  CHECK(v.block("inner").integer("bits") == 8);
  CHECK(v.block("inner").quantity("energy") == doctest::Approx(1e-12).scale(0));
  CHECK(v.at("inner").from_default);
  CHECK_FALSE(v.has("stages"));  // optional and absent
}

TEST_CASE("validator: an optional parameter may be absent or null") {
  auto r = validate_widget("resistance: 1 Ohm\nlabel: ~\n");
  REQUIRE_MESSAGE(!r.errors.has_errors(), r.errors.to_string());
  CHECK_FALSE(r.value.has("label"));
}

TEST_CASE("validator: an unknown key is located and suggests the parameter meant") {
  auto r = validate_widget("resistance: 1 Ohm\nlanse: 4\n");
  REQUIRE(r.errors.size() == 1);
  check_error(r.errors, 0, 2, 1, "component 'w': unknown parameter 'lanse' for widget (did you mean 'lanes'?)");

  // Nothing close: no suggestion.
  r = validate_widget("resistance: 1 Ohm\nfrobnication_level: 4\n");
  REQUIRE(r.errors.size() == 1);
  CHECK(contains(r.errors.errors()[0].message, "unknown parameter 'frobnication_level'"));
  CHECK_FALSE(contains(r.errors.errors()[0].message, "did you mean"));
}

TEST_CASE("validator: a missing required parameter names it and its kind") {
  auto r = validate_widget("lanes: 4\n");
  REQUIRE(r.errors.size() == 1);
  check_error(r.errors, 0, 1, 1, "missing required parameter 'resistance' (a resistance such as '6 kOhm')");
  // A null is not a value either.
  r = validate_widget("resistance:\n");
  REQUIRE(r.errors.size() == 1);
  CHECK(contains(r.errors.errors()[0].message, "'resistance' must be a single value, got nothing"));
}

TEST_CASE("validator: range errors are located at the value and show the range") {
  SUBCASE("negative resistance") {
    auto r = validate_widget("resistance: -5 kOhm\n");
    REQUIRE(r.errors.size() == 1);
    check_error(r.errors, 0, 1, 13, "'resistance' must be > 0 Ohm, got -5 kOhm");
  }
  SUBCASE("zero where a positive value is needed") {
    auto r = validate_widget("resistance: 1 Ohm\ndelay: 0 ps\n");
    REQUIRE(r.errors.size() == 1);
    check_error(r.errors, 0, 2, 8, "'delay' must be > 0 s, got 0 s");
  }
  SUBCASE("integers below and above") {
    auto r = validate_widget("resistance: 1 Ohm\nlanes: 0\n");
    REQUIRE(r.errors.size() == 1);
    check_error(r.errors, 0, 2, 8, "'lanes' must be 1 .. 64, got 0");
    r = validate_widget("resistance: 1 Ohm\nlanes: 65\n");
    REQUIRE(r.errors.size() == 1);
    check_error(r.errors, 0, 2, 8, "got 65");
  }
  SUBCASE("a percentage above 100 %") {
    auto r = validate_widget("resistance: 1 Ohm\nratio: 150 %\n");
    REQUIRE(r.errors.size() == 1);
    check_error(r.errors, 0, 2, 8, "'ratio' must be 0 .. 1, got 1.5");
  }
  SUBCASE("a list item out of range") {
    auto r = validate_widget("resistance: 1 Ohm\nshape: [3, 0]\n");
    REQUIRE(r.errors.size() == 1);
    CHECK(contains(r.errors.errors()[0].message, "'shape' must be 1 .. 16, got 0"));
  }
  SUBCASE("the bounds themselves are allowed") {
    auto r = validate_widget("resistance: 1 Ohm\nlanes: 64\nratio: 0\nshape: [1, 16]\n");
    CHECK_MESSAGE(!r.errors.has_errors(), r.errors.to_string());
  }
}

TEST_CASE("validator: values of the wrong shape or kind") {
  SUBCASE("a map where a number is expected") {
    auto r = validate_widget("resistance: 1 Ohm\ndelay:\n  value: 10 ns\n");
    REQUIRE(r.errors.size() == 1);
    check_error(r.errors, 0, 3, 3, "'delay' must be a single value, got a map");
  }
  SUBCASE("a list where a number is expected") {
    auto r = validate_widget("resistance: [1 Ohm, 2 Ohm]\n");
    REQUIRE(r.errors.size() == 1);
    check_error(r.errors, 0, 1, 13, "'resistance' must be a single value, got a list");
  }
  SUBCASE("a fraction where a whole number is expected") {
    auto r = validate_widget("resistance: 1 Ohm\nlanes: 4.5\n");
    REQUIRE(r.errors.size() == 1);
    check_error(r.errors, 0, 2, 8, "'lanes' must be a whole number, got '4.5'");
  }
  SUBCASE("a whole number in scientific notation is told how to write it") {
    auto r = validate_widget("resistance: 1 Ohm\nlanes: 1.6e1\n");
    REQUIRE(r.errors.size() == 1);
    check_error(r.errors, 0, 2, 8, "'lanes' must be written in digits, as 16, got '1.6e1'");
  }
  SUBCASE("a boolean is true or false") {
    auto r = validate_widget("resistance: 1 Ohm\nenabled: yes\n");
    REQUIRE(r.errors.size() == 1);
    check_error(r.errors, 0, 2, 10, "'enabled' must be true or false, got 'yes'");
  }
  SUBCASE("a wrong unit") {
    auto r = validate_widget("resistance: 20 uS\n");
    REQUIRE(r.errors.size() == 1);
    check_error(r.errors, 0, 1, 13, "'20 uS' is a conductance, expected a resistance");
  }
  SUBCASE("a block must be a map") {
    auto r = validate_widget("resistance: 1 Ohm\ninner: 8\n");
    REQUIRE(r.errors.size() == 1);
    check_error(r.errors, 0, 2, 8, "'inner' must be a map of parameters, got '8'");
  }
}

TEST_CASE("validator: a choice lists the choices and suggests the one meant") {
  auto r = validate_widget("resistance: 1 Ohm\nmode: balnced\n");
  REQUIRE(r.errors.size() == 1);
  check_error(r.errors, 0, 2, 7, "'mode' must be one of fast|slow|balanced, got 'balnced' (did you mean 'balanced'?)");
  r = validate_widget("resistance: 1 Ohm\nmode: Slow\n");
  REQUIRE(r.errors.size() == 1);
  CHECK(contains(r.errors.errors()[0].message, "(did you mean 'slow'?)"));
}

TEST_CASE("validator: nested blocks and block lists report with their path") {
  auto r = validate_widget(
      "resistance: 1 Ohm\n"       // 1
      "inner:\n"                  // 2
      "  bits: 0\n"               // 3
      "stages:\n"                 // 4
      "  - type: stage\n"         // 5
      "    bits: 4\n"             // 6
      "  - type: other_stage\n"   // 7
      "    widht: 2\n"            // 8
      "  - type: stgae\n"         // 9
      "  - bits: 3\n");           // 10
  REQUIRE(r.errors.size() == 4);
  check_error(r.errors, 0, 3, 9, "component 'w'.inner: 'bits' must be 1 .. 16, got 0");
  check_error(r.errors, 1, 8, 5, "component 'w'.stages[1]: unknown parameter 'widht' for other_stage (did you mean 'width'?)");
  check_error(r.errors, 2, 9, 11, "component 'w'.stages[2]: unknown type 'stgae', expected stage|other_stage (did you mean 'stage'?)");
  check_error(r.errors, 3, 10, 5, "component 'w'.stages[3] needs 'type:'");
}

TEST_CASE("validator: a valid block list keeps its stages in order") {
  auto r = validate_widget("resistance: 1 Ohm\nstages:\n  - {type: other_stage, width: 2}\n  - {type: stage}\n");
  REQUIRE_MESSAGE(!r.errors.has_errors(), r.errors.to_string());
  const auto& stages = r.value.blocks("stages");
  REQUIRE(stages.size() == 2);
  CHECK(stages[0].type == "other_stage");
  CHECK(stages[0].integer("width") == 2);
  CHECK(stages[1].type == "stage");
  CHECK(stages[1].integer("bits") == 8);
}

TEST_CASE("validator: every mistake of a block is reported at once") {
  auto r = validate_widget(
      "resistance: -1 Ohm\n"  // 1: range
      "lanes: many\n"         // 2: not a number
      "mood: fast\n"          // 3: unknown key
      "delay: 5\n");          // 4: missing unit
  REQUIRE(r.errors.size() == 4);
  // Unknown keys are found first, then parameters in schema order.
  check_error(r.errors, 0, 3, 1, "unknown parameter 'mood' for widget (did you mean 'mode'?)");
  check_error(r.errors, 1, 4, 8, "'5' needs a unit: a time");
  check_error(r.errors, 2, 1, 13, "'resistance' must be > 0 Ohm");
  check_error(r.errors, 3, 2, 8, "'lanes' must be a whole number, got 'many'");
}

TEST_CASE("validator: cross-parameter checks run on blocks that are otherwise valid") {
  auto r = validate_widget("resistance: 1 Ohm\nmode: slow\nlanes: 16\n");
  REQUIRE(r.errors.size() == 1);
  check_error(r.errors, 0, 3, 8, "a slow widget has at most 8 lanes");
  // With another error in the block the check stays quiet instead of reading
  // a value that did not parse.
  r = validate_widget("resistance: 1 Ohm\nmode: slow\nlanes: 16\ndelay: -1 ns\n");
  REQUIRE(r.errors.size() == 1);
  CHECK(contains(r.errors.errors()[0].message, "'delay' must be > 0 s"));
}

TEST_CASE("validator: a map that is not a map") {
  static const test_catalog catalog;
  diagnostics errors;
  auto root = load_yaml_string("just a string", "w.yaml", errors);
  REQUIRE(root);
  validator v(catalog.set, nullptr, errors);
  v.validate(*root, catalog.widget(), "component 'w'");
  REQUIRE(errors.size() == 1);
  CHECK(contains(errors.errors()[0].message, "component 'w' must be a map of parameters, got 'just a string'"));
}

TEST_CASE("validator: parse_default parses defaults as user input") {
  static const test_catalog catalog;
  diagnostics errors;
  param_value out;
  const auto* delay = catalog.widget().find("delay");
  REQUIRE(delay);
  REQUIRE(parse_default(catalog.set, *delay, "widget", out, errors));
  CHECK(out.number == doctest::Approx(10e-9).scale(0));
  CHECK(out.from_default);
  const auto* shape = catalog.widget().find("shape");
  REQUIRE(shape);
  param_value list;
  REQUIRE(parse_default(catalog.set, *shape, "widget", list, errors));
  CHECK(list.integers == std::vector<long long>{3, 3});
  CHECK_FALSE(errors.has_errors());

  // A default that breaks its own range is caught.
  param_schema bad = *delay;
  bad.default_text = "-1 ns";
  param_value x;
  CHECK_FALSE(parse_default(catalog.set, bad, "widget", x, errors));
  REQUIRE(errors.size() == 1);
  CHECK(contains(errors.errors()[0].where.file, "default of widget.delay"));
}

// --- technology library entries (`use:`) ---------------------------------

namespace {

const char* tiny_library =
    "library: parts\n"                 // 1
    "entries:\n"                       // 2
    "  fast_widget:\n"                 // 3
    "    kind: widget\n"               // 4
    "    doc: a fast one\n"            // 5
    "    resistance: 2 kOhm  # [E]\n"  // 6
    "    lanes: 32           # [E]\n"  // 7
    "    mode: fast\n"                 // 8
    "  small_stage:\n"                 // 9
    "    kind: stage\n"                // 10
    "    bits: 4             # [E]\n"; // 11

}  // namespace

TEST_CASE("validator: use: starts from a library entry; keys given win and keep their location") {
  scratch_dir dir;
  const std::string lib = dir.write("parts.yaml", tiny_library);
  diagnostics load_errors;
  tech_libraries tech;
  tech.load(lib, load_errors);
  REQUIRE_MESSAGE(!load_errors.has_errors(), load_errors.to_string());
  REQUIRE(tech.find("parts.fast_widget"));

  auto r = validate_widget("use: parts.fast_widget\nlanes: 8\ninner: {use: parts.small_stage}\n", &tech);
  REQUIRE_MESSAGE(!r.errors.has_errors(), r.errors.to_string());
  const auto& v = r.value;
  CHECK(v.tech_entry == "parts.fast_widget");
  CHECK(v.quantity("resistance") == doctest::Approx(2000.0).scale(0));
  CHECK(v.at("resistance").where.file == lib);  // provenance: the library file and line
  CHECK(v.at("resistance").where.line == 6);
  CHECK(v.integer("lanes") == 8);                 // the file's own value wins
  CHECK(v.at("lanes").where.file == "w.yaml");
  CHECK(v.at("lanes").where.line == 2);
  CHECK(v.at("delay").from_default);
  CHECK(v.block("inner").integer("bits") == 4);
  CHECK(v.block("inner").tech_entry == "parts.small_stage");
}

TEST_CASE("validator: use: errors") {
  scratch_dir dir;
  const std::string lib = dir.write("parts.yaml", tiny_library);
  diagnostics load_errors;
  tech_libraries tech;
  tech.load(lib, load_errors);
  REQUIRE_MESSAGE(!load_errors.has_errors(), load_errors.to_string());

  SUBCASE("an unknown entry suggests the one meant") {
    auto r = validate_widget("resistance: 1 Ohm\nuse: parts.fast_widgt\n", &tech);
    REQUIRE(r.errors.size() == 1);
    check_error(r.errors, 0, 2, 6, "no technology library entry 'parts.fast_widgt' (did you mean 'parts.fast_widget'?)");
  }
  SUBCASE("an entry of another kind") {
    auto r = validate_widget("resistance: 1 Ohm\nuse: parts.small_stage\n", &tech);
    REQUIRE(r.errors.size() == 1);
    check_error(r.errors, 0, 2, 6, "'parts.small_stage' describes a stage, not a widget");
  }
  SUBCASE("a file that lists no libraries") {
    const tech_libraries none;
    auto r = validate_widget("resistance: 1 Ohm\nuse: parts.fast_widget\n", &none);
    REQUIRE(r.errors.size() == 1);
    check_error(r.errors, 0, 2, 6, "'use: parts.fast_widget' needs technology libraries; list them under 'tech:'");
  }
  SUBCASE("a file that cannot name libraries (no tech at all) does not know use:") {
    auto r = validate_widget("resistance: 1 Ohm\nuse: parts.fast_widget\n", nullptr);
    REQUIRE(r.errors.size() == 1);
    check_error(r.errors, 0, 2, 1, "unknown parameter 'use' for widget");
  }
  SUBCASE("an entry whose kind no type has is named where it is, with the kind meant") {
    const std::string typo = dir.write("typo.yaml", "library: typo\nentries:\n  w:\n    kind: widgt\n");
    tech_libraries with_typo;
    diagnostics typo_errors;
    with_typo.load(typo, typo_errors);
    REQUIRE_FALSE(typo_errors.has_errors());
    auto r = validate_widget("resistance: 1 Ohm\nuse: typo.w\n", &with_typo);
    REQUIRE(r.errors.size() == 1);
    check_error(r.errors, 0, 2, 6, "'typo.w' describes a widgt, not a widget; 'widgt' is no kind mottsim knows (the "
                                   "entry is at " + typo + ":3:3) (did you mean 'widget'?)");
  }
  SUBCASE("a library that is not listed is named, with those that are") {
    auto r = validate_widget("resistance: 1 Ohm\nuse: mylab.fast_widget\n", &tech);
    REQUIRE(r.errors.size() == 1);
    check_error(r.errors, 0, 2, 6,
                "no technology library 'mylab' among those listed under tech: (parts); list its file under tech: "
                "(did you mean 'parts.fast_widget'?)");
  }
  SUBCASE("a listed file that could not be read is not blamed twice") {
    // Its own errors say what is wrong with it; its entries are unknown, so
    // one named from it is not also called missing. A library that was read
    // still has its missing entries named.
    const std::string broken = dir.write("broken.yaml", "library: mylab\nentries: [\n");
    tech_libraries partly = tech;
    diagnostics broken_errors;
    partly.load(broken, broken_errors);
    CHECK(broken_errors.has_errors());
    CHECK(partly.any_unread());
    CHECK_FALSE(validate_widget("resistance: 1 Ohm\nuse: mylab.fast_widget\n", &partly).errors.has_errors());
    auto r = validate_widget("resistance: 1 Ohm\nuse: parts.fast_widgt\n", &partly);
    REQUIRE(r.errors.size() == 1);
    check_error(r.errors, 0, 2, 6, "no technology library entry 'parts.fast_widgt'");
    tech_libraries only_broken;
    only_broken.load(broken, broken_errors);
    CHECK_FALSE(validate_widget("resistance: 1 Ohm\nuse: mylab.fast_widget\n", &only_broken).errors.has_errors());
  }
  SUBCASE("use: must be a name") {
    auto r = validate_widget("resistance: 1 Ohm\nuse: [parts.fast_widget]\n", &tech);
    REQUIRE(r.errors.size() == 1);
    check_error(r.errors, 0, 2, 6, "'use' names a technology library entry as 'library.entry'");
  }
}

TEST_CASE("validator: library entries are validated where they are, with the library's locations") {
  scratch_dir dir;
  const std::string lib = dir.write("bad_parts.yaml",
                                     "library: bad_parts\n"   // 1
                                     "entries:\n"             // 2
                                     "  w1:\n"                // 3
                                     "    kind: widget\n"     // 4
                                     "    resistance: 0 Ohm\n"// 5
                                     "    lans: 4\n"          // 6
                                     "  w2:\n"                // 7
                                     "    kind: widgte\n");   // 8
  static const test_catalog catalog;
  diagnostics errors;
  tech_libraries tech;
  tech.load(lib, errors);
  REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
  validate_tech_entries(tech, catalog.set, errors);
  REQUIRE(errors.size() == 3);
  for (const auto& d : errors.errors()) CHECK(d.where.file == lib);
  check_error(errors, 0, 6, 5, "unknown parameter 'lans' for widget (did you mean 'lanes'?)");
  check_error(errors, 1, 5, 17, "'resistance' must be > 0 Ohm, got 0 Ohm");
  check_error(errors, 2, 7, 3, "unknown kind 'widgte' (did you mean 'widget'?)");
}

TEST_CASE("validator: library structure errors") {
  scratch_dir dir;
  diagnostics errors;
  tech_libraries tech;
  tech.load(dir.write("a.yaml", "library: dup\nentries: {x: {kind: stage}}\n"), errors);
  tech.load(dir.write("b.yaml", "library: dup\nentries: {}\n"), errors);
  tech.load(dir.write("c.yaml", "library: c\nentries:\n  no_kind: {bits: 4}\n  bad-name: {kind: stage}\nextra: 1\n"), errors);
  REQUIRE(errors.size() == 4);
  CHECK(contains(errors.errors()[0].message, "library 'dup' is already defined in"));
  CHECK(errors.errors()[0].where.line == 1);
  CHECK(contains(errors.errors()[1].message, "unknown key 'extra' in technology library"));
  CHECK(contains(errors.errors()[2].message, "entry 'no_kind' needs 'kind:'"));
  CHECK(contains(errors.errors()[3].message, "entry name 'bad-name' may hold only letters, digits and '_'"));
  CHECK(tech.find("dup.x"));
}

// --- the real component schemas -------------------------------------------

namespace {

diagnostics validate_as(const std::string& type, const std::string& yaml) {
  const auto& registry = mottsim::test_support::registry();
  diagnostics errors;
  auto root = load_yaml_string(yaml, "c.yaml", errors);
  REQUIRE_MESSAGE(root, errors.to_string());
  const block_schema* schema = registry.find_schema(type);
  REQUIRE(schema);
  validator v(registry, nullptr, errors);
  v.validate(*root, *schema, type);
  return errors;
}

}  // namespace

TEST_CASE("validator: real schemas reject physically impossible values") {
  SUBCASE("a negative heater resistance") {
    auto e = validate_as("mott_neuron", "heater_resistance: -1 kOhm\n");
    REQUIRE(e.size() == 1);
    check_error(e, 0, 1, 20, "'heater_resistance' must be > 0 Ohm, got -1 kOhm");
  }
  SUBCASE("a zero DRAM bandwidth") {
    auto e = validate_as("dram", "bandwidth: 0 GB/s\n");
    REQUIRE(e.size() == 1);
    check_error(e, 0, 1, 12, "'bandwidth' must be > 0 B/s, got 0 B/s");
  }
  SUBCASE("a 0-bit ADC") {
    auto e = validate_as("adc", "bits: 0\n");
    REQUIRE(e.size() == 1);
    check_error(e, 0, 1, 7, "'bits' must be 1 .. 16, got 0");
  }
  SUBCASE("a 17-bit ADC") {
    auto e = validate_as("adc", "bits: 17\n");
    REQUIRE(e.size() == 1);
    check_error(e, 0, 1, 7, "got 17");
  }
  SUBCASE("more bits per cell than the levels allow") {
    auto e = validate_as("synapse_cell", "levels: 4\nbits_per_cell: 3\n");
    REQUIRE(e.size() == 1);
    check_error(e, 0, 2, 16, "bits_per_cell 3 needs 8 conductance levels, but the cell has only 4");
    // Exactly enough levels is fine.
    CHECK_FALSE(validate_as("synapse_cell", "levels: 8\nbits_per_cell: 3\n").has_errors());
  }
  SUBCASE("g_min above g_max") {
    auto e = validate_as("synapse_cell", "g_min: 200 uS\ng_max: 100 uS\n");
    REQUIRE(e.size() == 1);
    check_error(e, 0, 1, 8, "g_min must be below g_max");
  }
  SUBCASE("a table neuron without its table") {
    auto e = validate_as("mott_neuron", "model: table\nenergy_per_activation: 1 pJ\n");
    REQUIRE(e.size() == 1);
    check_error(e, 0, 1, 8, "model 'table' needs 'table_file:'");
  }
  SUBCASE("a file that does not exist") {
    auto e = validate_as("mott_neuron", "model: table\ntable_file: no_such_curve.csv\nenergy_per_activation: 1 pJ\n");
    REQUIRE(e.size() == 1);
    check_error(e, 0, 2, 13, "no such file");
  }
}

TEST_CASE("validator: a magnitude without a bound of its own is at least 0; a voltage keeps its sign") {
  // -1 W of leakage or -1 mm^2 of area priced into a chip's totals gave negative
  // energies and areas; a quantity of any dimension that cannot be negative now
  // refuses them at its line, whatever bound its schema forgot.
  schema_set set;
  const auto part = schema_builder("part", "magnitudes with no bound given")
                        .quantity("leakage", dimension::power, "1 mW", "static power")
                        .quantity("area", dimension::area, "1 um^2", "footprint")
                        .quantity("delay", dimension::time, "1 ns", "a delay")
                        .quantity("offset", dimension::voltage, "0 V", "a signed offset")
                        .quantity("bias", dimension::current, "0 A", "a signed current")
                        .component(component_role::target)
                        .build();
  set.add(part);
  for (const char* name : {"leakage", "area", "delay"}) {
    CAPTURE(name);
    REQUIRE(part->find(name)->min.has_value());
    CHECK(*part->find(name)->min == 0.0);
    CHECK_FALSE(part->find(name)->min_exclusive);
  }
  CHECK_FALSE(part->find("offset")->min.has_value());
  CHECK_FALSE(part->find("bias")->min.has_value());
  auto run = [&](const std::string& yaml) {
    diagnostics parse_errors, errors;
    auto root = load_yaml_string(yaml, "p.yaml", parse_errors);
    REQUIRE_MESSAGE(root, parse_errors.to_string());
    validator v(set, nullptr, errors);
    v.validate(*root, *part, "component 'p'");
    return errors;
  };
  const diagnostics negative = run("leakage: -1 W\narea: -1 mm^2\ndelay: 0 s\noffset: -0.2 V\nbias: -1 uA\n");
  REQUIRE_MESSAGE(negative.size() == 2, negative.to_string());
  check_error(negative, 0, 1, 10, "'leakage' must be >= 0 W, got -1 W");
  check_error(negative, 1, 2, 7, "'area' must be >= 0");
  CHECK(run("leakage: 0 W\narea: 0 mm^2\n").size() == 0);  // zero is a magnitude
}

#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "dsl/architecture_loader.hpp"
#include "dsl/document_name.hpp"
#include "dsl/file_kind.hpp"
#include "dsl/overrides.hpp"
#include "dsl/workload_loader.hpp"
#include "platform/elaboration/model_registry.hpp"
#include "test_support.hpp"

using namespace mottsim::dsl;

namespace {

using mottsim::test_support::scratch_dir;

namespace fs = std::filesystem;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

using mottsim::test_support::registry;

struct loaded {
  architecture_load arch;
  diagnostics errors;
};

loaded load(const std::string& path, const std::vector<std::string>& overrides = {}) {
  loaded out;
  out.arch = load_architecture(path, overrides, registry(), out.errors);
  return out;
}

// The error at `index` is at file:line:col and its message holds `text`.
void check_error(const diagnostics& errors, std::size_t index, const std::string& file, int line, int column,
                 const std::string& text) {
  REQUIRE(index < errors.size());
  const auto& d = errors.errors()[index];
  CAPTURE(d.to_string());
  CHECK(d.where.file == file);
  CHECK(d.where.line == line);
  CHECK(d.where.column == column);
  CHECK(contains(d.message, text));
}

const component_spec& component(const loaded& l, const std::string& name) {
  const component_spec* c = l.arch.spec.find(name);
  REQUIRE_MESSAGE(c, "no component '" << name << "'");
  return *c;
}

// A tile that validates: a readout chain is the one thing it has no default for.
const char* small_system =
    "name: small\n"                           // 1
    "components:\n"                           // 2
    "  bus:\n"                                // 3
    "    type: bus\n"                         // 4
    "  ctl:\n"                                // 5
    "    type: controller\n"                  // 6
    "    connect: bus\n"                      // 7
    "  dram:\n"                               // 8
    "    type: dram\n"                        // 9
    "    capacity: 1 GiB\n"                   // 10
    "    connect: bus\n"                      // 11
    "  tile:\n"                               // 12
    "    type: cim_tile\n"                    // 13
    "    count: 4\n"                          // 14
    "    arrays: 8\n"                         // 15
    "    connect: bus\n"                      // 16
    "    crossbar:\n"                         // 17
    "      rows: 128\n"                       // 18
    "      columns: 128\n"                    // 19
    "      cell: {levels: 16, bits_per_cell: 2}\n"  // 20
    "    readout:\n"                          // 21
    "      - type: adc\n"                     // 22
    "        bits: 8\n"                       // 23
    "      - type: shift_add\n";              // 24

}  // namespace

TEST_CASE("architecture: a small valid system") {
  scratch_dir dir;
  const std::string path = dir.write("small.yaml", small_system);
  auto l = load(path);
  REQUIRE_MESSAGE(!l.errors.has_errors(), l.errors.to_string());
  const auto& spec = l.arch.spec;
  CHECK(spec.name == "small");
  CHECK(spec.file == path);
  CHECK(spec.node_m == doctest::Approx(22e-9).scale(0));
  REQUIRE(spec.components.size() == 4);
  CHECK(spec.components[0].name == "bus");  // file order
  CHECK(spec.components[3].name == "tile");

  const auto& tile = component(l, "tile");
  CHECK(tile.type == "cim_tile");
  CHECK(tile.count == 4);
  CHECK(tile.role == component_role::target);
  CHECK(tile.params.integer("arrays") == 8);
  CHECK(tile.params.block("crossbar").block("cell").integer("levels") == 16);
  REQUIRE(tile.params.blocks("readout").size() == 2);
  CHECK(tile.params.blocks("readout")[0].integer("bits") == 8);
  CHECK(tile.params.blocks("readout")[1].type == "shift_add");

  // Address windows: the tile's window is its buffer capacity x count, packed
  // above the DRAM's, 4 KiB aligned.
  const auto& dram = component(l, "dram");
  REQUIRE(dram.connections.size() == 1);
  CHECK(dram.connections[0].bus == "bus");
  CHECK(dram.connections[0].base == 0);
  CHECK(dram.connections[0].size == (1ull << 30));
  REQUIRE(tile.connections.size() == 1);
  CHECK(tile.connections[0].size == 4 * 64 * 1024ull);
  CHECK(tile.connections[0].base == (1ull << 30));
  CHECK(tile.connections[0].base % 4096 == 0);
}

TEST_CASE("architecture: unknown top-level key and unknown component type suggest the right one") {
  scratch_dir dir;
  const std::string path = dir.write("a.yaml",
                                     "name: a\n"
                                     "nodes: 22 nm\n"
                                     "components:\n"
                                     "  d:\n"
                                     "    type: drma\n");
  auto l = load(path);
  REQUIRE(l.errors.size() == 2);
  check_error(l.errors, 0, path, 2, 1, "unknown key 'nodes' in architecture (did you mean 'node'?)");
  check_error(l.errors, 1, path, 5, 11, "unknown component type 'drma' (did you mean 'dram'?)");
}

TEST_CASE("architecture: a misspelt 'components' is one error, not two") {
  scratch_dir dir;
  const std::string path = dir.write("a.yaml", "name: a\ncomponets:\n  d: {type: dram}\n");
  auto l = load(path);
  REQUIRE_MESSAGE(l.errors.size() == 1, l.errors.to_string());
  check_error(l.errors, 0, path, 2, 1, "unknown key 'componets' in architecture (did you mean 'components'?)");

  // Without a near miss, the missing key is reported.
  const std::string other = dir.write("b.yaml", "name: b\n");
  l = load(other);
  REQUIRE_MESSAGE(l.errors.size() == 1, l.errors.to_string());
  CHECK(contains(l.errors.errors()[0].message, "an architecture needs 'components:'"));
}

TEST_CASE("architecture: a file whose kind cannot be told points at a misspelt marker key") {
  diagnostics errors;
  auto root = load_yaml_string("name: a\ncomponets: {}\n", "k.yaml", errors);
  REQUIRE(root);
  CHECK(detect_file_kind(*root, errors) == file_kind::unknown);
  REQUIRE(errors.size() == 1);
  check_error(errors, 0, "k.yaml", 2, 1, "unknown key 'componets' (did you mean 'components'?)");

  diagnostics plain;
  auto nothing = load_yaml_string("name: a\n", "k.yaml", plain);
  REQUIRE(nothing);
  CHECK(detect_file_kind(*nothing, plain) == file_kind::unknown);
  REQUIRE(plain.size() == 1);
  check_error(plain, 0, "k.yaml", 1, 1, "cannot tell what this file is");

  diagnostics none;
  auto arch = load_yaml_string("extends: base.yaml\n", "k.yaml", none);
  REQUIRE(arch);
  CHECK(detect_file_kind(*arch, none) == file_kind::architecture);
  CHECK_FALSE(none.has_errors());

  // A validation design's expected.yaml is told by its figures, and a
  // misspelt 'figures' is pointed at.
  auto expected = load_yaml_string("design: d\nfigures: []\n", "expected.yaml", none);
  REQUIRE(expected);
  CHECK(detect_file_kind(*expected, none) == file_kind::validation_design);
  CHECK_FALSE(none.has_errors());
  diagnostics misspelt;
  auto figurs = load_yaml_string("design: d\nfigurs: []\n", "expected.yaml", misspelt);
  REQUIRE(figurs);
  CHECK(detect_file_kind(*figurs, misspelt) == file_kind::unknown);
  check_error(misspelt, 0, "expected.yaml", 2, 1, "(did you mean 'figures'?)");
}

TEST_CASE("architecture: a component without a type lists the types") {
  scratch_dir dir;
  const std::string path = dir.write("a.yaml", "components:\n  d:\n    capacity: 1 GiB\n");
  auto l = load(path);
  REQUIRE(l.errors.size() == 1);
  check_error(l.errors, 0, path, 2, 3, "component 'd' needs 'type:', one of: ");
  CHECK(contains(l.errors.errors()[0].message, "cim_tile"));
  CHECK(contains(l.errors.errors()[0].message, "dram"));
}

TEST_CASE("architecture: the technology node") {
  scratch_dir dir;
  auto l = load(dir.write("a.yaml", "node: 45 nm\ncomponents: {d: {type: dram}}\n"));
  REQUIRE_MESSAGE(!l.errors.has_errors(), l.errors.to_string());
  CHECK(l.arch.spec.node_m == doctest::Approx(45e-9).scale(0));

  const std::string bad = dir.write("b.yaml", "node: 22\ncomponents: {d: {type: dram}}\n");
  l = load(bad);
  REQUIRE(l.errors.size() == 1);
  check_error(l.errors, 0, bad, 1, 7, "'22' needs a unit");

  const std::string tiny = dir.write("c.yaml", "node: 0.1 nm\ncomponents: {d: {type: dram}}\n");
  l = load(tiny);
  REQUIRE(l.errors.size() == 1);
  check_error(l.errors, 0, tiny, 1, 7, "'node' must be between 1 nm and 1 um");
}

TEST_CASE("architecture: component count") {
  scratch_dir dir;
  const std::string path = dir.write("a.yaml", "components:\n  s: {type: sram, count: 0}\n  t: {type: sram, count: two}\n");
  auto l = load(path);
  REQUIRE(l.errors.size() == 2);
  check_error(l.errors, 0, path, 2, 26, "'count' must be a whole number from 1 to 1000000, got '0'");
  check_error(l.errors, 1, path, 3, 26, "got 'two'");
}

// --- extends --------------------------------------------------------------

TEST_CASE("architecture: extends overrides a nested key, keeps the rest, and null removes") {
  scratch_dir dir;
  const std::string base = dir.write("base.yaml", small_system);
  const std::string derived = dir.write("variants/derived.yaml",
                                        "extends: ../base.yaml\n"    // 1
                                        "name: derived\n"            // 2
                                        "components:\n"              // 3
                                        "  tile:\n"                  // 4
                                        "    crossbar:\n"            // 5
                                        "      rows: 64\n"           // 6
                                        "      cell:\n"              // 7
                                        "        levels: 4\n"        // 8
                                        "  ctl: ~\n");               // 9
  auto l = load(derived);
  REQUIRE_MESSAGE(!l.errors.has_errors(), l.errors.to_string());
  const auto& spec = l.arch.spec;
  CHECK(spec.name == "derived");
  REQUIRE(spec.files.size() == 2);
  CHECK(fs::equivalent(spec.files[0], derived));
  CHECK(fs::equivalent(spec.files[1], base));
  CHECK(spec.find("ctl") == nullptr);  // removed by the null
  CHECK(spec.find("dram") != nullptr);

  const auto& crossbar = component(l, "tile").params.block("crossbar");
  CHECK(crossbar.integer("rows") == 64);
  CHECK(crossbar.at("rows").where.file == derived);
  CHECK(crossbar.at("rows").where.line == 6);
  CHECK(crossbar.integer("columns") == 128);  // from the base, located there
  CHECK(crossbar.at("columns").where.file == base);
  CHECK(crossbar.at("columns").where.line == 19);
  CHECK(crossbar.block("cell").integer("levels") == 4);
  CHECK(crossbar.block("cell").integer("bits_per_cell") == 2);
  CHECK(component(l, "tile").params.integer("arrays") == 8);
}

TEST_CASE("architecture: a component a null removed is where its absence is reported") {
  scratch_dir dir;
  dir.write("base.yaml", small_system);
  const std::string derived = dir.write("derived.yaml",
                                        "extends: base.yaml\n"  // 1
                                        "components:\n"         // 2
                                        "  bus: {}\n"           // 3
                                        "  ctl: ~\n"            // 4
                                        "  nothing: null\n");   // 5: nothing to remove
  auto l = load(derived);
  REQUIRE_MESSAGE(!l.errors.has_errors(), l.errors.to_string());
  const auto& spec = l.arch.spec;
  REQUIRE(spec.removed_components.size() == 1);
  CHECK(spec.removed_components[0].name == "ctl");
  CHECK(spec.removed_components[0].type == "controller");
  const diagnostic ctl = spec.missing_component("controller", "no controller");
  CHECK(ctl.to_string() == derived + ":4:3: error: no controller; the null given to 'ctl' here removed the base "
                                     "architecture's");
  // A component nothing removed: the file alone, as before.
  CHECK(spec.missing_component("processor", "no processor").to_string() == derived + ": error: no processor");
}

TEST_CASE("architecture: a bus a null removed is reported once, at the null, with what still connects to it") {
  scratch_dir dir;
  const std::string base = dir.write("base.yaml", small_system);
  const std::string derived = dir.write("derived.yaml",
                                        "extends: base.yaml\n"  // 1
                                        "components:\n"         // 2
                                        "  bus: null\n");       // 3
  auto l = load(derived);
  REQUIRE(l.errors.size() >= 1);
  const std::string text = l.errors.to_string();
  CHECK(contains(text, derived + ":3:3: error: the null given to 'bus' here removes a bus that ctl (" + base +
                           ":7:14), dram (" + base + ":11:14) and tile ("));
  CHECK(contains(text, "still connect to: keep it, or give those components another 'connect'"));
  CHECK_FALSE(contains(text, "which is not a component"));  // not once per line of the base
}

TEST_CASE("architecture: extends accumulates technology libraries, each relative to its own file") {
  scratch_dir dir;
  dir.write("tech/memories.yaml",
            "library: mem\nentries:\n  big_dram:\n    kind: dram\n    capacity: 8 GiB  # [E]\n");
  dir.write("tech/converters.yaml",
            "library: conv\nentries:\n  adc6:\n    kind: adc\n    bits: 6  # [E]\n");
  dir.write("arch/base.yaml",
            "tech: [../tech/memories.yaml]\ncomponents:\n  d: {type: dram, use: mem.big_dram}\n");
  const std::string derived = dir.write("arch/more/derived.yaml",
                                        "extends: ../base.yaml\n"
                                        "tech: [../../tech/converters.yaml]\n"
                                        "components:\n"
                                        "  t: {type: cim_tile, readout: [{type: adc, use: conv.adc6}]}\n");
  auto l = load(derived);
  REQUIRE_MESSAGE(!l.errors.has_errors(), l.errors.to_string());
  CHECK(l.arch.spec.tech_files.size() == 2);
  CHECK(component(l, "d").params.quantity("capacity") == doctest::Approx(8.0 * (1ull << 30)).scale(0));
  CHECK(component(l, "d").params.tech_entry == "mem.big_dram");
  CHECK(component(l, "t").params.blocks("readout")[0].integer("bits") == 6);

  // A file that extends the derived one without libraries of its own keeps
  // the same two, each once.
  const std::string further = dir.write("arch/further.yaml", "extends: more/derived.yaml\nname: further\n");
  auto f = load(further);
  REQUIRE_MESSAGE(!f.errors.has_errors(), f.errors.to_string());
  CHECK(f.arch.spec.tech_files.size() == 2);
  CHECK(component(f, "t").params.blocks("readout")[0].integer("bits") == 6);

  // One that lists again a library its base lists, by another path, reads it once.
  const std::string again =
      dir.write("arch/again.yaml", "extends: more/derived.yaml\nname: again\ntech: [../arch/../tech/memories.yaml]\n");
  auto a = load(again);
  REQUIRE_MESSAGE(!a.errors.has_errors(), a.errors.to_string());
  CHECK(a.arch.spec.tech_files.size() == 2);
}

TEST_CASE("architecture: a later file's use: wins over what a base wrote for the block, key by key") {
  scratch_dir dir;
  dir.write("tech.yaml", "library: lab\nentries:\n"
                         "  fast:\n    kind: crossbar\n    read_voltage: 0.15 V  # [E]\n    read_pulse: 20 ns  # [E]\n"
                         "  slow:\n    kind: crossbar\n    read_pulse: 50 ns  # [E]\n");
  // The base writes the read and the size inline.
  dir.write("base.yaml", "tech: [tech.yaml]\ncomponents:\n  t:\n    type: cim_tile\n    readout: [{type: adc}]\n"
                         "    crossbar: {rows: 32, read_voltage: 0.2 V, read_pulse: 100 ns}\n");
  const auto xbar = [](const loaded& l) { return component(l, "t").params.block("crossbar"); };
  SUBCASE("a file's own use: yields to the keys it writes beside it") {
    const std::string same =
        dir.write("same.yaml", "tech: [tech.yaml]\ncomponents:\n  t:\n    type: cim_tile\n    readout: [{type: adc}]\n"
                               "    crossbar: {use: lab.fast, read_pulse: 30 ns}\n");
    auto l = load(same);
    REQUIRE_MESSAGE(!l.errors.has_errors(), l.errors.to_string());
    CHECK(xbar(l).quantity("read_pulse") == doctest::Approx(30e-9));
    CHECK(xbar(l).quantity("read_voltage") == doctest::Approx(0.15));
  }
  SUBCASE("a derived file's use: takes the entry's values over the base's; the base keeps the rest") {
    const std::string child =
        dir.write("child.yaml", "extends: base.yaml\ncomponents:\n  t:\n    crossbar: {use: lab.fast}\n");
    auto l = load(child);
    REQUIRE_MESSAGE(!l.errors.has_errors(), l.errors.to_string());
    CHECK(xbar(l).quantity("read_voltage") == doctest::Approx(0.15));
    CHECK(xbar(l).quantity("read_pulse") == doctest::Approx(20e-9));
    CHECK(xbar(l).integer("rows") == 32);  // the entry does not set it: the base's
    // A key the derived file writes beside its use: still wins over the entry.
    const std::string own = dir.write(
        "own.yaml", "extends: base.yaml\ncomponents:\n  t:\n    crossbar: {use: lab.fast, read_pulse: 30 ns}\n");
    auto o = load(own);
    REQUIRE_MESSAGE(!o.errors.has_errors(), o.errors.to_string());
    CHECK(xbar(o).quantity("read_pulse") == doctest::Approx(30e-9));
    CHECK(xbar(o).quantity("read_voltage") == doctest::Approx(0.15));
    // A --set wins over all of them; a --set of use: takes its entry over the files' keys.
    CHECK(xbar(load(child, {"components.t.crossbar.read_pulse=7 ns"})).quantity("read_pulse") ==
          doctest::Approx(7e-9));
    auto slow = load(dir.path("base.yaml"), {"components.t.crossbar.use=lab.slow"});
    REQUIRE_MESSAGE(!slow.errors.has_errors(), slow.errors.to_string());
    CHECK(xbar(slow).quantity("read_pulse") == doctest::Approx(50e-9));
    CHECK(xbar(slow).quantity("read_voltage") == doctest::Approx(0.2));  // slow leaves the base's voltage
    // A --set of a key wins over a --set of use:, in either order.
    for (const auto& flags : {std::vector<std::string>{"components.t.crossbar.read_pulse=7 ns",
                                                       "components.t.crossbar.use=lab.slow"},
                              std::vector<std::string>{"components.t.crossbar.use=lab.slow",
                                                       "components.t.crossbar.read_pulse=7 ns"}}) {
      auto both = load(dir.path("base.yaml"), flags);
      REQUIRE_MESSAGE(!both.errors.has_errors(), both.errors.to_string());
      CHECK(xbar(both).quantity("read_pulse") == doctest::Approx(7e-9));
    }
    // A file that names again the entry its base uses changes nothing: the keys the
    // base wrote beside it still win over the entry.
    dir.write("named.yaml", "tech: [tech.yaml]\ncomponents:\n  t:\n    type: cim_tile\n    readout: [{type: adc}]\n"
                            "    crossbar: {use: lab.fast, read_pulse: 30 ns}\n");
    const std::string same_again = dir.write(
        "same_again.yaml", "extends: named.yaml\ncomponents:\n  t:\n    crossbar: {use: lab.fast}\n");
    auto again = load(same_again);
    REQUIRE_MESSAGE(!again.errors.has_errors(), again.errors.to_string());
    CHECK(xbar(again).quantity("read_pulse") == doctest::Approx(30e-9));
    // A file further down that writes the key again wins over the entry above it.
    const std::string further =
        dir.write("further.yaml", "extends: child.yaml\ncomponents:\n  t:\n    crossbar: {read_pulse: 3 ns}\n");
    auto f = load(further);
    REQUIRE_MESSAGE(!f.errors.has_errors(), f.errors.to_string());
    CHECK(xbar(f).quantity("read_pulse") == doctest::Approx(3e-9));
    CHECK(xbar(f).quantity("read_voltage") == doctest::Approx(0.15));
  }
}

TEST_CASE("architecture: --set cannot change what a file extends") {
  scratch_dir dir;
  const std::string base = dir.write("base.yaml", "components: {d: {type: dram}}\n");
  const loaded l = load(base, {"extends=other.yaml"});
  CHECK(l.errors.has_errors());
  CHECK(contains(l.errors.to_string(),
                 "--set 'extends=other.yaml': error: 'extends' cannot be overridden (by --set or a sweep)"));
}

TEST_CASE("architecture: --set of one key twice is an error at the second, however its path is written") {
  scratch_dir dir;
  const std::string base = dir.write("base.yaml", "components: {d: {type: dram}}\n");
  const loaded twice = load(base, {"components.d.capacity=1 GiB", "components.d.capacity=2 GiB"});
  CHECK(contains(twice.errors.to_string(), "--set 'components.d.capacity=2 GiB': error: sets the same key as --set "
                                           "'components.d.capacity=1 GiB': give each key once"));
  // readout[1] and readout.1 are one path.
  const loaded spelt = load(base, {"a.b[1].c=1", "a.b.1.c=2"});
  CHECK(contains(spelt.errors.to_string(), "--set 'a.b.1.c=2': error: sets the same key as --set 'a.b[1].c=1'"));
  // readout[1] and readout.01 too.
  const loaded zeros = load(base, {"a.b[1].c=1", "a.b.01.c=2"});
  CHECK(contains(zeros.errors.to_string(), "--set 'a.b.01.c=2': error: sets the same key as --set 'a.b[1].c=1'"));
  // A key and one inside it are two keys: the second writes into the first's value.
  const loaded nested = load(base, {"components.d={type: dram}", "components.d.capacity=1 GiB"});
  CHECK_FALSE(contains(nested.errors.to_string(), "sets the same key"));
  CHECK_FALSE(contains(nested.errors.to_string(), "replaces the whole value"));
  // The other way round the key inside would be lost without a word.
  const loaded lost = load(base, {"components.d.capacity=1 GiB", "components.d={type: dram}"});
  CHECK(contains(lost.errors.to_string(), "--set 'components.d={type: dram}': error: replaces the whole value that "
                                          "--set 'components.d.capacity=1 GiB' set a key inside"));
}

TEST_CASE("architecture: extends cycles are found and located") {
  scratch_dir dir;
  SUBCASE("two files") {
    const std::string a = dir.write("a.yaml", "extends: b.yaml\ncomponents: {x: {type: sram}}\n");
    const std::string b = dir.write("b.yaml", "name: b\nextends: a.yaml\ncomponents: {y: {type: sram}}\n");
    auto l = load(a);
    REQUIRE(l.errors.size() == 1);
    const auto& d = l.errors.errors()[0];
    CHECK(fs::equivalent(d.where.file, b));
    CHECK(d.where.line == 2);
    CHECK(d.where.column == 10);
    CHECK(contains(d.message, "cycle"));
    CHECK(contains(d.message, "a.yaml"));
  }
  SUBCASE("a file extending itself") {
    const std::string a = dir.write("self.yaml", "extends: ./self.yaml\ncomponents: {x: {type: sram}}\n");
    auto l = load(a);
    REQUIRE(l.errors.size() == 1);
    check_error(l.errors, 0, a, 1, 10, "cycle");
  }
  SUBCASE("a missing base") {
    const std::string a = dir.write("orphan.yaml", "extends: nowhere.yaml\ncomponents: {x: {type: sram}}\n");
    auto l = load(a);
    REQUIRE(l.errors.size() == 1);
    check_error(l.errors, 0, a, 1, 10, "does not exist");
  }
  SUBCASE("a chain too deep") {
    for (int i = 0; i < 20; ++i)
      dir.write("chain" + std::to_string(i) + ".yaml",
                "extends: chain" + std::to_string(i + 1) + ".yaml\ncomponents: {x" + std::to_string(i) + ": {type: sram}}\n");
    dir.write("chain20.yaml", "components: {end: {type: sram}}\n");
    auto l = load(dir.write("chain_start.yaml", "extends: chain0.yaml\n"));
    REQUIRE(l.errors.size() == 1);
    CHECK(contains(l.errors.errors()[0].message, "deeper than"));
  }
}

// --- --set overrides -----------------------------------------------------

TEST_CASE("architecture: --set changes a value and the value remembers the flag") {
  scratch_dir dir;
  const std::string path = dir.write("small.yaml", small_system);
  const std::string flag = "components.tile.crossbar.rows=64";
  auto l = load(path, {flag});
  REQUIRE_MESSAGE(!l.errors.has_errors(), l.errors.to_string());
  const auto& rows = component(l, "tile").params.block("crossbar").at("rows");
  CHECK(rows.integer == 64);
  CHECK(rows.where.file == "--set '" + flag + "'");
  CHECK(rows.where.line == 0);
  CHECK(l.arch.spec.overrides == std::vector<std::string>{flag});
}

TEST_CASE("architecture: --set reaches list items by index, written [i] or .i") {
  scratch_dir dir;
  const std::string path = dir.write("small.yaml", small_system);
  auto l = load(path, {"components.tile.readout[0].bits=6", "components.tile.readout.1.units=2"});
  REQUIRE_MESSAGE(!l.errors.has_errors(), l.errors.to_string());
  const auto& readout = component(l, "tile").params.blocks("readout");
  CHECK(readout[0].integer("bits") == 6);
  CHECK(readout[1].integer("units") == 2);

  // A whole list as YAML.
  l = load(path, {"components.tile.readout=[{type: adc, bits: 4}]"});
  REQUIRE_MESSAGE(!l.errors.has_errors(), l.errors.to_string());
  REQUIRE(component(l, "tile").params.blocks("readout").size() == 1);
  CHECK(component(l, "tile").params.blocks("readout")[0].integer("bits") == 4);
}

TEST_CASE("architecture: --set errors are located at the flag") {
  scratch_dir dir;
  const std::string path = dir.write("small.yaml", small_system);
  auto at_flag = [](const diagnostics& errors, const std::string& flag, const std::string& text) {
    REQUIRE_MESSAGE(errors.size() == 1, errors.to_string());
    const auto& d = errors.errors()[0];
    CHECK(d.where.file == "--set '" + flag + "'");
    CHECK(d.where.line == 0);
    CHECK_MESSAGE(contains(d.message, text), d.message);
    CHECK(d.to_string() == "--set '" + flag + "': error: " + d.message);
  };
  SUBCASE("an invalid value") {
    const std::string flag = "components.tile.crossbar.rows=-1";
    at_flag(load(path, {flag}).errors, flag, "'rows' must be 1 .. 65536, got -1");
  }
  SUBCASE("a value without its unit") {
    const std::string flag = "components.dram.latency=90";
    at_flag(load(path, {flag}).errors, flag, "'90' needs a unit: a time");
  }
  SUBCASE("a count of zero") {
    const std::string flag = "components.tile.count=0";
    at_flag(load(path, {flag}).errors, flag, "'count' must be a whole number from 1 to 1000000");
  }
  SUBCASE("a misspelt key") {
    const std::string flag = "components.tile.arays=4";
    at_flag(load(path, {flag}).errors, flag, "unknown parameter 'arays' for cim_tile (did you mean 'arrays'?)");
  }
  SUBCASE("a path through a value") {
    const std::string flag = "components.tile.arrays.max=4";
    at_flag(load(path, {flag}).errors, flag, "cannot set 'components.tile.arrays.max': its parent is '8', not a map");
  }
  SUBCASE("a list index out of range") {
    const std::string flag = "components.tile.readout[2].bits=6";
    at_flag(load(path, {flag}).errors, flag, "'components.tile.readout.2': the list has 2 items");
  }
  SUBCASE("an empty readout chain") {
    const std::string flag = "components.tile.readout=[]";
    at_flag(load(path, {flag}).errors, flag, "'readout' needs at least one stage");
  }
  SUBCASE("a bus set to null is one error, at the flag, not one more at each component on it") {
    const std::string flag = "components.bus=null";
    at_flag(load(path, {flag}).errors, flag,
            "component 'bus' must be a map with 'type:' and parameters, got nothing (a derived file removes a "
            "component with 'bus: null'; a --set cannot)");
  }
  SUBCASE("a component the architecture does not have is not one a --set makes without its type") {
    const std::string flag = "components.cpu.clock=2 GHz";
    at_flag(load(path, {flag}).errors, flag,
            "component 'cpu' is not in this architecture, and a --set adds a component only with its 'type:'");
  }
  SUBCASE("a word where a list index belongs") {
    const std::string flag = "components.tile.readout.first.bits=6";
    at_flag(load(path, {flag}).errors, flag,
            "'components.tile.readout.first': 'first' is not a list index: a list takes an index of decimal digits, "
            "from 0 (this one has 2 items)");
  }
  SUBCASE("an index written with a sign or in hex is not one (not 'out of range' either)") {
    for (const std::string key : {"+0", "0x0", "-1"}) {
      const std::string flag = "components.tile.readout." + key + ".bits=6";
      CAPTURE(flag);
      at_flag(load(path, {flag}).errors, flag, "'" + key + "' is not a list index");
    }
  }
  SUBCASE("no '='") {
    at_flag(load(path, {"components.tile.arrays"}).errors, "components.tile.arrays", "expected 'path.to.key=value'");
  }
  SUBCASE("no value") {
    at_flag(load(path, {"components.tile.arrays="}).errors, "components.tile.arrays=", "missing value after '='");
  }
  SUBCASE("an empty key") {
    at_flag(load(path, {"components..arrays=4"}).errors, "components..arrays=4", "empty key in path");
  }
  SUBCASE("an unclosed index") {
    at_flag(load(path, {"components.tile.readout[0.bits=4"}).errors, "components.tile.readout[0.bits=4",
            "unclosed or empty '['");
  }
  SUBCASE("a value that is not YAML") {
    at_flag(load(path, {"components.tile.arrays=[1, 2"}).errors, "components.tile.arrays=[1, 2", "value: YAML syntax");
  }
}

TEST_CASE("architecture: parse_override on its own") {
  diagnostics errors;
  override_flag f;
  REQUIRE(parse_override("a.b[3].c=10 ns", f, errors));
  CHECK(f.path == std::vector<std::string>{"a", "b", "3", "c"});
  REQUIRE(f.value);
  CHECK(f.value->text == "10 ns");
  CHECK(f.value->where.file == "--set 'a.b[3].c=10 ns'");
  CHECK_FALSE(errors.has_errors());
}

// --- buses and address windows ----------------------------------------------

TEST_CASE("architecture: overlapping address windows name both windows") {
  scratch_dir dir;
  const std::string path = dir.write("a.yaml",
                                     "components:\n"                                             // 1
                                     "  bus: {type: bus}\n"                                      // 2
                                     "  one: {type: sram, capacity: 64 KiB, connect: {bus: bus, base: 0x10000}}\n"  // 3
                                     "  two: {type: sram, capacity: 64 KiB, connect: {bus: bus, base: 0x18000}}\n"); // 4
  auto l = load(path);
  REQUIRE(l.errors.size() == 1);
  check_error(l.errors, 0, path, 4, 48,
              "address window [0x18000, 0x28000) on bus 'bus' overlaps [0x10000, 0x20000) given at " + path + ":3:48");
}

TEST_CASE("architecture: a large window covering several small ones overlaps each of them") {
  scratch_dir dir;
  const std::string path = dir.write("a.yaml",
                                     "components:\n"
                                     "  bus: {type: bus}\n"
                                     "  big: {type: sram, capacity: 1 MiB, connect: {bus: bus, base: 0}}\n"
                                     "  a: {type: sram, capacity: 4 KiB, connect: {bus: bus, base: 0x1000}}\n"
                                     "  b: {type: sram, capacity: 4 KiB, connect: {bus: bus, base: 0x8000}}\n"
                                     "  c: {type: sram, capacity: 4 KiB, connect: {bus: bus, base: 0x100000}}\n");
  auto l = load(path);
  // a and b lie inside big; c starts where big ends, which is fine.
  REQUIRE_MESSAGE(l.errors.size() == 2, l.errors.to_string());
  check_error(l.errors, 0, path, 4, 45, "[0x1000, 0x2000) on bus 'bus' overlaps [0x0, 0x100000)");
  check_error(l.errors, 1, path, 5, 45, "[0x8000, 0x9000) on bus 'bus' overlaps [0x0, 0x100000)");
}

TEST_CASE("architecture: windows without a base pack above the given ones, 4 KiB aligned") {
  scratch_dir dir;
  const std::string path = dir.write("a.yaml",
                                     "components:\n"
                                     "  bus: {type: bus}\n"
                                     "  l1: {type: sram, count: 3, capacity: 6 KiB, connect: bus}\n"
                                     "  rom: {type: sram, capacity: 10 KiB, connect: {bus: bus, base: 0x8000_0000}}\n"
                                     "  l2: {type: sram, capacity: 1 KiB, connect: bus}\n"
                                     "  io: {type: sram, connect: {bus: bus, size: 100 b}}\n");
  auto l = load(path);
  REQUIRE_MESSAGE(!l.errors.has_errors(), l.errors.to_string());
  const auto& l1 = component(l, "l1").connections.at(0);
  const auto& rom = component(l, "rom").connections.at(0);
  const auto& l2 = component(l, "l2").connections.at(0);
  const auto& io = component(l, "io").connections.at(0);
  CHECK(rom.base == 0x80000000ull);
  CHECK(rom.size == 10 * 1024ull);
  CHECK(l1.size == 3 * 6 * 1024ull);
  CHECK(l1.base == 0x80000000ull + 12 * 1024);  // rom ends at +10 KiB; next 4 KiB boundary
  CHECK(l2.base == l1.base + 20 * 1024);          // l1 ends at +18 KiB
  CHECK(io.size == 13);                           // 100 bits round up to whole bytes
  CHECK(io.base == l2.base + 4096);
}

TEST_CASE("architecture: windows beyond the 64-bit address space are errors, not wrapped numbers") {
  scratch_dir dir;
  SUBCASE("a capacity too large") {
    const std::string path = dir.write("a.yaml",
                                       "components:\n  bus: {type: bus}\n"
                                       "  d: {type: dram, capacity: 1e30 GiB, connect: bus}\n");
    auto l = load(path);
    REQUIRE_MESSAGE(l.errors.size() == 1, l.errors.to_string());
    check_error(l.errors, 0, path, 3, 29, "does not fit the 64-bit address space");
  }
  SUBCASE("a size too large") {
    const std::string path = dir.write("a.yaml",
                                       "components:\n  bus: {type: bus}\n"
                                       "  s: {type: sram, connect: {bus: bus, size: 1e30 B}}\n");
    auto l = load(path);
    REQUIRE_MESSAGE(l.errors.size() == 1, l.errors.to_string());
    check_error(l.errors, 0, path, 3, 45, "does not fit the 64-bit address space");
  }
  SUBCASE("a base near the top") {
    const std::string path = dir.write("a.yaml",
                                       "components:\n  bus: {type: bus}\n"
                                       "  s: {type: sram, connect: {bus: bus, base: 0x7fff_ffff_ffff_ffff, size: 1 GiB}}\n"
                                       "  t: {type: sram, connect: {bus: bus, base: 0x10000, size: 1 GiB}}\n");
    auto l = load(path);
    REQUIRE_MESSAGE(!l.errors.has_errors(), l.errors.to_string());  // 2^63 + 1 GiB still fits
  }
  SUBCASE("too many windows to pack") {
    std::string text = "components:\n  bus: {type: bus}\n";
    for (int i = 0; i < 20; ++i)
      text += "  s" + std::to_string(i) + ": {type: sram, count: 1000000, capacity: 1 TiB, connect: bus}\n";
    auto l = load(dir.write("a.yaml", text));
    REQUIRE(l.errors.has_errors());
    for (const auto& d : l.errors.errors()) CHECK(contains(d.message, "the 64-bit address space is full"));
  }
}

TEST_CASE("architecture: connections name buses") {
  scratch_dir dir;
  const std::string path = dir.write("a.yaml",
                                     "components:\n"                          // 1
                                     "  bus: {type: bus}\n"                   // 2
                                     "  d: {type: dram, connect: bus}\n"      // 3
                                     "  s: {type: sram, connect: d}\n"        // 4
                                     "  t: {type: sram, connect: bsu}\n"      // 5
                                     "  u: {type: sram}\n"                    // 6
                                     "  v: {type: sram, connect: {bus: bus, bsae: 0}}\n");  // 7
  auto l = load(path);
  REQUIRE_MESSAGE(l.errors.size() == 4, l.errors.to_string());
  check_error(l.errors, 0, path, 7, 39, "unknown key 'bsae' in 'connect' (did you mean 'base'?)");
  check_error(l.errors, 1, path, 4, 28, "component 's' connects to 'd', a dram, not a bus");
  check_error(l.errors, 2, path, 5, 28, "component 't' connects to 'bsu', which is not a component (did you mean 'bus'?)");
  check_error(l.errors, 3, path, 6, 3, "component 'u' (sram) is not connected: add 'connect: bus'");
}

TEST_CASE("architecture: one mistake gives one error") {
  scratch_dir dir;
  SUBCASE("an invalid capacity does not also ask for a window size") {
    const std::string path = dir.write("a.yaml",
                                       "components:\n  bus: {type: bus}\n"
                                       "  d: {type: dram, capacity: -1 GiB, connect: bus}\n");
    auto l = load(path);
    REQUIRE_MESSAGE(l.errors.size() == 1, l.errors.to_string());
    check_error(l.errors, 0, path, 3, 29, "'capacity' must be > 0 B");
  }
  SUBCASE("an invalid base does not also say the component is unconnected") {
    const std::string path = dir.write("a.yaml",
                                       "components:\n  bus: {type: bus}\n"
                                       "  s: {type: sram, connect: {bus: bus, base: -4}}\n");
    auto l = load(path);
    REQUIRE_MESSAGE(l.errors.size() == 1, l.errors.to_string());
    check_error(l.errors, 0, path, 3, 45, "'base' must be an address");
  }
}

TEST_CASE("architecture: every mistake of a file is reported at once") {
  scratch_dir dir;
  const std::string path = dir.write("three.yaml",
                                     "name: three\n"                  // 1
                                     "components:\n"                  // 2
                                     "  dram:\n"                      // 3
                                     "    type: dram\n"               // 4
                                     "    bandwith: 12.8 GB/s\n"      // 5  unknown key
                                     "  buffer:\n"                    // 6
                                     "    type: sram\n"               // 7
                                     "    capacity: 64 kB/s\n"        // 8  wrong dimension
                                     "  tile:\n"                      // 9
                                     "    type: cim_tile\n"           // 10
                                     "    readout:\n"                 // 11
                                     "      - type: adc\n"            // 12
                                     "        bits: 0\n");            // 13 out of range
  auto l = load(path);
  REQUIRE_MESSAGE(l.errors.size() == 3, l.errors.to_string());
  check_error(l.errors, 0, path, 5, 5, "unknown parameter 'bandwith' for dram (did you mean 'bandwidth'?)");
  check_error(l.errors, 1, path, 8, 15, "'64 kB/s' is a bandwidth, expected a data size");
  check_error(l.errors, 2, path, 13, 15, "'bits' must be 1 .. 16, got 0");
}

TEST_CASE("architecture: tech: errors") {
  scratch_dir dir;
  const std::string path = dir.write("a.yaml",
                                     "tech: [no_such_library.yaml]\n"
                                     "components:\n  d: {type: dram, use: mem.big}\n");
  auto l = load(path);
  // The missing file alone: the entry it may have held is not also called missing.
  REQUIRE_MESSAGE(l.errors.size() == 1, l.errors.to_string());
  check_error(l.errors, 0, path, 1, 8, "technology library");
  CHECK(contains(l.errors.errors()[0].message, "does not exist"));
  CHECK_FALSE(contains(l.errors.errors()[0].message, "looked for"));  // a file's path is shown resolved already
  // A --set path is the working directory's: the error says where it looked.
  auto set = load(path, {"tech[0]=../not_here.yaml"});
  REQUIRE_MESSAGE(set.errors.size() == 1, set.errors.to_string());
  const std::string expected = (std::filesystem::current_path().parent_path() / "not_here.yaml").string();
  CHECK_MESSAGE(contains(set.errors.errors()[0].message, "(looked for " + expected + ": a --set path is relative to "
                                                         "the working directory)"),
                set.errors.to_string());
  // A use: naming a library no listed file holds, with every file read, is an error of its own.
  dir.write("mem.yaml", "library: mem\nentries:\n  big: {kind: dram, capacity: 8 GiB}\n");
  auto other = load(dir.write("b.yaml", "tech: [mem.yaml]\ncomponents:\n  d: {type: dram, use: memz.big}\n"));
  REQUIRE_MESSAGE(other.errors.size() == 1, other.errors.to_string());
  CHECK(contains(other.errors.errors()[0].message,
                 "no technology library 'memz' among those listed under tech: (mem)"));
}

// --- the shipped architectures ----------------------------------------------

TEST_CASE("architecture: the shipped Mott CIM design resolves with provenance") {
  // Only the structure is checked here; the figures belong to the configs.
  const std::string root = MOTTSIM_SOURCE_DIR;
  auto l = load(root + "/configs/arch/mott_cim.yaml");
  REQUIRE_MESSAGE(!l.errors.has_errors(), l.errors.to_string());
  const auto& spec = l.arch.spec;
  CHECK(spec.name == "mott_cim");
  REQUIRE(spec.files.size() == 2);
  CHECK(contains(spec.files[1], "cim_base.yaml"));
  const auto& tile = component(l, "tile");
  CHECK(tile.type == "cim_tile");
  CHECK(tile.count >= 1);
  const auto& readout = tile.params.blocks("readout");
  REQUIRE(readout.size() >= 2);
  CHECK(readout[0].type == "mott_neuron");
  CHECK(tile.params.block("accumulation").text("mode") == "analog");

  // A value the neuron takes from its library entry equals the entry's figure
  // and points at the library's line.
  REQUIRE_FALSE(readout[0].tech_entry.empty());
  const tech_entry* entry = l.arch.tech.find(readout[0].tech_entry);
  REQUIRE(entry);
  const yaml_map_entry* tc = entry->params->find_entry("transition_temperature");
  REQUIRE(tc);
  const auto figure = parse_quantity(tc->value->text, dimension::temperature);
  REQUIRE(figure.ok);
  CHECK(readout[0].quantity("transition_temperature") == doctest::Approx(figure.si).scale(0));
  const auto& where = readout[0].at("transition_temperature").where;
  CHECK(contains(where.file, "configs/tech/mott_neurons.yaml"));
  CHECK(where.line == tc->value->where.line);
  CHECK(where.column == tc->value->where.column);

  // A value the architecture file sets points at that file.
  CHECK(contains(tile.params.at("arrays").where.file, "configs/arch/mott_cim.yaml"));
  CHECK_FALSE(tile.params.at("arrays").from_default);

  // The DRAM and the tiles share the bus without overlapping.
  const auto& dram = component(l, "dram").connections.at(0);
  const auto& tiles = tile.connections.at(0);
  CHECK((dram.base + dram.size <= tiles.base || tiles.base + tiles.size <= dram.base));
}

TEST_CASE("a file's name needs a character other than white space: architectures and workloads (sweeps read it alike)") {
  // A report titled "lenet5_mnist on " came from name: "" in an architecture;
  // workloads refused '' but took '   ', and sweeps took both.
  scratch_dir dir;
  for (const std::string blank : {"\"\"", "\"   \"", "\"\\t\""}) {
    CAPTURE(blank);
    std::string text = small_system;
    text.replace(0, std::string("name: small").size(), "name: " + blank);
    const std::string path = dir.write("blank.yaml", text);
    const auto l = load(path);
    REQUIRE(l.errors.size() == 1);
    check_error(l.errors, 0, path, 1, 7, "'name' must be a single value with a character other than white space");

    diagnostics errors;
    const std::string workload =
        dir.write("w.yaml", "name: " + blank + "\ninput: {height: 1, width: 1, channels: 4}\n"
                            "layers:\n  - {name: fc, type: linear, out_features: 2}\n");
    mottsim::dsl::load_workload(workload, errors);
    REQUIRE_MESSAGE(errors.size() == 1, errors.to_string());
    check_error(errors, 0, workload, 1, 7, "'name' must be a single value with a character other than white space");
  }
  diagnostics errors;
  std::string name;
  auto root = load_yaml_string("name: lenet on adc\n", "s.yaml", errors);
  REQUIRE(root);
  CHECK(mottsim::dsl::read_document_name(*root->find("name"), name, errors));
  CHECK(name == "lenet on adc");
  CHECK(errors.size() == 0);
}

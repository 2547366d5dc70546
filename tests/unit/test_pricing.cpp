#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "dsl/architecture_loader.hpp"
#include "dsl/validator.hpp"
#include "dsl/yaml_tree.hpp"
#include "models/cacti_table.hpp"
#include "models/pricing.hpp"
#include "platform/elaboration/model_registry.hpp"
#include "test_support.hpp"

using namespace mottsim;
using models::energy_category;

namespace {

using mottsim::test_support::registry;

constexpr double pJ = 1e-12, fJ = 1e-15, ns = 1e-9, nm = 1e-9, mm2 = 1e-6, um2 = 1e-12, mW = 1e-3, uW = 1e-6, uS = 1e-6;
constexpr double KiB = 1024.0;

// A component of `type` from YAML text, validated by the real schemas.
dsl::block_value component(const std::string& type, const std::string& text) {
  dsl::diagnostics errors;
  dsl::block_value value = test_support::validated_block(type, text, errors);
  INFO(errors.to_string());
  REQUIRE_FALSE(errors.has_errors());
  return value;
}

dsl::architecture_spec shipped(const std::string& file) {
  dsl::diagnostics errors;
  auto load = dsl::load_architecture(std::string(MOTTSIM_SOURCE_DIR) + "/configs/arch/" + file, {}, registry(), errors);
  INFO(errors.to_string());
  REQUIRE_FALSE(errors.has_errors());
  return load.spec;
}

models::component_pricing price(const dsl::architecture_spec& arch, const std::string& name) {
  const dsl::component_spec* c = arch.find(name);
  REQUIRE(c != nullptr);
  return test_support::registry().price(c->type, c->params, arch.node_m);
}

// CACTI 7 tech_params/22nm.dat at 360 K, copied by hand: itrs-lstp against
// itrs-hp. Leakage Vdd (I_off + I_g_on); delay multiplier x Vdd / I_on; Vdd is
// 0.8 V for both, so dynamic energy is unchanged.
const double lstp_leakage_22 = (0.8 * (3.55e-10 + 4.51e-10)) / (0.8 * (4.256e-7 + 1.81e-9));  // 1.886e-3
const double lstp_delay_22 = (1.99 * 0.8 / 7.276e-4) / (1.45 * 0.8 / 2.6264e-3);              // 4.954

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
#define CHECK_CONTAINS(text, part) CHECK_MESSAGE(contains(text, part), "'" << (text) << "' lacks '" << (part) << "'")

const models::action_price& action(const models::component_pricing& p, const std::string& name) {
  auto it = p.actions.find(name);
  REQUIRE_MESSAGE(it != p.actions.end(), "no action " << name);
  return it->second;
}

}  // namespace

TEST_CASE("pricing: category names") {
  CHECK(std::string(models::category_name(energy_category::crossbar)) == "crossbar");
  CHECK(std::string(models::category_name(energy_category::input_drivers)) == "input_drivers");
  CHECK(std::string(models::category_name(energy_category::adc)) == "adc");
  CHECK(std::string(models::category_name(energy_category::neurons)) == "neurons");
  CHECK(std::string(models::category_name(energy_category::accumulation)) == "accumulation");
  CHECK(std::string(models::category_name(energy_category::buffers)) == "buffers");
  CHECK(std::string(models::category_name(energy_category::bus)) == "bus");
  CHECK(std::string(models::category_name(energy_category::dram)) == "dram");
  CHECK(std::string(models::category_name(energy_category::compute)) == "compute");
  CHECK(std::string(models::category_name(energy_category::leakage)) == "leakage");
}

TEST_CASE("cacti table reproduces its points") {
  struct point {
    double kib, node_nm, pj, t_ns, a_mm2, l_mw;
  };
  // REFERENCE.md, "SRAM, CACTI 7 runs", copied by hand.
  const point points[] = {
      {8, 45, 5.3, 0.29, 0.026, 8.8},    {32, 45, 14.9, 0.41, 0.095, 33},   {64, 45, 29.0, 0.50, 0.18, 60},
      {256, 45, 40.6, 1.03, 0.80, 239},  {1024, 45, 67.7, 1.87, 3.17, 955}, {8, 32, 2.9, 0.21, 0.013, 2.7},
      {32, 32, 8.5, 0.31, 0.048, 10},    {64, 32, 12.0, 0.44, 0.11, 18},    {256, 32, 19.1, 0.82, 0.44, 73},
      {1024, 32, 38.4, 1.38, 1.60, 289}, {8, 22, 1.5, 0.13, 0.006, 1.3},    {32, 22, 3.5, 0.24, 0.027, 4.8},
      {64, 22, 4.7, 0.34, 0.056, 9.6},   {256, 22, 9.9, 0.58, 0.21, 35},    {1024, 22, 18.4, 1.05, 0.81, 140},
  };
  for (const auto& p : points) {
    CAPTURE(p.kib);
    CAPTURE(p.node_nm);
    const auto c = models::cacti_sram_lookup(p.kib * KiB, p.node_nm * nm);
    CHECK(c.read_energy_j == doctest::Approx(p.pj * pJ).scale(0).epsilon(1e-12));
    CHECK(c.access_time_s == doctest::Approx(p.t_ns * ns).scale(0).epsilon(1e-12));
    CHECK(c.area_m2 == doctest::Approx(p.a_mm2 * mm2).scale(0).epsilon(1e-12));
    CHECK(c.leakage_w == doctest::Approx(p.l_mw * mW).scale(0).epsilon(1e-12));
  }
  CHECK(models::cacti_sram_lookup(256 * KiB, 22 * nm).source == "CACTI 7 table, 256 KiB at 22 nm");
}

TEST_CASE("cacti table interpolates log-log and monotonically") {
  // 128 KiB is the geometric middle of 64 and 256 KiB: the geometric mean of their values.
  const auto mid = models::cacti_sram_lookup(128 * KiB, 22 * nm);
  CHECK(mid.read_energy_j == doctest::Approx(std::sqrt(4.7 * 9.9) * pJ).scale(0));
  CHECK(mid.area_m2 == doctest::Approx(std::sqrt(0.056 * 0.21) * mm2).scale(0));
  CHECK(mid.leakage_w == doctest::Approx(std::sqrt(9.6 * 35) * mW).scale(0));
  CHECK(mid.access_time_s == doctest::Approx(std::sqrt(0.34 * 0.58) * ns).scale(0));
  CHECK(mid.source == "CACTI 7 table, 128 KiB at 22 nm (interpolated)");

  // Geometric middle of 22 and 32 nm.
  const auto between = models::cacti_sram_lookup(256 * KiB, std::sqrt(22.0 * 32.0) * nm);
  CHECK(between.read_energy_j == doctest::Approx(std::sqrt(9.9 * 19.1) * pJ).scale(0));
  CHECK(between.area_m2 == doctest::Approx(std::sqrt(0.21 * 0.44) * mm2).scale(0));
  CHECK_CONTAINS(between.source, "(interpolated)");

  // Beyond 1 MiB: the 256 KiB - 1 MiB line continued. 2 MiB is half a 4x step further.
  const auto big = models::cacti_sram_lookup(2048 * KiB, 22 * nm);
  CHECK(big.read_energy_j == doctest::Approx(18.4 * std::sqrt(18.4 / 9.9) * pJ).scale(0));
  CHECK(big.area_m2 == doctest::Approx(0.81 * std::sqrt(0.81 / 0.21) * mm2).scale(0));
  CHECK_CONTAINS(big.source, "extrapolated");
  // Below 8 KiB: the 8 - 32 KiB line continued; 4 KiB is half a 4x step below 8 KiB.
  const auto small = models::cacti_sram_lookup(4 * KiB, 45 * nm);
  CHECK(small.read_energy_j == doctest::Approx(5.3 / std::sqrt(14.9 / 5.3) * pJ).scale(0));

  for (double node : {7.0, 16.0, 22.0, 26.0, 28.0, 32.0, 40.0, 45.0, 65.0}) {
    CAPTURE(node);
    auto prev = models::cacti_sram_lookup(2 * KiB, node * nm);
    for (double kib = 2 * std::pow(2.0, 0.25); kib <= 8192; kib *= std::pow(2.0, 0.25)) {
      CAPTURE(kib);
      const auto c = models::cacti_sram_lookup(kib * KiB, node * nm);
      CHECK(c.read_energy_j >= prev.read_energy_j);
      CHECK(c.area_m2 >= prev.area_m2);
      CHECK(c.leakage_w >= prev.leakage_w);
      CHECK(c.access_time_s >= prev.access_time_s);
      prev = c;
    }
  }
}

TEST_CASE("cacti table scales beyond 22..45 nm by Stillmaker & Baas") {
  // Factors relative to 45 nm: energy 0.30 at 22, 0.18 at 16, 0.10 at 7; area 0.25, 0.19, 0.059.
  const auto at7 = models::cacti_sram_lookup(256 * KiB, 7 * nm);
  CHECK(at7.read_energy_j == doctest::Approx(9.9 * 0.10 / 0.30 * pJ).scale(0));
  CHECK(at7.leakage_w == doctest::Approx(35 * 0.10 / 0.30 * mW).scale(0));
  CHECK(at7.area_m2 == doctest::Approx(0.21 * 0.059 / 0.25 * mm2).scale(0));
  CHECK(at7.access_time_s == doctest::Approx(0.58 * ns).scale(0));
  CHECK_CONTAINS(at7.source, "CACTI 7 table, 256 KiB at 22 nm");
  CHECK_CONTAINS(at7.source, "scaled to 7 nm by Stillmaker & Baas");

  const auto at16 = models::cacti_sram_lookup(64 * KiB, 16 * nm);
  CHECK(at16.read_energy_j == doctest::Approx(4.7 * 0.18 / 0.30 * pJ).scale(0));
  CHECK(at16.area_m2 == doctest::Approx(0.056 * 0.19 / 0.25 * mm2).scale(0));

  CHECK(models::stillmaker_energy_factor(28 * nm) == doctest::Approx(0.51).scale(0));
  CHECK(models::stillmaker_area_factor(32 * nm) == doctest::Approx(0.46).scale(0));
  // 65 nm continues the 32 -> 45 nm line: factor (65/45)^(ln(1/0.65)/ln(45/32)).
  const double e65 = std::pow(65.0 / 45.0, std::log(1 / 0.65) / std::log(45.0 / 32.0));
  const auto at65 = models::cacti_sram_lookup(256 * KiB, 65 * nm);
  CHECK(at65.read_energy_j == doctest::Approx(40.6 * e65 * pJ).scale(0));
  CHECK(at65.read_energy_j > 40.6 * pJ);
}

TEST_CASE("pricing: sram from the CACTI table and from given values") {
  const double node = 22 * nm;
  SUBCASE("defaults: 64 KiB, 64-bit port") {
    const auto p = test_support::registry().price("sram", component("sram", "{}"), node);
    CHECK(action(p, "read_bytes").energy_j == doctest::Approx(4.7 * pJ / 8).scale(0));
    CHECK(action(p, "write_bytes").energy_j == doctest::Approx(4.7 * pJ / 8).scale(0));
    CHECK(action(p, "read_bytes").category == energy_category::buffers);
    CHECK(p.area_m2 == doctest::Approx(0.056 * mm2).scale(0));
    CHECK(p.leakage_w == doctest::Approx(9.6 * mW).scale(0));
    CHECK(p.figures.at("access_latency_s") == doctest::Approx(0.34 * ns).scale(0));
    CHECK_CONTAINS(action(p, "read_bytes").source, "CACTI 7 table, 64 KiB at 22 nm");
    CHECK_CONTAINS(p.area_source, "CACTI 7 table, 64 KiB at 22 nm");
  }
  SUBCASE("a 256-bit port reads 4x the 64-bit energy") {
    const auto p =
        test_support::registry().price("sram", component("sram", "capacity: 256 KiB\nport_width: 256 b\n"), node);
    CHECK(action(p, "read_bytes").energy_j * 32 == doctest::Approx(4 * 9.9 * pJ).scale(0));
    CHECK(action(p, "write_bytes").energy_j * 32 == doctest::Approx(4 * 9.9 * pJ).scale(0));
    CHECK(p.area_m2 == doctest::Approx(0.21 * mm2).scale(0));
    CHECK(p.leakage_w == doctest::Approx(35 * mW).scale(0));
    CHECK(p.figures.at("access_latency_s") == doctest::Approx(0.58 * ns).scale(0));
  }
  SUBCASE("ports multiply table area and leakage") {
    const auto p = test_support::registry().price("sram", component("sram", "capacity: 256 KiB\nports: 2\n"), node);
    CHECK(p.area_m2 == doctest::Approx(2 * 0.21 * mm2).scale(0));
    CHECK(p.leakage_w == doctest::Approx(2 * 35 * mW).scale(0));
    CHECK_CONTAINS(p.area_source, "2 ports");
    CHECK_CONTAINS(p.leakage_source, "2 ports");
  }
  SUBCASE("given values win and cite their location") {
    const auto p = test_support::registry().price(
        "sram",
        component("sram",
                  "capacity: 32 KiB\nport_width: 128 b\nread_energy: 8 pJ\nwrite_energy: 12 pJ\n"
                  "access_latency: 2 ns\nleakage: 1 mW\narea: 0.5 mm^2\n"),
        node);
    CHECK(action(p, "read_bytes").energy_j == doctest::Approx(8 * pJ / 16).scale(0));
    CHECK(action(p, "write_bytes").energy_j == doctest::Approx(12 * pJ / 16).scale(0));
    CHECK(p.figures.at("access_latency_s") == doctest::Approx(2 * ns).scale(0));
    CHECK(p.leakage_w == doctest::Approx(1 * mW).scale(0));
    CHECK(p.area_m2 == doctest::Approx(0.5 * mm2).scale(0));
    CHECK_CONTAINS(action(p, "read_bytes").source, "test.yaml:3:");
    CHECK_CONTAINS(action(p, "write_bytes").source, "test.yaml:4:");
    CHECK(p.leakage_source == "test.yaml:6:10");
    CHECK(p.area_source == "test.yaml:7:7");
  }
  SUBCASE("given values published at another node scale as logic does") {
    // Published at 45 nm, priced at 22 nm: Stillmaker & Baas energy 0.30, area
    // 0.25 (relative to 45 nm). The leakage comes from the model at 22 nm.
    const auto p = test_support::registry().price(
        "sram",
        component("sram",
                  "capacity: 32 KiB\nport_width: 128 b\nread_energy: 8 pJ\nwrite_energy: 12 pJ\n"
                  "area: 0.5 mm^2\nreference_node: 45 nm\n"),
        node);
    CHECK(action(p, "read_bytes").energy_j == doctest::Approx(8 * pJ * 0.30 / 16).scale(0));
    CHECK(action(p, "write_bytes").energy_j == doctest::Approx(12 * pJ * 0.30 / 16).scale(0));
    CHECK(p.area_m2 == doctest::Approx(0.5 * mm2 * 0.25).scale(0));
    CHECK(p.leakage_w == doctest::Approx(test_support::registry()
                                             .price("sram", component("sram", "capacity: 32 KiB\nport_width: 128 b\n"),
                                                    node)
                                             .leakage_w)
                             .scale(0));
    CHECK_CONTAINS(action(p, "read_bytes").source, "read_energy 8 pJ (test.yaml:3:");
    CHECK_CONTAINS(action(p, "read_bytes").source, "Stillmaker & Baas energy, 45 nm -> 22 nm");
    CHECK_CONTAINS(p.area_source, "Stillmaker & Baas area, 45 nm -> 22 nm");
  }
  SUBCASE("reference_node on a memory that gives nothing to scale, or a leakage, is a located error") {
    dsl::diagnostics errors;
    test_support::validated_block("sram", "reference_node: 45 nm\n", errors);
    CHECK_CONTAINS(errors.to_string(), "test.yaml:1:17: error: sram: reference_node scales the figures given");
    dsl::diagnostics leaky;
    test_support::validated_block("sram", "area: 1 mm^2\nleakage: 1 mW\nreference_node: 45 nm\n", leaky);
    CHECK_CONTAINS(leaky.to_string(), "test.yaml:2:10: error: sram: a given leakage cannot be scaled");
  }
  SUBCASE("write energy defaults to the given read energy") {
    const auto p = test_support::registry().price("sram", component("sram", "read_energy: 6 pJ\n"), node);
    CHECK(action(p, "write_bytes").energy_j == doctest::Approx(6 * pJ / 8).scale(0));
  }
}

TEST_CASE("pricing: a width or burst below one bit is a located error, not an infinite count") {
  for (const auto& [type, text] : std::vector<std::pair<std::string, std::string>>{
           {"dram", "burst: 4.9e-324 B\n"}, {"sram", "port_width: 0.1 b\n"}, {"bus", "width: 1e-300 B\n"}}) {
    dsl::diagnostics errors;
    test_support::validated_block(type, text, errors);
    CHECK_CONTAINS(errors.to_string(), "must be >= 1 b");
  }
  dsl::diagnostics fine;
  test_support::validated_block("dram", "burst: 1 b\n", fine);
  CHECK_FALSE(fine.has_errors());
}

TEST_CASE("pricing: dram, bus, controller and processor from the shipped architectures") {
  const auto arch = shipped("adc_cim.yaml");
  CHECK(arch.node_m == doctest::Approx(22 * nm).scale(0));

  const auto dram = price(arch, "dram");
  CHECK(action(dram, "read_bytes").energy_j == doctest::Approx(8 * 8 * pJ).scale(0));  // LPDDR4 8 pJ/bit
  CHECK(action(dram, "write_bytes").energy_j == doctest::Approx(8 * 8 * pJ).scale(0));
  CHECK(action(dram, "read_bytes").category == energy_category::dram);
  CHECK_CONTAINS(action(dram, "read_bytes").source, "memories.yaml:15:");
  CHECK(dram.leakage_w == doctest::Approx(20 * mW).scale(0));
  CHECK_CONTAINS(dram.leakage_source, "memories.yaml:16:");
  CHECK(dram.area_m2 == 0.0);
  CHECK(dram.area_source == "off-chip: not counted in chip area");

  // ISAAC's figures are 32 nm ones; at 22 nm they scale by Stillmaker & Baas:
  // energy 0.30 / 0.65, area 0.25 / 0.46 (both relative to 45 nm).
  const double energy_32_to_22 = 0.30 / 0.65, area_32_to_22 = 0.25 / 0.46;

  // The CIM chips' network: ISAAC's c-mesh, 12 routers of 0.151 mm^2, 4 x 3
  // routers joined by 2 x (3 x 3 + 4 x 2) = 34 directed links of no area of
  // their own, 0.081 pJ a bit at every router crossed, all at 32 nm.
  const auto noc = price(arch, "noc");
  CHECK(action(noc, "hop_bytes").energy_j == doctest::Approx(8 * 0.081 * pJ * energy_32_to_22).scale(0));
  CHECK_CONTAINS(action(noc, "hop_bytes").source, "Stillmaker & Baas energy, 32 nm -> 22 nm");
  CHECK(noc.area_m2 == doctest::Approx(12 * 0.151 * mm2 * area_32_to_22).scale(0));
  CHECK_CONTAINS(noc.area_source, "12 x router_area");
  CHECK_CONTAINS(noc.area_source, "Stillmaker & Baas area, 32 nm -> 22 nm");
  CHECK(noc.leakage_w == 0.0);

  // An H-tree of 4 leaves characterized at 45 nm, in a 22 nm chip: 4 + 2 = 6
  // branches and 7 switches (leaves, inner and root), each scaled like logic.
  const auto htree = test_support::registry().price(
      "htree",
      component("htree", "leaves: 4\nenergy_per_bit: 0.1 pJ\nswitch_area: 0.01 mm^2\nbranch_area: 0.002 mm^2\n"
                         "reference_node: 45 nm\n"),
      22 * nm);
  CHECK(action(htree, "hop_bytes").energy_j == doctest::Approx(8 * 0.1 * pJ * 0.30).scale(0));
  CHECK(htree.area_m2 == doctest::Approx((7 * 0.01 + 6 * 0.002) * mm2 * 0.25).scale(0));

  // The shared bus, as the systolic baseline has it: ISAAC's, at 32 nm.
  const auto bus = price(shipped("systolic_baseline.yaml"), "bus");
  CHECK(action(bus, "transfer_bytes").energy_j == doctest::Approx(8 * 0.054 * pJ * energy_32_to_22).scale(0));
  CHECK(action(bus, "transfer_bytes").category == energy_category::bus);
  CHECK_CONTAINS(action(bus, "transfer_bytes").source, "interconnect.yaml:13:");
  CHECK_CONTAINS(action(bus, "transfer_bytes").source, "32 nm -> 22 nm");
  // ISAAC's 7 mW is the bus's power in use, already charged per bit: no static share.
  CHECK(bus.leakage_w == 0.0);
  CHECK_CONTAINS(bus.leakage_source, "interconnect.yaml:16:");
  CHECK(bus.area_m2 == doctest::Approx(0.090 * mm2 * area_32_to_22).scale(0));
  CHECK_CONTAINS(bus.area_source, "interconnect.yaml:14:");

  const auto controller = price(arch, "controller");
  CHECK(action(controller, "command").energy_j == doctest::Approx(6.3 * pJ).scale(0));
  CHECK(action(controller, "vector_op").energy_j == doctest::Approx(0.009 * pJ).scale(0));
  CHECK(action(controller, "command").category == energy_category::compute);
  CHECK_CONTAINS(action(controller, "command").source, "digital.yaml:14:");
  CHECK(controller.leakage_w == doctest::Approx(1 * mW).scale(0));
  CHECK(controller.area_m2 == doctest::Approx(0.05 * mm2).scale(0));

  // The global buffer's slices: 48 banks of ISAAC's 64 KB eDRAM (0.083 mm^2
  // each at 32 nm, its table), 4 a router. A 256-bit port at 22 nm: 4 x 4.7 pJ
  // per 32-byte access; its static power is the eDRAM's, refresh included.
  const auto global_buffer = price(arch, "global_buffer");
  CHECK(arch.find("global_buffer")->count == 48);
  CHECK(action(global_buffer, "read_bytes").energy_j == doctest::Approx(4 * 4.7 * pJ / 32).scale(0));
  CHECK(global_buffer.area_m2 == doctest::Approx(0.083 * mm2 * area_32_to_22).scale(0));
  CHECK_CONTAINS(global_buffer.area_source, "area 0.083 mm^2");
  CHECK_CONTAINS(global_buffer.area_source, "Stillmaker & Baas area, 32 nm -> 22 nm");
  CHECK_CONTAINS(global_buffer.leakage_source, "eDRAM: CACTI 7 table, 64 KiB at 22 nm");
  CHECK_CONTAINS(global_buffer.leakage_source, "refresh");
  CHECK_CONTAINS(action(global_buffer, "read_bytes").source, "CACTI 7 table, 64 KiB at 22 nm");

  const auto cpu_arch = shipped("cpu_baseline.yaml");
  const auto cpu = price(cpu_arch, "cpu");
  CHECK(action(cpu, "instruction").energy_j == doctest::Approx(300 * pJ).scale(0));
  CHECK(action(cpu, "int8_mac").energy_j == doctest::Approx(0.09 * pJ).scale(0));
  CHECK(action(cpu, "fp32_mac").energy_j == doctest::Approx(1.38 * pJ).scale(0));
  CHECK_CONTAINS(action(cpu, "fp32_mac").source, "digital.yaml:35:");
  // Static power: the cores' leakage, the uncore, the rest of the SoC and the board.
  CHECK(cpu.leakage_w == doctest::Approx((300 + 70 + 945 + 420) * mW).scale(0));
  CHECK_CONTAINS(cpu.leakage_source, "soc_power 945 mW (");
  CHECK(cpu.area_m2 == doctest::Approx(8 * mm2).scale(0));
  // The mobile core is priced per instruction: no per-cycle term.
  CHECK(action(cpu, "core_cycle").energy_j == 0.0);

  // The Haswell-EP server core is priced per working core-cycle: (241 - 84) W at the wall
  // x 0.92 / (12 cores x 3.0 GHz) = 4.01 nJ, 4.0 in digital.yaml; its instructions are
  // within that, and its idle cores are power-gated, so its static power is the uncore's.
  const auto server = price(shipped("../validation/haswell/arch.yaml"), "cpu");
  CHECK(action(server, "core_cycle").energy_j == doctest::Approx(4000 * pJ).scale(0));
  CHECK(action(server, "core_cycle").category == energy_category::compute);
  CHECK_CONTAINS(action(server, "core_cycle").source, "digital.yaml:54:");
  CHECK(action(server, "instruction").energy_j == 0.0);
  CHECK(action(server, "int8_mac").energy_j == doctest::Approx(0.09 * pJ).scale(0));
  CHECK(server.leakage_w == doctest::Approx(15.0).scale(0));
  CHECK_CONTAINS(server.leakage_source, "uncore_power 15 W (");
  // 32 KiB with a 128-bit port: 2 x 3.5 pJ per 16-byte access.
  const auto l1 = price(cpu_arch, "l1");
  CHECK(action(l1, "read_bytes").energy_j == doctest::Approx(2 * 3.5 * pJ / 16).scale(0));
  const auto l2 = price(cpu_arch, "l2");
  CHECK(action(l2, "read_bytes").energy_j == doctest::Approx(4 * 18.4 * pJ / 32).scale(0));

  // The systolic baseline: its array's actions, and scratchpads from the CACTI table.
  const auto sys_arch = shipped("systolic_baseline.yaml");
  const auto array = price(sys_arch, "array");
  CHECK(action(array, "mac").energy_j == doctest::Approx(0.09 * pJ).scale(0));
  CHECK(action(array, "mac").category == energy_category::compute);
  CHECK_CONTAINS(action(array, "mac").source, "digital.yaml:");
  CHECK(action(array, "weight_load").energy_j == doctest::Approx(0.03 * pJ).scale(0));
  CHECK(action(array, "vector_op").energy_j == doctest::Approx(0.009 * pJ).scale(0));
  // 64 x 64 PEs of 797 um^2 and 4.88 uW each.
  CHECK(array.area_m2 == doctest::Approx(4096 * 797 * um2).scale(0));
  CHECK(array.leakage_w == doctest::Approx(4096 * 4.88 * uW).scale(0));
  CHECK_CONTAINS(array.area_source, "64 x 64 PEs");
  // 1 MiB with a 512-bit port: 8 x 18.4 pJ per 64-byte access.
  CHECK(action(price(sys_arch, "buffer"), "read_bytes").energy_j == doctest::Approx(8 * 18.4 * pJ / 64).scale(0));
  // 256 KiB, 2048-bit port, two ports: 32 x 9.9 pJ per 256-byte access; area and leakage x 2.
  const auto accumulators = price(sys_arch, "accumulators");
  CHECK(action(accumulators, "write_bytes").energy_j == doctest::Approx(32 * 9.9 * pJ / 256).scale(0));
  CHECK(accumulators.area_m2 == doctest::Approx(2 * 0.21 * mm2).scale(0));
  CHECK(accumulators.leakage_w == doctest::Approx(2 * 35 * mW).scale(0));
}

TEST_CASE("sram: a bank too small for one access of its port is refused at the capacity") {
  const auto error = [](const std::string& body) {
    dsl::diagnostics errors;
    test_support::validated_block("sram", body, errors);
    return errors.to_string();
  };
  CHECK(error("capacity: 64 B\nport_width: 512 b\n").empty());  // exactly one access
  CHECK(contains(error("capacity: 63 B\nport_width: 512 b\n"),
                 "sram: each of the 1 bank(s) holds 63 B, less than one access of port_width 64 B"));
  CHECK(contains(error("capacity: 1 KiB\nbanks: 32\nport_width: 64 B\n"), "each of the 32 bank(s) holds 32 B"));
}

TEST_CASE("pricing: a systolic array's and a processor's area and static power follow their size") {
  const double node = 22 * nm;
  // Without a reference node the per-PE figures are the architecture's node's: no scaling.
  const auto array = [&](const std::string& extra) {
    return test_support::registry().price(
        "systolic_array", component("systolic_array", "area_per_pe: 500 um^2\nleakage_per_pe: 2 uW\n" + extra), node);
  };
  const auto small = array("rows: 8\ncolumns: 16\n");
  const auto large = array("rows: 32\ncolumns: 64\n");
  CHECK(small.area_m2 == doctest::Approx(128 * 500 * um2).scale(0));
  CHECK(small.leakage_w == doctest::Approx(128 * 2 * uW).scale(0));
  CHECK(large.area_m2 == doctest::Approx(16 * small.area_m2).scale(0));
  CHECK(large.leakage_w == doctest::Approx(16 * small.leakage_w).scale(0));
  // A whole figure a source gives is used as given, whatever the size.
  const auto whole = array("rows: 32\ncolumns: 64\narea: 2 mm^2\nleakage: 7 mW\n");
  CHECK(whole.area_m2 == doctest::Approx(2 * mm2).scale(0));
  CHECK(whole.leakage_w == doctest::Approx(7 * mW).scale(0));
  CHECK_CONTAINS(whole.area_source, "given for the whole");
  // ... and the per-PE figures given beside it are said to go unused.
  REQUIRE(whole.notes.size() == 2);
  CHECK_CONTAINS(whole.notes[0], "area is given for the whole (test.yaml:");
  CHECK_CONTAINS(whole.notes[0], "so area_per_pe (test.yaml:1:");
  CHECK(small.notes.empty());
  // Cores: 6 x 1.5 mm^2 and 6 x 40 mW, and the uncore's static power beside them.
  const auto cpu = test_support::registry().price(
      "processor",
      component("processor", "cores: 6\narea_per_core: 1.5 mm^2\nleakage_per_core: 40 mW\nuncore_power: 0.1 W\n"),
      node);
  CHECK(cpu.area_m2 == doctest::Approx(9 * mm2).scale(0));
  CHECK(cpu.leakage_w == doctest::Approx(0.24 + 0.1).scale(0));
  CHECK_CONTAINS(cpu.leakage_source, "6 cores");
}

TEST_CASE("pricing: ISAAC-style tile of adc_cim") {
  const auto arch = shipped("adc_cim.yaml");
  const auto tile = price(arch, "tile");

  // ISAAC's published point (8 bits, 1.28 GHz) is the tile's: its energy as published.
  CHECK(action(tile, "adc_conversion").energy_j == doctest::Approx(1.67 * pJ).scale(0));
  CHECK(action(tile, "adc_conversion").category == energy_category::adc);
  CHECK_CONTAINS(action(tile, "adc_conversion").source, "converters.yaml:16:");
  CHECK_CONTAINS(action(tile, "adc_conversion").source, "published at 8 bits at 1.28 GHz");
  CHECK(action(tile, "cell_read").energy_j == doctest::Approx(1.83 * fJ).scale(0));  // given by the cell entry
  CHECK(action(tile, "cell_read").category == energy_category::crossbar);
  CHECK_CONTAINS(action(tile, "cell_read").source, "synapses.yaml:54:");
  // The entry's conductances are its read energy's own: V_read^2 x G_mean x t_read at
  // adc_cim's read, from the values the architecture resolved, is its 1.83 fJ.
  const auto& xbar = arch.find("tile")->params.block("crossbar");
  const auto& synapse = xbar.block("cell");
  const double v = xbar.quantity("read_voltage"), t = xbar.quantity("read_pulse");
  CHECK(v * v * (synapse.quantity("g_min") + synapse.quantity("g_max")) / 2 * t ==
        doctest::Approx(synapse.quantity("read_energy")).epsilon(1e-3).scale(0));
  CHECK(tile.notes.empty());
  // ISAAC's DAC power, 3.9 uW, over adc_cim's 100 ns read.
  CHECK(action(tile, "input_drive").energy_j == doctest::Approx(3.9e-6 * 100 * ns).scale(0));
  CHECK(action(tile, "input_drive").category == energy_category::input_drivers);
  CHECK_CONTAINS(action(tile, "input_drive").source, "converters.yaml:71:");
  // ISAAC's shift-and-add is characterized at 32 nm: Stillmaker & Baas energy 0.30 (22 nm) / 0.65 (32 nm).
  CHECK(action(tile, "shift_add").energy_j == doctest::Approx(0.02 * pJ * 0.30 / 0.65).scale(0));
  CHECK_CONTAINS(action(tile, "shift_add").source, "32 nm -> 22 nm");
  CHECK(action(tile, "activation").energy_j == doctest::Approx(0.009 * pJ).scale(0));
  CHECK(action(tile, "partial_sum_add").energy_j == doctest::Approx(0.03 * pJ).scale(0));
  CHECK(action(tile, "shift_add").category == energy_category::accumulation);
  CHECK(action(tile, "cell_write").energy_j == doctest::Approx(10 * pJ).scale(0));
  CHECK(tile.actions.count("neuron_activation") == 0);
  // 8 KiB buffer, everything from CACTI (8 KB, 22 nm: 1.5 pJ per 64 bit) x 256/64 per 32 B.
  CHECK(action(tile, "buffer_read_bytes").energy_j == doctest::Approx(4 * 1.5 * pJ / 32).scale(0));
  CHECK(action(tile, "buffer_write_bytes").energy_j == doctest::Approx(4 * 1.5 * pJ / 32).scale(0));
  CHECK(action(tile, "buffer_read_bytes").category == energy_category::buffers);

  CHECK(tile.figures.at("adcs_per_array") == 1);
  CHECK(tile.figures.at("neurons_per_array") == 0);
  CHECK(tile.figures.at("buffer_access_latency_s") == doctest::Approx(0.13 * ns * lstp_delay_22).scale(0));
  const double cell = 1.46 * 22 * nm * 22 * nm;
  CHECK(tile.figures.at("cell_area_m2") == doctest::Approx(cell).scale(0));

  // Hand breakdown: 8 arrays x (128x128 cells + 128 drivers x 0.17 um^2 + one 1200 um^2 ADC)
  // + per tile 4 shift-and-add x 60 um^2 (at 32 nm: x 0.25/0.46 to 22 nm) + 8 ReLU x 10 um^2
  // + 100 um^2 adder tree + the 8 KiB buffer.
  const double per_array = 128 * 128 * cell + 128 * 0.17 * um2 + 1200 * um2;
  CHECK(tile.area_m2 == doctest::Approx(8 * per_array + 4 * 60 * um2 * 0.25 / 0.46 + 8 * 10 * um2 + 100 * um2 +
                                        0.006 * mm2)
                            .scale(0));
  // Only the buffer leaks (CACTI, 8 KB at 22 nm: 1.3 mW with itrs-hp devices, lstp here).
  CHECK(tile.leakage_w == doctest::Approx(1.3 * mW * lstp_leakage_22).scale(0));
  CHECK_CONTAINS(tile.area_source, "cells ");
  CHECK_CONTAINS(tile.area_source, "ADCs ");
  CHECK_CONTAINS(tile.area_source, "buffer 0.006 mm^2 (");
  CHECK_CONTAINS(tile.area_source, "CACTI 7 table, 8 KiB at 22 nm");
  CHECK_CONTAINS(tile.leakage_source, "CACTI 7 table, 8 KiB at 22 nm");
}

TEST_CASE("pricing: Mott tile of mott_cim with pulse-width inputs") {
  const auto arch = shipped("mott_cim.yaml");
  const auto tile = price(arch, "tile");
  const double pulses = (std::pow(2.0, 8) - 1) / 2;  // 127.5
  // CBRAM 1..100 uS, 0.2 V, 10 ns unit pulse: 20.2 fJ per unit pulse.
  CHECK(action(tile, "cell_read").energy_j == doctest::Approx(2.02 * fJ * pulses).scale(0));
  CHECK_CONTAINS(action(tile, "cell_read").source, "unit pulses");
  CHECK_CONTAINS(action(tile, "cell_read").source, "synapses.yaml:95:");
  // Pulse-width driver on a 256-column line of 4 F^2 cells (pitch 2 x 22 nm = 0.044 um):
  // C = 256 x 0.2 fF/um x 0.044 um = 2.2528 fF, x (0.2 V)^2 = 0.0901 fJ; its counter
  // 6.2 fJ per level x 127.5 levels = 790.5 fJ.
  CHECK(action(tile, "input_drive").energy_j == doctest::Approx(2.2528e-15 * 0.04 + 6.2 * fJ * pulses).scale(0));
  CHECK(tile.figures.at("word_line_capacitance_f") == doctest::Approx(2.2528e-15).scale(0));
  CHECK_CONTAINS(action(tile, "input_drive").source, "word-line load");
  // The thermal neuron's parts are derived from its device model (test_neuron_energy.cpp).
  CHECK(tile.actions.count("neuron_activation") == 0);
  CHECK(action(tile, "neuron_heater").category == energy_category::neurons);
  CHECK(action(tile, "adc_conversion").energy_j == doctest::Approx(0.79 * pJ).scale(0));
  CHECK(action(tile, "partial_sum_add").energy_j == 0.0);
  CHECK(tile.actions.count("shift_add") == 0);
  CHECK(tile.actions.count("activation") == 0);
  CHECK(tile.figures.at("adcs_per_array") == 16);
  CHECK(tile.figures.at("neurons_per_array") == 256);

  // 32 arrays x (256x256 cells of 4 F^2 + 256 drivers + 256 neurons + 16 ADCs) + eDRAM,
  // ISAAC's 0.083 mm^2 at 32 nm scaled to 22 nm by Stillmaker & Baas (0.25 / 0.46).
  // Each neuron has its gain stage (100 um^2).
  const double per_array =
      256 * 256 * 4 * 22 * nm * 22 * nm + 256 * 0.68 * um2 + 256 * (1 + 100) * um2 + 16 * 361 * um2;
  CHECK(tile.area_m2 == doctest::Approx(32 * per_array + 0 + 0.083 * mm2 * 0.25 / 0.46).scale(0));
  CHECK_CONTAINS(tile.area_source, "Mott neurons ");
}

TEST_CASE("pricing: tile formulas from defaults and inline values") {
  const double node = 22 * nm;
  SUBCASE("defaults: survey SAR ADC, C V^2 driver and V^2 G t cell read") {
    const auto p = test_support::registry().price("cim_tile", component("cim_tile", "readout:\n  - type: adc\n"), node);
    // Class sar: 41 fJ per step at 1 GHz; both 1 GHz and the default 1.28 GHz are above the
    // 174 MHz corner, so FoM(1.28 GHz) = 41 fJ x 1.28^1.48764 = 59.19 fJ, x 2^8 = 15.15 pJ.
    CHECK(action(p, "adc_conversion").energy_j == doctest::Approx(41 * fJ * std::pow(1.28, 1.48764) * 256).epsilon(1e-4).scale(0));
    CHECK_CONTAINS(action(p, "adc_conversion").source, "class sar");
    CHECK(action(p, "cell_read").energy_j == doctest::Approx(20.2 * fJ).scale(0));  // (0.2 V)^2 x 50.5 uS x 10 ns
    CHECK(0.2 * 0.2 * 50.5 * uS * 10 * ns == doctest::Approx(20.2 * fJ).scale(0));
    CHECK_CONTAINS(action(p, "cell_read").source, "default of crossbar.read_voltage");
    CHECK_CONTAINS(action(p, "cell_read").source, "default of synapse_cell.g_max");
    // 128 columns x 0.2 fF/um x 0.044 um = 1.1264 fF, x (0.2 V)^2.
    CHECK(action(p, "input_drive").energy_j == doctest::Approx(1.1264e-15 * 0.04).scale(0));
    CHECK(p.figures.at("adcs_per_array") == 1);
    // The default buffer is a 64 KiB SRAM from the CACTI table.
    CHECK(action(p, "buffer_read_bytes").energy_j == doctest::Approx(4.7 * pJ / 8).scale(0));
    CHECK(p.figures.at("buffer_access_latency_s") == doctest::Approx(0.34 * ns).scale(0));
  }
  SUBCASE("inline values cite their line; DACs scale drivers by 2^(b-1)") {
    const auto p = test_support::registry().price("cim_tile",
                                           component("cim_tile",
                                                     "arrays: 2\n"
                                                     "crossbar: {rows: 64, columns: 32, area_overhead: 50 um^2}\n"
                                                     "input: {mode: dac, dac_bits: 4, area: 1 um^2, leakage: 1 uW}\n"
                                                     "readout:\n"
                                                     "  - type: adc\n"
                                                     "    energy_model: walden\n"
                                                     "    walden_fom: 20 fJ\n"
                                                     "    bits: 6\n"
                                                     "    columns_per_adc: 10\n"
                                                     "    leakage: 2 mW\n"
                                                     "buffer: {capacity: 8 KiB, area: 0.01 mm^2, leakage: 1 mW}\n"),
                                           node);
    CHECK(action(p, "adc_conversion").energy_j == doctest::Approx(20 * fJ * 64).scale(0));
    CHECK_CONTAINS(action(p, "adc_conversion").source, "test.yaml:7:");
    // 4-bit DAC on 32 columns: C = 32 x 0.2 fF/um x 0.044 um = 0.2816 fF, x (0.2 V)^2 x the mean
    // (k/15)^2 of a uniform level, (2 x 15 + 1) / (6 x 15) = 31/90.
    CHECK(action(p, "input_drive").energy_j == doctest::Approx(0.2816e-15 * 0.04 * 31.0 / 90.0).scale(0));
    CHECK(p.figures.at("adcs_per_array") == 4);  // ceil(32 / 10)
    // No area given: the survey fit at 6 bits, 1.28 GHz, 22 nm, 1.28 pJ:
    // exp(4.850567 + 0.0666585 ln 1.28e9 + 0.797324 ln 22 - 0.134373 x 6 + 0.423657 ln 1.28) um^2.
    const double adc_area = std::exp(4.850567 + 0.0666585 * std::log(1.28e9) + 0.797324 * std::log(22.0) -
                                     0.134373 * 6 + 0.423657 * std::log(1.28)) * um2;
    const double per_array = 64 * 32 * 4 * node * node + 50 * um2 + 64 * 1 * um2 * 8 + 4 * adc_area;
    CHECK(p.area_m2 == doctest::Approx(2 * per_array + 100 * um2 + 0.01 * mm2).epsilon(1e-5).scale(0));
    CHECK(p.leakage_w == doctest::Approx(2 * (64 * 1e-6 * 8 + 4 * 2 * mW) + 1 * mW).scale(0));
  }
  SUBCASE("given cell read energy with pulse-width inputs") {
    const auto p = test_support::registry().price(
        "cim_tile",
        component("cim_tile",
                  "crossbar: {cell: {read_energy: 2 fJ}}\ninput: {mode: pulse_width, dac_bits: 4}\n"
                  "readout: [{type: mott_neuron, model: ideal, energy_per_activation: 1 pJ}, {type: adc}]\naccumulation: {mode: analog}\n"),
        node);
    CHECK(action(p, "cell_read").energy_j == doctest::Approx(2 * fJ * 7.5).scale(0));
    // One pulse charges the 128-column line once, whatever its width: 1.1264 fF x (0.2 V)^2.
    CHECK(action(p, "input_drive").energy_j == doctest::Approx(1.1264e-15 * 0.04).scale(0));
    CHECK(p.figures.at("neurons_per_array") == 128);
  }
  SUBCASE("a stated cell read energy more than 3x from the cell's own V^2 G t is noted, not used silently") {
    // The defaults' V^2 G t: (0.2 V)^2 x 50.5 uS x 10 ns = 20.2 fJ.
    const auto priced = [&](const std::string& energy) {
      return test_support::registry().price(
          "cim_tile",
          component("cim_tile", "crossbar: {cell: {read_energy: " + energy + "}}\nreadout:\n  - type: adc\n"),
          node);
    };
    const auto low = priced("2 fJ");  // 20.2 / 2 = 10.1
    CHECK(action(low, "cell_read").energy_j == doctest::Approx(2 * fJ).scale(0));  // the stated figure still prices
    REQUIRE(low.notes.size() == 1);
    CHECK_CONTAINS(low.notes[0], "= 20.2 fJ, 10.1 times the stated");
    CHECK_CONTAINS(action(low, "cell_read").source, "at odds with");
    const auto high = priced("100 fJ");  // 100 / 20.2 = 4.95
    REQUIRE(high.notes.size() == 1);
    CHECK_CONTAINS(high.notes[0], "1/4.95 of the stated");
    CHECK(priced("10 fJ").notes.empty());  // 2.02x: within the factor of 3
    CHECK(priced("60 fJ").notes.empty());  // 1/2.97
  }
}

TEST_CASE("pricing: a readout group shared by four arrays has a quarter of their ADCs, at the same energy per action") {
  const double node = 22 * nm;
  // Eight arrays of 128 columns, one 1000 um^2 ADC per 128 columns: eight ADCs
  // with a readout per array, two with one per four arrays, 6000 um^2 less.
  const std::string chain = "readout:\n  - type: adc\n    area: 1000 um^2\n";
  const auto own = test_support::registry().price("cim_tile", component("cim_tile", chain), node);
  const auto shared =
      test_support::registry().price("cim_tile", component("cim_tile", "readout_share: 4\n" + chain), node);
  CHECK(own.area_m2 - shared.area_m2 == doctest::Approx(6000 * um2).epsilon(1e-9).scale(0));
  CHECK_CONTAINS(shared.area_source, "2 readout groups x 1 x");
  CHECK(action(shared, "adc_conversion").energy_j == action(own, "adc_conversion").energy_j);
  CHECK(action(shared, "cell_read").energy_j == action(own, "cell_read").energy_j);
}

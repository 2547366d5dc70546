// The memory estimator: device flavours, eDRAM refresh, register files, banks
// and pipelined ports. Every expected figure is worked out here from the
// published tables (CACTI 7's tech_params, the CACTI size table, Aladdin's
// register), copied by hand, not read back from mottsim.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "models/memory_pricing.hpp"
#include "models/memory_technology.hpp"
#include "models/pricing.hpp"
#include "test_support.hpp"

using namespace mottsim;

namespace {

constexpr double pJ = 1e-12, fJ = 1e-15, ns = 1e-9, nm = 1e-9, mm2 = 1e-6, um2 = 1e-12, mW = 1e-3, nW = 1e-9;

// CACTI 7 tech_params at 360 K: Vdd, I_off, I_g_on, R multiplier, I_on (hp, lstp, lop).
struct dev {
  double vdd, ioff, ig, mult, ion;
  double leak() const { return vdd * (ioff + ig); }
  double r() const { return mult * vdd / ion; }
};
constexpr dev hp22{0.8, 4.256e-7, 1.81e-9, 1.45, 2.6264e-3}, lstp22{0.8, 3.55e-10, 4.51e-10, 1.99, 7.276e-4},
    lop22{0.6, 7.91e-7, 2.74e-9, 1.73, 9.161e-4};
constexpr dev hp32{0.9, 5.32e-7, 6.55e-8, 1.49, 2.2117e-3}, lstp32{1.0, 2.4e-10, 3.73e-11, 1.99, 6.836e-4};

models::component_pricing priced(const std::string& text, double node) {
  dsl::diagnostics errors;
  const auto block = test_support::validated_block("sram", text, errors);
  INFO(errors.to_string());
  REQUIRE_FALSE(errors.has_errors());
  return models::price_memory(block, node);
}

const models::action_price& read(const models::component_pricing& p) { return p.actions.at("read_bytes"); }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("memory: SRAM leakage, energy and access time per device flavour at 22 nm") {
  // 64 KiB, 64-bit port, CACTI table at 22 nm (itrs-hp): 4.7 pJ, 0.34 ns, 9.6 mW.
  const auto hp = priced("device: itrs-hp\n", 22 * nm);
  CHECK(hp.leakage_w == doctest::Approx(9.6 * mW).scale(0));
  CHECK(read(hp).energy_j * 8 == doctest::Approx(4.7 * pJ).scale(0));
  CHECK(hp.figures.at("access_latency_s") == doctest::Approx(0.34 * ns).scale(0));

  // lstp: same 0.8 V, leakage 6.45e-10 / 3.42e-7 of hp's per um, drive resistance 4.95x.
  const auto lstp = priced("device: itrs-lstp\n", 22 * nm);
  const double lstp_leak = lstp22.leak() / hp22.leak();
  CHECK(lstp_leak == doctest::Approx(1.886e-3).epsilon(1e-3).scale(0));
  CHECK(lstp.leakage_w == doctest::Approx(9.6 * mW * lstp_leak).scale(0));
  CHECK(read(lstp).energy_j * 8 == doctest::Approx(4.7 * pJ).scale(0));
  CHECK(lstp.figures.at("access_latency_s") == doctest::Approx(0.34 * ns * lstp22.r() / hp22.r()).scale(0));
  CHECK(lstp.area_m2 == doctest::Approx(hp.area_m2).scale(0));
  CHECK(contains(lstp.leakage_source, "itrs-lstp / itrs-hp from CACTI 7 tech_params at 22 nm"));

  // lop: 0.6 V. At 22 nm CACTI's lop devices leak more than hp at 360 K.
  const auto lop = priced("device: itrs-lop\n", 22 * nm);
  CHECK(lop.leakage_w == doctest::Approx(9.6 * mW * lop22.leak() / hp22.leak()).scale(0));
  CHECK(read(lop).energy_j * 8 == doctest::Approx(4.7 * pJ * (0.6 * 0.6) / (0.8 * 0.8)).scale(0));
  CHECK(lop.figures.at("access_latency_s") == doctest::Approx(0.34 * ns * lop22.r() / hp22.r()).scale(0));
}

TEST_CASE("memory: flavours follow the node") {
  // 32 nm, 64 KiB: 12.0 pJ, 0.44 ns, 18 mW; lstp runs at 1.0 V against hp's 0.9 V.
  const auto lstp = priced("device: itrs-lstp\n", 32 * nm);
  const double leak32 = lstp32.leak() / hp32.leak();
  CHECK(lstp.leakage_w == doctest::Approx(18 * mW * leak32).scale(0));
  CHECK(read(lstp).energy_j * 8 == doctest::Approx(12.0 * pJ / (0.9 * 0.9)).scale(0));
  CHECK(lstp.figures.at("access_latency_s") == doctest::Approx(0.44 * ns * lstp32.r() / hp32.r()).scale(0));
  // Between the nodes the ratio is log-log: at the geometric middle, the geometric mean.
  const double mid = std::sqrt(22.0 * 32.0) * nm;
  const auto between = models::flavour_vs_hp(models::device_flavour::itrs_lstp, mid);
  CHECK(between.leakage == doctest::Approx(std::sqrt(leak32 * lstp22.leak() / hp22.leak())).scale(0));
  CHECK(contains(between.source, "interpolated"));
  // Below 22 nm the 22 nm ratio is held.
  const auto held = models::flavour_vs_hp(models::device_flavour::itrs_lstp, 16 * nm);
  CHECK(held.leakage == doctest::Approx(lstp22.leak() / hp22.leak()).scale(0));
  CHECK(contains(held.source, "held from 22 nm"));
  CHECK(models::flavour_vs_hp(models::device_flavour::itrs_hp, 16 * nm).leakage == 1.0);
}

TEST_CASE("memory: eDRAM has lp-dram cells and refresh power") {
  // 64 KiB at 32 nm. CACTI lp-dram: C_cell 20 fF, Vdd_cell 1.0 V, I_off,worst
  // 1.89e-11 A -> retention 0.9 x 20 fF x 0.125 x 1.0 V / 1.89e-11 A = 119 us.
  const double retention = 0.9 * 2e-14 * 0.125 * 1.0 / 1.89e-11;
  const double bits = 64 * 1024 * 8.0;
  const double refresh = bits * (12.0 * pJ / 64) / retention;  // every bit read once per retention
  CHECK(refresh == doctest::Approx(0.826 * mW).epsilon(1e-3).scale(0));
  const double cells = 1.0 * 3.38e-10 / hp32.leak();  // lp-dram devices instead of hp
  const auto e = priced("memory_type: edram\n", 32 * nm);
  CHECK(e.leakage_w == doctest::Approx(18 * mW * cells + refresh).scale(0));
  CHECK(e.figures.at("refresh_w") == doctest::Approx(refresh).scale(0));
  // Area: the SRAM macro's cells (bits x 146 F^2 = 0.0784 mm^2 of its 0.11 mm^2)
  // shrink to the lp-dram cell's 30.6 F^2; the 0.0316 mm^2 periphery stays.
  const double sram_cells = bits * 146 * (0.032 * 0.032) * um2;
  CHECK(sram_cells == doctest::Approx(0.0784 * mm2).epsilon(1e-3).scale(0));
  const double edram_area = sram_cells * (0.03136 / (0.032 * 0.032)) / 146 + (0.11 * mm2 - sram_cells);
  CHECK(edram_area == doctest::Approx(0.0481 * mm2).epsilon(1e-3).scale(0));
  CHECK(e.area_m2 == doctest::Approx(edram_area).scale(0));
  CHECK(read(e).energy_j * 8 == doctest::Approx(12.0 * pJ).scale(0));
  CHECK(contains(e.leakage_source, "refresh:"));
  // An SRAM of the same size leaks far more and needs no refresh.
  const auto s = priced("memory_type: sram\n", 32 * nm);
  CHECK(s.leakage_w == doctest::Approx(18 * mW).scale(0));
  CHECK(s.figures.at("refresh_w") == 0.0);
}

TEST_CASE("memory: small buffers are register files") {
  // Aladdin, 40 nm, 1 ns: 8.999495e-3 pJ, 7.395312e-5 mW, 5.981433 um^2 per bit.
  // Stillmaker & Baas at 40 nm: on the 32 -> 45 nm line.
  const double e40 = 0.65 * std::pow(40.0 / 32.0, std::log(1 / 0.65) / std::log(45.0 / 32.0));
  const double a40 = 0.46 * std::pow(40.0 / 32.0, std::log(1 / 0.46) / std::log(45.0 / 32.0));
  const double fe = 0.30 / e40, fa = 0.25 / a40;
  const auto rf = priced("capacity: 128 B\n", 22 * nm);  // auto, 256 B and below
  CHECK(read(rf).energy_j * 8 == doctest::Approx(64 * 8.999495e-3 * pJ * fe).scale(0));
  CHECK(rf.leakage_w == doctest::Approx(1024 * 7.395312e-5 * mW * fe).scale(0));
  CHECK(rf.area_m2 == doctest::Approx(1024 * 5.981433 * um2 * fa).scale(0));
  CHECK(rf.figures.at("access_latency_s") == doctest::Approx(1 * ns).scale(0));
  CHECK(contains(read(rf).source, "[memory_type auto: register_file]"));
  CHECK(read(rf).energy_j / 8 == doctest::Approx(3.13 * fJ).epsilon(1e-2).scale(0));  // per bit at 22 nm
  CHECK(rf.leakage_w / 1024 == doctest::Approx(25.7 * nW).epsilon(1e-2).scale(0));
  // Above the threshold, an SRAM; and the threshold is a parameter.
  CHECK(contains(read(priced("capacity: 512 B\n", 22 * nm)).source, "CACTI 7 table"));
  CHECK(contains(read(priced("capacity: 512 B\nregister_file_max: 1 KiB\n", 22 * nm)).source, "register file"));
  CHECK(contains(read(priced("capacity: 128 B\nmemory_type: sram\n", 22 * nm)).source, "CACTI 7 table"));
}

TEST_CASE("memory: banks split the capacity and serve accesses in parallel") {
  // 64 KiB in 4 banks of 16 KiB, the geometric middle of 8 and 32 KiB at 22 nm.
  const auto b = priced("banks: 4\n", 22 * nm);
  CHECK(read(b).energy_j * 8 == doctest::Approx(std::sqrt(1.5 * 3.5) * pJ).scale(0));
  CHECK(b.leakage_w == doctest::Approx(4 * std::sqrt(1.3 * 4.8) * mW).scale(0));
  CHECK(b.area_m2 == doctest::Approx(4 * std::sqrt(0.006 * 0.027) * mm2).scale(0));
  CHECK(b.figures.at("access_latency_s") == doctest::Approx(std::sqrt(0.13 * 0.24) * ns).scale(0));
  CHECK(b.figures.at("parallel_accesses") == 4);
  CHECK(contains(b.leakage_source, "4 banks of 16 KiB"));
  // Ports and banks both add parallel accesses: 2 x 4 port widths per cycle.
  const auto pb = priced("banks: 4\nports: 2\n", 22 * nm);
  CHECK(pb.figures.at("parallel_accesses") == 8);
  CHECK(models::memory_bytes_per_s(pb, 8) == doctest::Approx(8 * 8 / (std::sqrt(0.13 * 0.24) * ns)).scale(0));
}

TEST_CASE("memory: a pipelined port's cycle time is kept apart from its access latency") {
  const auto p = priced("cycle_time: 0.2 ns\n", 22 * nm);
  CHECK(p.figures.at("cycle_time_s") == doctest::Approx(0.2 * ns).scale(0));
  CHECK(p.figures.at("access_latency_s") == doctest::Approx(0.34 * ns).scale(0));  // CACTI, 64 KiB
  CHECK(models::memory_bytes_per_s(p, 8) == doctest::Approx(8 / (0.2 * ns)).scale(0));
  // Unpipelined by default: one access per access time.
  const auto u = priced("{}", 22 * nm);
  CHECK(u.figures.at("cycle_time_s") == u.figures.at("access_latency_s"));

  dsl::diagnostics errors;
  test_support::validated_block("sram", "access_latency: 1 ns\ncycle_time: 2 ns\n", errors);
  CHECK(errors.has_errors());
  CHECK(contains(errors.to_string(), "test.yaml:2:13: error: sram: cycle_time is longer than access_latency"));
}

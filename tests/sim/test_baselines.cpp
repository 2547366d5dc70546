// The conventional baselines (configs/arch/cpu_baseline.yaml and
// systolic_baseline.yaml) run by the real binary. Every expected figure is
// derived here from the configuration by hand, not read back from mottsim.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "run_mottsim.hpp"

namespace {

namespace fs = std::filesystem;

constexpr double pJ = 1e-12, mW = 1e-3, us = 1e-6;


const char* cpu = "configs/arch/cpu_baseline.yaml";
const char* systolic = "configs/arch/systolic_baseline.yaml";
const char* row_stationary = "configs/arch/row_stationary_baseline.yaml";
const char* conv = "tests/sim/configs/conv3x3_56x56.yaml";
const char* linear = "tests/sim/configs/linear_4096.yaml";

// cpu_baseline, from configs/tech/digital.yaml (mobile_core_22nm) and the arch file.
constexpr double cores = 4, macs_per_cycle = 32, clock_hz = 2e9, utilization = 0.9, macs_per_instruction = 16,
                 register_block = 8, load_bytes = 16;
constexpr double dram_bandwidth = 12.8e9;  // LPDDR4-3200 x32

// conv3x3_56x56: 56x56x64 -> 64, 3x3, padding 1, ReLU, int8.
constexpr double conv_macs = 56.0 * 56 * 64 * 576;  // 115,605,504
constexpr double conv_input = 56.0 * 56 * 64, conv_weights = 576.0 * 64, conv_output = 56.0 * 56 * 64;
// linear_4096: 4096 -> 4096, int8.
constexpr double linear_macs = 4096.0 * 4096;
constexpr double linear_input = 4096, linear_weights = 4096.0 * 4096, linear_output = 4096;

double dram_bytes(const nlohmann::json& j) {
  return action_count(j, "dram", "read_bytes") + action_count(j, "dram", "write_bytes");
}
double latency(const nlohmann::json& j) { return j["totals"]["latency_s"].get<double>(); }
double field(const nlohmann::json& j, const std::string& component, const char* name) {
  for (const auto& c : j["components"])
    if (c["name"] == component) return c[name].get<double>();
  FAIL("no component " << component);
  return 0;
}

std::string temp_dir(const std::string& tag) {
  std::random_device rd;
  return (fs::temp_directory_path() / ("mottsim_cmp_" + tag + "_" + std::to_string(::getpid()) + "_" +
                                       std::to_string(rd())))
      .string();
}

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("cpu: a 3x3 convolution, counts derived by hand") {
  const auto r = run_mottsim(cpu, conv);
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const auto& j = r.report;
  CHECK(j["totals"]["macs"].get<double>() == conv_macs);
  CHECK(action_count(j, "cpu", "int8_mac") == conv_macs);
  // Instructions: one dot product per 16 MACs, one per 16 ReLUs, and 16-byte
  // loads/stores for the micro-kernel's operands (each A element loaded once
  // per 8 columns, each B element once per 8 rows) and the outputs.
  const double loads = conv_macs * 2 / register_block;  // 28,901,376 bytes
  const double instructions =
      conv_macs / macs_per_instruction + conv_output / macs_per_instruction + (loads + conv_output) / load_bytes;
  CHECK(action_count(j, "cpu", "instruction") == rel(instructions));  // 9,056,768
  // Core-cycles: the four cores awake for the layer's compute time, MACs at the
  // 0.9 ceiling of 32 per cycle and ReLUs at the SIMD rate: 4,020,352.
  CHECK(action_count(j, "cpu", "core_cycle") == rel(conv_macs / (macs_per_cycle * utilization) +
                                                    conv_output / macs_per_cycle));
  // The 1 MiB L2 holds the three input rows a window needs and all 36,864
  // weights: DRAM traffic is exactly compulsory.
  CHECK(action_count(j, "dram", "read_bytes") == conv_input + conv_weights);
  CHECK(action_count(j, "dram", "write_bytes") == conv_output);
  // L1 (32 KiB per core): the 3136 output rows split over 4 cores (784 each).
  // The window (3 x 56 x 64 = 10,752 B) leaves 22,016 B; a 576 x nc weight
  // panel + one A row + nc sums fits nc = floor((22016 - 576) / 580) = 36
  // columns, so each core streams its quarter of the input (50,176 B) twice and
  // all weights once: 4 x (2 x 50,176 + 36,864) = 548,864 B from the L2.
  const double l1_fill = 4 * (2 * conv_input / 4 + conv_weights);
  CHECK(action_count(j, "l1", "write_bytes") == rel(l1_fill + conv_output));
  CHECK(action_count(j, "l1", "read_bytes") == rel(loads + conv_output));
  // L2: filled from DRAM and by the L1s' outputs; read by the L1 fills and
  // by the outputs leaving for DRAM.
  CHECK(action_count(j, "l2", "write_bytes") == rel(conv_input + conv_weights + conv_output));
  CHECK(action_count(j, "l2", "read_bytes") == rel(l1_fill + conv_output));
  // The bus carries DRAM traffic once and the L2 <-> L1 traffic once.
  CHECK(action_count(j, "bus", "transfer_bytes") ==
        rel(conv_input + conv_weights + conv_output + l1_fill + conv_output));
}

TEST_CASE("cpu: energy priced independently") {
  const auto r = run_mottsim(cpu, conv);
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const auto& j = r.report;
  // Prices by hand: digital.mobile_core_22nm, LPDDR4 8 pJ/bit, bus ISAAC's 0.054
  // pJ/bit at 32 nm scaled to 22 nm by Stillmaker & Baas (energy 0.30 / 0.65),
  // CACTI at 22 nm: 32 KiB 3.5 pJ and 1 MiB 18.4 pJ per 64-bit read.
  const double dynamic = check_hand_prices(j, {
      {"cpu", "instruction", 300 * pJ},        {"cpu", "int8_mac", 0.09 * pJ},
      {"dram", "read_bytes", 64 * pJ},         {"dram", "write_bytes", 64 * pJ},
      {"bus", "transfer_bytes", 0.432 * pJ * 0.30 / 0.65},   {"l1", "read_bytes", 2 * 3.5 * pJ / 16},
      {"l1", "write_bytes", 2 * 3.5 * pJ / 16}, {"l2", "read_bytes", 4 * 18.4 * pJ / 32},
      {"l2", "write_bytes", 4 * 18.4 * pJ / 32},
  });
  // Static power over the simulated time: cores 300 mW, uncore 70 mW, rest of
  // the SoC 945 mW, board 420 mW, four L1s 4 x 4.8 mW, L2 140 mW, DRAM 20 mW.
  const double processor_static = (300 + 70 + 945 + 420) * mW;
  CHECK(field(j, "cpu", "leakage_j") == rel(processor_static * latency(j)));
  const double leakage = (processor_static / mW + 4 * 4.8 + 140 + 20) * mW * latency(j);
  CHECK(j["energy_by_category"]["leakage_j"].get<double>() == rel(leakage));
  CHECK(j["totals"]["energy_j"].get<double>() == rel(dynamic + leakage));
  CHECK(j["energy_by_category"]["compute_j"].get<double>() ==
        rel(action_energy(j, "cpu", "instruction") + action_energy(j, "cpu", "int8_mac")));
  CHECK(j["layers"][0]["energy_j"].get<double>() == rel(dynamic + leakage));
}

TEST_CASE("cpu: a server core is priced per working core-cycle and its uncore for the whole run") {
  // configs/validation/haswell: 18 Haswell-EP cores at 2.3 GHz, 32 int8 MACs per
  // cycle, digital.server_core_haswell_22nm's 4.0 nJ per core-cycle and 15 W uncore.
  const auto r = run_mottsim("configs/validation/haswell/arch.yaml", conv);
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const auto& j = r.report;
  // The 3136 output rows keep all 18 cores working for the cores' compute time:
  // 18 x 2.3 GHz core-cycles per second of it, at least those of the MACs at the
  // 0.9 ceiling of 32 per cycle and the ReLUs at the SIMD rate (4,020,352; the
  // layer's roofline keeps it below the ceiling).
  const double core_cycles = action_count(j, "cpu", "core_cycle");
  CHECK(core_cycles == rel(18 * 2.3e9 * field(j, "cpu", "busy_s"), 1e-6));
  CHECK(core_cycles >= conv_macs / (macs_per_cycle * utilization) + conv_output / macs_per_cycle);
  check_hand_prices(j, {{"cpu", "core_cycle", 4000 * pJ}, {"cpu", "int8_mac", 0.09 * pJ}});
  CHECK(action_energy(j, "cpu", "instruction") == 0.0);
  // So the cores draw 18 x 2.3 GHz x 4.0 nJ = 165.6 W while they compute; the
  // uncore 15 W for the whole run, and idle cores nothing.
  CHECK(action_energy(j, "cpu", "core_cycle") / field(j, "cpu", "busy_s") == rel(165.6, 1e-6));
  CHECK(field(j, "cpu", "leakage_j") == rel(15.0 * latency(j)));
}

TEST_CASE("cpu: DRAM traffic lies between compulsory and no-reuse traffic") {
  // Compulsory: every input and weight read once, every output written once.
  // No reuse: both operands of every MAC fetched, every output written once.
  struct bound {
    const char* workload;
    double compulsory, no_reuse;
  };
  const bound cases[] = {
      {conv, conv_input + conv_weights + conv_output, conv_macs * 2 + conv_output},
      {linear, linear_input + linear_weights + linear_output, linear_macs * 2 + linear_output},
  };
  for (const auto& c : cases)
    for (const char* l2 : {"1 MiB", "64 KiB", "16 KiB", "4 KiB"}) {
      CAPTURE(c.workload);
      CAPTURE(l2);
      const auto r = run_mottsim(cpu, c.workload, std::string("--set 'components.l2.capacity=") + l2 + "'");
      REQUIRE_MESSAGE(r.status == 0, r.output);
      CHECK(dram_bytes(r.report) >= c.compulsory);
      CHECK(dram_bytes(r.report) <= c.no_reuse);
    }
  // A 16 KiB L2 cannot keep the conv's three input rows: traffic rises above compulsory.
  const auto small = run_mottsim(cpu, conv, "--set 'components.l2.capacity=16 KiB'");
  REQUIRE(small.status == 0);
  CHECK(dram_bytes(small.report) > conv_input + conv_weights + conv_output);
}

TEST_CASE("cpu: latency is at least the MAC bound and the DRAM-bandwidth bound") {
  for (const char* w : {conv, linear}) {
    CAPTURE(w);
    const auto r = run_mottsim(cpu, w);
    REQUIRE_MESSAGE(r.status == 0, r.output);
    const double macs = r.report["totals"]["macs"].get<double>();
    const double mac_bound = macs / (cores * macs_per_cycle * clock_hz);
    const double dram_bound = dram_bytes(r.report) / dram_bandwidth;
    CHECK(latency(r.report) >= mac_bound);
    CHECK(latency(r.report) >= dram_bound);
  }
  // The conv is compute-bound on its roofline (0.44 MB of DRAM traffic take
  // 35 us): MACs at the 90 % ceiling of peak (its 3136 x 64 outputs fill the
  // 8 x 8 register tiles) plus ReLUs at the SIMD rate, and at most one step of
  // prefetch and write-back not overlapped.
  const auto r = run_mottsim(cpu, conv);
  REQUIRE(r.status == 0);
  const double compute = conv_macs / (cores * macs_per_cycle * clock_hz * utilization) +
                         conv_output / (cores * macs_per_cycle * clock_hz);  // 753.42 us
  CHECK(latency(r.report) >= compute);
  CHECK(latency(r.report) <= compute + 5 * us);
  CHECK(field(r.report, "cpu", "busy_s") == rel(compute, 1e-6));
}

TEST_CASE("cpu: doubling DRAM bandwidth shortens a bandwidth-bound layer, not a compute-bound one") {
  const std::string faster = "--set 'components.dram.bandwidth=25.6 GB/s'";
  const auto lin = run_mottsim(cpu, linear), lin2 = run_mottsim(cpu, linear, faster);
  const auto cnv = run_mottsim(cpu, conv), cnv2 = run_mottsim(cpu, conv, faster);
  REQUIRE(lin.status == 0);
  REQUIRE(lin2.status == 0);
  REQUIRE(cnv.status == 0);
  REQUIRE(cnv2.status == 0);
  // 16 MiB of weights against 0.1 ms of MACs: the DRAM sets the pace. Each
  // 4 KiB burst costs 90 ns + 320 ns, then 90 ns + 160 ns.
  CHECK(latency(lin.report) > 10 * linear_macs / (cores * macs_per_cycle * clock_hz * utilization));
  CHECK(latency(lin2.report) < 0.7 * latency(lin.report));
  // Its roofline is DRAM-bound: the cores compute for exactly as long as DRAM
  // takes to move the layer's bytes, a utilization of about 5 % of peak.
  CHECK(field(lin.report, "cpu", "busy_s") == rel(dram_bytes(lin.report) / dram_bandwidth, 1e-6));
  // At twice the bandwidth the L2 binds: its 256-bit port moves 32 B per
  // 1.05 ns access (CACTI, 1 MiB at 22 nm), and it carries the L1 fills, the
  // DRAM fills and the outputs in and out.
  const double l2_bytes = action_count(lin2.report, "l2", "read_bytes") + action_count(lin2.report, "l2", "write_bytes");
  const double l2_time = l2_bytes / (32 / 1.05e-9);
  CHECK(l2_time > dram_bytes(lin2.report) / (2 * dram_bandwidth));
  CHECK(field(lin2.report, "cpu", "busy_s") == rel(l2_time, 1e-6));
  CHECK(dram_bytes(lin2.report) == dram_bytes(lin.report));
  // The conv moves 0.44 MB in 0.75 ms: bandwidth does not matter.
  CHECK(latency(cnv2.report) == rel(latency(cnv.report), 5e-3));
}

TEST_CASE("cpu: a larger cache never increases DRAM or L2 traffic") {
  const char* vgg8 = "configs/workloads/vgg8_cifar10.yaml";
  double previous = INFINITY;
  for (const char* l2 : {"16 KiB", "64 KiB", "256 KiB", "1 MiB", "4 MiB"}) {
    CAPTURE(l2);
    const auto r = run_mottsim(cpu, vgg8, std::string("--set 'components.l2.capacity=") + l2 + "'");
    REQUIRE_MESSAGE(r.status == 0, r.output);
    CHECK(dram_bytes(r.report) <= previous);
    previous = dram_bytes(r.report);
  }
  previous = INFINITY;
  for (const char* l1 : {"4 KiB", "16 KiB", "32 KiB", "128 KiB"}) {
    CAPTURE(l1);
    const auto r = run_mottsim(cpu, vgg8, std::string("--set 'components.l1.capacity=") + l1 + "'");
    REQUIRE_MESSAGE(r.status == 0, r.output);
    const double l2_reads = action_count(r.report, "l2", "read_bytes");
    CHECK(l2_reads <= previous);
    previous = l2_reads;
  }
}

TEST_CASE("cpu: an L3 between the L2 and DRAM") {
  const auto r = run_mottsim("tests/sim/configs/cpu_l3.yaml", conv);
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const auto& j = r.report;
  // Both the 4 MiB L3 and the 1 MiB L2 hold the conv's window rows and all its
  // weights: DRAM fills the L3 once, the L3 fills the L2 once, outputs go
  // back down the same way.
  const double compulsory = conv_input + conv_weights;
  CHECK(action_count(j, "dram", "read_bytes") == compulsory);
  CHECK(action_count(j, "dram", "write_bytes") == conv_output);
  // L3: written by DRAM's lines and the L2's outputs, read by the L2's fills and
  // by the outputs leaving for DRAM.
  CHECK(action_count(j, "l3", "write_bytes") == rel(compulsory + conv_output));
  CHECK(action_count(j, "l3", "read_bytes") == rel(compulsory + conv_output));
  // L2: filled from the L3 now, not from DRAM; the L1 side is as without an L3.
  const double l1_fill = 4 * (2 * conv_input / 4 + conv_weights);
  CHECK(action_count(j, "l2", "write_bytes") == rel(compulsory + conv_output));
  CHECK(action_count(j, "l2", "read_bytes") == rel(l1_fill + conv_output));
  // The bus carries DRAM traffic, the L3 <-> L2 traffic and the L2 <-> L1 traffic once each.
  CHECK(action_count(j, "bus", "transfer_bytes") ==
        rel((compulsory + conv_output) + (compulsory + conv_output) + (l1_fill + conv_output)));
  // An L3 costs its leakage: 4 banks of 1 MiB at 22 nm, 140 mW each (CACTI, itrs-hp).
  CHECK(field(j, "l3", "leakage_j") == rel(4 * 140 * mW * latency(j)));
}

TEST_CASE("systolic: a 3x3 convolution, counts and cycles derived by hand") {
  const auto r = run_mottsim(systolic, conv);
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const auto& j = r.report;
  // 64x64 array: K = 576 is 9 weight tiles of 64 rows, N = 64 one tile of
  // columns. 256 KiB of 32-bit accumulators hold 1024 rows x 64 columns, so the
  // 3136 output rows go in 4 chunks (1024, 1024, 1024, 64), each loading the
  // weights again. Cycles: 9 tiles x 3136 rows + one fill and drain (64 + 64 - 2).
  const double cycles = 9 * 3136 + 126.0;
  CHECK(action_count(j, "array", "mac") == conv_macs);
  CHECK(action_count(j, "array", "weight_load") == conv_weights * 4);
  CHECK(action_count(j, "array", "vector_op") == conv_output);  // ReLU
  // Accumulators: each of the 9 K tiles reads and writes 3136 x 64 sums of 4 B.
  CHECK(action_count(j, "accumulators", "write_bytes") == 9 * 3136 * 64 * 4.0);
  CHECK(action_count(j, "accumulators", "read_bytes") == 9 * 3136 * 64 * 4.0);
  // Buffer: im2col rows enter once (one column tile), weights once per chunk,
  // outputs written back; DMA fills from DRAM and drains to it.
  CHECK(action_count(j, "buffer", "read_bytes") == 3136 * 576.0 + conv_weights * 4 + conv_output);
  CHECK(action_count(j, "buffer", "write_bytes") == conv_output + conv_input + conv_weights);
  CHECK(dram_bytes(j) == conv_input + conv_weights + conv_output);
  // The array is busy for its cycles plus the ReLUs on 64 lanes, at 1 GHz.
  const double compute = (cycles + conv_output / 64) / 1e9;  // 31.486 us
  CHECK(field(j, "array", "busy_s") == rel(compute, 1e-6));
  CHECK(latency(j) >= compute);
  CHECK(latency(j) >= dram_bytes(j) / dram_bandwidth);
  CHECK(j["layers"][0]["utilization"].get<double>() == rel(conv_macs / (latency(j) * 4096 * 1e9)));
}

TEST_CASE("systolic: weights through a weight FIFO skip the unified buffer") {
  const auto r = run_mottsim("tests/sim/configs/systolic_weight_fifo.yaml", conv);
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const auto& j = r.report;
  // As above, but each of the 4 chunks streams its weights from DRAM through
  // the FIFO into the array (TPU v1's path): nothing is reused from the buffer.
  CHECK(action_count(j, "weight_fifo", "write_bytes") == conv_weights * 4);
  CHECK(action_count(j, "weight_fifo", "read_bytes") == conv_weights * 4);
  CHECK(action_count(j, "buffer", "read_bytes") == 3136 * 576.0 + conv_output);
  CHECK(action_count(j, "buffer", "write_bytes") == conv_output + conv_input);
  CHECK(dram_bytes(j) == conv_input + conv_weights * 4 + conv_output);
  CHECK(action_count(j, "array", "mac") == conv_macs);
  // A row-stationary array has no weight tiles to feed: a located error.
  const auto rs = run_mottsim(row_stationary, conv, "--set components.array.weight_fifo=buffer");
  CHECK(rs.status == 2);
  CHECK(rs.output.find("--set 'components.array.weight_fifo=buffer': error: array.weight_fifo: a weight FIFO") !=
        std::string::npos);
}

TEST_CASE("row stationary: a 3x3 convolution, scratchpad, buffer and DRAM accesses derived by hand") {
  const auto r = run_mottsim(row_stationary, conv);
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const auto& j = r.report;
  // 12 x 14 PEs, R = S = 3, E = F = 56, C = M = 64. Filter rows fill 3 array
  // rows, so 4 channels stack (16 channel passes); output rows fill the 14
  // columns (4 E tiles, one filter per pass): 64 x 16 x 4 = 4096 passes of
  // F x S = 168 cycles, plus one fill and drain (12 + 14 - 2).
  const double passes = 64 * 16 * 4, cycles = passes * 168 + 24;
  CHECK(action_count(j, "array", "mac") == conv_macs);
  // Scratchpads: per MAC a filter, an input and a psum read and a psum write;
  // each of the 64 x 64 x 56 x 3 = 688,128 PE items fills 3 weights and a
  // 58-wide padded input row and drains 56 sums. 8-bit operands, 32-bit sums.
  const double items = 64.0 * 64 * 56 * 3;
  const double bits = 8 * (conv_macs + items * 3) + 8 * (conv_macs + items * 58) +
                      32 * ((conv_macs + items * 56) + conv_macs);
  CHECK(action_count(j, "array", "pe_storage_bits") == rel(bits));
  CHECK(action_count(j, "array", "weight_load") == items * 3);
  // Global buffer: every filter row once per E tile; per pass the 14 + 3 - 1 =
  // 16 distinct input rows of a channel (58 B each) for each of the 64 filter
  // passes; psum rows written once per channel pass (16) and read back 15
  // times, 4 B each; outputs written; DMA in from DRAM and out to it.
  const double glb_weights = conv_weights * 4, glb_inputs = 64.0 * 64 * 4 * 16 * 58;
  const double psum_writes = 64.0 * 56 * 56 * 16 * 4, psum_reads = 64.0 * 56 * 56 * 15 * 4;
  // 54 KiB of the 108 KiB buffer block the GEMM: the three input rows of a
  // window (10,752 B) and all 36,864 weights fit, so DRAM traffic is compulsory.
  CHECK(dram_bytes(j) == conv_input + conv_weights + conv_output);
  CHECK(action_count(j, "buffer", "read_bytes") == rel(glb_weights + glb_inputs + psum_reads + conv_output));
  CHECK(action_count(j, "buffer", "write_bytes") ==
        rel(conv_output + psum_writes + conv_input + conv_weights));
  // The array is busy for its cycles plus the ReLUs on 14 lanes, at 200 MHz.
  CHECK(field(j, "array", "busy_s") == rel((cycles + conv_output / 14) / 200e6, 1e-6));
  // Every scratchpad bit is priced by the register-file model at 22 nm.
  CHECK(action_energy(j, "array", "pe_storage_bits") > 0);
}

TEST_CASE("row stationary: the DRAM blocking has the whole buffer, its partial sums counted once") {
  // conv3x3_32x32x640: 32x32x640 -> 32x32x4, 3x3, padding 1, int8; im2col
  // M = 1024 positions, K = 3 x 3 x 640 = 5,760, N = 4. The window's three
  // input rows take 3 x 32 x 640 = 61,440 B: more than half of the 108 KiB
  // buffer (55,296 B), less than all of it (110,592 B). With the whole buffer,
  // 49,152 B are left beside them: one row of A (5,760 B) and per filter its
  // 5,760 weights and one 4-byte partial sum, floor(43,392 / 5,764) = 7 >= 4
  // filters, so all the weights stay and every input byte is read once.
  const auto r = run_mottsim(row_stationary, "tests/sim/configs/conv3x3_32x32x640.yaml");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const double input = 32.0 * 32 * 640, weights = 5760.0 * 4, output = 32.0 * 32 * 4;
  CHECK(action_count(r.report, "dram", "read_bytes") == input + weights);
  CHECK(action_count(r.report, "dram", "write_bytes") == output);
  // Half the buffer would not hold the window: every position would read its
  // 5,760 im2col inputs, 1024 x 5,760 = 5,898,240 B, nine times the input.
  CHECK(action_count(r.report, "dram", "read_bytes") < 1024.0 * 5760);
}

TEST_CASE("baselines: energy per MAC lands in the range published processors and accelerators span") {
  // docs/baselines.md derives the ranges (22 nm, int8, DRAM included):
  //   CPUs 15..700 pJ/MAC: half of a Cortex-A57 cluster's measured power at its
  //   peak dot-product MAC rate (30 pJ/MAC) up to a Cortex-A78AE's measured
  //   ResNet-50 energy (630 pJ/MAC);
  //   systolic arrays 0.34..6.3 pJ/MAC: TPU v1 at peak (0.51 pJ/MAC at 22 nm) and
  //   on its least efficient CNN (3.4), and Eyeriss scaled to 22 nm, with a
  //   factor of 1.5 either side for node scaling.
  for (const char* w : {"configs/workloads/vgg8_cifar10.yaml", "configs/workloads/resnet18_imagenet.yaml"}) {
    CAPTURE(w);
    const auto c = run_mottsim(cpu, w);
    const auto s = run_mottsim(systolic, w);
    const auto rs = run_mottsim(row_stationary, w);
    REQUIRE_MESSAGE(c.status == 0, c.output);
    REQUIRE_MESSAGE(s.status == 0, s.output);
    REQUIRE_MESSAGE(rs.status == 0, rs.output);
    const auto per_mac = [](const nlohmann::json& j) {
      return j["totals"]["energy_j"].get<double>() / j["totals"]["macs"].get<double>();
    };
    const double cpu_per_mac = per_mac(c.report), sys_per_mac = per_mac(s.report), rs_per_mac = per_mac(rs.report);
    CAPTURE(cpu_per_mac / pJ);
    CAPTURE(sys_per_mac / pJ);
    CAPTURE(rs_per_mac / pJ);
    CHECK(cpu_per_mac >= 15 * pJ);
    CHECK(cpu_per_mac <= 700 * pJ);
    CHECK(sys_per_mac >= 0.34 * pJ);
    CHECK(sys_per_mac <= 6.3 * pJ);
    CHECK(rs_per_mac >= 0.34 * pJ);
    CHECK(rs_per_mac <= 6.3 * pJ);
    // The MACs of the report are the workload's.
    CHECK(c.report["totals"]["macs"] == s.report["totals"]["macs"]);
  }
}

TEST_CASE("baselines: precision, DRAM capacity and schedule mistakes are located errors") {
  // 16-bit operands do not fit an int8 datapath; the error points at the workload's precision line.
  auto r = run_mottsim(cpu, "tests/sim/configs/conv_16bit.yaml");
  CHECK(r.status == 2);
  CHECK(r.output.find("conv_16bit.yaml:4:1: error:") != std::string::npos);
  CHECK(r.output.find("wider than the 8-bit operands of the int8 datapath of cpu_baseline's cpu") != std::string::npos);
  // In fp32 they do (24-bit mantissa), at 4 bytes an element.
  r = run_mottsim(cpu, "tests/sim/configs/conv_16bit.yaml", "--set components.cpu.precision=fp32");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  CHECK(action_count(r.report, "cpu", "fp32_mac") == 64 * 16 * 36.0);
  CHECK(action_count(r.report, "cpu", "int8_mac") == 0);
  CHECK(action_count(r.report, "dram", "read_bytes") == 4 * (8 * 8 * 4.0 + 36 * 16.0));
  // An fp32-only processor asked for int8.
  r = run_mottsim(cpu, conv, "--set components.cpu.int8_macs_per_cycle=0");
  CHECK(r.status == 2);
  CHECK(r.output.find("has no int8 datapath (int8_macs_per_cycle: 0)") != std::string::npos);
  // The systolic array's multipliers are 8-bit.
  r = run_mottsim(systolic, "tests/sim/configs/conv_16bit.yaml");
  CHECK(r.status == 2);
  CHECK(r.output.find("conv_16bit.yaml:4:1: error:") != std::string::npos);
  CHECK(r.output.find("the multipliers of systolic_baseline's array take 8-bit weights") != std::string::npos);
  // ResNet-18 needs ~17 MB of DRAM; 1 MiB cannot hold it. Located at the flag.
  r = run_mottsim(cpu, "configs/workloads/resnet18_imagenet.yaml", "--set 'components.dram.capacity=1 MiB'");
  CHECK(r.status == 2);
  CHECK(r.output.find("--set 'components.dram.capacity=1 MiB': error: workload 'resnet18_imagenet' does not fit") !=
        std::string::npos);
  // A cache that is not an sram.
  // An L3 needs an L2 above it; the error points at the l3 line.
  r = run_mottsim("tests/sim/configs/cpu_l3_no_l2.yaml", conv);
  CHECK(r.status == 2);
  CHECK(r.output.find("cpu_l3_no_l2.yaml:39:9: error: cpu has an L3 but no L2") != std::string::npos);
  // An L1 with fewer instances than cores: located at the choice of L1.
  r = run_mottsim(cpu, conv, "--set components.cpu.l1=l2");
  CHECK(r.status == 2);
  CHECK(r.output.find("--set 'components.cpu.l1=l2': error: cpu has 4 cores but l2 only 1 instances") !=
        std::string::npos);
  r = run_mottsim(cpu, conv, "--set components.cpu.l2=dram");
  CHECK(r.status == 2);
  CHECK(r.output.find("cpu.l2 names 'dram', a dram; it must name an sram component") != std::string::npos);
  // No layer pipeline on a processor.
  r = run_mottsim(cpu, conv, "--schedule pipeline");
  CHECK(r.status == 2);
  CHECK(r.output.find("use --schedule layer") != std::string::npos);
  // Accumulators that cannot hold one row of the array's 64 32-bit partial sums (256 B).
  r = run_mottsim(systolic, conv, "--set 'components.accumulators.capacity=128 B' "
                                  "--set 'components.accumulators.port_width=64 b'");
  CHECK(r.status == 2);
  CHECK(r.output.find("--set 'components.accumulators.capacity=128 B': error: 'accumulators' holds 128 B, less than "
                      "one row of the array's 64 partial sums (32 bits, 4 B each as stored: 256 B)") !=
        std::string::npos);
}

TEST_CASE("compare: an architecture against itself gives ratios of exactly 1") {
  const std::string dir = temp_dir("self");
  const auto r = run_command("compare " + source_path(cpu) + " " + source_path(cpu) + " --workload " +
                             source_path(conv) + " -o " + dir);
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const auto j = read_json(fs::path(dir) / "compare.json");
  CHECK(j["schema"] == "mottsim.compare/1");
  REQUIRE(j["architectures"].size() == 2);
  CHECK(j["architectures"][0]["name"] == "cpu_baseline");
  CHECK(j["architectures"][1]["name"] == "cpu_baseline-2");
  int ones = 0;
  for (const auto& [key, ratio] : j["architectures"][1]["ratios_to_reference"].items()) {
    CAPTURE(key);
    if (ratio.is_null()) continue;  // a zero reference (this CPU has no converters)
    CHECK(ratio.get<double>() == 1.0);
    ++ones;
  }
  CHECK(ones >= 12);
  CHECK(j["architectures"][0]["ratios_to_reference"]["converters"].is_null());
  for (const char* f : {"compare.md", "cpu_baseline/report.json", "cpu_baseline/summary.md",
                        "cpu_baseline-2/report.json"})
    CHECK_MESSAGE(fs::exists(fs::path(dir) / f), f);
  CHECK(r.output.find("| metric | cpu_baseline | cpu_baseline-2 | cpu_baseline-2 / cpu_baseline |") !=
        std::string::npos);
  // The copy's own values: NAME-2 names the second file of one stem, and
  // NAME the first alone. Twice the clock on the copy: less latency there,
  // the first as before.
  const std::string tuned = temp_dir("self_tuned");
  const auto t = run_command("compare " + source_path(cpu) + " " + source_path(cpu) + " --workload " +
                             source_path(conv) + " -o " + tuned + " --set 'cpu_baseline-2:components.cpu.clock=4 GHz'");
  REQUIRE_MESSAGE(t.status == 0, t.output);
  const auto k = read_json(fs::path(tuned) / "compare.json");
  CHECK(k["architectures"][0]["metrics"]["latency_s"] == j["architectures"][0]["metrics"]["latency_s"]);
  CHECK(k["architectures"][1]["metrics"]["latency_s"].get<double>() <
        j["architectures"][1]["metrics"]["latency_s"].get<double>());
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::remove_all(tuned, ec);
}

TEST_CASE("compare: --schedule pipeline streams the CIM chip, and the processor runs its layers in turn") {
  const std::string dir = temp_dir("pipelined");
  const std::string chip = "tests/sim/configs/small_adc.yaml", net = "tests/sim/configs/conv3x3_8x8.yaml";
  const auto r = run_command("compare " + source_path(cpu) + " " + source_path(chip) + " --workload " +
                             source_path(net) + " -o " + dir + " --schedule pipeline");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const auto j = read_json(fs::path(dir) / "compare.json");
  REQUIRE(j["architectures"].size() == 2);
  CHECK(j["architectures"][0]["schedule"] == "layer");
  CHECK(j["architectures"][1]["schedule"] == "pipeline");
  for (const auto& a : j["architectures"]) {
    // Each entry is its run's own report, run with the schedule it names.
    const auto report = read_json(fs::path(dir) / a["report"].get<std::string>());
    CHECK(report["schedule"] == a["schedule"]);
    CHECK(a["metrics"]["throughput_ips"] == report["totals"]["throughput_ips"]);
  }
  CHECK(r.output.find("Schedule: pipeline for small_adc") != std::string::npos);
  CHECK(r.output.find("layer for cpu_baseline") != std::string::npos);
  // Without --schedule nothing is pipelined, and the table says nothing of it.
  const std::string plain = temp_dir("layered");
  const auto l = run_command("compare " + source_path(cpu) + " " + source_path(chip) + " --workload " +
                             source_path(net) + " -o " + plain);
  REQUIRE_MESSAGE(l.status == 0, l.output);
  CHECK(read_json(fs::path(plain) / "compare.json")["architectures"][1]["schedule"] == "layer");
  CHECK(l.output.find("Schedule:") == std::string::npos);
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::remove_all(plain, ec);
}

TEST_CASE("compare: side by side figures are the runs' own, ratios against the first") {
  const std::string dir = temp_dir("two");
  const auto r = run_command("compare " + source_path(cpu) + " " + source_path(systolic) + " " +
                             source_path("configs/arch/mott_cim.yaml") + " --workload " +
                             source_path("configs/workloads/edge_detect.yaml") + " -o " + dir + " -j 2");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const auto j = read_json(fs::path(dir) / "compare.json");
  REQUIRE(j["architectures"].size() == 3);
  const auto first = read_json(fs::path(dir) / "cpu_baseline" / "report.json");
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& a = j["architectures"][i];
    const auto report = read_json(fs::path(dir) / a["report"].get<std::string>());
    CAPTURE(a["name"]);
    CHECK(a["metrics"]["energy_j"] == report["totals"]["energy_j"]);
    CHECK(a["metrics"]["latency_s"] == report["totals"]["latency_s"]);
    CHECK(a["ratios_to_reference"]["energy"].get<double>() ==
          report["totals"]["energy_j"].get<double>() / first["totals"]["energy_j"].get<double>());
    // Energy groups add up to the total.
    double sum = 0;
    for (const char* g : {"compute_crossbar_j", "converters_j", "activation_neurons_j", "on_chip_memory_j", "bus_j",
                          "dram_j", "leakage_j"})
      sum += a["metrics"][g].get<double>();
    CHECK(sum == rel(report["totals"]["energy_j"].get<double>()));
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
}

TEST_CASE("compare: bad input is a located error, exit 2, and nothing is written") {
  const std::string dir = temp_dir("bad");
  const std::string w = " --workload " + source_path(conv) + " -o " + dir;
  // An unknown architecture file.
  auto r = run_command("compare " + source_path(cpu) + " " + source_path("configs/arch/nope.yaml") + w);
  CHECK(r.status == 2);
  CHECK(r.output.find("nope.yaml: error: cannot open file") != std::string::npos);
  CHECK_FALSE(fs::exists(dir));
  // A workload the processor's DRAM cannot hold (the flag targets one architecture).
  r = run_command("compare " + source_path(cpu) + " " + source_path(systolic) +
                  " --workload " + source_path("configs/workloads/resnet18_imagenet.yaml") + " -o " + dir +
                  " --set 'cpu_baseline:components.dram.capacity=1 MiB'");
  CHECK(r.status == 2);
  CHECK(r.output.find("does not fit in the dram of cpu_baseline") != std::string::npos);
  CHECK(r.output.find("of systolic_baseline") == std::string::npos);  // the flag targets the CPU only
  CHECK_FALSE(fs::exists(dir));
  // Precisions the datapaths do not have: both architectures' errors at once.
  r = run_command("compare " + source_path(cpu) + " " + source_path(systolic) + " --workload " +
                  source_path("tests/sim/configs/conv_16bit.yaml") + " -o " + dir);
  CHECK(r.status == 2);
  CHECK(r.output.find("wider than the 8-bit operands") != std::string::npos);
  CHECK(r.output.find("the multipliers of systolic_baseline's array take 8-bit weights") != std::string::npos);
  // The pipeline schedule with nothing to pipeline.
  r = run_command("compare " + source_path(cpu) + " " + source_path(systolic) + w + " --schedule pipeline");
  CHECK(r.status == 2);
  CHECK(r.output.find("--schedule: error: pipeline streams inferences through a CIM chip's layer stages") !=
        std::string::npos);
  CHECK_FALSE(fs::exists(dir));
  // NAME-2 of a file given twice, and a file whose stem is that name: which
  // one a flag means cannot be told.
  const std::string stem_dir = temp_dir("stem");
  fs::create_directories(stem_dir);
  const std::string other = stem_dir + "/cpu_baseline-2.yaml";
  std::ofstream(other) << "name: other\nextends: " << source_path(cpu) << "\n";
  r = run_command("compare " + source_path(cpu) + " " + source_path(cpu) + " " + other + w +
                  " --set 'cpu_baseline-2:components.dram.capacity=1 GiB'");
  CHECK(r.status == 2);
  CHECK(r.output.find("two compared architectures are named 'cpu_baseline-2'") != std::string::npos);
  CHECK_FALSE(fs::exists(dir));
  std::error_code stem_ec;
  fs::remove_all(stem_dir, stem_ec);
  // A --set aimed at an architecture not compared.
  r = run_command("compare " + source_path(cpu) + w + " --set 'nothere:components.dram.capacity=1 GiB'");
  CHECK(r.status == 2);
  CHECK(r.output.find("no compared architecture is named 'nothere'") != std::string::npos);
  // A flag's error names the flag as written, prefix included, and the
  // architecture it failed on (a flag without a prefix goes to every one).
  r = run_command("compare " + source_path(cpu) + " " + source_path(systolic) + w +
                  " --set 'systolic_baseline:components.dram.capacity=0 GiB'");
  CHECK(r.status == 2);
  CHECK(r.output.find("--set 'systolic_baseline:components.dram.capacity=0 GiB': error: on " + source_path(systolic) +
                      ":") != std::string::npos);
  r = run_command("compare " + source_path(cpu) + " " + source_path(systolic) + w +
                  " --set components.cpu.int8_macs_per_cycle=2");
  CHECK(r.status == 2);
  CHECK(r.output.find("--set 'components.cpu.int8_macs_per_cycle=2': error: on " + source_path(systolic) + ":") !=
        std::string::npos);
  CHECK(r.output.find("error: on " + source_path(cpu)) == std::string::npos);  // the CPU has that component
  // An existing directory keeps what it had and gains nothing.
  fs::create_directories(dir);
  std::ofstream(fs::path(dir) / "keep.txt") << "x";
  r = run_command("compare " + source_path(cpu) + w + " --set components.cpu.int8_macs_per_cycle=0");
  CHECK(r.status == 2);
  std::size_t entries = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    CHECK(e.path().filename() == "keep.txt");
    ++entries;
  }
  CHECK(entries == 1);
  std::error_code ec;
  fs::remove_all(dir, ec);
}

// One 3x3 convolution of an 8x8x4 input to 16 channels on two tiles of the
// small ISAAC-style chip (tests/sim/configs/small_adc.yaml). Every figure below
// is derived here by hand from the configuration, not read back from mottsim.
#include <doctest/doctest.h>

#include <cmath>

#include "run_mottsim.hpp"

namespace {

constexpr double ns = 1e-9, pJ = 1e-12, fJ = 1e-15;


// Mapping: fan-in 3x3x4 = 36 rows, 16 outputs. 8-bit weights as differential
// pairs keep 7 magnitude bits in 2-bit cells: 4 slices x 2 = 8 columns per weight,
// so a 64-column crossbar holds 8 weights: 1 row block x 2 column blocks = 2
// crossbars, one per tile (1 array per tile).
constexpr long long vectors = 64;       // 8x8 output positions
constexpr long long reads = 8;          // bit-serial 8-bit inputs
constexpr long long rows = 36, cols_per_tile = 64, outputs_per_tile = 8, tiles = 2;
constexpr long long macs = 64 * 16 * 36;

}  // namespace

TEST_CASE("small conv on two tiles: counts derived by hand") {
  const auto r = run_mottsim("tests/sim/configs/small_adc.yaml", "tests/sim/configs/conv3x3_8x8.yaml");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const auto& j = r.report;
  CHECK(j["totals"]["macs"] == macs);
  CHECK(j["layers"][0]["crossbars"] == 2);
  CHECK(j["layers"][0]["tiles"] == 2);
  CHECK(j["layers"][0]["replicas"] == 1);
  CHECK(j["mapping"]["weights_resident"] == true);
  CHECK(j["mapping"]["tiles_needed"] == 2);  // one crossbar a tile
  CHECK(j["mapping"]["tiles_available"] == tiles);
  // Utilization: 36 x 128 used cells of 2 x 64 x 64.
  CHECK(j["layers"][0]["utilization"].get<double>() == rel(36.0 * 128 / (2 * 64 * 64)));

  CHECK(action_count(j, "tile", "mvm") == vectors * reads * tiles);                          // 1024
  CHECK(action_count(j, "tile", "adc_conversion") == vectors * reads * cols_per_tile * tiles);  // 65536
  CHECK(action_count(j, "tile", "shift_add") == vectors * reads * cols_per_tile * tiles);
  CHECK(action_count(j, "tile", "input_drive") == vectors * reads * rows * tiles);
  CHECK(action_count(j, "tile", "cell_read") == vectors * reads * rows * cols_per_tile * tiles);
  // MAC conservation: every MAC reads its 8 cells once per input bit.
  CHECK(action_count(j, "tile", "cell_read") == macs * reads * 8);
  // Merging 8 columns into one weight's sum takes 7 adds; one ReLU per output.
  CHECK(action_count(j, "tile", "partial_sum_add") == vectors * outputs_per_tile * 7 * tiles);
  CHECK(action_count(j, "tile", "activation") == vectors * outputs_per_tile * tiles);
  // DRAM: the 256-byte input read once per tile; 64 x 16 one-byte outputs written.
  CHECK(action_count(j, "dram", "read_bytes") == 256 * tiles);
  CHECK(action_count(j, "dram", "write_bytes") == 64 * 16);
  // Tile buffers: each tile reads 36 input bytes per vector and writes 8 outputs,
  // plus the DMA writing its input and reading its outputs.
  CHECK(action_count(j, "tile", "buffer_read_bytes") == (vectors * rows + vectors * outputs_per_tile) * tiles);
  CHECK(action_count(j, "tile", "buffer_write_bytes") == (vectors * outputs_per_tile + 256) * tiles);
}

TEST_CASE("small conv on two tiles: latency derived by hand") {
  const auto r = run_mottsim("tests/sim/configs/small_adc.yaml", "tests/sim/configs/conv3x3_8x8.yaml");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const auto& j = r.report;
  // One tile's job: per vector, 8 reads of 100 ns (read stage), 8 x 64 conversions
  // on one 1.28 GS/s ADC = 400 ns (convert stage), 56 adds + 8 ReLUs at 1 GHz on
  // one lane = 64 ns (digital stage). Vectors stream at the slowest stage:
  const double tile_time = vectors * 800 * ns + (400 + 64) * ns;  // 51.664 us
  // The controller's timeline (bus: 2 cycles + ceil(bytes/32) at 1 GHz; DRAM:
  // 90 ns + 5 ns per 64 B burst; tile buffer: 1 ns per 32 B; command: 4 cycles):
  //  input DMA tile 0: bus 10 ns, DRAM 110 ns, bus 10 ns, buffer 8 ns   -> 138 ns
  //  start tile 0: command 4 ns + bus 3 ns                              -> 145 ns (tile 0 busy from 145 ns)
  //  input DMA tile 1: bus 10, DRAM 110, bus 10, buffer 8               -> 283 ns
  //  start tile 1: 4 + 3                                                -> 290 ns (tile 1 busy from 290 ns)
  //  wait tile 0: 4 + 3, then until 145 ns + tile_time
  //  output DMA tile 0 (512 B): bus 18, buffer 16, bus 18, DRAM 90 + 8 x 5 = 130
  //  wait tile 1: 4 + 3 (already done)
  //  output DMA tile 1: 18 + 16 + 18 + 130
  const double t0_done = 145 * ns + tile_time;
  const double after_out0 = t0_done + (18 + 16 + 18 + 130) * ns;
  const double latency = after_out0 + 7 * ns + (18 + 16 + 18 + 130) * ns;
  CHECK(j["totals"]["latency_s"].get<double>() == doctest::Approx(latency).scale(0).epsilon(1e-6));
  CHECK(j["totals"]["throughput_ips"].get<double>() == rel(1.0 / j["totals"]["latency_s"].get<double>()));
  // The compute bound and the DRAM-bandwidth bound (1536 bytes at 12.8 GB/s).
  CHECK(j["totals"]["latency_s"].get<double>() >= tile_time);
  CHECK(j["totals"]["latency_s"].get<double>() >= (512.0 + 1024.0) / 12.8e9);
  for (const auto& c : j["components"])
    if (c["name"] == "tile") CHECK(c["busy_s"].get<double>() == rel(2 * tile_time));
}

TEST_CASE("small conv on two tiles: energy priced independently") {
  const auto r = run_mottsim("tests/sim/configs/small_adc.yaml", "tests/sim/configs/conv3x3_8x8.yaml");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const auto& j = r.report;
  // Prices from the configuration, by hand.
  const double dynamic = check_hand_prices(j, {
      {"tile", "cell_read", 2 * fJ},          {"tile", "input_drive", 0.4 * pJ},
      {"tile", "adc_conversion", 1.6 * pJ},   {"tile", "shift_add", 0.02 * pJ},
      {"tile", "partial_sum_add", 0.03 * pJ}, {"tile", "activation", 0.01 * pJ},
      {"tile", "buffer_read_bytes", 4 * pJ / 32}, {"tile", "buffer_write_bytes", 4 * pJ / 32},
      {"dram", "read_bytes", 64 * pJ},        {"dram", "write_bytes", 64 * pJ},
      {"bus", "transfer_bytes", 0.4 * pJ},    {"controller", "command", 1 * pJ},
  });
  // Leakage: 2 tiles x 1 mW buffers + 10 mW DRAM background, over the latency.
  const double latency = j["totals"]["latency_s"].get<double>();
  const double leakage = (2 * 1e-3 + 10e-3) * latency;
  CHECK(j["energy_by_category"]["leakage_j"].get<double>() == rel(leakage));
  CHECK(j["totals"]["energy_j"].get<double>() == rel(dynamic + leakage));
  double sum = 0;
  for (const auto& c : j["components"]) sum += c["energy_j"].get<double>();
  CHECK(sum == rel(j["totals"]["energy_j"].get<double>()));
  CHECK(j["totals"]["tops_per_w"].get<double>() == rel(2.0 * macs / (dynamic + leakage) / 1e12));
  // The one-time programming, by part: each tile writes its 36 x 64 used cells
  // at 10 pJ; their 2-bit codes come from DRAM (36 x 64 x 2 / 8 bytes a tile at
  // 64 pJ a byte) through the tile buffer (4 pJ per 32-byte access).
  const auto& parts = j["mapping"]["programming_energy_by_action_j"];
  const double cells = rows * cols_per_tile * tiles, code_bytes = cells * 2 / 8;
  CHECK(parts["tile.cell_write"].get<double>() == rel(cells * 10 * pJ));
  CHECK(parts["dram.read_bytes"].get<double>() == rel(code_bytes * 64 * pJ));
  CHECK(parts["tile.buffer_write_bytes"].get<double>() == rel(code_bytes * 4 * pJ / 32));
  double programming = 0;
  for (const auto& [part, energy] : parts.items()) programming += energy.get<double>();
  CHECK(programming == rel(j["mapping"]["programming_energy_j"].get<double>()));
}

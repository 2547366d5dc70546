// The ADC-free analog path on a small chip (tests/sim/configs/small_analog.yaml,
// four one-array tiles of 64x64) running tests/sim/configs/analog_chain.yaml.
// Every count below is derived here from the two files, not read back.
#include <doctest/doctest.h>

#include <string>

#include "run_mottsim.hpp"

namespace {

constexpr double fJ = 1e-15, ns = 1e-9;

// conv1: 8x8 positions, fan-in 3x3x2 = 18, 4 channels. conv2: fan-in 36.
// fc1: fan-in 4x4x4 = 64, 8 outputs. fc2: fan-in 8, 4 outputs. 8-bit weights
// as differential pairs of 2-bit slices: 8 columns a weight, so each layer
// fits one 64x64 crossbar (one row block, one column block).
constexpr long long positions = 64;
constexpr long long conv1_outputs = positions * 4, fc1_outputs = 8;

std::string readout_path(const nlohmann::json& report, const std::string& layer) {
  for (const auto& l : report["layers"])
    if (l["name"] == layer) return l["readout_path"].get<std::string>();
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("analog path: which layers hold their outputs, and why the others convert") {
  const auto r = run_mottsim("tests/sim/configs/small_analog.yaml", "tests/sim/configs/analog_chain.yaml");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const auto& j = r.report;
  const std::string conv1 = readout_path(j, "conv1"), conv2 = readout_path(j, "conv2");
  const std::string fc1 = readout_path(j, "fc1"), fc2 = readout_path(j, "fc2");
  INFO(conv1 << "\n" << conv2 << "\n" << fc1 << "\n" << fc2);
  // conv2's 3x3 windows over conv1's 8-wide map: (3 - 1) x 8 + 3 = 19 positions
  // of 4 channels held at once.
  CHECK(contains(conv1, "held in S&H for 'conv2' (no ADC): a line buffer of 76 values (19 positions x 4 channels)"));
  CHECK(contains(conv2, "inputs held in S&H by 'conv1'"));
  CHECK(contains(conv2, "converted by the ADC: next layer 'pool' is maxpool"));
  // A linear consumer holds the whole vector.
  CHECK(contains(fc1, "held in S&H for 'fc2' (no ADC): a line buffer of 8 values (1 position x 8 channels)"));
  CHECK(contains(fc2, "inputs held in S&H by 'fc1'"));
  CHECK_FALSE(contains(fc2, "held in S&H for"));
}

TEST_CASE("analog path: samples, row drives and conversions follow the arithmetic") {
  const auto r = run_mottsim("tests/sim/configs/small_analog.yaml", "tests/sim/configs/analog_chain.yaml");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const auto& j = r.report;
  // Every held output is sampled once: conv1's and fc1's.
  CHECK(action_count(j, "tile", "hold_sample") == conv1_outputs + fc1_outputs);
  // Held values drive every row of the consumer's crossbar once per vector.
  CHECK(action_count(j, "tile", "analog_drive") == positions * 36 + 1 * 8);
  // Digital inputs (DAC / pulse-width drivers) only where the producer converted.
  CHECK(action_count(j, "tile", "input_drive") == positions * 18 + 1 * 64);
  // One conversion per stored output: conv2's and fc2's.
  CHECK(action_count(j, "tile", "adc_conversion") == positions * 4 + 4);
  CHECK(action_count(j, "tile", "neuron_activation") == conv1_outputs + positions * 4 + fc1_outputs);
  // Prices: a sample is power / sample_rate = 10 nW / 10 MHz = 1 fJ; a row
  // drive keeps a 4 uW buffer on for its 10 ns settling plus the neuron's
  // 200 ns settling (longer than the 1 ns read pulse): 0.84 pJ.
  CHECK(action_energy(j, "tile", "hold_sample") == rel((conv1_outputs + fc1_outputs) * 1 * fJ));
  CHECK(action_energy(j, "tile", "analog_drive") == rel((positions * 36 + 8) * 4e-6 * 210 * ns));
  // Held values skip the tile buffer: it reads only the digitally driven inputs
  // (one byte each) and those its DMAs bring in.
  CHECK(action_count(j, "tile", "buffer_read_bytes") ==
        doctest::Approx(positions * 18 + 64 + /* DMA reads of stored outputs */ positions * 4 + 4).scale(0));
}

TEST_CASE("analog path: a line buffer larger than the S&H cells converts, and says so") {
  const auto r = run_mottsim("tests/sim/configs/small_analog.yaml", "tests/sim/configs/analog_chain.yaml",
                             "--set components.tile.readout[1].cells=64");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const auto& j = r.report;
  // conv2 needs 76 held values; its one tile has 64 cells. fc2 needs 8.
  CHECK(contains(readout_path(j, "conv1"),
                 "the line buffer of 'conv2' needs 76 held values, more than the 64 S&H cells"));
  CHECK(action_count(j, "tile", "hold_sample") == fc1_outputs);
  CHECK(action_count(j, "tile", "adc_conversion") == conv1_outputs + positions * 4 + 4);
}

TEST_CASE("analog path: the analog CMOS activation is priced in the ledger") {
  const auto r = run_mottsim("configs/arch/cmos_analog_cim.yaml", "configs/workloads/lenet5_mnist.yaml");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const auto& j = r.report;
  // power x settling_time of configs/tech/analog_path.yaml: 25 uW x 10 ns.
  const double count = action_count(j, "tile", "neuron_activation");
  CHECK(count > 0);
  CHECK(action_energy(j, "tile", "neuron_activation") == rel(count * 25e-6 * 10 * ns));
  bool priced = false;
  for (const auto& c : j["components"])
    if (c["name"] == "tile") {
      const std::string area = c["area_source"].get<std::string>();
      priced = contains(area, "CMOS activation") && contains(area, "S&H cells") && contains(area, "analog row buffers");
      INFO(area);
    }
  CHECK(priced);
  // LeNet-5: fc1 -> fc2 -> fc3 stay analog; pooling follows both convolutions.
  CHECK(contains(readout_path(j, "fc1"), "held in S&H for 'fc2'"));
  CHECK(contains(readout_path(j, "conv1"), "next layer 'pool1' is maxpool"));
}

#include <doctest/doctest.h>

#include <Eigen/Core>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "dsl/architecture_loader.hpp"
#include "dsl/workload_loader.hpp"
#include "models/crossbar_mapping.hpp"
#include "models/weight_encoding.hpp"
#include "platform/mapping/layer_densities.hpp"
#include "test_support.hpp"

// The data statistics perf mode prices crossbar reads with, measured on a
// layer's weights as the mapping programs them and on its quantized inputs
// (docs/modelling.md, "Crossbar reads and the data"), against hand counts.
using namespace mottsim;

namespace {

models::cim_tile_params tiny_tile(models::signed_encoding encoding) {
  models::cim_tile_params t;
  t.rows = 128;
  t.columns = 128;
  t.bits_per_cell = 2;
  t.levels = 4;
  t.signed_weights = encoding;
  t.input = models::input_mode::bit_serial;
  return t;
}

}  // namespace

TEST_CASE("weight density: a 2x2 layer's cells as the mapping programs them, by hand") {
  // Weights (fan_in x outputs): column 0 = (0.5, 0.25), column 1 = (-1, 0). 4-bit codes.
  Eigen::MatrixXd w(2, 2);
  w << 0.5, -1.0, 0.25, 0.0;
  models::layer_matrix m;
  m.fan_in = 2;
  m.outputs = 2;
  m.weight_bits = 4;
  m.activation_bits = 8;
  std::string why;

  // Differential: 3 magnitude bits, 2 slices of 2 bits, q_max 7, scale 1/7:
  // codes round(3.5) = 4, round(1.75) = 2, -7, 0. Levels 4 on a 2-bit slice: level k sits
  // at k/3 of g_min..g_max. Slices (LSB first) on the side of the sign, 0 on the other:
  // 4 = 01 00 -> (0, 1); 2 = 00 10 -> (2, 0); -7 = 01 11 -> (3, 1) on the minus side; 0 -> 0.
  // 16 cells (4 weights x 2 slices x 2 sides) holding 1 + 2 + 4 = 7 thirds: 7/48 = 0.1458333.
  auto tile = tiny_tile(models::signed_encoding::differential);
  models::crossbar_mapping mapping;
  REQUIRE(models::map_matrix(m, tile, mapping, why));
  CHECK(models::mapped_weight_density(w, tile, mapping, 4) == doctest::Approx(7.0 / 48.0).epsilon(1e-12).scale(0));

  // Offset: q_max 7, offset 8, 4 bits in 2 slices, one column each: stored codes
  // 12 = 11 00, 10 = 10 10, 1 = 00 01, 8 = 10 00 -> 3 + 4 + 1 + 2 = 10 thirds over 8 cells: 10/24.
  tile = tiny_tile(models::signed_encoding::offset);
  REQUIRE(models::map_matrix(m, tile, mapping, why));
  CHECK(models::mapped_weight_density(w, tile, mapping, 4) == doctest::Approx(10.0 / 24.0).epsilon(1e-12).scale(0));

  // 16 levels on 2-bit slices: level k snaps to grid index round(k x 15 / 3) = 5k of 15,
  // the same fractions k/3.
  tile = tiny_tile(models::signed_encoding::differential);
  tile.levels = 16;
  REQUIRE(models::map_matrix(m, tile, mapping, why));
  CHECK(models::mapped_weight_density(w, tile, mapping, 4) == doctest::Approx(7.0 / 48.0).epsilon(1e-12).scale(0));
}

TEST_CASE("weight density: weights given in pieces count as the whole, both ways of counting") {
  // The 2x2 layer above, fed as float pieces (one weight, then the rest):
  // the same 7/48 by hand. Then 300 weights at 4 bits (a table of codes) and
  // at 20 bits (each weight priced in turn), split unevenly: the same bits
  // as the whole matrix.
  const std::vector<float> by_hand{0.5f, 0.25f, -1.0f, 0.0f};
  models::layer_matrix m;
  m.fan_in = 2;
  m.outputs = 2;
  m.weight_bits = 4;
  m.activation_bits = 8;
  std::string why;
  const auto tile = tiny_tile(models::signed_encoding::differential);
  models::crossbar_mapping mapping;
  REQUIRE(models::map_matrix(m, tile, mapping, why));
  models::weight_density_tally hand(tile, mapping, 4);
  hand.range(by_hand.data(), 1);
  hand.range(by_hand.data() + 1, 3);
  hand.add(by_hand.data(), 1);
  hand.add(by_hand.data() + 1, 3);
  CHECK(hand.density() == doctest::Approx(7.0 / 48.0).epsilon(1e-12).scale(0));

  Eigen::MatrixXd w(20, 15);
  for (Eigen::Index i = 0; i < w.size(); ++i) w.data()[i] = std::sin(0.7 * static_cast<double>(i)) * 0.3;
  for (const int bits : {4, 20}) {
    m.fan_in = 20;
    m.outputs = 15;
    m.weight_bits = bits;
    for (const auto encoding : {models::signed_encoding::differential, models::signed_encoding::offset}) {
      const auto t = tiny_tile(encoding);
      REQUIRE(models::map_matrix(m, t, mapping, why));
      models::weight_density_tally pieces(t, mapping, bits);
      for (const auto& [from, to] : {std::pair<int, int>{0, 7}, {7, 7}, {7, 300}}) pieces.range(w.data() + from, to - from);
      for (const auto& [from, to] : {std::pair<int, int>{0, 123}, {123, 300}}) pieces.add(w.data() + from, to - from);
      INFO(bits << " bits");
      CHECK(pieces.density() == models::mapped_weight_density(w, t, mapping, bits));
    }
  }
}

TEST_CASE("weight code: round half away from zero, clamped, as std::round and std::clamp give it") {
  models::weight_codes codes;
  codes.q_max = 127;
  codes.scale = 0.5;
  // Halves go away from zero; just below a half goes down; beyond q_max clamps.
  CHECK(models::weight_code(1.25, codes) == 3);    // 2.5
  CHECK(models::weight_code(-1.25, codes) == -3);  // -2.5
  CHECK(models::weight_code(std::nextafter(0.25, 0.0), codes) == 0);  // just under 0.5
  CHECK(models::weight_code(-0.2, codes) == 0);
  CHECK(models::weight_code(1000.0, codes) == 127);
  CHECK(models::weight_code(-1000.0, codes) == -127);
  CHECK(models::weight_code(std::numeric_limits<double>::infinity(), codes) == 127);
  // Every quarter step and its neighbours from -70 to 70, and large wide codes.
  for (int k = -280; k <= 280; ++k)
    for (const double w : {k * 0.125, std::nextafter(k * 0.125, -1e9), std::nextafter(k * 0.125, 1e9)})
      CHECK(models::weight_code(w, codes) ==
            static_cast<long long>(std::clamp(std::round(w / codes.scale), -127.0, 127.0)));
  codes.q_max = (1LL << 40) - 1;
  codes.scale = 1.0;
  for (const double w : {1e12 + 0.5, -1e12 - 0.5, 3.0e15, -4.5e15, 1e300})
    CHECK(models::weight_code(w, codes) ==
          static_cast<long long>(std::clamp(std::round(w), -static_cast<double>(codes.q_max),
                                            static_cast<double>(codes.q_max))));
}

TEST_CASE("input density: inputs quantized as the drivers do, by hand") {
  // Full scale 1, 2 bits (codes 0..3): 0 -> 0, 0.5 -> round(1.5) = 2 (10), 1 -> 3 (11),
  // 2 clips to 3 (11), -1 clips to 0: 5 of 10 bits are 1. As pulse widths: (0 + 2 + 3 + 3 + 0)
  // unit pulses of 5 x 3: 8/15.
  const std::vector<double> x{0.0, 0.5, 1.0, 2.0, -1.0};
  CHECK(platform::quantized_input_density(x, 1.0, 2, models::input_mode::bit_serial) == doctest::Approx(0.5).scale(0));
  CHECK(platform::quantized_input_density(x, 1.0, 2, models::input_mode::pulse_width) ==
        doctest::Approx(8.0 / 15.0).scale(0));
  // At full scale 2 the same inputs are codes 0, round(0.75 + 0.5) = 1, 2, 3, 0: bits 0 + 1 + 1 + 2 + 0 = 4 of 10.
  CHECK(platform::quantized_input_density(x, 2.0, 2, models::input_mode::bit_serial) == doctest::Approx(0.4).scale(0));
}

TEST_CASE("layer densities: LeNet-5's shipped weights are measured; stated values elsewhere") {
  dsl::diagnostics errors;
  const std::string root = MOTTSIM_SOURCE_DIR;
  const auto arch = dsl::load_architecture(root + "/configs/arch/adc_cim.yaml", {}, test_support::registry(), errors);
  const auto lenet = dsl::load_workload(root + "/configs/workloads/lenet5_mnist.yaml", errors);
  const auto vgg = dsl::load_workload(root + "/configs/workloads/vgg8_cifar10.yaml", errors);
  REQUIRE_FALSE(errors.has_errors());
  const dsl::block_value& tile_block = arch.spec.find("tile")->params;
  const auto tile = models::read_cim_tile_params(tile_block, test_support::registry().readout_stages());

  const auto measured = platform::layer_densities(lenet, tile, tile_block);
  REQUIRE(measured.size() == lenet.layers.size());
  const auto& conv1 = measured[0];
  CHECK(conv1.weight_source.find("measured on the trained weights of lenet5_mnist_weights.json") != std::string::npos);
  // Trained weights cluster near 0: most cells sit near g_min, far below the stated 0.5.
  CHECK(conv1.weight > 0.0);
  CHECK(conv1.weight < 0.5);
  if (std::filesystem::exists(root + "/data/mnist/0.json")) {
    CHECK(conv1.input_source.find("training digits") != std::string::npos);
    CHECK(conv1.input > 0.0);
    CHECK(conv1.input < 0.5);  // digits are mostly background: most input bits are 0
  } else {
    CHECK(conv1.input == 0.5);
    CHECK(conv1.input_source.find("make data") != std::string::npos);
  }

  // VGG-8 ships no weights: the workload's stated (default) values, said so.
  const auto stated = platform::layer_densities(vgg, tile, tile_block);
  CHECK(stated[0].input == 0.5);
  CHECK(stated[0].weight == 0.5);
  CHECK(stated[0].weight_source == "the workload's weight_density default 0.5");

  // A weights file that is absent (not fetched): the stated values, and a note
  // for the run. One that is there but corrupt is the user's error, located.
  test_support::scratch_dir dir;
  dsl::workload_spec absent = lenet;
  absent.weights_file = dir.path("none.json");
  std::string note;
  const auto fallback = platform::layer_densities(absent, tile, tile_block, &note);
  CHECK(fallback[0].weight == 0.5);
  CHECK(fallback[0].weight_source.find("is absent") != std::string::npos);
  CHECK(note.find("weights_file " + absent.weights_file + " is absent") != std::string::npos);
  CHECK(note.find("stated input_density 0.5 and weight_density 0.5") != std::string::npos);
  std::string none;
  platform::layer_densities(lenet, tile, tile_block, &none);
  CHECK(none.empty());
  dsl::workload_spec corrupt = lenet;
  corrupt.weights_file = dir.path("bad.json");
  std::ofstream(corrupt.weights_file) << "{\"conv1\": NaN}";
  try {
    platform::layer_densities(corrupt, tile, tile_block, &note);
    FAIL("a corrupt weights file was accepted");
  } catch (const dsl::input_error& e) {
    CHECK(std::string(e.what()).find(corrupt.weights_file + ":1:") != std::string::npos);
  }
}

// A readout stage type registered in a test, in one add_readout_stage call
// with nothing else in mottsim told about it, is a converter to the tile that
// elaborates it: the tile reads its figures through the type's reader and
// times its conversions as it times an adc's (the time is derived by hand).
// Functional mode treats a registered activation by the model its type names.
// SystemC elaborates once per process, and CTest runs each test case in a
// process of its own.
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include <doctest/doctest.h>

#include "dsl/diagnostics.hpp"
#include "models/cim_tile_params.hpp"
#include "platform/session/session.hpp"
#include "tile_bench.hpp"
#include "../unit/test_readout_types.hpp"
#include "../unit/test_support.hpp"

using namespace mottsim;

TEST_CASE("kernel: a converter type registered in one place is timed by the tile as its traits say") {
  const platform::model_registry registry = test_support::registry_with_test_stages();
  dsl::diagnostics errors;
  // 128-column arrays with one test ramp per 32 columns at 1.28 GHz, then a
  // shift-and-add; the tile's 1 GHz clock and 8 arrays are the schema's defaults.
  const dsl::block_value tile = test_support::validated_block(
      "cim_tile",
      "crossbar: {rows: 128, columns: 128}\n"
      "readout:\n"
      "  - {type: test_ramp, columns_per_unit: 32, sample_rate: 1.28 GHz}\n"
      "  - type: shift_add\n",
      errors, registry);
  REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
  const models::cim_tile_params p = models::read_cim_tile_params(tile, registry.readout_stages());
  REQUIRE(p.converter_stage == 0);
  REQUIRE(p.has_shift_add);
  // A job on three arrays reads 8 input bits of 10 ns (80 ns a vector); each
  // ramp converts its 32 columns at every read, 8 x 32 / 1.28 GHz = 200 ns a
  // vector; 300 partial sums on three 1 GHz lanes take 100 ns. 64 vectors take
  // 80 + 200 + 100 + 63 x 200 = 12980 ns: the fill, then one vector per
  // slowest stage, the converters.
  models::tile_job job;
  job.crossbars = 3;
  job.active_rows = 384;
  job.active_columns = 384;
  job.active_cells = 384 * 128;
  job.max_columns_per_crossbar = 128;
  job.outputs = 16;
  job.digital_adds = 300;
  job.vectors = 64;
  job.mapping.reads_per_vector = 8;
  job.mapping.read_time_s = 10e-9;
  test_support::bench b(p, {&job});
  sc_core::sc_start();
  CHECK(b.host.finished_s == doctest::Approx(12980e-9).epsilon(1e-9));
  // The three arrays' converter banks each converted for 64 x 200 ns.
  for (std::size_t g = 0; g < 3; ++g)
    CHECK(b.tile.converters().units()[g].busy_seconds() == doctest::Approx(64 * 200e-9).epsilon(1e-9));
  CHECK(b.tile.converters().units()[3].busy_seconds() == 0);
}

TEST_CASE("kernel: functional mode refuses an analog activation it has no model of, at the stage") {
  // The test's clamp registers no functional model: its chain is valid and a
  // perf run takes it, but functional mode cannot compute its transfer curve.
  const platform::model_registry registry = test_support::registry_with_test_stages();
  test_support::scratch_dir dir;
  platform::run_options options;
  options.architecture = dir.write("clamp.yaml", "extends: " + std::string(MOTTSIM_SOURCE_DIR) +
                                                     "/configs/arch/mott_cim.yaml\n"
                                                     "name: mott_cim_clamp\n"
                                                     "components:\n"
                                                     "  tile:\n"
                                                     "    readout:\n"
                                                     "      - type: test_clamp\n"
                                                     "      - type: adc\n");
  options.workload = std::string(MOTTSIM_SOURCE_DIR) + "/configs/workloads/lenet5_mnist.yaml";
  options.mode = "functional";
  options.timeline = false;
  std::string message;
  try {
    platform::run_session(options, registry);
  } catch (const dsl::input_error& e) {
    message = e.errors().to_string();
  }
  CHECK(message.find(options.architecture + ":6:9: error: functional mode has no model of a test_clamp's transfer "
                                            "curve") != std::string::npos);
}

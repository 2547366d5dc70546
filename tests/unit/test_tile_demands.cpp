#include <doctest/doctest.h>

#include "models/tile_job.hpp"
#include "models/vector_stream.hpp"

// What a tile job asks of each part of the tile (models/tile_job's
// part demands) and how a batch of vectors passes a part
// (models/vector_stream), against arithmetic done by hand.
using namespace mottsim::models;

namespace {

constexpr double ns = 1e-9;

// Eight 128-column arrays, one ADC per 32 columns (4 per array) at 1 GHz.
cim_tile_params adc_tile(long long share) {
  cim_tile_params p;
  p.columns_per_adc = 32;
  p.adc_rate_hz = 1e9;
  p.readout_share = share;
  return p;
}

// A column-ADC job on arrays 3, 4 and 5: 4 reads of 10 ns, 96 columns each.
tile_job column_job() {
  tile_job j;
  j.first_array = 3;
  j.crossbars = 3;
  j.max_columns_per_crossbar = 96;
  j.outputs = 48;
  j.vectors = 10;
  j.digital_adds = 600;
  j.mapping.reads_per_vector = 4;
  j.mapping.read_time_s = 10 * ns;
  return j;
}

}  // namespace

TEST_CASE("tile parts: a job's demands with a readout per array are the closed form's stages") {
  const cim_tile_params tile = adc_tile(1);
  const tile_job job = column_job();
  const tile_job_demands d = tile_job_part_demands(tile, job);
  const tile_job_cost c = cost_tile_job(tile, job);
  CHECK(d.crossbar.first == 3);
  REQUIRE(d.crossbar.service_s.size() == 3);
  CHECK(d.crossbar.service_s[0] == doctest::Approx(c.read_stage_s).scale(0));
  // Groups 3, 4, 5: each array's 4 ADCs scan 96 columns (24 each) per read.
  CHECK(d.converter.first == 3);
  REQUIRE(d.converter.service_s.size() == 3);
  for (double s : d.converter.service_s) CHECK(s == doctest::Approx(4 * 24 * ns).scale(0));
  CHECK(d.converter.service_s[0] == doctest::Approx(c.convert_stage_s).scale(0));
  // 600 adds on three 1 GHz lanes: 200 ns.
  CHECK(d.digital.service_s[1] == doctest::Approx(200 * ns).scale(0));
  CHECK(d.digital.service_s[1] == doctest::Approx(c.digital_stage_s).scale(0));
  CHECK(d.activation.service_s.empty());
  CHECK_FALSE(d.read_held);
}

TEST_CASE("tile parts: a shared ADC bank scans the columns of every array it serves") {
  // Two arrays per group: arrays 3 | 4, 5 fall in groups 1 and 2. Group 1
  // scans one array's 96 columns (24 conversions a read), group 2 two arrays'
  // 192 (48 a read).
  const tile_job_demands d = tile_job_part_demands(adc_tile(2), column_job());
  CHECK(d.converter.first == 1);
  REQUIRE(d.converter.service_s.size() == 2);
  CHECK(d.converter.service_s[0] == doctest::Approx(4 * 24 * ns).scale(0));
  CHECK(d.converter.service_s[1] == doctest::Approx(4 * 48 * ns).scale(0));
  // Crossbars and digital lanes stay one per array.
  CHECK(d.crossbar.service_s.size() == 3);
  CHECK(d.digital.service_s.size() == 3);
}

TEST_CASE("tile parts: a shared neuron array takes its arrays' outputs in turn") {
  // Four 128-column arrays, a neuron per column, on one group: a job of four
  // arrays with 512 outputs needs four passes of 7 + max(10, 200) + 934 ns.
  cim_tile_params tile;
  tile.arrays = 4;
  tile.has_neuron = true;
  tile.columns_per_neuron = 1;
  tile.settling_s = 200 * ns;
  tile.neuron_before_s = 7 * ns;
  tile.neuron_after_s = 934 * ns;
  tile.readout_share = 4;
  tile_job job;
  job.crossbars = 4;
  job.outputs = 512;
  job.vectors = 1;
  job.analog_out = true;
  job.mapping.reads_per_vector = 1;
  job.mapping.read_time_s = 10 * ns;
  job.mapping.neuron_used = true;
  const tile_job_demands d = tile_job_part_demands(tile, job);
  CHECK(d.read_held);
  REQUIRE(d.activation.service_s.size() == 1);
  CHECK(d.activation.service_s[0] == doctest::Approx(4 * 1141 * ns).scale(0));
  CHECK(d.converter.service_s.empty());  // held in sample-and-hold, not converted
  tile.readout_share = 1;
  const tile_job_demands alone = tile_job_part_demands(tile, job);
  REQUIRE(alone.activation.service_s.size() == 4);
  CHECK(alone.activation.service_s[3] == doctest::Approx(1141 * ns).scale(0));
}

TEST_CASE("tile parts: a batch through a chain of stages ends at the fill plus one vector per slowest stage") {
  // 10 vectors there at 0, stages of 3, 5 and 2 ns: 3 + 5 + 2 + 9 x 5 = 55 ns.
  vector_stream s{0.0, 0.0, 10};
  double start = 0;
  s = serve_stream(s, 0.0, 3 * ns, start);
  CHECK(s.first_s == doctest::Approx(3 * ns).scale(0));
  CHECK(s.last_s == doctest::Approx(30 * ns).scale(0));
  s = serve_stream(s, 0.0, 5 * ns, start);
  s = serve_stream(s, 0.0, 2 * ns, start);
  CHECK(s.first_s == doctest::Approx(10 * ns).scale(0));
  CHECK(s.last_s == doctest::Approx(55 * ns).scale(0));
  CHECK(s.period_s() == doctest::Approx(5 * ns).scale(0));
  // A unit busy until 100 ns starts there: 100 + 10 x 2 = 120 ns.
  s = serve_stream(vector_stream{0.0, 0.0, 10}, 100 * ns, 2 * ns, start);
  CHECK(start == doctest::Approx(100 * ns).scale(0));
  CHECK(s.last_s == doctest::Approx(120 * ns).scale(0));
}

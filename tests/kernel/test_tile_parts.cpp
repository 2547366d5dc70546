// A cim_tile's parts (crossbar arrays, activation arrays, converter banks,
// digital lanes) elaborated for real: an initiator starts jobs on one tile
// and waits for it. Times are derived by hand; the closed form of
// models/tile_job is the independent check where nothing is shared.
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include <doctest/doctest.h>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "models/cim_tile_module.hpp"
#include "tile_bench.hpp"

using namespace mottsim::models;
using mottsim::test_support::bench;

namespace {

constexpr double ns = 1e-9;

// A tile of four 8-column arrays whose columns each feed a neuron of their
// own group's activation array (8 neurons per array): a 10 ns read, a neuron
// that settles in 200 ns and needs `cooling` to recover.
cim_tile_params neuron_tile(long long share, double cooling_s) {
  cim_tile_params p;
  p.arrays = 4;
  p.rows = 8;
  p.columns = 8;
  p.has_neuron = true;  // a mott_neuron, sample_hold, adc chain
  p.activation_part = "mott_neuron";
  p.has_sample_hold = true;
  p.columns_per_neuron = 1;
  p.settling_s = 200 * ns;
  p.neuron_after_s = cooling_s;
  p.readout_share = share;
  return p;
}

// Every column of the four arrays is an output with its neuron (one row
// block, one column per weight); the outputs stay held in sample-and-hold, so
// the read stage is the whole job.
tile_job neuron_job(long long vectors) {
  tile_job j;
  j.crossbars = 4;
  j.active_rows = 32;
  j.active_columns = 32;
  j.active_cells = 256;
  j.max_columns_per_crossbar = 8;
  j.outputs = 32;
  j.vectors = vectors;
  j.relu = true;
  j.analog_out = true;
  j.mapping.reads_per_vector = 1;
  j.mapping.read_time_s = 10 * ns;
  j.mapping.neuron_used = true;
  return j;
}

}  // namespace

TEST_CASE("kernel: four crossbars on one neuron array read four times as long") {
  // One group per array: each neuron array takes its own 8 outputs in one
  // 200 ns pass (the 10 ns read hides in the settling), so 100 vectors take
  // 20 us. One group for all four: the array takes the 32 outputs in four
  // passes, 800 ns a vector, 80 us.
  const tile_job job = neuron_job(100);
  double alone_s = 0;
  {
    // The shared case is elaborated below; one elaboration per process, so
    // the unshared figure comes from the closed form, checked against the
    // module in the next test.
    alone_s = cost_tile_job(neuron_tile(1, 0), job).time_s;
    CHECK(alone_s == doctest::Approx(100 * 200 * ns).epsilon(1e-12));
  }
  bench b(neuron_tile(4, 0), {&job});
  sc_core::sc_start();
  CHECK(b.host.finished_s == doctest::Approx(100 * 800 * ns).epsilon(1e-9));
  CHECK(b.host.finished_s / alone_s == doctest::Approx(4.0).epsilon(1e-9));
  REQUIRE(b.tile.activations() != nullptr);
  const auto& groups = b.tile.activations()->units();
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].busy_seconds() == doctest::Approx(80e-6).epsilon(1e-9));
  // The crossbars stay driven while the shared array reads them.
  CHECK(b.tile.crossbars().units()[3].busy_seconds() == doctest::Approx(80e-6).epsilon(1e-9));
  // The drain learns the parts' pace: vector v out at 800 (v + 1) ns.
  const tile_job_timeline t = b.host.timelines.at(&job);
  CHECK(t.first_s == doctest::Approx(800 * ns).epsilon(1e-9));
  CHECK(t.period_s == doctest::Approx(800 * ns).epsilon(1e-9));
}

TEST_CASE("kernel: with a readout per array, the neuron tile's parts give the closed form's time") {
  const tile_job job = neuron_job(100);
  bench b(neuron_tile(1, 0), {&job});
  sc_core::sc_start();
  CHECK(b.host.finished_s == doctest::Approx(20e-6).epsilon(1e-9));
  const double closed = cost_tile_job(neuron_tile(1, 0), job).time_s;
  CHECK(std::abs(b.host.finished_s - closed) <= 0.05 * closed);
  REQUIRE(b.tile.activations()->units().size() == 4);
  for (const auto& g : b.tile.activations()->units()) CHECK(g.busy_seconds() == doctest::Approx(20e-6).epsilon(1e-9));
}

TEST_CASE("kernel: a neuron's cooling limits its read rate") {
  // Settling 200 ns, then 934 ns of cooling before the next read: one read
  // every 1134 ns instead of every 200 ns. 50 vectors of one pass each end
  // at 50 x 1134 ns = 56.7 us; the neuron array works all of it.
  const tile_job job = neuron_job(50);
  bench b(neuron_tile(1, 934 * ns), {&job});
  sc_core::sc_start();
  CHECK(b.host.finished_s == doctest::Approx(50 * 1134 * ns).epsilon(1e-9));
  CHECK(b.tile.activations()->units()[0].busy_seconds() == doctest::Approx(50 * 1134 * ns).epsilon(1e-9));
  const tile_job_timeline t = b.host.timelines.at(&job);
  CHECK(1.0 / t.period_s == doctest::Approx(1.0 / (1134 * ns)).epsilon(1e-9));
}

TEST_CASE("kernel: an ADC tile's three stages stream as the closed form says when nothing is shared") {
  // 128-column arrays with one 1.28 GHz ADC per 32 columns (four per array),
  // 1 GHz digital lanes. A job on three arrays reads 8 input bits of 10 ns
  // (80 ns a vector); each ADC converts its 32 columns at every read, 8 x 32 /
  // 1.28 GHz = 200 ns a vector; 300 partial sums on three lanes take 100 ns.
  // 64 vectors take 80 + 200 + 100 + 63 x 200 = 12980 ns (the fill, then one
  // vector per slowest stage). A second job on the next two arrays runs beside
  // it: 150 adds on two lanes (75 ns), 80 + 200 + 75 + 63 x 200 = 12955 ns.
  cim_tile_params p;
  p.columns_per_adc = 32;
  p.has_shift_add = true;  // an adc, shift_add chain
  tile_job a;
  a.crossbars = 3;
  a.active_rows = 384;
  a.active_columns = 384;
  a.active_cells = 384 * 128;
  a.max_columns_per_crossbar = 128;
  a.outputs = 16;
  a.digital_adds = 300;
  a.vectors = 64;
  a.mapping.reads_per_vector = 8;
  a.mapping.read_time_s = 10 * ns;
  tile_job b2 = a;
  b2.first_array = 3;
  b2.crossbars = 2;
  b2.digital_adds = 150;
  bench b(p, {&a, &b2});
  sc_core::sc_start();
  CHECK(b.host.finished_s == doctest::Approx(12980 * ns).epsilon(1e-9));
  const double closed = cost_tile_jobs(p, {&a, &b2}).time_s;
  CHECK(std::abs(b.host.finished_s - closed) <= 0.05 * closed);
  const tile_job_timeline second = b.host.timelines.at(&b2);
  CHECK(second.first_s == doctest::Approx(355 * ns).epsilon(1e-9));
  CHECK(second.first_s + 63 * second.period_s == doctest::Approx(12955 * ns).epsilon(1e-9));
  // Each of the five arrays' ADC banks converted for 64 x 200 ns; the rest idled.
  for (std::size_t g = 0; g < 5; ++g)
    CHECK(b.tile.converters().units()[g].busy_seconds() == doctest::Approx(64 * 200 * ns).epsilon(1e-9));
  CHECK(b.tile.converters().units()[5].busy_seconds() == 0);
}

// Times the models build (models/sim_time): every conversion and every busy
// period is checked against what SystemC holds, so none wraps or saturates.
#include <doctest/doctest.h>

#include <systemc>

#include "dsl/units.hpp"
#include "models/busy_resource.hpp"
#include "models/sim_time.hpp"

using namespace mottsim::models;

namespace {

struct owner_module : sc_core::sc_module {
  explicit owner_module(const sc_core::sc_module_name& name) : sc_core::sc_module(name) {}
};

constexpr sc_dt::uint64 limit = 9223372036854775808ULL;  // 2^63 steps of 1 ps

}  // namespace

TEST_CASE("sim_time: durations convert exactly up to the bound and are refused past it") {
  REQUIRE(sc_core::sc_get_time_resolution() == sc_core::sc_time(1, sc_core::SC_PS));
  owner_module tile("tile");
  clear_time_overflow();
  // 9,223,372.036854 s: 9,223,372,036,854,000,000 ps exactly (within a double's step).
  const sc_core::sc_time inside = to_sc_time(9223372.036854, tile, "a crossbar job");
  CHECK(inside.value() < limit);
  CHECK(static_cast<double>(inside.value()) == doctest::Approx(9223372036854000000.0).epsilon(1e-15));
  CHECK_FALSE(first_time_overflow());

  CHECK_THROWS_AS(to_sc_time(9223372.037, tile, "a crossbar job"), time_overflow);
  REQUIRE(first_time_overflow());
  CHECK(first_time_overflow()->module == "tile");
  CHECK(first_time_overflow()->what == "a crossbar job");
  CHECK(first_time_overflow()->seconds == 9223372.037);
  // The first overflow of a run is the one kept.
  CHECK_THROWS_AS(to_sc_time(1e308, tile, "weight programming"), time_overflow);
  CHECK(first_time_overflow()->what == "a crossbar job");
  clear_time_overflow();
  CHECK_THROWS_AS(to_sc_time(-1.0, tile, "a command"), time_overflow);
  clear_time_overflow();
}

TEST_CASE("sim_time: a busy period that would end past the bound is refused, not wrapped") {
  clear_time_overflow();
  busy_resource r;
  const sc_core::sc_time half(4611686.0184, sc_core::SC_SEC);  // 27 ns under 2^62 ps
  r.occupy(sc_core::SC_ZERO_TIME, half);
  r.occupy(sc_core::SC_ZERO_TIME, half);  // queued behind the first: ends 55 ns under 2^63 ps
  CHECK(r.busy_until().value() < limit);
  const auto before = r.busy_until();
  CHECK_THROWS_AS(r.occupy(sc_core::SC_ZERO_TIME, half), time_overflow);
  CHECK(r.busy_until() == before);  // the resource keeps its last good time
  REQUIRE(first_time_overflow());
  CHECK(first_time_overflow()->resource == &r);
  CHECK(first_time_overflow()->seconds > mottsim::dsl::max_time_s());
  clear_time_overflow();
}

#include "models/sim_time.hpp"

#include "dsl/units.hpp"

namespace mottsim::models {

namespace {

std::optional<time_overflow_event> g_first;

}  // namespace

void raise_time_overflow(time_overflow_event event) {
  if (!g_first) g_first = event;
  throw time_overflow(event.what + " of " + event.module + " reaches " + std::to_string(event.seconds) +
                      " s: " + dsl::time_limit_text());
}

const std::optional<time_overflow_event>& first_time_overflow() { return g_first; }
void clear_time_overflow() { g_first.reset(); }

sc_core::sc_time to_sc_time(double seconds, const sc_core::sc_object& owner, const char* what) {
  if (!(seconds >= 0) || !dsl::time_fits(seconds)) raise_time_overflow({owner.name(), nullptr, seconds, what});
  return sc_core::sc_time(seconds, sc_core::SC_SEC);
}

bool sum_fits(const sc_core::sc_time& a, const sc_core::sc_time& b) {
  const auto limit = static_cast<sc_dt::uint64>(dsl::time_step_limit);
  return a.value() < limit && b.value() < limit && a.value() + b.value() < limit;
}

}  // namespace mottsim::models

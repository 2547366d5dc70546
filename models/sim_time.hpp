#pragma once
#include <systemc>

#include <optional>
#include <stdexcept>
#include <string>

namespace mottsim::models {

// Simulated time that would pass what SystemC holds (dsl::time_fits: 2^63
// steps of 1 ps). SystemC would wrap or saturate such a time without a word,
// and the run would report a wrong latency; instead the models stop the run
// here. The event is kept (exceptions reach sc_start's caller only as an
// sc_report) so the session can locate the error at the component.
struct time_overflow_event {
  std::string module;              // the module's name: the YAML component name
  const void* resource = nullptr;  // the busy_resource that overflowed, if one did
  double seconds = 0;              // the time that did not fit
  std::string what;                // what that time was, for the message
};

class time_overflow : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Records the event (the first of a run is kept) and throws time_overflow.
[[noreturn]] void raise_time_overflow(time_overflow_event event);
const std::optional<time_overflow_event>& first_time_overflow();
void clear_time_overflow();

// Seconds to sc_time, for every duration a model computes; `owner` and `what`
// say whose and which for the message.
sc_core::sc_time to_sc_time(double seconds, const sc_core::sc_object& owner, const char* what);

// a + b when the sum fits; otherwise raises as to_sc_time does. Every value an
// addition starts from fits, so the 64-bit sum itself never wraps.
bool sum_fits(const sc_core::sc_time& a, const sc_core::sc_time& b);

}  // namespace mottsim::models

#pragma once
#include <algorithm>

namespace mottsim::models {

// A batch of input vectors passing one stage of a tile: vector 0 is there at
// `first_s`, the last at `last_s`, the others evenly between. Simulating the
// batch instead of each vector keeps a tile job a handful of calls.
struct vector_stream {
  double first_s = 0.0;
  double last_s = 0.0;
  long long vectors = 0;

  double period_s() const { return vectors > 1 ? (last_s - first_s) / static_cast<double>(vectors - 1) : 0.0; }
};

// One unit, free from `free_s`, serving each vector of `in` for `service_s`
// in order: when each leaves it. The unit starts at `start_s` (the first
// vector's arrival, or when it frees up); the last vector leaves after every
// vector's service, or its own arrival and service, whichever is later. A
// chain of such stages over vectors all there at once ends at the sum of the
// stages plus (vectors - 1) times the slowest.
inline vector_stream serve_stream(const vector_stream& in, double free_s, double service_s, double& start_s) {
  start_s = std::max(in.first_s, free_s);
  vector_stream out;
  out.vectors = in.vectors;
  out.first_s = start_s + service_s;
  out.last_s = std::max(start_s + static_cast<double>(in.vectors) * service_s, in.last_s + service_s);
  return out;
}

}  // namespace mottsim::models

#pragma once
#include <string>
#include <vector>

#include "reports/run_trace.hpp"

namespace mottsim::reports {

// One component's utilization in one slice of the inference.
struct utilization_sample {
  std::string component;
  double start_s = 0;  // since the inference started
  double end_s = 0;
  double utilization = 0;  // busy time of its resources in the slice / (slice x resources)
};

// The inference window (trace.inference_start_s to inference_end_s) cut into
// `slices` equal slices, and for every component with busy time in it, how
// busy its resources were in each slice. Weight programming is left out.
// Components in trace order, slices in time order; empty when the window is.
std::vector<utilization_sample> utilization_over_time(const run_trace& trace, int slices);

}  // namespace mottsim::reports

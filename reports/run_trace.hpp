#pragma once
#include <string>
#include <vector>

// When each shared resource of a run was busy, as plain data: the simulator
// records it, trace.json and the utilization plot of report.html draw it.
namespace mottsim::reports {

// Work done once before inferences start (programming resident weights) is
// recorded under this layer index; any other negative index is work no layer
// owns.
constexpr int programming_layer = -2;

struct busy_interval {
  double start_s = 0;
  double end_s = 0;
  int layer = -1;
};

// One resource: an instance of a component, or one of its ports.
struct trace_track {
  std::string component;
  std::string type;
  std::string label;  // the component's name, with [instance] when it has several resources
  std::vector<busy_interval> intervals;  // in time order, never overlapping
};

// A layer's stage of the schedule, in simulated time since the run started.
struct trace_stage {
  int layer = 0;
  double start_s = 0;
  double end_s = 0;
};

struct run_trace {
  std::vector<trace_track> tracks;
  std::vector<trace_stage> stages;
  std::vector<std::string> layer_names;  // by layer index
  double inference_start_s = 0;          // after weight programming
  double inference_end_s = 0;
};

}  // namespace mottsim::reports

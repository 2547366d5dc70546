#pragma once
#include <cstddef>
#include <string>

#include "reports/run_result.hpp"

namespace mottsim::reports {

// Busy events a trace holds at most (about 100 bytes each), so a large
// network's trace still opens quickly in Perfetto.
constexpr std::size_t default_trace_event_budget = 100000;

// trace.json: the run's busy intervals in Chrome trace-event format
// ({"traceEvents": [...], "displayTimeUnit": "ns"}), for ui.perfetto.dev or
// chrome://tracing. One process per component (pid 1, 2, ... in report
// order) with one thread per resource; complete events ("ph": "X") with ts and
// dur in microseconds of simulated time, named after the layer the work
// belonged to. Process 0 ("schedule") holds one thread per layer with its
// stage. A resource recording more intervals than its share of `event_budget`
// has neighbouring intervals merged into one event each; such an event's
// args.busy_us is the busy time inside it and args.intervals how many it
// merged, and otherData.note says so. Timestamps are rounded to the
// picosecond, start and end alike, so events of one resource never overlap.
std::string to_trace_json(const run_result& r, std::size_t event_budget = default_trace_event_budget);

}  // namespace mottsim::reports

#pragma once
#include <systemc>

#include <cstddef>
#include <memory>
#include <vector>

#include "models/program.hpp"

namespace mottsim::models {

// When a stage of a layer pipeline may start its next inference (the pipeline
// schedule of models/controller_module). A stage starts inference i once
// - it is done with inference i - 1 (its tiles are its own: one inference at
//   a time);
// - every stage it reads has finished inference i (its data exist);
// - every stage that reads it has finished the inference whose data the
//   buffer it is about to write still holds (back-pressure). Activations in
//   memory have one buffer per inference that can be between producer and
//   consumer, `consumer - producer + 1` (two, ping-pong, for neighbours; a
//   residual's skip tensor waits through the layers it skips); held analog
//   values have one (the line buffer).
// Without back-pressure a fast early stage would run through all its
// inferences at once and then stop competing for the bus, which is the
// understated contention this schedule is there to avoid.
//
// The order (inference, stage) is a topological order of these waits (inputs
// come from earlier stages, back-pressure from earlier inferences), so they
// never deadlock.
class pipeline_gate {
 public:
  explicit pipeline_gate(const program& p);

  // Suspends the calling thread until stage `stage` may start `inference`.
  void wait_turn(std::size_t stage, long long inference);
  // Stage `stage` has finished its next inference (at the current time).
  void finished(std::size_t stage);

 private:
  // Stage `other` must have finished inference `inference - lag`.
  struct wait_on {
    std::size_t other;
    long long lag;
  };
  std::vector<std::vector<wait_on>> m_waits;
  std::vector<long long> m_done;
  std::vector<std::unique_ptr<sc_core::sc_event>> m_events;
};

}  // namespace mottsim::models

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

  // Suspends the calling thread until stage `stage` may start `inference`;
  // false, at once or as soon as it is set, when `inference` is at or past
  // the limit (stop_at): the stage has no more inferences to run.
  bool wait_turn(std::size_t stage, long long inference);
  // Stage `stage` has finished its next inference (at the current time).
  void finished(std::size_t stage);
  // No stage starts inference `inferences` or later. Every inference below it
  // that a stage has not run yet still runs (its inputs come from inferences
  // below it too), so nothing waits forever.
  void stop_at(long long inferences);
  // The inferences every stage from `first` on has finished.
  long long completed(std::size_t first) const;

 private:
  // Stage `other` must have finished inference `inference - lag`.
  struct wait_on {
    std::size_t other;
    long long lag;
  };
  std::vector<std::vector<wait_on>> m_waits;
  std::vector<long long> m_done;
  long long m_limit = -1;  // none until stop_at
  std::vector<std::unique_ptr<sc_core::sc_event>> m_events;
};

}  // namespace mottsim::models

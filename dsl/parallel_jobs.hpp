#pragma once
#include <cstddef>
#include <functional>

namespace mottsim::dsl {

// In the lowest layer so that the device models, the data loaders and the
// commands share one pool of jobs.
//
// Runs job(0) ... job(jobs - 1) on up to `threads` threads (the caller's among
// them), each job once, in no fixed order; the first exception is rethrown
// after every thread has stopped.
void run_parallel(std::size_t jobs, unsigned threads, const std::function<void(std::size_t)>& job);

// The processors the machine offers (at least 1).
unsigned hardware_threads();

}  // namespace mottsim::dsl

#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace mottsim::platform {

// One child process: a program and its arguments, its stdout and stderr
// going to `log`.
struct process_job {
  std::vector<std::string> args;  // args[0] is the program
  std::string log;
};

struct process_outcome {
  int exit_status = -1;  // 128 + signal when killed by one
  bool timed_out = false;
  double wall_s = 0;
  // Set when the job never started because its log could not be opened
  // ("LOG: error: cannot write file: No space left on device").
  std::string not_started;
};

// Runs child processes, at most `limit` at once (0: the number of processors). Used for the one-process-
// per-simulation commands (compare, sweep), since SystemC elaborates once per
// process. Children die with this process (PR_SET_PDEATHSIG), so a killed
// parent leaves no orphans, and a child running longer than the timeout is
// killed and reported as timed out.
class process_pool {
 public:
  explicit process_pool(unsigned limit, double timeout_s = 0);  // limit 0: the processors; timeout 0: none

  // Starts jobs 0..count-1 in order; `make(i)` builds job i just before it
  // starts, `done(i, outcome)` runs here as each one ends (in the order they
  // end), `tick()` every few milliseconds while waiting. A job whose log
  // cannot be opened is not started: `done` gets it at once, with the reason.
  // Returns false when a process cannot be started (after waiting for those
  // already running).
  bool run(std::size_t count, const std::function<process_job(std::size_t)>& make,
           const std::function<void(std::size_t, const process_outcome&)>& done,
           const std::function<void()>& tick = {});

 private:
  unsigned m_limit;
  double m_timeout_s;
};

// The running mottsim binary (to start runs of itself); empty if unknown.
std::string self_executable();

}  // namespace mottsim::platform

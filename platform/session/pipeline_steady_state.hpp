#pragma once
#include <string>
#include <vector>


namespace mottsim::platform {

// One run of a pipeline stage: one inference's work of one layer, in seconds
// of simulated time.
struct stage_run {
  double start_s = 0;
  double end_s = 0;
};

// What the pipeline schedule's K inferences say about its steady state.
struct pipeline_timing {
  std::vector<double> completions_s;  // inference i is done: the end of its last stage run
  double fill_s = 0;                  // the first completion, after `begin_s`
  double period_s = 0;                // mean spacing of the steady completions
  double period_error_s = 0;          // the standard error of that mean (MSER-5's batches)
  // The inferences the period is measured over, [first_steady, last_steady].
  // Candidates are those that started after every stage had started working
  // and completed before any stage had finished its last inference, so every
  // stage was busy with some inference while they ran (`window_start`,
  // `window_end`). Their first ones still carry the fill's transient (stages
  // ahead of the slowest run back to back until their buffers are full), which
  // MSER-5 cuts (platform/session/warmup_truncation.hpp). `steady` is false
  // when fewer than two completions fall in the window (the period is then
  // the mean spacing of all completions, which the fill and drain make
  // optimistic), or when MSER-5 finds the spacings still drifting.
  bool steady = false;
  bool window = false;  // at least two completions fell in it
  long long window_start = 0;
  long long window_end = 0;
  long long first_steady = 0;
  long long last_steady = 0;
  std::vector<double> stage_time_s;  // per stage: its mean run over the inferences measured
};

// Measures a pipeline from runs[stage][inference] (every stage ran every
// inference, in order). `working[stage]` is false for a stage with nothing to
// do (a flatten), whose zero-length runs say nothing about when stages
// compete. `begin_s`: when the inferences began (after weight programming).
pipeline_timing measure_pipeline(const std::vector<std::vector<stage_run>>& runs, const std::vector<bool>& working,
                                 double begin_s);

// How the period of `t` was measured, for the report: which completions, the
// warm-up cut, or why it is not the steady state.
// `least`: with the default count (0: a set count), the run went on from
// `least` inferences until the controller found the period `settled`, or else
// to the most it allows.
std::string describe_period(const pipeline_timing& t, long long inferences, long long least = 0, bool settled = false);

}  // namespace mottsim::platform

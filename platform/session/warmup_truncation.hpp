#pragma once
#include <cstddef>
#include <vector>

namespace mottsim::platform {

// The steady-state mean of a simulation's output series (the pipeline's
// spacings between completions) after its warm-up, found by MSER-5 (White
// 1997; White 2000, docs/references.md): the series is cut into batches of five
// (a remainder of fewer at its start is dropped with the warm-up), and the
// warm-up is the d batches, at most half of them, whose removal minimizes the
// squared standard error of the remaining batches' mean,
// sum((Z_j - mean)^2) / (m - d)^2. The mean counts as converged when at
// least min_batches batches remain: fewer cannot show a steady state (a run
// too short for its warm-up leaves its drift in them), and when the kept
// batches do not drift: MSER cuts at most half the batches, so a warm-up
// longer than the run's first half (a queue still filling) stays in the kept
// ones as a trend, whose halves' means differ by more than their noise
// (drift_sigmas standard errors of the difference) and by more than
// drift_tolerance of the mean (a deterministic simulation's batches can agree
// to rounding, so noise alone is no floor).
struct warmup_cut {
  std::size_t first = 0;        // the first observation kept
  double mean = 0;              // of the observations kept
  double standard_error = 0;    // of that mean, from the kept batches' spread (0 with fewer than two)
  bool converged = false;       // min_batches batches or more were kept, and they do not drift
  bool drifting = false;        // the kept batches' halves differ (see above)
};

constexpr std::size_t mser_batch = 5;
constexpr std::size_t min_batches = 4;
constexpr double drift_sigmas = 3.0;
constexpr double drift_tolerance = 0.005;

// Series too short for two batches are kept whole (converged false).
warmup_cut truncate_warmup(const std::vector<double>& series);

// Whether a pipeline still running may stop (its default count,
// models::program::steady), from its completion times so far: their spacings
// are steady without drift (truncate_warmup), and the part kept is at least
// twice the warm-up cut, since a slow queue's tail hides in the noise of a
// short steady part (ResNet-18 on adc_cim with 1024 tiles stopped at 199
// inferences 0.8 % slow without this rule; docs/modelling.md).
bool pipeline_settled(const std::vector<double>& completions_s);

}  // namespace mottsim::platform

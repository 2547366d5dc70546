#include "platform/session/warmup_truncation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mottsim::platform {

namespace {

double mean_of(const std::vector<double>& v, std::size_t from, std::size_t to) {
  double sum = 0;
  for (std::size_t i = from; i < to; ++i) sum += v[i];
  return to > from ? sum / static_cast<double>(to - from) : 0.0;
}
double mean_of(const std::vector<double>& v, std::size_t from) { return mean_of(v, from, v.size()); }

// The squared standard error of the mean of v[from, to) (batch means).
double squared_error(const std::vector<double>& v, std::size_t from, std::size_t to) {
  const std::size_t n = to - from;
  if (n < 2) return 0.0;
  const double mean = mean_of(v, from, to);
  double squares = 0;
  for (std::size_t j = from; j < to; ++j) squares += (v[j] - mean) * (v[j] - mean);
  return squares / static_cast<double>(n - 1) / static_cast<double>(n);
}

// Whether the batches [from, m) trend: their two halves' means differ by more
// than drift_sigmas standard errors of the difference and by more than
// drift_tolerance of their mean.
bool drifts(const std::vector<double>& batches, std::size_t from) {
  const std::size_t m = batches.size();
  if (m - from < 4) return false;  // too few to halve: min_batches decides
  const std::size_t half = from + (m - from) / 2;
  const double early = mean_of(batches, from, half), late = mean_of(batches, half, m);
  const double difference = std::abs(early - late);
  const double noise = std::sqrt(squared_error(batches, from, half) + squared_error(batches, half, m));
  return difference > drift_sigmas * noise && difference > drift_tolerance * mean_of(batches, from);
}

}  // namespace

warmup_cut truncate_warmup(const std::vector<double>& series) {
  warmup_cut cut;
  const std::size_t m = series.size() / mser_batch;
  if (m < 2) {
    cut.mean = mean_of(series, 0);
    return cut;
  }
  // Batches end at the series' end: the dropped remainder is at the start,
  // in the warm-up.
  const std::size_t skip = series.size() - m * mser_batch;
  std::vector<double> batches(m, 0.0);
  for (std::size_t j = 0; j < m; ++j) {
    for (std::size_t i = 0; i < mser_batch; ++i) batches[j] += series[skip + j * mser_batch + i];
    batches[j] /= static_cast<double>(mser_batch);
  }
  // Cuts of at most half the batches are scored (White 1997: a longer
  // warm-up cannot be told from the steady state in the same run).
  std::vector<double> value(m / 2 + 1);
  double lowest = std::numeric_limits<double>::infinity();
  for (std::size_t d = 0; d <= m / 2; ++d) {
    const double mean = mean_of(batches, d);
    double squares = 0;
    for (std::size_t j = d; j < m; ++j) squares += (batches[j] - mean) * (batches[j] - mean);
    const double kept = static_cast<double>(m - d);
    value[d] = squares / (kept * kept);
    lowest = std::min(lowest, value[d]);
  }
  // The shortest warm-up among those as good as the best: a series that does
  // not vary (a pipeline with no shared resource) has no warm-up, whatever
  // its rounding says.
  const double scale = mean_of(batches, 0) * 1e-9;
  const double tolerance = std::max(lowest * 1e-6, scale * scale);
  std::size_t best = 0;
  while (value[best] > lowest + tolerance) ++best;
  cut.drifting = drifts(batches, best);
  cut.converged = m - best >= min_batches && !cut.drifting;
  const double best_value = value[best];
  cut.first = skip + best * mser_batch;
  cut.mean = mean_of(series, cut.first);
  const double kept = static_cast<double>(m - best);
  // The batch means' sample variance over their count: the mean's squared error.
  cut.standard_error = kept > 1 ? std::sqrt(best_value * kept * kept / (kept - 1) / kept) : 0.0;
  return cut;
}

bool pipeline_settled(const std::vector<double>& completions_s) {
  std::vector<double> spacings;
  for (std::size_t i = 1; i < completions_s.size(); ++i) spacings.push_back(completions_s[i] - completions_s[i - 1]);
  const warmup_cut cut = truncate_warmup(spacings);
  return cut.converged && spacings.size() - cut.first >= 2 * cut.first;
}

}  // namespace mottsim::platform

#include "platform/session/warmup_truncation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mottsim::platform {

namespace {

double mean_of(const std::vector<double>& v, std::size_t from) {
  double sum = 0;
  for (std::size_t i = from; i < v.size(); ++i) sum += v[i];
  return v.size() > from ? sum / static_cast<double>(v.size() - from) : 0.0;
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
  cut.converged = m - best >= min_batches;
  const double best_value = value[best];
  cut.first = skip + best * mser_batch;
  cut.mean = mean_of(series, cut.first);
  const double kept = static_cast<double>(m - best);
  // The batch means' sample variance over their count: the mean's squared error.
  cut.standard_error = kept > 1 ? std::sqrt(best_value * kept * kept / (kept - 1) / kept) : 0.0;
  return cut;
}

}  // namespace mottsim::platform

#include "platform/session/pipeline_steady_state.hpp"

#include <algorithm>
#include <limits>

#include "platform/session/warmup_truncation.hpp"

namespace mottsim::platform {

pipeline_timing measure_pipeline(const std::vector<std::vector<stage_run>>& runs, const std::vector<bool>& working,
                                 double begin_s) {
  pipeline_timing t;
  std::size_t inferences = 0;
  for (const auto& r : runs) inferences = std::max(inferences, r.size());
  if (inferences == 0) return t;
  // When each inference started (its first stage run) and completed (its
  // last); both grow with the inference, since every stage runs in order.
  std::vector<double> started(inferences, std::numeric_limits<double>::infinity());
  t.completions_s.assign(inferences, begin_s);
  // Every stage busy: from the last first start of a working stage to the
  // first last end of one.
  double all_started = begin_s, one_finished = std::numeric_limits<double>::infinity();
  bool any_working = false;
  for (std::size_t s = 0; s < runs.size(); ++s) {
    const auto& r = runs[s];
    for (std::size_t i = 0; i < r.size(); ++i) {
      started[i] = std::min(started[i], r[i].start_s);
      t.completions_s[i] = std::max(t.completions_s[i], r[i].end_s);
    }
    if (r.empty() || (s < working.size() && !working[s])) continue;
    any_working = true;
    all_started = std::max(all_started, r.front().start_s);
    one_finished = std::min(one_finished, r.back().end_s);
  }
  t.fill_s = t.completions_s.front() - begin_s;

  long long first = -1, last = -1;
  if (any_working)
    for (std::size_t i = 0; i < inferences; ++i)
      if (started[i] >= all_started && t.completions_s[i] <= one_finished) {
        if (first < 0) first = static_cast<long long>(i);
        last = static_cast<long long>(i);
      }
  const bool window = first >= 0 && last > first;
  if (!window) {
    first = 0;
    last = static_cast<long long>(inferences) - 1;
  }
  t.window = window;
  t.window_start = first;
  t.window_end = last;
  if (window) {
    std::vector<double> spacings;
    for (long long i = first; i < last; ++i)
      spacings.push_back(t.completions_s[static_cast<std::size_t>(i + 1)] - t.completions_s[static_cast<std::size_t>(i)]);
    const warmup_cut cut = truncate_warmup(spacings);
    first += static_cast<long long>(cut.first);
    t.steady = cut.converged;
    t.period_s = cut.mean;
    t.period_error_s = cut.standard_error;
  } else {
    // One inference alone has no spacing: its period is its latency.
    t.period_s = last > first ? (t.completions_s.back() - t.completions_s.front()) / static_cast<double>(last - first)
                              : t.fill_s;
  }
  t.first_steady = first;
  t.last_steady = last;
  const auto a = static_cast<std::size_t>(first), b = static_cast<std::size_t>(last);

  t.stage_time_s.assign(runs.size(), 0.0);
  for (std::size_t s = 0; s < runs.size(); ++s) {
    double sum = 0;
    long long n = 0;
    for (std::size_t i = a; i <= b && i < runs[s].size(); ++i, ++n) sum += runs[s][i].end_s - runs[s][i].start_s;
    t.stage_time_s[s] = n > 0 ? sum / static_cast<double>(n) : 0.0;
  }
  return t;
}

std::string describe_period(const pipeline_timing& t, long long inferences, long long least, bool settled) {
  const std::string k = std::to_string(inferences);
  // How the count came about, with the default one.
  std::string count;
  if (least > 0)
    count = settled ? "; " + k + " inferences ran: the default " + std::to_string(least) +
                                    ", then on until the spacings held steady without drift"
                              : "; " + k + " inferences ran: the default " + std::to_string(least) +
                                    " and on to the most the budget allows, without the spacings settling";
  const std::string span =
      "inferences " + std::to_string(t.first_steady) + " to " + std::to_string(t.last_steady) + " of " + k;
  if (!t.window)
    return "mean spacing of all " + k + " completions: no two inferences ran while every stage was working, so the "
           "fill and drain (fewer stages competing) make it optimistic; raise the controller's inferences_in_flight" + count;
  if (!t.steady)
    return "mean spacing of the completions of " + span + ", which ran while every stage was working on some "
           "inference; after MSER-5 cut the warm-up, too few are left to show a steady state: raise the "
           "controller's inferences_in_flight" + count;
  return "mean spacing of the completions of " + span + ": of those that ran while every stage was working on some "
         "inference (" + std::to_string(t.window_start) + " to " + std::to_string(t.window_end) + "), the first " +
         std::to_string(t.first_steady - t.window_start) + " were the fill's warm-up (cut by MSER-5)" + count;
}

}  // namespace mottsim::platform

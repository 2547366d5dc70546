#include "reports/busy_timeline.hpp"

#include <algorithm>
#include <map>

namespace mottsim::reports {

std::vector<utilization_sample> utilization_over_time(const run_trace& trace, int slices) {
  std::vector<utilization_sample> out;
  const double t0 = trace.inference_start_s, window = trace.inference_end_s - trace.inference_start_s;
  if (!(window > 0) || slices <= 0) return out;
  const double width = window / slices;

  // Busy seconds per slice, summed over a component's resources.
  std::vector<std::string> order;
  std::map<std::string, std::vector<double>> busy;
  std::map<std::string, int> resources;
  for (const auto& track : trace.tracks) {
    auto [it, fresh] = busy.try_emplace(track.component, static_cast<std::size_t>(slices), 0.0);
    if (fresh) order.push_back(track.component);
    ++resources[track.component];
    std::vector<double>& per_slice = it->second;
    for (const auto& iv : track.intervals) {
      if (iv.layer == programming_layer) continue;
      const double a = std::max(iv.start_s, t0) - t0, b = std::min(iv.end_s, trace.inference_end_s) - t0;
      if (!(b > a)) continue;
      const int first = std::min(slices - 1, static_cast<int>(a / width));
      const int last = std::min(slices - 1, static_cast<int>(b / width));
      for (int s = first; s <= last; ++s) {
        const double lo = std::max(a, s * width), hi = std::min(b, (s + 1) * width);
        if (hi > lo) per_slice[static_cast<std::size_t>(s)] += hi - lo;
      }
    }
  }
  for (const auto& component : order) {
    const auto& per_slice = busy[component];
    if (std::all_of(per_slice.begin(), per_slice.end(), [](double v) { return v == 0.0; })) continue;
    for (int s = 0; s < slices; ++s)
      out.push_back({component, s * width, (s + 1) * width,
                     std::min(1.0, per_slice[static_cast<std::size_t>(s)] / (width * resources[component]))});
  }
  return out;
}

}  // namespace mottsim::reports

#include "platform/data/image_fit.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <utility>
#include <vector>

#include "dsl/diagnostics.hpp"

namespace mottsim::platform {

namespace {

// Output pixel k of an axis covers source [(k + offset) / s, (k + 1 + offset) / s):
// the source pixels it overlaps and their weights (summing to 1).
struct axis_weights {
  std::vector<std::vector<std::pair<int, double>>> taps;
};

axis_weights weights_for(int source, int target, double scale) {
  axis_weights w;
  w.taps.resize(static_cast<std::size_t>(target));
  const double offset = 0.5 * (static_cast<double>(source) * scale - static_cast<double>(target));
  for (int k = 0; k < target; ++k) {
    const double a = (k + offset) / scale, b = (k + 1 + offset) / scale;
    auto& taps = w.taps[static_cast<std::size_t>(k)];
    for (int i = std::max(0, static_cast<int>(std::floor(a))); i < source && i < b; ++i) {
      const double overlap = std::min(b, i + 1.0) - std::max(a, static_cast<double>(i));
      if (overlap > 0.0) taps.emplace_back(i, overlap * scale);
    }
  }
  return w;
}

}  // namespace

gray_image fit_image(const gray_image& image, int width, int height, const std::string& name, std::string* note) {
  if (image.width == width && image.height == height) return image;
  const double scale = std::max(static_cast<double>(width) / image.width, static_cast<double>(height) / image.height);
  const auto size = [](int w, int h) { return std::to_string(w) + "x" + std::to_string(h); };
  if (scale > max_image_enlargement) {
    // 512 times, 2.5 times: as a person writes them.
    std::ostringstream message;
    message << "image is " << size(image.width, image.height) << " (width x height), too small for the workload's "
            << size(width, height) << ": it would be enlarged " << scale << " times (at most "
            << max_image_enlargement << " allowed)";
    throw dsl::input_error({name, 0, 0}, message.str());
  }
  const axis_weights across = weights_for(image.width, width, scale);
  const axis_weights down = weights_for(image.height, height, scale);
  // Rows first (each source row resampled across), then columns.
  std::vector<double> rows(static_cast<std::size_t>(image.height) * static_cast<std::size_t>(width), 0.0);
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < width; ++x) {
      double sum = 0.0;
      for (const auto& [i, weight] : across.taps[static_cast<std::size_t>(x)]) sum += weight * image.at(y, i);
      rows[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)] = sum;
    }
  gray_image out(width, height);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      double sum = 0.0;
      for (const auto& [i, weight] : down.taps[static_cast<std::size_t>(y)])
        sum += weight * rows[static_cast<std::size_t>(i) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)];
      out.at(y, x) = static_cast<float>(sum);
    }
  if (note) {
    char factor[32];
    std::snprintf(factor, sizeof factor, "%.4g", scale);
    *note = name + ": " + size(image.width, image.height) + " scaled by " + factor +
            " (area average) and cut to its centre " + size(width, height);
  }
  return out;
}

}  // namespace mottsim::platform

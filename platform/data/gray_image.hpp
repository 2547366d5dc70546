#pragma once
#include <cstddef>
#include <vector>

namespace mottsim::platform {

// A grayscale image: row-major, one float per pixel, 0 = black and 1 = white
// for images read from files (other ranges are allowed for computed images).
struct gray_image {
  int width = 0;
  int height = 0;
  std::vector<float> pixels;  // height x width

  gray_image() = default;
  gray_image(int w, int h, float fill = 0.0f)
      : width(w), height(h), pixels(static_cast<std::size_t>(w) * static_cast<std::size_t>(h), fill) {}

  float& at(int row, int col) { return pixels[index(row, col)]; }
  float at(int row, int col) const { return pixels[index(row, col)]; }
  std::size_t index(int row, int col) const {
    return static_cast<std::size_t>(row) * static_cast<std::size_t>(width) + static_cast<std::size_t>(col);
  }
  bool same_size(const gray_image& o) const { return width == o.width && height == o.height; }
};

}  // namespace mottsim::platform

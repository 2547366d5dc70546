// Generates configs/images/building_512.png, mottsim's default test image for
// edge detection: a 512x512 grayscale building scene with strong edges
// (facade, window grid, roof triangle, round gable window, door, sky gradient,
// diagonal roof lines, cables and a path in perspective). Procedural and
// deterministic: no randomness, hard-edged shapes sampled at pixel centres, so
// the same command writes the same bytes.
//
// Reproduce (from the repository root):
//   cmake --build build --target make_test_image && build/make_test_image configs/images/building_512.png
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <string>

#include "dsl/diagnostics.hpp"
#include "platform/data/image_io.hpp"

using mottsim::platform::gray_image;

namespace {

constexpr int side = 512;

struct canvas {
  gray_image img{side, side};

  void rect(int x0, int y0, int x1, int y1, float v) {  // [x0, x1) x [y0, y1)
    for (int y = std::max(y0, 0); y < std::min(y1, side); ++y)
      for (int x = std::max(x0, 0); x < std::min(x1, side); ++x) img.at(y, x) = v;
  }
  // A window: frame, dark glass, a cross of mullions.
  void window(int x, int y, int w, int h, float glass) {
    rect(x - 4, y - 4, x + w + 4, y + h + 4, 0.95f);
    rect(x, y, x + w, y + h, glass);
    rect(x + w / 2 - 2, y, x + w / 2 + 2, y + h, 0.95f);
    rect(x, y + h / 2 - 2, x + w, y + h / 2 + 2, 0.95f);
  }
  // Filled triangle: pixel centres inside all three edges.
  void triangle(double ax, double ay, double bx, double by, double cx, double cy, float v) {
    auto edge = [](double px, double py, double qx, double qy, double x, double y) {
      return (qx - px) * (y - py) - (qy - py) * (x - px);
    };
    for (int y = 0; y < side; ++y)
      for (int x = 0; x < side; ++x) {
        const double px = x + 0.5, py = y + 0.5;
        const double e0 = edge(ax, ay, bx, by, px, py), e1 = edge(bx, by, cx, cy, px, py),
                     e2 = edge(cx, cy, ax, ay, px, py);
        if ((e0 >= 0 && e1 >= 0 && e2 >= 0) || (e0 <= 0 && e1 <= 0 && e2 <= 0)) img.at(y, x) = v;
      }
  }
  void disc(double cx, double cy, double r, float v) {
    for (int y = 0; y < side; ++y)
      for (int x = 0; x < side; ++x) {
        const double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
        if (dx * dx + dy * dy <= r * r) img.at(y, x) = v;
      }
  }
  // Segment of the given width: pixel centres within width/2 of it.
  void line(double x0, double y0, double x1, double y1, double width, float v) {
    const double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
    for (int y = 0; y < side; ++y)
      for (int x = 0; x < side; ++x) {
        const double px = x + 0.5, py = y + 0.5;
        const double t = std::clamp(((px - x0) * dx + (py - y0) * dy) / len2, 0.0, 1.0);
        const double ex = px - (x0 + t * dx), ey = py - (y0 + t * dy);
        if (ex * ex + ey * ey <= width * width / 4) img.at(y, x) = v;
      }
  }
};

gray_image draw() {
  canvas c;
  // Sky: darker at the zenith, brighter towards the horizon.
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x) c.img.at(y, x) = 0.45f + 0.40f * static_cast<float>(y) / 420.0f;
  // Ground, kerb and road.
  c.rect(0, 420, side, side, 0.32f);
  c.rect(0, 420, side, 436, 0.70f);
  // Two cables, drawn first so the roof and chimney cover their ends.
  c.line(0, 60, 190, 127, 3, 0.08f);  // ends on the left roof slope
  c.line(352, 120, 512, 40, 3, 0.08f);  // from the chimney
  // Low side wing on the left with a flat roof.
  c.rect(0, 280, 96, 420, 0.48f);
  c.rect(0, 270, 104, 282, 0.20f);
  c.window(22, 310, 48, 40, 0.15f);
  // Chimney, then the roof over it.
  c.rect(320, 100, 352, 180, 0.38f);
  c.rect(314, 92, 358, 102, 0.20f);
  c.triangle(72, 204, 440, 204, 256, 84, 0.22f);
  // Diagonal roof battens parallel to the left slope.
  // Each starts on the eave line and ends on the right slope.
  for (int k = 1; k <= 3; ++k) {
    const double d = 92.0 * k;  // from the left eave along the 368 px base
    c.line(72 + d, 204, 256 + d / 2, 84 + 120 * d / 368, 2, 0.10f);
  }
  // Facade with faint brick courses every 12 px.
  c.rect(96, 204, 416, 420, 0.66f);
  for (int y = 214; y < 420; y += 12) c.rect(96, y, 416, y + 1, 0.60f);
  // Round gable window.
  c.disc(256, 160, 24, 0.95f);
  c.disc(256, 160, 19, 0.12f);
  c.rect(254, 141, 258, 179, 0.95f);
  // Upper floor: 4 windows; ground floor: 2 windows each side of the door.
  for (int i = 0; i < 4; ++i) c.window(120 + i * 76, 226, 44, 56, 0.12f);
  c.window(120, 328, 44, 56, 0.12f);
  c.window(348, 328, 44, 56, 0.12f);
  // Door with frame, panels and a knob; steps.
  c.rect(220, 318, 292, 420, 0.95f);
  c.rect(226, 324, 286, 420, 0.28f);
  c.rect(234, 334, 278, 370, 0.34f);
  c.rect(234, 380, 278, 412, 0.34f);
  c.disc(276, 376, 3.5, 0.90f);
  c.rect(206, 420, 306, 428, 0.85f);
  // Path to the door in perspective: two diagonal edges.
  c.triangle(206, 436, 306, 436, 380, 512, 0.58f);
  c.triangle(206, 436, 380, 512, 132, 512, 0.58f);
  // Street lamp on the right with a diagonal brace.
  c.rect(458, 250, 466, 420, 0.10f);
  c.rect(440, 240, 484, 252, 0.10f);
  c.line(462, 300, 490, 252, 3, 0.10f);
  return c.img;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT.png\n", argv[0]);
    return 2;
  }
  try {
    mottsim::platform::write_png(argv[1], draw());
  } catch (const mottsim::dsl::input_error& e) {
    std::fprintf(stderr, "%s", e.errors().to_string().c_str());
    return 2;
  }
  std::printf("wrote %s (%dx%d)\n", argv[1], side, side);
  return 0;
}

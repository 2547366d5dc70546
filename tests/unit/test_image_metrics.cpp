#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>

#include "platform/data/image_metrics.hpp"

using mottsim::platform::gray_image;
using mottsim::platform::mean_squared_error;
using mottsim::platform::psnr_db;
using mottsim::platform::ssim;

namespace {

constexpr double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;  // (K L)^2 with L = 1

// Weight of the 11x11, sigma 1.5 Gaussian window at offset (dx, dy) from its
// centre, normalized so the window sums to 1: exp(-(dx^2+dy^2)/(2 sigma^2)) / S^2,
// S = sum_{i=-5..5} exp(-i^2 / 4.5) = 3.7592327951692...
double window_weight(int dx, int dy) {
  double s = 0;
  for (int i = -5; i <= 5; ++i) s += std::exp(-i * i / 4.5);
  return std::exp(-(dx * dx + dy * dy) / 4.5) / (s * s);
}

gray_image texture(int w, int h) {
  gray_image img(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) img.at(y, x) = static_cast<float>(((x * 37 + y * 91) % 17) / 16.0);
  return img;
}

}  // namespace

TEST_CASE("metrics: identical images") {
  const gray_image a = texture(32, 24);
  CHECK(mean_squared_error(a, a) == 0.0);
  CHECK(std::isinf(psnr_db(a, a)));
  CHECK(psnr_db(a, a) > 0);
  CHECK(ssim(a, a) == doctest::Approx(1.0).scale(0));
}

TEST_CASE("metrics: PSNR by hand") {
  gray_image a(2, 2), b(2, 2);
  a.pixels = {0.0f, 0.5f, 1.0f, 0.25f};
  b.pixels = {0.0f, 0.25f, 1.0f, 0.5f};
  // MSE = (0.25^2 + 0.25^2) / 4 = 0.03125; PSNR = 10 log10(1 / 0.03125) = 10 log10(32).
  CHECK(mean_squared_error(a, b) == doctest::Approx(0.03125).scale(0));
  CHECK(psnr_db(a, b) == doctest::Approx(15.0514997832).scale(0));

  // 8-bit scale: MSE = 128^2 / 2 = 8192, PSNR = 10 log10(255^2 / 8192).
  gray_image c(2, 1), d(2, 1);
  c.pixels = {0.0f, 128.0f};
  d.pixels = {0.0f, 0.0f};
  CHECK(psnr_db(c, d, 255.0) == doctest::Approx(8.9969041724).scale(0));
}

TEST_CASE("metrics: constant offset") {
  const gray_image a(20, 20, 0.5f), b(20, 20, 0.6f);
  // PSNR = 20 log10(1 / 0.1) = 20 dB (0.6f - 0.5f is 0.1 to float precision).
  CHECK(psnr_db(a, b) == doctest::Approx(20.0).scale(0).epsilon(1e-5));
  // Flat images: no variance, so SSIM is the luminance term (2 mu_a mu_b + C1) / (mu_a^2 + mu_b^2 + C1).
  const double expect = (2 * 0.5 * 0.6 + c1) / (0.25 + 0.36 + c1);  // 0.98360924...
  CHECK(ssim(a, b) == doctest::Approx(expect).scale(0).epsilon(1e-6));
  CHECK(ssim(a, b) == doctest::Approx(0.9836092444).scale(0).epsilon(1e-6));

  // A textured image plus an offset keeps its structure: only luminance drops.
  const gray_image t = texture(40, 40);
  gray_image u = t;
  for (float& v : u.pixels) v += 0.1f;
  CHECK(ssim(t, u) < 1.0);
  CHECK(ssim(t, u) > 0.95);
  CHECK(ssim(t, u) == doctest::Approx(ssim(u, t)).scale(0));
}

TEST_CASE("metrics: SSIM of an impulse computed by hand") {
  // 11x11: one window position. a is a unit impulse at the centre, b is zero.
  // mu_a = w, E[a^2] = w, so var_a = w - w^2; mu_b = var_b = cov = 0:
  // SSIM = (C1 * C2) / ((w^2 + C1) (w - w^2 + C2)), w = window_weight(0, 0) = 0.0707622...
  gray_image a(11, 11, 0.0f), zero(11, 11, 0.0f);
  a.at(5, 5) = 1.0f;
  double w = window_weight(0, 0);
  CHECK(w == doctest::Approx(0.0707622378).scale(0).epsilon(1e-8));
  const double one_window = c1 * c2 / ((w * w + c1) * (w - w * w + c2));
  CHECK(one_window == doctest::Approx(2.643743162e-4).scale(0).epsilon(1e-8));
  CHECK(ssim(a, zero) == doctest::Approx(one_window).scale(0).epsilon(1e-9));

  // b = half the impulse: mu_b = w/2, var_b = (w - w^2)/4, cov = (w - w^2)/2.
  gray_image half(11, 11, 0.0f);
  half.at(5, 5) = 0.5f;
  const double v = w - w * w;
  const double expect = (w * w + c1) * (v + c2) / ((1.25 * w * w + c1) * (1.25 * v + c2));
  CHECK(ssim(a, half) == doctest::Approx(expect).scale(0).epsilon(1e-9));

  // 12 wide: two window positions (centres at x = 5 and x = 6); the impulse is
  // one pixel off-centre in the second, with weight w1 = exp(-1/4.5) / S^2.
  gray_image wide(12, 11, 0.0f), wide_zero(12, 11, 0.0f);
  wide.at(5, 5) = 1.0f;
  const double w1 = window_weight(1, 0);
  const double second = c1 * c2 / ((w1 * w1 + c1) * (w1 - w1 * w1 + c2));
  CHECK(ssim(wide, wide_zero) == doctest::Approx((one_window + second) / 2).scale(0).epsilon(1e-9));
  CHECK(ssim(wide, wide_zero) == doctest::Approx(3.82278066e-4).scale(0).epsilon(1e-7));
}

TEST_CASE("metrics: options and misuse") {
  const gray_image a = texture(16, 16);
  gray_image b = a;
  b.at(3, 3) = 1.0f - b.at(3, 3);
  mottsim::platform::ssim_options o;
  o.window = 3;
  o.sigma = 0.5;
  CHECK(ssim(a, b, o) < 1.0);
  CHECK_THROWS_AS(ssim(a, texture(16, 15)), std::invalid_argument);
  CHECK_THROWS_AS(psnr_db(a, texture(15, 16)), std::invalid_argument);
  CHECK_THROWS_AS(ssim(texture(10, 10), texture(10, 10)), std::invalid_argument);  // smaller than 11x11
  o.window = 4;
  CHECK_THROWS_AS(ssim(a, b, o), std::invalid_argument);
  CHECK_THROWS_AS(psnr_db(a, b, 0.0), std::invalid_argument);
}

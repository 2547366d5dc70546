#include "platform/data/image_metrics.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace mottsim::platform {

namespace {

void require_same_size(const gray_image& a, const gray_image& b, const char* metric) {
  if (!a.same_size(b) || a.pixels.size() != b.pixels.size() || a.pixels.empty())
    throw std::invalid_argument(std::string(metric) + ": images must be non-empty and the same size, got " +
                                std::to_string(a.width) + "x" + std::to_string(a.height) + " and " +
                                std::to_string(b.width) + "x" + std::to_string(b.height));
}

// Separable: the 2-D Gaussian is the outer product of this 1-D one, both
// normalized so the 2-D window sums to 1.
std::vector<double> gaussian_1d(int size, double sigma) {
  std::vector<double> g(static_cast<std::size_t>(size));
  const int half = size / 2;
  double sum = 0;
  for (int i = 0; i < size; ++i) {
    const double x = i - half;
    g[static_cast<std::size_t>(i)] = std::exp(-x * x / (2 * sigma * sigma));
    sum += g[static_cast<std::size_t>(i)];
  }
  for (double& v : g) v /= sum;
  return g;
}

using double8 = double __attribute__((vector_size(64)));

// SSIM's window sums over the "valid" positions (the window inside the image),
// added in the order of the row index: each output's five local moments
// (means of x, y, x^2, y^2, xy under the separable Gaussian g of k taps),
// then its SSIM term. One output row at a time: every input row is filtered
// along x once into a ring of the last k rows, which the y filter then reads,
// so nothing of image size is held. Each moment adds its taps in order from
// zero, one multiply then one add, as filtering whole planes along x and then
// along y did, and the terms are summed one at a time in row order, so the
// sum is the same bytes on every processor; eight outputs at a time (one
// AVX-512 register, two AVX2 or four SSE2 ones), the version chosen when the
// program starts.
__attribute__((target_clones("avx512f", "avx2", "default"))) double ssim_sum(const float* a, const float* b, int w,
                                                                           int h, const double* g, int k, double c1,
                                                                           double c2) {
  const std::size_t ow = static_cast<std::size_t>(w - k + 1);
  const std::size_t kk = static_cast<std::size_t>(k);
  // ring[(row % k) 5 ow + q ow + x]: moment q of input row `row` filtered along x.
  std::vector<double> ring(kk * 5 * ow), term(ow);
  std::vector<double> mu(5 * ow);
  // The input row in double (exact), so eight pixels load as one vector.
  std::vector<double> row_a(static_cast<std::size_t>(w)), row_b(static_cast<std::size_t>(w));
  std::vector<const double*> window(kk);  // the ring's rows of an output row's window, oldest first
  double sum = 0;
  for (std::size_t row = 0; row < static_cast<std::size_t>(h); ++row) {
    const float* pa = a + row * static_cast<std::size_t>(w);
    const float* pb = b + row * static_cast<std::size_t>(w);
    for (std::size_t x = 0; x < static_cast<std::size_t>(w); ++x) {
      row_a[x] = pa[x];
      row_b[x] = pb[x];
    }
    double* into = ring.data() + (row % kk) * 5 * ow;
    std::size_t x = 0;
    for (; x + 8 <= ow; x += 8) {
      double8 s[5] = {};
      for (std::size_t i = 0; i < kk; ++i) {
        double8 va, vb;
        std::memcpy(&va, row_a.data() + x + i, sizeof va);
        std::memcpy(&vb, row_b.data() + x + i, sizeof vb);
        s[0] += g[i] * va;
        s[1] += g[i] * vb;
        s[2] += g[i] * (va * va);
        s[3] += g[i] * (vb * vb);
        s[4] += g[i] * (va * vb);
      }
      for (std::size_t q = 0; q < 5; ++q) std::memcpy(into + q * ow + x, &s[q], sizeof s[q]);
    }
    for (; x < ow; ++x) {
      double s[5] = {};
      for (std::size_t i = 0; i < kk; ++i) {
        const double va = pa[x + i], vb = pb[x + i];
        s[0] += g[i] * va;
        s[1] += g[i] * vb;
        s[2] += g[i] * (va * va);
        s[3] += g[i] * (vb * vb);
        s[4] += g[i] * (va * vb);
      }
      for (std::size_t q = 0; q < 5; ++q) into[q * ow + x] = s[q];
    }
    if (row + 1 < kk) continue;
    // Output row row + 1 - k: its window's rows along y, oldest first.
    const std::size_t top = row + 1 - kk;
    for (std::size_t i = 0; i < kk; ++i) window[i] = ring.data() + ((top + i) % kk) * 5 * ow;
    for (std::size_t q = 0; q < 5; ++q) {
      double* m = mu.data() + q * ow;
      std::size_t c = 0;
      // Four sums at once, so their chains of adds overlap (unrolled, or
      // GCC keeps them in memory).
      for (; c + 32 <= ow; c += 32) {
        double8 s[4] = {};
        for (std::size_t i = 0; i < kk; ++i)
#pragma GCC unroll 4
          for (std::size_t j = 0; j < 4; ++j) {
            double8 v;
            std::memcpy(&v, window[i] + q * ow + c + 8 * j, sizeof v);
            s[j] += g[i] * v;
          }
        std::memcpy(m + c, s, sizeof s);
      }
      for (; c + 8 <= ow; c += 8) {
        double8 s = {};
        for (std::size_t i = 0; i < kk; ++i) {
          double8 v;
          std::memcpy(&v, window[i] + q * ow + c, sizeof v);
          s += g[i] * v;
        }
        std::memcpy(m + c, &s, sizeof s);
      }
      for (; c < ow; ++c) {
        double s = 0;
        for (std::size_t i = 0; i < kk; ++i) s += g[i] * window[i][q * ow + c];
        m[c] = s;
      }
    }
    for (std::size_t c = 0; c < ow; ++c) {
      const double mx = mu[c], my = mu[ow + c];
      const double vx = mu[2 * ow + c] - mx * mx, vy = mu[3 * ow + c] - my * my, cxy = mu[4 * ow + c] - mx * my;
      term[c] = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
    }
    for (std::size_t c = 0; c < ow; ++c) sum += term[c];
  }
  return sum;
}

}  // namespace

double mean_squared_error(const gray_image& a, const gray_image& b) {
  require_same_size(a, b, "mean_squared_error");
  double sum = 0;
  for (std::size_t i = 0; i < a.pixels.size(); ++i) {
    const double d = static_cast<double>(a.pixels[i]) - static_cast<double>(b.pixels[i]);
    sum += d * d;
  }
  return sum / static_cast<double>(a.pixels.size());
}

double psnr_db(const gray_image& a, const gray_image& b, double peak) {
  if (!(peak > 0)) throw std::invalid_argument("psnr_db: peak must be positive");
  const double mse = mean_squared_error(a, b);
  if (mse == 0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(peak * peak / mse);
}

double ssim(const gray_image& a, const gray_image& b, const ssim_options& o) {
  require_same_size(a, b, "ssim");
  if (o.window < 1 || o.window % 2 == 0 || !(o.sigma > 0) || !(o.peak > 0))
    throw std::invalid_argument("ssim: the window must be odd and positive, sigma and peak positive");
  if (a.width < o.window || a.height < o.window)
    throw std::invalid_argument("ssim: a " + std::to_string(a.width) + "x" + std::to_string(a.height) +
                                " image is smaller than the " + std::to_string(o.window) + "x" +
                                std::to_string(o.window) + " window");
  const auto g = gaussian_1d(o.window, o.sigma);
  const double c1 = (o.k1 * o.peak) * (o.k1 * o.peak);
  const double c2 = (o.k2 * o.peak) * (o.k2 * o.peak);
  const double sum = ssim_sum(a.pixels.data(), b.pixels.data(), a.width, a.height, g.data(), o.window, c1, c2);
  return sum / (static_cast<double>(a.width - o.window + 1) * static_cast<double>(a.height - o.window + 1));
}

}  // namespace mottsim::platform

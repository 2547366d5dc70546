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

// "valid" correlation of a (h x w) plane with the separable window. Four
// outputs at a time, each adding its taps in order from zero as one at a time
// would (a multiply, then an add), so the bytes are the same.
std::vector<double> filter_valid(const std::vector<double>& plane, int w, int h, const std::vector<double>& g) {
  using double4 = double __attribute__((vector_size(32)));
  const int k = static_cast<int>(g.size());
  const int ow = w - k + 1, oh = h - k + 1;
  // out[x] = sum_i g[i] from[x + i step] for x in [0, n).
  const auto correlate = [&](const double* from, std::size_t step, double* out, int n) {
    int x = 0;
    for (; x + 4 <= n; x += 4) {
      double4 s = {};
      for (int i = 0; i < k; ++i) {
        double4 v;
        std::memcpy(&v, from + static_cast<std::size_t>(i) * step + static_cast<std::size_t>(x), sizeof v);
        s += g[static_cast<std::size_t>(i)] * v;
      }
      std::memcpy(out + x, &s, sizeof s);
    }
    for (; x < n; ++x) {
      double s = 0;
      for (int i = 0; i < k; ++i)
        s += g[static_cast<std::size_t>(i)] * from[static_cast<std::size_t>(i) * step + static_cast<std::size_t>(x)];
      out[x] = s;
    }
  };
  std::vector<double> rows(static_cast<std::size_t>(h) * static_cast<std::size_t>(ow));
  for (int y = 0; y < h; ++y)
    correlate(plane.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(w), 1,
              rows.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(ow), ow);
  std::vector<double> out(static_cast<std::size_t>(oh) * static_cast<std::size_t>(ow));
  for (int y = 0; y < oh; ++y)
    correlate(rows.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(ow), static_cast<std::size_t>(ow),
              out.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(ow), ow);
  return out;
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
  const std::size_t n = a.pixels.size();
  std::vector<double> x(n), y(n), xx(n), yy(n), xy(n);
  for (std::size_t i = 0; i < n; ++i) {
    x[i] = a.pixels[i];
    y[i] = b.pixels[i];
    xx[i] = x[i] * x[i];
    yy[i] = y[i] * y[i];
    xy[i] = x[i] * y[i];
  }
  const auto g = gaussian_1d(o.window, o.sigma);
  const auto mu_x = filter_valid(x, a.width, a.height, g);
  const auto mu_y = filter_valid(y, a.width, a.height, g);
  const auto e_xx = filter_valid(xx, a.width, a.height, g);
  const auto e_yy = filter_valid(yy, a.width, a.height, g);
  const auto e_xy = filter_valid(xy, a.width, a.height, g);
  const double c1 = (o.k1 * o.peak) * (o.k1 * o.peak);
  const double c2 = (o.k2 * o.peak) * (o.k2 * o.peak);
  double sum = 0;
  for (std::size_t i = 0; i < mu_x.size(); ++i) {
    const double mx = mu_x[i], my = mu_y[i];
    const double vx = e_xx[i] - mx * mx, vy = e_yy[i] - my * my, cxy = e_xy[i] - mx * my;
    sum += ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
  }
  return sum / static_cast<double>(mu_x.size());
}

}  // namespace mottsim::platform

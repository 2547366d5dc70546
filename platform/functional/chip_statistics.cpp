#include "platform/functional/chip_statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace mottsim::platform {

namespace {

// The continued fraction of I_x(a, b) without its prefactor: 1 / (1 + d1 / (1 +
// d2 / (1 + ...))), with d_{2m+1} = -(a+m)(a+b+m)x / ((a+2m)(a+2m+1)) and d_{2m}
// = m(b-m)x / ((a+2m-1)(a+2m)).
double beta_fraction(double a, double b, double x) {
  constexpr double tiny = 1e-300;
  double f = 1.0, c = 1.0, d = 0.0;
  for (int i = 0; i <= 1000; ++i) {
    const double m = static_cast<double>(i / 2);
    double term = 1.0;
    if (i > 0)
      term = i % 2 == 0 ? m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
                        : -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1.0 + term * d;
    if (std::abs(d) < tiny) d = tiny;
    d = 1.0 / d;
    c = 1.0 + term / c;
    if (std::abs(c) < tiny) c = tiny;
    const double cd = c * d;
    f *= cd;
    if (std::abs(1.0 - cd) < 1e-15) return f - 1.0;
  }
  return f - 1.0;
}

}  // namespace

double incomplete_beta(double a, double b, double x) {
  if (!(a > 0.0) || !(b > 0.0) || !(x >= 0.0 && x <= 1.0))
    throw std::invalid_argument("incomplete_beta: needs a, b > 0 and 0 <= x <= 1");
  if (x == 0.0 || x == 1.0) return x;
  if (x > (a + 1.0) / (a + b + 2.0)) return 1.0 - incomplete_beta(b, a, 1.0 - x);
  const double front =
      std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x)) / a;
  return front * beta_fraction(a, b, x);
}

double student_t_cdf(double t, double df) {
  if (!(df > 0.0)) throw std::invalid_argument("student_t_cdf: degrees of freedom must be positive");
  if (std::isinf(t)) return t > 0 ? 1.0 : 0.0;
  const double tail = 0.5 * incomplete_beta(0.5 * df, 0.5, df / (df + t * t));
  return t >= 0.0 ? 1.0 - tail : tail;
}

double student_t_quantile(double p, double df) {
  if (!(p > 0.0 && p < 1.0)) throw std::invalid_argument("student_t_quantile: p must be in (0, 1)");
  if (p < 0.5) return -student_t_quantile(1.0 - p, df);
  if (p == 0.5) return 0.0;
  double lo = 0.0, hi = 1.0;
  while (student_t_cdf(hi, df) < p) hi *= 2.0;  // t(0.9999, 1) is about 3183: a dozen doublings
  for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (student_t_cdf(mid, df) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

reports::chip_metric summarize_chips(const std::vector<double>& per_chip, double confidence, double lowest,
                                     double highest) {
  reports::chip_metric m;
  m.per_chip = per_chip;
  m.confidence = confidence;
  const auto n = static_cast<double>(per_chip.size());
  if (per_chip.empty()) return m;
  double sum = 0.0;
  for (double v : per_chip) sum += v;
  m.mean = sum / n;
  if (per_chip.size() < 2) return m;
  double squares = 0.0;
  for (double v : per_chip) squares += (v - m.mean) * (v - m.mean);
  m.sd = std::sqrt(squares / (n - 1.0));
  const double half = student_t_quantile(0.5 * (1.0 + confidence), n - 1.0) * m.sd / std::sqrt(n);
  m.ci_low = m.mean - half;
  m.ci_high = m.mean + half;
  if (m.ci_low < lowest || m.ci_high > highest) m.clipped = true;
  m.ci_low = std::max(m.ci_low, lowest);
  m.ci_high = std::min(m.ci_high, highest);
  return m;
}

}  // namespace mottsim::platform

// Statistics over independent chips: the Student t quantile against closed
// forms, and the interval of a handful of chips against arithmetic done here.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "platform/functional/chip_statistics.hpp"

using namespace mottsim;

namespace {
constexpr double pi = 3.14159265358979323846;
}

TEST_CASE("chip statistics: incomplete beta against closed forms") {
  for (double x : {0.0, 0.1, 0.37, 0.5, 0.9, 1.0}) {
    CAPTURE(x);
    CHECK(platform::incomplete_beta(1.0, 1.0, x) == doctest::Approx(x).scale(1).epsilon(1e-12));   // uniform
    CHECK(platform::incomplete_beta(3.0, 1.0, x) == doctest::Approx(std::pow(x, 3)).scale(1).epsilon(1e-12));
    CHECK(platform::incomplete_beta(2.5, 4.0, x) ==
          doctest::Approx(1.0 - platform::incomplete_beta(4.0, 2.5, 1.0 - x)).scale(1).epsilon(1e-12));
  }
}

TEST_CASE("chip statistics: Student t quantiles against closed forms and the normal limit") {
  // One degree of freedom is the Cauchy distribution: t = tan(pi (p - 1/2)).
  for (double p : {0.6, 0.9, 0.975, 0.995})
    CHECK(platform::student_t_quantile(p, 1) == doctest::Approx(std::tan(pi * (p - 0.5))).scale(0).epsilon(1e-10));
  // Two: t = (2p - 1) / sqrt(2 p (1 - p)).
  for (double p : {0.6, 0.9, 0.975, 0.995})
    CHECK(platform::student_t_quantile(p, 2) ==
          doctest::Approx((2 * p - 1) / std::sqrt(2 * p * (1 - p))).scale(0).epsilon(1e-10));
  // Symmetric about zero.
  CHECK(platform::student_t_quantile(0.025, 4) == doctest::Approx(-platform::student_t_quantile(0.975, 4)).scale(0));
  // Four (the interval of five chips): 2.776445 in every table.
  CHECK(platform::student_t_quantile(0.975, 4) == doctest::Approx(2.776445).scale(0).epsilon(1e-6));
  // Many: the normal quantile 1.959964.
  CHECK(platform::student_t_quantile(0.975, 1e7) == doctest::Approx(1.959964).scale(0).epsilon(1e-5));
}

TEST_CASE("chip statistics: mean, spread and 95 % interval of a few chips, by hand") {
  // Three chips: mean 0.98, sd 0.01 exactly; t(0.975, 2) = 0.95 / sqrt(2 x 0.975 x 0.025).
  const auto three = platform::summarize_chips({0.97, 0.98, 0.99});
  const double half3 = 0.95 / std::sqrt(2 * 0.975 * 0.025) * 0.01 / std::sqrt(3.0);
  CHECK(three.mean == doctest::Approx(0.98).scale(0).epsilon(1e-12));
  CHECK(three.sd == doctest::Approx(0.01).scale(0).epsilon(1e-12));
  CHECK(three.ci_low == doctest::Approx(0.98 - half3).scale(0).epsilon(1e-10));
  CHECK(three.ci_high == doctest::Approx(0.98 + half3).scale(0).epsilon(1e-10));
  CHECK(three.per_chip.size() == 3);

  // Five chips of 2,000 digits each: 1960, 1970, 1959, 1960 and 1957 correct.
  const std::vector<double> five{0.980, 0.985, 0.9795, 0.980, 0.9785};
  const double mean = (0.980 + 0.985 + 0.9795 + 0.980 + 0.9785) / 5;  // 0.9806
  double squares = 0;
  for (double v : five) squares += (v - mean) * (v - mean);
  const double sd = std::sqrt(squares / 4);
  const double half = 2.776445 * sd / std::sqrt(5.0);
  const auto m = platform::summarize_chips(five);
  CHECK(m.mean == doctest::Approx(0.9806).scale(0).epsilon(1e-12));
  CHECK(m.sd == doctest::Approx(sd).scale(0).epsilon(1e-12));
  CHECK(m.ci_low == doctest::Approx(mean - half).scale(0).epsilon(1e-8));
  CHECK(m.ci_high == doctest::Approx(mean + half).scale(0).epsilon(1e-8));
  CHECK(m.ci_low < m.mean);
  CHECK(m.mean < m.ci_high);

  // One chip says nothing about the spread.
  const auto one = platform::summarize_chips({0.98});
  CHECK(one.mean == 0.98);
  CHECK(std::isnan(one.sd));
  CHECK(std::isnan(one.ci_low));
  CHECK(std::isnan(one.ci_high));

  // Two chips at 97.90 % and 98.35 %: mean 98.125 %, sd 0.3182 points, and
  // t(0.975, 1) = 12.706 stretches the interval to 98.125 +- 2.859 points,
  // past 100 %: cut at the accuracy's 1, and said so; the low end stays.
  const auto two = platform::summarize_chips({0.979, 0.9835}, 0.95, 0.0, 1.0);
  const double sd2 = 0.0045 / std::sqrt(2.0);
  const double half2 = 12.706205 * sd2 / std::sqrt(2.0);
  CHECK(two.ci_low == doctest::Approx(0.98125 - half2).scale(0).epsilon(1e-6));
  CHECK(two.ci_high == 1.0);
  CHECK(two.clipped);
  const auto unbounded = platform::summarize_chips({0.979, 0.9835});
  CHECK(unbounded.ci_high == doctest::Approx(0.98125 + half2).scale(0).epsilon(1e-6));
  CHECK_FALSE(unbounded.clipped);
  CHECK_FALSE(m.clipped);  // five chips near 98 % stay inside [0, 1]
}

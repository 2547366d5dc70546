#pragma once
#include <limits>
#include <vector>

#include "reports/run_result.hpp"

namespace mottsim::platform {

// The regularized incomplete beta function I_x(a, b) for a, b > 0 and x in
// [0, 1], by its continued fraction (DLMF 8.17.22) evaluated with the modified
// Lentz method, using the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) where the
// fraction converges slowly.
double incomplete_beta(double a, double b, double x);

// The cumulative distribution of Student's t with `df` degrees of freedom:
// F(t) = 1 - I_{df/(df+t^2)}(df/2, 1/2) / 2 for t >= 0, symmetric below.
double student_t_cdf(double t, double df);

// The p-quantile of Student's t (0 < p < 1, df > 0), by bisection on the CDF
// to double precision: t(0.975, 4) = 2.776445, tending to the normal 1.959964.
double student_t_quantile(double p, double df);

// Mean, sample standard deviation (n - 1) and the two-sided `confidence`
// interval of the mean over independent chips: mean +- t((1 + c) / 2, n - 1)
// sd / sqrt(n), cut to the figure's possible values [lowest, highest] (an
// accuracy's [0, 1]: a mean of widely spread chips can give an interval past
// 100 %, which says nothing more), `clipped` when it was. With one chip the
// standard deviation and interval are NaN (one draw says nothing about the
// spread).
reports::chip_metric summarize_chips(const std::vector<double>& per_chip, double confidence = 0.95,
                                     double lowest = -std::numeric_limits<double>::infinity(),
                                     double highest = std::numeric_limits<double>::infinity());

}  // namespace mottsim::platform

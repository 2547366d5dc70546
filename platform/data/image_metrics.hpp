#pragma once
#include "platform/data/gray_image.hpp"

namespace mottsim::platform {

// Image-quality metrics for functional runs: how far what the hardware computed
// is from the ideal float result. Both images must have the same size (a
// mismatch is a caller's bug: std::invalid_argument).

// Mean squared error over all pixels.
double mean_squared_error(const gray_image& a, const gray_image& b);

// Peak signal-to-noise ratio in dB: 10 log10(peak^2 / MSE). Identical images
// give +infinity (check std::isinf before printing or averaging).
double psnr_db(const gray_image& a, const gray_image& b, double peak = 1.0);

// Structural similarity, Z. Wang, A. C. Bovik, H. R. Sheikh, E. P. Simoncelli,
// "Image quality assessment: from error visibility to structural similarity",
// IEEE Trans. Image Processing 13(4), 600-612, 2004, as in the authors'
// reference code ssim_index.m: a circular Gaussian window (11x11, sigma 1.5,
// normalized to sum 1) gives local means, variances and covariance (population,
// not sample, statistics); C1 = (K1 L)^2, C2 = (K2 L)^2 with L = peak; SSIM is the
// mean of the SSIM map over every position where the window lies entirely inside
// the image ("valid" filtering, no padding), with no downsampling. Images smaller
// than the window throw std::invalid_argument.
struct ssim_options {
  int window = 11;      // odd side of the square window
  double sigma = 1.5;   // Gaussian standard deviation in pixels
  double k1 = 0.01;
  double k2 = 0.03;
  double peak = 1.0;    // dynamic range L of the pixel values
};
double ssim(const gray_image& a, const gray_image& b, const ssim_options& options = {});

}  // namespace mottsim::platform

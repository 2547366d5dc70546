#pragma once
#include <string>

#include "platform/data/gray_image.hpp"

namespace mottsim::platform {

// Images larger than this many times the input on the fitted axis are fine;
// smaller ones would be enlarged by more than this factor, which invents detail.
inline constexpr double max_image_enlargement = 2.0;

// Fits an image to a width x height input: scaled by s = max(width / w,
// height / h), so it covers the input on both axes, then cut to the centre.
// Each output pixel is the mean of the source area it covers, partial pixels
// weighted by their overlap (area resampling: a box filter, exact for whole
// factors, and a mean-preserving one for any). An image of the input's size is
// returned unchanged. One that would need more than max_image_enlargement
// throws dsl::input_error naming `name`. `note`, when given, says what was done.
gray_image fit_image(const gray_image& image, int width, int height, const std::string& name,
                     std::string* note = nullptr);

}  // namespace mottsim::platform

// Fitting an image to a network's input: area resampling and a centre cut,
// checked against block means computed here.
#include <doctest/doctest.h>

#include <string>

#include "dsl/diagnostics.hpp"
#include "platform/data/image_fit.hpp"

using namespace mottsim;
using platform::gray_image;

namespace {

gray_image ramp(int w, int h) {
  gray_image img(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) img.at(y, x) = static_cast<float>(y * w + x) / static_cast<float>(w * h);
  return img;
}

}  // namespace

TEST_CASE("image fit: an image of the input's size is unchanged, with no note") {
  const gray_image img = ramp(5, 4);
  std::string note;
  const gray_image out = platform::fit_image(img, 5, 4, "a.png", &note);
  CHECK(out.pixels == img.pixels);
  CHECK(note.empty());
}

TEST_CASE("image fit: halving averages 2x2 blocks; the longer axis is cut to its centre") {
  const gray_image img = ramp(6, 4);
  std::string note;
  // Scale 1/2 makes it 3x2; the centre two columns of three start half a
  // (scaled) pixel in: output column 0 covers source columns 1-2, column 1
  // covers 3-4. Rows: 0-1 and 2-3.
  const gray_image out = platform::fit_image(img, 2, 2, "a.png", &note);
  REQUIRE(out.width == 2);
  REQUIRE(out.height == 2);
  for (int y = 0; y < 2; ++y)
    for (int x = 0; x < 2; ++x) {
      const int c = 1 + 2 * x, r = 2 * y;
      const double mean = (img.at(r, c) + img.at(r, c + 1) + img.at(r + 1, c) + img.at(r + 1, c + 1)) / 4.0;
      CHECK(out.at(y, x) == doctest::Approx(mean).scale(0).epsilon(1e-6));
    }
  CHECK(note.find("6x4") != std::string::npos);
  CHECK(note.find("2x2") != std::string::npos);
}

TEST_CASE("image fit: any factor keeps a flat image flat and a mean-preserving weight") {
  // The photograph's 868x600 to 512x512, and a 1.5x enlargement.
  for (const auto& [w, h] : {std::pair{868, 600}, std::pair{342, 548}}) {
    CAPTURE(w);
    const gray_image flat(w, h, 0.25f);
    const gray_image out = platform::fit_image(flat, 512, 512, "flat.png");
    REQUIRE(out.width == 512);
    REQUIRE(out.height == 512);
    for (float p : out.pixels) REQUIRE(p == doctest::Approx(0.25).scale(0).epsilon(1e-6));
  }
}

TEST_CASE("image fit: an image that would be enlarged more than twice is a located error") {
  const gray_image tiny(2, 2, 0.5f);
  try {
    platform::fit_image(tiny, 512, 512, "tiny.pgm");
    FAIL("expected an error");
  } catch (const dsl::input_error& e) {
    const std::string text = e.errors().to_string();
    CHECK(text.find("tiny.pgm") != std::string::npos);
    CHECK(text.find("2x2") != std::string::npos);
    CHECK(text.find("enlarged 256 times (at most 2 allowed)") != std::string::npos);  // not 256.000000
  }
}

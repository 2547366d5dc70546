#pragma once
#include <string>
#include <vector>

#include "platform/data/gray_image.hpp"

namespace mottsim::platform {

// Largest image read_image accepts: a bound on memory, and a guard against
// headers that declare absurd sizes.
inline constexpr int max_image_side = 16384;
inline constexpr long long max_image_pixels = 1LL << 26;  // 64 Mpixel

// Reads a PNG (8 or 16 bit, any colour type), a baseline or progressive JPEG,
// or a binary PGM/PPM (P5/P6, any maxval up to 65535) and converts it to
// grayscale in 0..1: colour by ITU-R BT.601 luma (0.299 R + 0.587 G + 0.114 B),
// alpha ignored. PNG and JPEG are decoded by stb_image (Debian 12 ships 2.27),
// after our own structural checks for what it mishandles: files cut short, JPEG
// Huffman tables with more than 256 symbols, and sizes beyond the limits above.
// PGM/PPM go through our own reader, because stb_image neither scales by maxval
// nor notices truncated data. Missing, empty, truncated, corrupt, oversized or
// unsupported files throw dsl::input_error naming the file; they never crash.
gray_image read_image(const std::string& path);

// Same, from bytes already in memory; `name` is used in error messages.
gray_image decode_image(const std::vector<unsigned char>& bytes, const std::string& name);

// Encodes as an 8-bit grayscale PNG: values are clamped to 0..1 and rounded to
// 0..255. write_png writes atomically (temporary file, then rename) and throws
// dsl::input_error when it cannot.
std::vector<unsigned char> encode_png(const gray_image& image);
void write_png(const std::string& path, const gray_image& image);

}  // namespace mottsim::platform

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "dsl/diagnostics.hpp"
#include "platform/data/image_io.hpp"

using namespace mottsim;
using platform::gray_image;

namespace {

namespace fs = std::filesystem;
using bytes = std::vector<unsigned char>;

struct temp_dir {
  fs::path path;
  temp_dir() {
    path = fs::temp_directory_path() / ("mottsim_image_io_" + std::to_string(std::random_device{}()));
    fs::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string file(const std::string& name, const bytes& content) const {
    const fs::path p = path / name;
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(content.data()),
                                             static_cast<std::streamsize>(content.size()));
    return p.string();
  }
};

bytes text(const std::string& s) { return bytes(s.begin(), s.end()); }

bytes from_hex(const std::string& hex) {
  bytes out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<unsigned char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

// An 8x8 JPEG (baseline, quality 90) of a horizontal ramp: column x has value
// 32 x, written by stb_image_write.
const bytes& ramp_jpeg() {
  static const bytes jpeg = from_hex(
      "ffd8ffe000104a46494600010100000100010000ffdb008400030202030202030303030403030405"
      "0805050404050a070706080c0a0c0c0b0a0b0b0d0e12100d0e110e0b0b1016101113141515150c0f"
      "1718161418121415140103040405040509050509140d0b0d14141414141414141414141414141414"
      "14141414141414141414141414141414141414141414141414141414141414141414ffc000110800"
      "08000803012200021101031101ffc401a20000010501010101010100000000000000000102030405"
      "060708090a0b100002010303020403050504040000017d0102030004110512213141061351610722"
      "7114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a"
      "434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a"
      "92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5"
      "d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa010003010101010101010101000000"
      "0000000102030405060708090a0b1100020102040403040705040400010277000102031104052131"
      "061241510761711322328108144291a1b1c109233352f0156272d10a162434e125f11718191a2627"
      "28292a35363738393a434445464748494a535455565758595a636465666768696a73747576777879"
      "7a82838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4"
      "c5c6c7c8c9cad2d3d4d5d6d7d8d9dae2e3e4e5e6e7e8e9eaf2f3f4f5f6f7f8f9faffda000c030100"
      "02110311003f00e53fe09b7ff30bff0080d7e95d7e6a7fc136ff00e617ff0001afd2ba00ffd9");
  return jpeg;
}

// A PNG signature, an IHDR chunk declaring `w` x `h` (CRC left zero: stb does
// not check it) and an IEND chunk: no pixel data at all.
bytes png_header(std::uint32_t w, std::uint32_t h) {
  bytes b = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
  for (std::uint32_t v : {w, h})
    for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<unsigned char>(v >> shift));
  for (unsigned char c : {8, 0, 0, 0, 0}) b.push_back(c);  // 8-bit gray, deflate, no interlace
  for (int i = 0; i < 4; ++i) b.push_back(0);
  b.insert(b.end(), {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82});
  return b;
}

gray_image gradient(int w, int h) {
  gray_image img(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) img.at(y, x) = static_cast<float>((x * 7 + y * 13) % 256) / 255.0f;
  return img;
}

// The message of the input_error `f` throws (and fails the test if it throws none).
template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const dsl::input_error& e) {
    return e.what();
  }
  FAIL("no dsl::input_error was thrown");
  return {};
}

#define CHECK_INPUT_ERROR(expr, part)                         \
  do {                                                        \
    const std::string message_ = error_of([&] { (void)(expr); }); \
    CHECK_MESSAGE(message_.find(part) != std::string::npos, message_); \
  } while (0)

}  // namespace

TEST_CASE("image_io: PNG round trip is exact at 8 bits") {
  temp_dir dir;
  const gray_image img = gradient(37, 21);
  const std::string path = (dir.path / "sub" / "g.png").string();
  platform::write_png(path, img);  // creates sub/
  const gray_image back = platform::read_image(path);
  REQUIRE(back.width == 37);
  REQUIRE(back.height == 21);
  for (std::size_t i = 0; i < img.pixels.size(); ++i) CHECK(back.pixels[i] == img.pixels[i]);
  // Same image, same bytes.
  CHECK(platform::encode_png(img) == platform::encode_png(back));
}

TEST_CASE("image_io: PNG writing clamps to 0..1 and rounds") {
  gray_image img(4, 1);
  img.pixels = {-0.5f, 0.5f, 1.7f, std::nanf("")};
  const gray_image back = platform::decode_image(platform::encode_png(img), "mem.png");
  CHECK(back.pixels[0] == 0.0f);
  CHECK(back.pixels[1] == 128.0f / 255.0f);  // 127.5 rounds away from zero
  CHECK(back.pixels[2] == 1.0f);
  CHECK(back.pixels[3] == 0.0f);
}

TEST_CASE("image_io: JPEG decodes to gray") {
  const gray_image img = platform::decode_image(ramp_jpeg(), "ramp.jpg");
  REQUIRE(img.width == 8);
  REQUIRE(img.height == 8);
  // Lossy: each column stays within a few levels of 32 x / 255.
  for (int y = 0; y < 8; ++y)
    for (int x = 0; x < 8; ++x) CHECK(std::fabs(img.at(y, x) - 32.0f * static_cast<float>(x) / 255.0f) < 12.0f / 255.0f);
}

TEST_CASE("image_io: PGM and PPM in binary and plain form with any maxval") {
  // 8-bit P5 with a comment in the header.
  bytes p5 = text("P5\n# a comment\n3 2\n255\n");
  for (unsigned char v : {0, 51, 102, 153, 204, 255}) p5.push_back(v);
  gray_image a = platform::decode_image(p5, "a.pgm");
  REQUIRE(a.width == 3);
  REQUIRE(a.height == 2);
  CHECK(a.at(0, 1) == doctest::Approx(0.2).scale(0));
  CHECK(a.at(1, 2) == 1.0f);

  // maxval 15: values scale to 0..1 (stb_image would not scale them).
  bytes p5_15 = text("P5 2 1 15\n");
  p5_15.push_back(15);
  p5_15.push_back(5);
  a = platform::decode_image(p5_15, "b.pgm");
  CHECK(a.at(0, 0) == 1.0f);
  CHECK(a.at(0, 1) == doctest::Approx(1.0 / 3.0).scale(0));

  // 16-bit, big-endian.
  bytes p5_16 = text("P5 2 1 65535\n");
  for (unsigned char v : {0xFF, 0xFF, 0x80, 0x00}) p5_16.push_back(v);
  a = platform::decode_image(p5_16, "c.pgm");
  CHECK(a.at(0, 0) == 1.0f);
  CHECK(a.at(0, 1) == doctest::Approx(32768.0 / 65535.0).scale(0));

  // Plain (ASCII) PGM.
  a = platform::decode_image(text("P2\n2 2\n4\n0 1\n2 4\n"), "d.pgm");
  CHECK(a.at(1, 0) == doctest::Approx(0.5).scale(0));
  CHECK(a.at(1, 1) == 1.0f);

  // PPM colour -> BT.601 luma.
  bytes p6 = text("P6 2 1 255\n");
  for (unsigned char v : {255, 0, 0, 0, 0, 255}) p6.push_back(v);
  a = platform::decode_image(p6, "e.ppm");
  CHECK(a.at(0, 0) == doctest::Approx(0.299).scale(0));
  CHECK(a.at(0, 1) == doctest::Approx(0.114).scale(0));
}

TEST_CASE("image_io: missing or empty or unsupported files are input errors") {
  temp_dir dir;
  CHECK_INPUT_ERROR(platform::read_image((dir.path / "nope.png").string()), "cannot open image: No such file or directory");
  CHECK_INPUT_ERROR(platform::read_image(dir.path.string()), "not a regular file");
  CHECK_INPUT_ERROR(platform::read_image(dir.file("empty.png", {})), "empty");
  const std::string txt = dir.file("notes.png", text("this is not an image\n"));
  CHECK_INPUT_ERROR(platform::read_image(txt), "not a PNG, JPEG or PGM/PPM");
  CHECK_INPUT_ERROR(platform::read_image(txt), "notes.png");  // the file is named
  bytes bmp = text("BM");
  bmp.resize(64, 0);
  CHECK_INPUT_ERROR(platform::decode_image(bmp, "x.bmp"), "unsupported");
  CHECK_INPUT_ERROR(platform::decode_image(text("P1\n1 1\n1\n"), "x.pbm"), "unsupported");
}

TEST_CASE("image_io: truncated files are input errors and never crash") {
  const bytes png = platform::encode_png(gradient(32, 32));
  for (std::size_t n = 1; n < png.size(); ++n)
    CHECK_INPUT_ERROR(platform::decode_image(bytes(png.begin(), png.begin() + static_cast<long>(n)), "t.png"), "t.png");

  const bytes& jpg = ramp_jpeg();
  for (std::size_t n = 1; n < jpg.size(); ++n)
    CHECK_INPUT_ERROR(platform::decode_image(bytes(jpg.begin(), jpg.begin() + static_cast<long>(n)), "t.jpg"), "t.jpg");

  bytes pgm = text("P5 4 4 255\n");
  pgm.resize(pgm.size() + 10, 7);
  CHECK_INPUT_ERROR(platform::decode_image(pgm, "t.pgm"), "truncated PGM/PPM: 10 bytes of pixel data");
  CHECK_INPUT_ERROR(platform::decode_image(text("P5 4"), "t.pgm"), "truncated");
  CHECK_INPUT_ERROR(platform::decode_image(text("P2 2 1 9\n1"), "t.pgm"), "truncated");
  CHECK_INPUT_ERROR(platform::decode_image(text("P2 2 1 9\n1 10"), "t.pgm"), "exceeds the maximum value");
  CHECK_INPUT_ERROR(platform::decode_image(text("P5 2 1 0\n\1\1"), "t.pgm"), "must be 1..65535");
  CHECK_INPUT_ERROR(platform::decode_image(text("P5 2x1 255\n\1\1"), "t.pgm"), "corrupt PGM/PPM header");
}

TEST_CASE("image_io: corrupted bytes give input errors or images and never crash") {
  const bytes png = platform::encode_png(gradient(32, 32));
  std::mt19937_64 gen(7);
  for (int trial = 0; trial < 300; ++trial) {
    bytes b = trial % 2 ? png : ramp_jpeg();
    for (int k = 0; k < 4; ++k) b[8 + gen() % (b.size() - 8)] = static_cast<unsigned char>(gen());
    try {
      const gray_image img = platform::decode_image(b, "fuzz");
      CHECK(img.pixels.size() == static_cast<std::size_t>(img.width) * static_cast<std::size_t>(img.height));
    } catch (const dsl::input_error&) {
    }
  }
}

TEST_CASE("image_io: a JPEG Huffman table with too many symbols is refused") {
  // stb_image 2.27 would write past its 256-entry tables while parsing it.
  bytes jpg = ramp_jpeg();
  bool found = false;
  for (std::size_t i = 0; i + 21 < jpg.size() && !found; ++i)
    if (jpg[i] == 0xFF && jpg[i + 1] == 0xC4) {
      for (std::size_t k = 0; k < 16; ++k) jpg[i + 5 + k] = 0xFF;  // 16 x 255 symbols
      found = true;
    }
  REQUIRE(found);
  CHECK_INPUT_ERROR(platform::decode_image(jpg, "dht.jpg"), "bad Huffman table");
}

TEST_CASE("image_io: huge declared sizes are refused before allocating") {
  CHECK_INPUT_ERROR(platform::decode_image(png_header(100000, 100000), "huge.png"), "huge.png");
  // Within stb's per-side limit, beyond our pixel budget.
  CHECK_INPUT_ERROR(platform::decode_image(png_header(16000, 16000), "big.png"), "pixels are supported");
  CHECK_INPUT_ERROR(platform::decode_image(png_header(0, 10), "zero.png"), "zero.png");
  CHECK_INPUT_ERROR(platform::decode_image(text("P5 100000 100000 255\n\1\2\3"), "huge.pgm"), "at most 16384 per side");
  CHECK_INPUT_ERROR(platform::decode_image(text("P5 99999999999 1 255\n"), "huge.pgm"), "too large");
  // A JPEG whose frame header claims 60000 x 60000.
  bytes jpg = ramp_jpeg();
  for (std::size_t i = 0; i + 8 < jpg.size(); ++i)
    if (jpg[i] == 0xFF && jpg[i + 1] == 0xC0) {
      jpg[i + 5] = 0xEA;  // height 0xEA60
      jpg[i + 6] = 0x60;
      jpg[i + 7] = 0xEA;  // width 0xEA60
      jpg[i + 8] = 0x60;
      break;
    }
  CHECK_INPUT_ERROR(platform::decode_image(jpg, "huge.jpg"), "huge.jpg");
  // A whole PNG (IEND and all) whose IHDR states an impossible size says that
  // size, as a PGM does ("unknown image type" before).
  const auto with_ihdr = [](unsigned width, unsigned height) {
    auto png = platform::encode_png(gradient(4, 4));
    for (int k = 0; k < 4; ++k) {
      png[static_cast<std::size_t>(16 + k)] = static_cast<unsigned char>(width >> (24 - 8 * k));
      png[static_cast<std::size_t>(20 + k)] = static_cast<unsigned char>(height >> (24 - 8 * k));
    }
    return png;
  };
  CHECK_INPUT_ERROR(platform::decode_image(with_ihdr(50000, 50000), "wide.png"),
                    "image is 50000x50000 pixels; at most 16384 per side");
  CHECK_INPUT_ERROR(platform::decode_image(with_ihdr(0, 0), "empty.png"), "image has no pixels (0x0)");
}

TEST_CASE("image_io: write errors are input errors") {
  temp_dir dir;
  const std::string blocker = dir.file("file", text("x"));
  CHECK_INPUT_ERROR(platform::write_png(blocker + "/out.png", gradient(4, 4)), "cannot create");
}

TEST_CASE("image_io: the shipped test image") {
  const gray_image img = platform::read_image(std::string(MOTTSIM_SOURCE_DIR) + "/configs/images/building_512.png");
  CHECK(img.width == 512);
  CHECK(img.height == 512);
  // Strong edges: many neighbouring pixels differ by more than a quarter of the range.
  int strong = 0;
  for (int y = 0; y < 512; ++y)
    for (int x = 1; x < 512; ++x) strong += std::fabs(img.at(y, x) - img.at(y, x - 1)) > 0.25f;
  CHECK(strong > 2000);
}

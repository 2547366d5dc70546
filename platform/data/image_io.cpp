#include "platform/data/image_io.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <system_error>

#include "dsl/diagnostics.hpp"
#include "dsl/input_file.hpp"
#include "platform/data/output_dir.hpp"

// The one place stb_image and stb_image_write are compiled. STATIC keeps their
// symbols private to this file (no clash with Debian's libstb); only the PNG and
// JPEG decoders are built, so every other format is "unsupported" here.
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#define STBI_MAX_DIMENSIONS 16384
#include <stb/stb_image.h>
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#define STBIW_ZLIB_COMPRESS mottsim_png_deflate
static unsigned char* mottsim_png_deflate(unsigned char* data, int length, int* out_length, int quality);
#include <stb/stb_image_write.h>

#include <zlib.h>

// zlib's deflate for stb's PNG writer, whose own compressor took three times
// as long for larger files: the twelve 512x512 maps of an edge detection run
// were a tenth of its time. The fastest level: the maps are written once and
// the pixels are the same at any level.
static unsigned char* mottsim_png_deflate(unsigned char* data, int length, int* out_length, int /*quality*/) {
  uLongf size = compressBound(static_cast<uLong>(length));
  auto* out = static_cast<unsigned char*>(STBIW_MALLOC(size));
  if (!out) return nullptr;
  if (compress2(out, &size, data, static_cast<uLong>(length), Z_BEST_SPEED) != Z_OK) {
    STBIW_FREE(out);
    return nullptr;
  }
  *out_length = static_cast<int>(size);
  return out;
}

namespace mottsim::platform {

static_assert(STBI_MAX_DIMENSIONS == max_image_side, "stb's limit and ours must agree");

namespace {

[[noreturn]] void fail(const std::string& name, const std::string& message) {
  throw dsl::input_error({name, 0, 0}, message);
}

void check_size(const std::string& name, long long width, long long height) {
  if (width < 1 || height < 1)
    fail(name, "image has no pixels (" + std::to_string(width) + "x" + std::to_string(height) + ")");
  if (width > max_image_side || height > max_image_side || width * height > max_image_pixels)
    fail(name, "image is " + std::to_string(width) + "x" + std::to_string(height) + " pixels; at most " +
                   std::to_string(max_image_side) + " per side and " + std::to_string(max_image_pixels) +
                   " pixels are supported");
}

// Samples in [0, maxval] with `channels` per pixel -> luma in 0..1.
template <typename T>
gray_image to_gray(const T* samples, int width, int height, int channels, double maxval) {
  gray_image out(width, height);
  const std::size_t n = out.pixels.size();
  for (std::size_t i = 0; i < n; ++i) {
    const T* p = samples + i * static_cast<std::size_t>(channels);
    double y = 0;
    if (channels >= 3)  // ITU-R BT.601 luma; alpha (a 4th channel) is ignored
      y = 0.299 * static_cast<double>(p[0]) + 0.587 * static_cast<double>(p[1]) + 0.114 * static_cast<double>(p[2]);
    else  // gray, or gray + alpha
      y = static_cast<double>(p[0]);
    out.pixels[i] = static_cast<float>(y / maxval);
  }
  return out;
}

bool starts_with(const std::vector<unsigned char>& b, const char* magic, std::size_t n) {
  return b.size() >= n && std::memcmp(b.data(), magic, n) == 0;
}

// Walks a JPEG's marker segments before stb_image sees it, for what stb 2.27
// (Debian 12's) gets wrong: it decodes a JPEG that stops early as if the rest
// were flat grey, and it trusts a Huffman table's symbol count (more than 256
// symbols overruns its tables). Returns what is wrong, or "" for a sound file.
// Inside entropy-coded data 0xFF is followed by 0x00 (stuffing) or a restart marker.
std::string jpeg_problem(const std::vector<unsigned char>& b) {
  std::size_t pos = 2;  // after SOI
  while (pos + 1 < b.size()) {
    if (b[pos] != 0xFF) return "corrupt JPEG (bad marker)";
    const unsigned char marker = b[pos + 1];
    if (marker == 0xFF) {  // fill byte
      ++pos;
      continue;
    }
    if (marker == 0xD9) return "";  // end of image
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // no length
      pos += 2;
      continue;
    }
    if (pos + 3 >= b.size()) break;
    const std::size_t length = (static_cast<std::size_t>(b[pos + 2]) << 8) | b[pos + 3];
    if (length < 2) return "corrupt JPEG (bad segment length)";
    if (length > b.size() - pos - 2) break;
    if (marker == 0xC4) {  // DHT: tables of (class/id, 16 counts, symbols)
      for (std::size_t p = pos + 4, end = pos + 2 + length; p < end;) {
        if (end - p < 17 || (b[p] >> 4) > 1 || (b[p] & 15) > 3) return "corrupt JPEG (bad Huffman table header)";
        std::size_t symbols = 0;
        for (std::size_t i = 1; i <= 16; ++i) symbols += b[p + i];
        if (symbols > 256 || symbols > end - p - 17) return "corrupt JPEG (bad Huffman table)";
        p += 17 + symbols;
      }
    }
    pos += 2 + length;
    if (marker == 0xDA) {  // start of scan: skip its entropy-coded data
      while (pos + 1 < b.size() &&
             !(b[pos] == 0xFF && b[pos + 1] != 0x00 && !(b[pos + 1] >= 0xD0 && b[pos + 1] <= 0xD7)))
        ++pos;
    }
  }
  return "truncated JPEG (no end-of-image marker)";
}

// stb stops reading at the IEND chunk's type and ignores CRCs, so a PNG cut
// inside its last chunk still decodes; walk the chunks and require all of IEND.
bool png_has_end(const std::vector<unsigned char>& b) {
  std::size_t pos = 8;  // after the signature
  while (pos + 12 <= b.size()) {
    const std::size_t length = (static_cast<std::size_t>(b[pos]) << 24) | (static_cast<std::size_t>(b[pos + 1]) << 16) |
                               (static_cast<std::size_t>(b[pos + 2]) << 8) | b[pos + 3];
    if (length > b.size() - pos - 12) return false;
    if (std::memcmp(b.data() + pos + 4, "IEND", 4) == 0) return true;
    pos += 12 + length;  // length, type, data, CRC
  }
  return false;
}

std::string stb_reason(const char* format) {
  const char* r = stbi_failure_reason();
  if (!r) return "unknown error";
  // stb_image tries every decoder it has, and the reason is the last one's:
  // a PNG whose compressed data is bad can end on the JPEG decoder's "no SOI".
  if (std::strcmp(format, "PNG") == 0 && std::strcmp(r, "no SOI") == 0) return "its image data cannot be decoded";
  return r;
}

gray_image decode_stb(const std::vector<unsigned char>& bytes, const std::string& name, const char* format) {
  if (bytes.size() > static_cast<std::size_t>(INT_MAX)) fail(name, "file is too large");
  const auto* data = bytes.data();
  const int len = static_cast<int>(bytes.size());
  // Our structural checks come first: even stbi_info parses Huffman tables.
  if (std::strcmp(format, "JPEG") == 0)
    if (const std::string problem = jpeg_problem(bytes); !problem.empty()) fail(name, problem);
  if (std::strcmp(format, "PNG") == 0 && !png_has_end(bytes)) fail(name, "truncated PNG (no complete IEND chunk)");
  // A PNG's size is its IHDR's (the first chunk: width and height, big-endian,
  // at bytes 16 and 20), said before stb_image, which names a 50000x50000 or
  // 0x0 PNG an "unknown image type".
  if (std::strcmp(format, "PNG") == 0 && bytes.size() >= 24 && std::memcmp(data + 12, "IHDR", 4) == 0) {
    const auto big_endian = [&](std::size_t at) {
      return (static_cast<long long>(data[at]) << 24) | (static_cast<long long>(data[at + 1]) << 16) |
             (static_cast<long long>(data[at + 2]) << 8) | static_cast<long long>(data[at + 3]);
    };
    check_size(name, big_endian(16), big_endian(20));
  }
  int w = 0, h = 0, channels = 0;
  if (!stbi_info_from_memory(data, len, &w, &h, &channels))
    fail(name, std::string("corrupt ") + format + " (" + stb_reason(format) + ")");
  check_size(name, w, h);
  if (stbi_is_16_bit_from_memory(data, len)) {
    std::unique_ptr<stbi_us, void (*)(void*)> pixels(stbi_load_16_from_memory(data, len, &w, &h, &channels, 0),
                                                     stbi_image_free);
    if (!pixels) fail(name, std::string("corrupt ") + format + " (" + stb_reason(format) + ")");
    return to_gray(pixels.get(), w, h, channels, 65535.0);
  }
  std::unique_ptr<stbi_uc, void (*)(void*)> pixels(stbi_load_from_memory(data, len, &w, &h, &channels, 0),
                                                   stbi_image_free);
  if (!pixels) fail(name, std::string("corrupt ") + format + " (" + stb_reason(format) + ")");
  return to_gray(pixels.get(), w, h, channels, 255.0);
}

// Netpbm PGM/PPM, binary (P5/P6) or plain (P2/P3): http://netpbm.sourceforge.net/doc/pgm.html
class pnm_reader {
 public:
  pnm_reader(const std::vector<unsigned char>& bytes, const std::string& name) : m_b(bytes), m_name(name) {}

  gray_image read() {
    const char kind = static_cast<char>(m_b[1]);
    const bool plain = kind == '2' || kind == '3';
    const int channels = (kind == '3' || kind == '6') ? 3 : 1;
    m_pos = 2;
    const long long width = header_number("width");
    const long long height = header_number("height");
    const long long maxval = header_number("maximum value");
    check_size(m_name, width, height);
    if (maxval < 1 || maxval > 65535)
      fail(m_name, "PGM/PPM maximum value is " + std::to_string(maxval) + "; it must be 1..65535");
    const std::size_t count = static_cast<std::size_t>(width * height * channels);
    std::vector<std::uint16_t> samples(count);
    if (plain) {
      for (std::size_t i = 0; i < count; ++i) samples[i] = sample(number("pixel data"), maxval);
    } else {
      // Exactly one whitespace character separates the header from the raster.
      if (m_pos >= m_b.size() || !std::isspace(m_b[m_pos])) fail(m_name, "corrupt PGM/PPM header");
      ++m_pos;
      const std::size_t bytes_per = maxval > 255 ? 2 : 1;
      const std::size_t need = count * bytes_per;
      const std::size_t have = m_b.size() - m_pos;
      if (have < need)
        fail(m_name, "truncated PGM/PPM: " + std::to_string(have) + " bytes of pixel data, " +
                         std::to_string(width) + "x" + std::to_string(height) + " needs " + std::to_string(need));
      const unsigned char* p = m_b.data() + m_pos;
      for (std::size_t i = 0; i < count; ++i) {
        const long long v = bytes_per == 2 ? (p[2 * i] << 8) | p[2 * i + 1] : p[i];  // big-endian
        samples[i] = sample(v, maxval);
      }
    }
    return to_gray(samples.data(), static_cast<int>(width), static_cast<int>(height), channels,
                   static_cast<double>(maxval));
  }

 private:
  std::uint16_t sample(long long v, long long maxval) const {
    if (v > maxval)
      fail(m_name, "corrupt PGM/PPM: a pixel value (" + std::to_string(v) + ") exceeds the maximum value (" +
                       std::to_string(maxval) + ")");
    return static_cast<std::uint16_t>(v);
  }

  void skip_space_and_comments() {
    while (m_pos < m_b.size()) {
      if (std::isspace(m_b[m_pos])) {
        ++m_pos;
      } else if (m_b[m_pos] == '#') {
        while (m_pos < m_b.size() && m_b[m_pos] != '\n' && m_b[m_pos] != '\r') ++m_pos;
      } else {
        break;
      }
    }
  }

  long long number(const char* what) {
    skip_space_and_comments();
    if (m_pos >= m_b.size()) fail(m_name, std::string("truncated PGM/PPM: the file ends before the ") + what);
    if (!std::isdigit(m_b[m_pos])) fail(m_name, std::string("corrupt PGM/PPM: expected a number for the ") + what);
    long long v = 0;
    while (m_pos < m_b.size() && std::isdigit(m_b[m_pos])) {
      v = v * 10 + (m_b[m_pos++] - '0');
      if (v > 1000000000LL) fail(m_name, std::string("corrupt PGM/PPM: the ") + what + " is too large");
    }
    return v;
  }

  long long header_number(const char* what) {
    const long long v = number(what);
    if (m_pos < m_b.size() && !std::isspace(m_b[m_pos]) && m_b[m_pos] != '#')
      fail(m_name, std::string("corrupt PGM/PPM header after the ") + what);
    return v;
  }

  const std::vector<unsigned char>& m_b;
  const std::string& m_name;
  std::size_t m_pos = 0;
};

}  // namespace

gray_image decode_image(const std::vector<unsigned char>& bytes, const std::string& name) {
  if (bytes.empty()) fail(name, "image file is empty");
  if (starts_with(bytes, "\x89PNG\r\n\x1a\n", 8)) return decode_stb(bytes, name, "PNG");
  if (starts_with(bytes, "\xFF\xD8\xFF", 3)) return decode_stb(bytes, name, "JPEG");
  if (bytes.size() >= 2 && bytes[0] == 'P' && (bytes[1] == '2' || bytes[1] == '3' || bytes[1] == '5' || bytes[1] == '6'))
    return pnm_reader(bytes, name).read();
  fail(name, "not a PNG, JPEG or PGM/PPM image (unsupported or unrecognized format)");
}

gray_image read_image(const std::string& path) {
  const std::string text = dsl::read_input_file(path, "image");
  return decode_image(std::vector<unsigned char>(text.begin(), text.end()), path);
}

std::vector<unsigned char> encode_png(const gray_image& image) {
  check_size("<image>", image.width, image.height);
  std::vector<unsigned char> gray(image.pixels.size());
  for (std::size_t i = 0; i < gray.size(); ++i) {
    const float v = std::isnan(image.pixels[i]) ? 0.0f : std::clamp(image.pixels[i], 0.0f, 1.0f);
    gray[i] = static_cast<unsigned char>(std::lround(v * 255.0f));
  }
  std::vector<unsigned char> out;
  auto append = [](void* context, void* data, int size) {
    auto* v = static_cast<std::vector<unsigned char>*>(context);
    const auto* p = static_cast<const unsigned char*>(data);
    v->insert(v->end(), p, p + size);
  };
  if (!stbi_write_png_to_func(append, &out, image.width, image.height, 1, gray.data(), image.width))
    throw std::runtime_error("PNG encoding failed");
  return out;
}

void write_png(const std::string& path, const gray_image& image) {
  const std::filesystem::path p(path);
  const std::vector<unsigned char> bytes = encode_png(image);
  write_output_file(p.has_parent_path() ? p.parent_path().string() : std::string("."), p.filename().string(),
                    std::string(bytes.begin(), bytes.end()));
}

}  // namespace mottsim::platform

#include "dsl/utf8.hpp"

#include <cstdio>

namespace mottsim::dsl {

std::size_t first_invalid_utf8(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const auto continuation = [&](std::size_t i) { return i < text.size() && (byte(i) & 0xC0) == 0x80; };
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char b = byte(i);
    if (b < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned long code = 0;
    if (b >= 0xC2 && b <= 0xDF) length = 2, code = b & 0x1F;
    else if (b >= 0xE0 && b <= 0xEF) length = 3, code = b & 0x0F;
    else if (b >= 0xF0 && b <= 0xF4) length = 4, code = b & 0x07;
    else return i;  // a continuation byte alone, an overlong lead (C0, C1) or F5..FF
    for (std::size_t k = 1; k < length; ++k) {
      if (!continuation(i + k)) return i;
      code = (code << 6) | (byte(i + k) & 0x3F);
    }
    const unsigned long smallest = length == 3 ? 0x800 : length == 4 ? 0x10000 : 0x80;
    if (code < smallest || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return i;
    i += length;
  }
  return text.size();
}

bool is_valid_utf8(std::string_view text) { return first_invalid_utf8(text) == text.size(); }

std::string printable_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const std::size_t valid = first_invalid_utf8(text);
    for (std::size_t i = 0; i <= valid && i < text.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(text[i]);
      const bool control = c < 0x20 || c == 0x7F;
      if (i < valid && !control) {
        out += text[i];
      } else if (i < valid && (c == '\n' || c == '\r' || c == '\t')) {
        out += c == '\n' ? "\\n" : c == '\r' ? "\\r" : "\\t";
      } else {  // a control character, or the byte that breaks UTF-8
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
        out += escaped;
      }
    }
    text.remove_prefix(valid < text.size() ? valid + 1 : text.size());
  }
  return out;
}

}  // namespace mottsim::dsl

#include "dsl/config_hash.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "dsl/diagnostics.hpp"

namespace mottsim::dsl {

static void emit(const yaml_node& n, std::string& out) {
  switch (n.type) {
    case yaml_node::kind::null: out += "~"; break;
    case yaml_node::kind::scalar:
      out += '"';
      for (char c : n.text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      out += '"';
      break;
    case yaml_node::kind::sequence:
      out += '[';
      for (std::size_t i = 0; i < n.items.size(); ++i) {
        if (i) out += ',';
        emit(*n.items[i], out);
      }
      out += ']';
      break;
    case yaml_node::kind::map:
      out += '{';
      for (std::size_t i = 0; i < n.entries.size(); ++i) {
        if (i) out += ',';
        out += n.entries[i].key;
        if (n.entries[i].below_use) out += '^';  // yields to a later use: (yaml_map_entry)
        out += ':';
        emit(*n.entries[i].value, out);
      }
      out += '}';
      break;
  }
}

std::string canonical_text(const yaml_node& node) {
  std::string out;
  emit(node, out);
  return out;
}

namespace {

constexpr unsigned long long fnv_offset = 1469598103934665603ULL;

void fnv1a_update(unsigned long long& h, const char* data, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(data[i]);
    h *= 1099511628211ULL;
  }
}

std::string hex(unsigned long long h) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%016llx", h);
  return buf;
}

}  // namespace

std::string fnv1a_hex(const std::string& text) {
  unsigned long long h = fnv_offset;
  fnv1a_update(h, text.data(), text.size());
  return hex(h);
}

std::string file_fingerprint_hex(const std::string& path, const std::string& what) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw input_error({path, 0, 0}, "cannot read " + what + ": " + std::strerror(errno));
  // FNV-1a over 64-bit words (the tail bytewise): a byte at a time took 0.15 s
  // for a 100 MB model, a word at a time an eighth of that.
  unsigned long long h = fnv_offset;
  std::vector<char> buffer(1 << 20);
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), f)) > 0) {
    const std::size_t words = n / 8;
    for (std::size_t i = 0; i < words; ++i) {
      unsigned long long w;
      std::memcpy(&w, buffer.data() + 8 * i, 8);
      h ^= w;
      h *= 1099511628211ULL;
    }
    fnv1a_update(h, buffer.data() + 8 * words, n - 8 * words);
  }
  const int err = std::ferror(f) ? (errno ? errno : EIO) : 0;
  std::fclose(f);
  if (err) throw input_error({path, 0, 0}, "cannot read " + what + ": " + std::strerror(err));
  return hex(h);
}

std::string read_file_text(const std::string& path, const std::string& what) {
  // stdio rather than a stream, so a failure keeps its errno.
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw input_error({path, 0, 0}, "cannot read " + what + ": " + std::strerror(errno));
  std::string text;
  char buffer[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) text.append(buffer, n);
  const int err = std::ferror(f) ? (errno ? errno : EIO) : 0;
  std::fclose(f);
  if (err) throw input_error({path, 0, 0}, "cannot read " + what + ": " + std::strerror(err));
  return text;
}

}  // namespace mottsim::dsl

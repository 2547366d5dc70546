#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "dsl/layer_schemas.hpp"
#include "dsl/validator.hpp"
#include "dsl/workload_loader.hpp"
#include "dsl/yaml_tree.hpp"

using namespace mottsim::dsl;

namespace {

std::string shipped(const std::string& file) { return std::string(MOTTSIM_SOURCE_DIR) + "/configs/workloads/" + file; }

workload_spec load_shipped(const std::string& file) {
  diagnostics errors;
  workload_spec spec = load_workload(shipped(file), errors);
  INFO(errors.to_string());
  REQUIRE_FALSE(errors.has_errors());
  return spec;
}

struct load_result {
  workload_spec spec;
  diagnostics errors;
};

load_result load_text(const std::string& text, const std::string& name = "w.yaml") {
  load_result out;
  if (auto root = load_yaml_string(text, name, out.errors)) out.spec = load_workload(*root, name, out.errors);
  return out;
}

// A valid header on lines 1-2, so the first layer is on line 3.
load_result load_layers(const std::string& layers) {
  return load_text("input: {height: 8, width: 8, channels: 4}\nlayers:\n" + layers);
}

bool has_error(const diagnostics& errors, int line, int column, const std::string& part) {
  for (const auto& e : errors.errors())
    if (e.where.line == line && e.where.column == column && e.message.find(part) != std::string::npos) return true;
  return false;
}

#define CHECK_ERROR(result, line, column, part) \
  CHECK_MESSAGE(has_error((result).errors, line, column, part), (result).errors.to_string())

// Independent arithmetic for the reference networks: a k x k convolution
// producing an out x out x cout map from cin input channels.
long long conv_macs(long long out, long long k, long long cin, long long cout) { return out * out * cout * k * k * cin; }

}  // namespace

TEST_CASE("workload_spec basics") {
  CHECK(std::string(layer_kind_name(layer_kind::conv2d)) == "conv2d");
  CHECK(std::string(layer_kind_name(layer_kind::avgpool)) == "avgpool");
  CHECK(std::string(layer_kind_name(layer_kind::flatten)) == "flatten");
  CHECK(tensor_shape{28, 28, 1}.to_string() == "28x28x1");

  layer_spec conv;
  conv.kind = layer_kind::conv2d;
  conv.kernel_h = 3;
  conv.kernel_w = 5;
  conv.in_shape = {10, 10, 8};
  conv.out_channels = 6;
  conv.groups = 2;
  CHECK(conv.weight_rows() == 3 * 5 * 4);
  CHECK(conv.weight_cols() == 6);
  CHECK(conv.weight_count() == 360);

  layer_spec pool;
  pool.kind = layer_kind::maxpool;
  pool.in_shape = {10, 10, 8};
  CHECK(pool.weight_count() == 0);

  workload_spec w;
  w.layers = {conv, pool};
  w.layers[0].name = "a";
  w.layers[0].macs = 100;
  w.layers[1].name = "b";
  w.layers[1].macs = 7;  // pooling does not count
  CHECK(w.total_macs() == 100);
  CHECK(w.total_weights() == 360);
  REQUIRE(w.find("b"));
  CHECK(w.find("b")->kind == layer_kind::maxpool);
  CHECK(w.find("c") == nullptr);
}

TEST_CASE("layer schema defaults all parse") {
  const schema_set& set = layer_schemas();
  CHECK(set.schema_names() == std::vector<std::string>{"conv2d", "linear", "maxpool", "avgpool", "add", "flatten",
                                                       "activation", "mul", "matmul", "layernorm", "concat", "reshape",
                                                       "slice", "load"});
  for (const auto& type : set.schema_names()) {
    const block_schema* s = set.find_schema(type);
    REQUIRE(s);
    CHECK(s->find("name"));
    // A load reads nothing and computes nothing.
    CHECK(static_cast<bool>(s->find("input")) == (type != "load"));
    CHECK(static_cast<bool>(s->find("activation")) == (type != "load"));
    for (const auto& p : s->params) {
      if (!p.default_text) continue;
      diagnostics errors;
      param_value v;
      CHECK_MESSAGE(parse_default(set, p, type, v, errors), (type + "." + p.name + ": " + errors.to_string()));
    }
  }
}

TEST_CASE("LeNet-5: shapes and MACs by hand") {
  const workload_spec w = load_shipped("lenet5_mnist.yaml");
  CHECK(w.name == "lenet5_mnist");
  CHECK(w.input == tensor_shape{28, 28, 1});
  CHECK(w.weight_bits == 8);
  CHECK(w.activation_bits == 8);
  CHECK(w.weights_file == (std::filesystem::path(MOTTSIM_SOURCE_DIR) / "data/lenet5_mnist_weights.json")
                              .lexically_normal()
                              .string());
  REQUIRE(w.layers.size() == 8);

  struct expected {
    const char* name;
    layer_kind kind;
    tensor_shape in, out;
    long long macs;
  };
  const expected table[] = {
      {"conv1", layer_kind::conv2d, {28, 28, 1}, {28, 28, 6}, 28 * 28 * 6 * 25},
      {"pool1", layer_kind::maxpool, {28, 28, 6}, {14, 14, 6}, 0},
      {"conv2", layer_kind::conv2d, {14, 14, 6}, {10, 10, 16}, 10 * 10 * 16 * 150},
      {"pool2", layer_kind::maxpool, {10, 10, 16}, {5, 5, 16}, 0},
      {"flatten", layer_kind::flatten, {5, 5, 16}, {1, 1, 400}, 0},
      {"fc1", layer_kind::linear, {1, 1, 400}, {1, 1, 120}, 400 * 120},
      {"fc2", layer_kind::linear, {1, 1, 120}, {1, 1, 84}, 120 * 84},
      {"fc3", layer_kind::linear, {1, 1, 84}, {1, 1, 10}, 84 * 10},
  };
  for (std::size_t i = 0; i < std::size(table); ++i) {
    const layer_spec& l = w.layers[i];
    INFO(l.name);
    CHECK(l.name == table[i].name);
    CHECK(l.kind == table[i].kind);
    CHECK(l.in_shape == table[i].in);
    CHECK(l.out_shape == table[i].out);
    CHECK(l.macs == table[i].macs);
  }
  CHECK(w.layers[0].activation == activation_kind::relu);
  CHECK(w.layers[0].pad_h == 2);
  CHECK(w.layers[1].stride_h == 2);  // pooling stride defaults to the kernel
  CHECK(w.layers[7].activation == activation_kind::none);
  CHECK(w.layers[2].weight_rows() == 150);
  CHECK(w.total_macs() == 416520);
  CHECK(w.total_weights() == 150 + 2400 + 48000 + 10080 + 840);
}

TEST_CASE("VGG-8 (DNN+NeuroSim) MACs") {
  const long long conv = conv_macs(32, 3, 3, 128) + conv_macs(32, 3, 128, 128) + conv_macs(16, 3, 128, 256) +
                         conv_macs(16, 3, 256, 256) + conv_macs(8, 3, 256, 512) + conv_macs(8, 3, 512, 512);
  const long long fc = 4 * 4 * 512 * 1024 + 1024 * 10;
  CHECK(conv + fc == 615917568);

  const workload_spec w = load_shipped("vgg8_cifar10.yaml");
  CHECK(w.total_macs() == conv + fc);
  REQUIRE(w.find("fc1"));
  CHECK(w.find("fc1")->in_shape == tensor_shape{1, 1, 8192});
  CHECK(w.layers.back().out_shape == tensor_shape{1, 1, 10});
}

TEST_CASE("ResNet-18 MACs and residual wiring") {
  long long macs = conv_macs(112, 7, 3, 64);
  long long size = 56, channels = 64;
  for (int stage = 0; stage < 4; ++stage) {
    if (stage > 0) {
      // First block halves the map and doubles the channels, with a 1x1 projection.
      size /= 2;
      macs += conv_macs(size, 3, channels, 2 * channels) + conv_macs(size, 1, channels, 2 * channels);
      channels *= 2;
      macs += conv_macs(size, 3, channels, channels);
    } else {
      macs += 2 * conv_macs(size, 3, channels, channels);
    }
    macs += 2 * conv_macs(size, 3, channels, channels);  // second block
  }
  macs += 512 * 1000;
  CHECK(macs == 1814073344);

  const workload_spec w = load_shipped("resnet18_imagenet.yaml");
  CHECK(w.total_macs() == macs);
  const layer_spec* down = w.find("res3a_down");
  REQUIRE(down);
  CHECK(down->input == "res2b_add");
  CHECK(down->in_shape == tensor_shape{56, 56, 64});
  CHECK(down->out_shape == tensor_shape{28, 28, 128});
  const layer_spec* add = w.find("res3a_add");
  REQUIRE(add);
  CHECK(add->add_from == "res3a_down");
  CHECK(add->in_shape == tensor_shape{28, 28, 128});
  CHECK(add->activation == activation_kind::relu);
  CHECK(w.find("pool1")->out_shape == tensor_shape{56, 56, 64});
  CHECK(w.find("pool5")->out_shape == tensor_shape{1, 1, 512});
  CHECK(w.find("fc")->in_shape == tensor_shape{1, 1, 512});
}

TEST_CASE("VGG-16 MACs") {
  const long long blocks[5][3] = {{224, 64, 2}, {112, 128, 2}, {56, 256, 3}, {28, 512, 3}, {14, 512, 3}};
  long long macs = 0, cin = 3;
  for (const auto& b : blocks)
    for (long long i = 0; i < b[2]; ++i) {
      macs += conv_macs(b[0], 3, cin, b[1]);
      cin = b[1];
    }
  macs += 7 * 7 * 512 * 4096LL + 4096 * 4096 + 4096 * 1000;
  CHECK(macs == 15470264320LL);

  const workload_spec w = load_shipped("vgg16_imagenet.yaml");
  CHECK(w.total_macs() == macs);
  long long convs = 0, linears = 0;
  for (const auto& l : w.layers) {
    convs += l.kind == layer_kind::conv2d;
    linears += l.kind == layer_kind::linear;
  }
  CHECK(convs == 13);
  CHECK(linears == 3);
}

TEST_CASE("edge detection kernels") {
  const workload_spec w = load_shipped("edge_detect.yaml");
  REQUIRE(w.layers.size() == 1);
  const layer_spec& l = w.layers[0];
  CHECK(l.out_shape == tensor_shape{512, 512, 6});
  CHECK(l.macs == 512LL * 512 * 6 * 9);
  CHECK_FALSE(l.bias);
  CHECK(l.activation == activation_kind::relu);
  REQUIRE(l.weights.size() == 54);
  CHECK(l.weights[3] == -2);   // Sobel x, middle row, left
  CHECK(l.weights[22] == -4);  // Laplacian centre
  for (std::size_t i = 0; i < 27; ++i) CHECK(l.weights[i + 27] == -l.weights[i]);  // the negatives
  CHECK(w.weights_file.empty());
}

TEST_CASE("pooling stride, rectangular windows, grouped and dilated conv, 1x1xN into linear") {
  auto r = load_layers(
      "  - {name: p, type: maxpool, kernel: [2, 4]}\n"
      "  - {name: q, type: avgpool, kernel: 2, stride: 1, padding: 1}\n"
      "  - {name: c, type: conv2d, out_channels: 8, kernel: [1, 3], stride: [1, 2], padding: [0, 2], dilation: [1, 2],"
      " groups: 4}\n"
      "  - {name: g, type: avgpool, kernel: [5, 2]}\n"
      "  - {name: fc, type: linear, out_features: 3}\n");
  INFO(r.errors.to_string());
  REQUIRE_FALSE(r.errors.has_errors());
  const workload_spec& w = r.spec;
  CHECK(w.find("p")->out_shape == tensor_shape{4, 2, 4});  // stride defaults to the window
  CHECK(w.find("p")->stride_w == 4);
  CHECK(w.find("q")->out_shape == tensor_shape{5, 3, 4});
  // width: floor((3 + 2*2 - 2*(3-1) - 1) / 2) + 1 = 2
  CHECK(w.find("c")->out_shape == tensor_shape{5, 2, 8});
  CHECK(w.find("c")->weight_rows() == 3);  // 1x3 kernel over 4/4 channels per group
  CHECK(w.find("c")->macs == 5 * 2 * 8 * 3);
  CHECK(w.find("g")->out_shape == tensor_shape{1, 1, 8});
  CHECK(w.find("fc")->in_shape == tensor_shape{1, 1, 8});  // 1x1xN needs no flatten
  CHECK(w.find("fc")->macs == 24);
}

TEST_CASE("error: unknown top-level keys, with did-you-mean") {
  auto r = load_text(
      "input: {height: 8, width: 8, channels: 4}\n"
      "descripton: typo\n"
      "precison: {weights: 4}\n"
      "layers:\n"
      "  - {name: f, type: flatten}\n");
  CHECK(r.errors.size() == 2);
  CHECK_ERROR(r, 2, 1, "unknown key 'descripton' in workload (did you mean 'description'?)");
  CHECK_ERROR(r, 3, 1, "unknown key 'precison' in workload (did you mean 'precision'?)");
  CHECK(r.errors.errors()[0].to_string().rfind("w.yaml:2:1: error: ", 0) == 0);
}

TEST_CASE("error: unknown layer key and type, with did-you-mean") {
  auto r = load_layers(
      "  - {name: c, type: conv2d, out_channels: 4, kernal: 3}\n"
      "  - {name: d, type: conv}\n");
  CHECK(r.errors.size() == 3);
  CHECK_ERROR(r, 3, 46, "layer 'c': unknown parameter 'kernal' for conv2d (did you mean 'kernel'?)");
  CHECK_ERROR(r, 3, 5, "layer 'c': missing required parameter 'kernel'");
  CHECK_ERROR(r, 4, 21, "layer 'd': unknown layer type 'conv' (did you mean 'conv2d'?)");
}

TEST_CASE("error: layers that are not maps or have no type") {
  auto r = load_layers(
      "  - conv1\n"
      "  - {name: a}\n");
  CHECK(r.errors.size() == 2);
  CHECK_ERROR(r, 3, 5, "layers[0] must be a map");
  CHECK_ERROR(r, 4, 5, "layer 'a' needs 'type:', one of conv2d, linear, maxpool, avgpool, add, flatten");
}

TEST_CASE("error: duplicate layer names") {
  auto r = load_layers(
      "  - {name: a, type: flatten}\n"
      "  - {name: a, type: flatten}\n");
  CHECK(r.errors.size() == 1);
  CHECK_ERROR(r, 4, 12, "duplicate layer name 'a' (first used at line 3)");
}

TEST_CASE("error: input and with must name an earlier layer") {
  auto r = load_layers(
      "  - {name: a, type: flatten, input: b}\n"
      "  - {name: b, type: flatten, input: b}\n"
      "  - {name: c, type: add, with: bb}\n");
  CHECK(r.errors.size() == 3);
  CHECK_ERROR(r, 3, 37, "layer 'a': 'input: b' names a layer defined later (line 4); it must name an earlier layer");
  CHECK_ERROR(r, 4, 37, "layer 'b': 'input: b' names this layer itself");
  CHECK_ERROR(r, 5, 32, "layer 'c': 'with: bb' names no earlier layer (did you mean 'b'?)");
}

TEST_CASE("error: a window that does not fit its input") {
  auto r = load_layers("  - {name: c, type: conv2d, out_channels: 4, kernel: 9}\n");
  CHECK(r.errors.size() == 1);
  CHECK_ERROR(r, 3, 54, "layer 'c': a 9x9 kernel (dilation 1x1, padding 0x0) does not fit the 8x8x4 input: the output "
                        "would be 0x0x4");

  auto dilated = load_layers("  - {name: c, type: conv2d, out_channels: 4, kernel: 3, dilation: 4}\n");
  CHECK_ERROR(dilated, 3, 54, "the output would be 0x0x4");

  auto pool = load_layers(
      "  - {name: p, type: maxpool, kernel: 8}\n"
      "  - {name: q, type: maxpool, kernel: [1, 2]}\n");
  CHECK(pool.errors.size() == 1);
  CHECK_ERROR(pool, 4, 38, "layer 'q': a 1x2 window (padding 0x0) does not fit the 1x1x4 input: the output would be 1x0x4");
}

TEST_CASE("error: groups must divide both channel counts") {
  auto in = load_layers("  - {name: c, type: conv2d, out_channels: 6, kernel: 1, groups: 3}\n");
  CHECK(in.errors.size() == 1);
  CHECK_ERROR(in, 3, 65, "layer 'c': groups (3) must divide the input channels, but the input is 8x8x4");

  auto out = load_layers("  - {name: c, type: conv2d, out_channels: 5, kernel: 1, groups: 2}\n");
  CHECK(out.errors.size() == 1);
  CHECK_ERROR(out, 3, 65, "layer 'c': groups (2) must divide out_channels (5)");
}

TEST_CASE("error: linear on a feature map needs a flatten") {
  auto r = load_layers(
      "  - {name: p, type: maxpool, kernel: 2}\n"
      "  - {name: fc, type: linear, out_features: 10}\n");
  CHECK(r.errors.size() == 1);
  CHECK_ERROR(r, 4, 5, "layer 'fc': a linear layer needs a flat input, but layer 'p' gives 4x4x4; add '{type: flatten}'");
}

TEST_CASE("error: add of two different shapes") {
  auto r = load_layers(
      "  - {name: c, type: conv2d, out_channels: 4, kernel: 1}\n"
      "  - {name: p, type: maxpool, kernel: 2}\n"
      "  - {name: s, type: add, with: c}\n");
  CHECK(r.errors.size() == 1);
  CHECK_ERROR(r, 5, 32, "layer 's': cannot add 8x8x4 to 4x4x4 ('with: c' to the output of layer 'p')");
}

TEST_CASE("error: explicit weights") {
  auto r = load_layers(
      "  - {name: c, type: conv2d, out_channels: 2, kernel: 1, weights: [1, 2, 3]}\n"
      "  - {name: d, type: conv2d, out_channels: 1, kernel: 1, weights: [1, x, 2, 3]}\n"
      "  - {name: p, type: maxpool, kernel: 2, weights: [1]}\n"
      "  - {name: f, type: flatten}\n"
      "  - {name: fc, type: linear, out_features: 2, weights: [[1, 2], [3, 4]]}\n");
  CHECK(r.errors.size() == 4);
  CHECK_ERROR(r, 3, 66, "layer 'c': 'weights' has 3 values, but the layer needs 8 (2 x 1x1 x 4 in [out][row][col][in] order)");
  CHECK_ERROR(r, 4, 70, "layer 'd': 'weights' must hold numbers, got 'x'");
  CHECK_ERROR(r, 5, 41, "layer 'p': unknown parameter 'weights' for maxpool");
  CHECK_ERROR(r, 7, 56, "layer 'fc': 'weights' has 4 values, but the layer needs 32 (2 x 16 in [out][in] order)");
}

TEST_CASE("error: bad window parameters") {
  auto r = load_layers(
      "  - {name: p, type: maxpool, kernel: 2, padding: 2}\n"
      "  - {name: q, type: avgpool, kernel: 2, stride: 0}\n"
      "  - {name: c, type: conv2d, out_channels: 2, kernel: [1, 2, 3]}\n");
  CHECK(r.errors.size() == 3);
  CHECK_ERROR(r, 3, 50, "layer 'p': padding 2x2 must be at most half the 2x2 window");
  CHECK_ERROR(r, 4, 49, "layer 'q': 'stride' must be 1 .. 65536, got 0");
  CHECK_ERROR(r, 5, 54, "layer 'c': 'kernel' takes one value or two ([height, width]), got 3");
}

TEST_CASE("error: header problems") {
  auto missing = load_text("name: x\n");
  CHECK(missing.errors.size() == 2);
  CHECK_ERROR(missing, 1, 1, "a workload needs 'input:'");
  CHECK_ERROR(missing, 1, 1, "a workload needs 'layers:'");

  auto empty = load_text("input: {height: 8, width: 8, channels: 4}\nlayers: []\n");
  CHECK(empty.errors.size() == 1);
  CHECK_ERROR(empty, 2, 9, "'layers' must be a non-empty list of layers");

  auto not_map = load_text("- a\n- b\n");
  CHECK_ERROR(not_map, 1, 1, "a workload must be a map");

  auto bits = load_text(
      "input: {height: 0, width: 8, chanels: 4}\n"
      "precision: {weights: 0, activations: 33}\n"
      "layers:\n"
      "  - {name: fc, type: linear, out_features: 10}\n");
  // The input shape is unknown, so the layers are not checked against it.
  CHECK(bits.errors.size() == 5);
  CHECK_ERROR(bits, 1, 17, "input: 'height' must be 1 .. 65536, got 0");
  CHECK_ERROR(bits, 1, 30, "input: unknown parameter 'chanels' for input_shape (did you mean 'channels'?)");
  CHECK_ERROR(bits, 1, 8, "input: missing required parameter 'channels'");
  CHECK_ERROR(bits, 2, 22, "precision: 'weights' must be 1 .. 32, got 0");
  CHECK_ERROR(bits, 2, 38, "precision: 'activations' must be 1 .. 32, got 33");
}

TEST_CASE("errors do not cascade down the network") {
  auto r = load_layers(
      "  - {name: c, type: conv2d, out_channels: 4, kernel: 9}\n"
      "  - {name: fc, type: linear, out_features: 10}\n"
      "  - {name: s, type: add, with: c}\n");
  CHECK(r.errors.size() == 1);
}

TEST_CASE("three mistakes, three errors") {
  auto r = load_layers(
      "  - {name: c1, type: conv2d, out_channels: 4, kernel: 3, activation: relux}\n"
      "  - {name: c1, type: flatten}\n"
      "  - {name: fc, type: linear, out_features: 0}\n");
  CHECK(r.errors.size() == 3);
  CHECK_ERROR(r, 3, 70, "layer 'c1': 'activation' must be one of none|relu|relu6|sigmoid|hard_sigmoid|hard_swish|tanh|gelu|silu|softmax, got 'relux' (did you mean 'relu'?)");
  CHECK_ERROR(r, 4, 12, "duplicate layer name 'c1' (first used at line 3)");
  CHECK_ERROR(r, 5, 44, "layer 'fc': 'out_features' must be 1 .. ");  // bound formatting is the validator's
}

TEST_CASE("sizes that would overflow are errors") {
  auto big_input = load_text("input: {height: 65536, width: 65536, channels: 16}\nlayers:\n  - {name: f, type: flatten}\n");
  CHECK(big_input.errors.size() == 1);
  CHECK_ERROR(big_input, 1, 8, "input 65536x65536x16 has more than 2^34 elements");

  // 2^34 inputs x 2^24 outputs: 2^58 weights.
  auto big_layer = load_text(
      "input: {height: 16384, width: 16384, channels: 64}\n"
      "layers:\n"
      "  - {name: f, type: flatten}\n"
      "  - {name: fc, type: linear, out_features: 16777216}\n");
  CHECK(big_layer.errors.size() == 1);
  CHECK_ERROR(big_layer, 4, 5, "layer 'fc': has more than 2^50 weights");
  // 2^34 outputs of 3 x 3 x 8192 inputs each: 1.27e15 > 2^50 MACs, from only
  // 6e8 weights.
  auto many_macs = load_text(
      "input: {height: 1024, width: 2048, channels: 8192}\n"
      "layers:\n"
      "  - {name: c, type: conv2d, out_channels: 8192, kernel: 3, padding: 1}\n");
  CHECK(many_macs.errors.size() == 1);
  CHECK_ERROR(many_macs, 3, 5, "layer 'c': needs more than 2^50 multiply-accumulates");
}

TEST_CASE("errors from a file carry its path") {
  const auto dir = std::filesystem::temp_directory_path() / "mottsim_test_workloads";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "bad.yaml").string();
  {
    std::ofstream out(path);
    out << "input: {height: 8, width: 8, channels: 4}\nlayers:\n  - {name: fc, type: linear, out_features: 10}\n";
  }
  diagnostics errors;
  load_workload(path, errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors.errors()[0].to_string().rfind(path + ":3:5: error: layer 'fc': a linear layer", 0) == 0);

  {
    std::ofstream out(path);
    out << "input: {height: 8, width: 8, channels: 4\nlayers: []\n";
  }
  diagnostics syntax;
  load_workload(path, syntax);
  REQUIRE(syntax.size() == 1);
  CHECK(syntax.errors()[0].message.find("YAML syntax") != std::string::npos);
  std::filesystem::remove_all(dir);

  diagnostics missing;
  load_workload((dir / "none.yaml").string(), missing);
  CHECK(missing.size() == 1);
}

TEST_CASE("weights_file is resolved against the workload's directory, not checked") {
  auto r = load_text("input: {height: 1, width: 1, channels: 4}\nweights_file: ../data/x.json\n"
                     "layers:\n  - {name: fc, type: linear, out_features: 2}\n",
                     "configs/workloads/w.yaml");
  INFO(r.errors.to_string());
  CHECK_FALSE(r.errors.has_errors());
  CHECK(r.spec.weights_file == "configs/data/x.json");
  CHECK(r.spec.name == "w");  // no name: the file's stem
}

TEST_CASE("workloads: input and weight densities, 0.5 unless stated, fractions or a located error") {
  const auto plain =
      load_text("input: {height: 1, width: 1, channels: 4}\nlayers:\n  - {name: fc, type: linear, out_features: 4}\n");
  REQUIRE_FALSE(plain.errors.has_errors());
  CHECK(plain.spec.input_density == 0.5);
  CHECK(plain.spec.weight_density == 0.5);
  const auto stated = load_text("input: {height: 1, width: 1, channels: 4}\ninput_density: 0.2\nweight_density: 1\n"
                                "layers:\n  - {name: fc, type: linear, out_features: 4}\n");
  REQUIRE_FALSE(stated.errors.has_errors());
  CHECK(stated.spec.input_density == 0.2);
  CHECK(stated.spec.weight_density == 1.0);
  const auto bad = load_text("input: {height: 1, width: 1, channels: 4}\ninput_density: 1.5\nweight_density: half\n"
                             "layers:\n  - {name: fc, type: linear, out_features: 4}\n");
  CHECK(bad.errors.to_string().find("w.yaml:2:16: error: 'input_density' must be a fraction from 0 to 1") !=
        std::string::npos);
  CHECK(bad.errors.to_string().find("w.yaml:3:17: error: 'weight_density' must be a fraction") != std::string::npos);
}

TEST_CASE("MNIST inputs: counts stay within the fixed split; an absent count is the rest of it") {
  const auto inputs = [](const std::string& map) {
    return load_text("input: {height: 28, width: 28, channels: 1}\ninputs: " + map +
                     "\nlayers:\n  - {name: f, type: flatten}\n");
  };
  auto all = inputs("{source: mnist_test, count: 2000, calibration_count: 8000}");
  CHECK_FALSE(all.errors.has_errors());
  auto rest = inputs("{source: mnist_test, first: 500}");
  CHECK_FALSE(rest.errors.has_errors());
  CHECK(rest.spec.inputs.count == 1500);
  auto last = inputs("{source: mnist_test, first: 1999, count: 1}");
  CHECK_FALSE(last.errors.has_errors());
  auto beyond = inputs("{source: mnist_test, count: 2001, calibration_count: 8001}");
  CHECK(beyond.errors.size() == 2);
  CHECK_ERROR(beyond, 2, 36, "'count' is 2001, but the MNIST test split has 2000 digits: at most 2000");
  CHECK_ERROR(beyond, 2, 61, "'calibration_count' is 8001, but the MNIST training split has 8000 digits: at most 8000");
  // Other sources take any count: an image's calibration_count is an upper bound.
  CHECK_FALSE(inputs("{source: random, count: 20000, calibration_count: 100000}").errors.has_errors());
}

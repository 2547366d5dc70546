// ONNX import on a model built here, small enough to check by hand: a 3x3
// convolution with batch normalization and ReLU, max pooling, a flatten and a
// Gemm. Checks the workload written, the weight layouts (ONNX [out][in][row]
// [col] to mottsim [out][row][col][in], ONNX's CxHxW flatten to mottsim's
// HxWxC), the folded batch normalization, and the located errors.
#include <doctest/doctest.h>
#include <onnx/onnx_pb.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <fstream>
#include <string>
#include <vector>

#include "dsl/onnx_import.hpp"
#include "dsl/workload_loader.hpp"
#include "dsl/yaml_tree.hpp"
#include "platform/data/reference_forward.hpp"
#include "platform/data/weights_file.hpp"
#include "test_support.hpp"

using namespace mottsim;

namespace {

void add_initializer(onnx::GraphProto& g, const std::string& name, const std::vector<long long>& dims,
                     const std::vector<float>& values) {
  auto* t = g.add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (auto d : dims) t->add_dims(d);
  for (auto v : values) t->add_float_data(v);
}

onnx::NodeProto* add_node(onnx::GraphProto& g, const std::string& op, const std::string& name,
                          const std::vector<std::string>& inputs, const std::string& output) {
  auto* n = g.add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (const auto& i : inputs) n->add_input(i);
  n->add_output(output);
  return n;
}

void ints(onnx::NodeProto* n, const std::string& name, const std::vector<long long>& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (auto x : v) a->add_ints(x);
}

void one_int(onnx::NodeProto* n, const std::string& name, long long v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

// Input 1x2x4x4. Conv: 3 kernels of 2x3x3, pad 1 -> 3x4x4; weight element
// (o, i, y, x) = 100 o + 10 i + 3 y + x, bias o. BatchNormalization per channel
// o: scale 2, B 1, mean 0.5, var 3 (eps 1): k = 2 / sqrt(4) = 1. Relu.
// MaxPool 2x2 -> 3x2x2 = 12 features. Flatten. Gemm transB: W [5][12],
// element (o, i) = o + i / 100, C = 7, alpha 2, beta 3.
// `var` replaces the variances (its size the number of values stored), and
// `fc_nan` makes the first Gemm weight NaN.
onnx::ModelProto small_model_proto(const std::string& tail = "", const std::vector<float>& var = {3, 3, 3},
                                   bool fc_nan = false) {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.set_producer_name("test");
  auto* opset = m.add_opset_import();
  opset->set_domain("");
  opset->set_version(13);
  auto& g = *m.mutable_graph();
  g.set_name("small");
  auto* in = g.add_input();
  in->set_name("x");
  auto* tt = in->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  for (long long d : {1, 2, 4, 4}) tt->mutable_shape()->add_dim()->set_dim_value(d);

  std::vector<float> w;
  for (int o = 0; o < 3; ++o)
    for (int i = 0; i < 2; ++i)
      for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 3; ++x) w.push_back(static_cast<float>(100 * o + 10 * i + 3 * y + x));
  add_initializer(g, "w", {3, 2, 3, 3}, w);
  add_initializer(g, "b", {3}, {0, 1, 2});
  add_initializer(g, "scale", {3}, {2, 2, 2});
  add_initializer(g, "shift", {3}, {1, 1, 1});
  add_initializer(g, "mean", {3}, {0.5f, 0.5f, 0.5f});
  add_initializer(g, "var", {static_cast<long long>(var.size())}, var);
  std::vector<float> fc;
  for (int o = 0; o < 5; ++o)
    for (int i = 0; i < 12; ++i) fc.push_back(static_cast<float>(o + i / 100.0));
  if (fc_nan) fc[0] = std::numeric_limits<float>::quiet_NaN();
  add_initializer(g, "fc_w", {5, 12}, fc);
  add_initializer(g, "fc_b", {5}, {7, 7, 7, 7, 7});

  auto* conv = add_node(g, "Conv", "conv", {"x", "w", "b"}, "c");
  ints(conv, "pads", {1, 1, 1, 1});
  ints(conv, "kernel_shape", {3, 3});
  auto* bn = add_node(g, "BatchNormalization", "bn", {"c", "scale", "shift", "mean", "var"}, "n");
  auto* eps = bn->add_attribute();
  eps->set_name("epsilon");
  eps->set_type(onnx::AttributeProto::FLOAT);
  eps->set_f(1.0f);
  add_node(g, "Relu", "relu", {"n"}, "r");
  auto* pool = add_node(g, "MaxPool", "pool", {"r"}, "p");
  ints(pool, "kernel_shape", {2, 2});
  ints(pool, "strides", {2, 2});
  add_node(g, "Flatten", "flat", {"p"}, "f");
  auto* gemm = add_node(g, "Gemm", "fc", {"f", "fc_w", "fc_b"}, "y");
  one_int(gemm, "transB", 1);
  auto* alpha = gemm->add_attribute();
  alpha->set_name("alpha");
  alpha->set_type(onnx::AttributeProto::FLOAT);
  alpha->set_f(2.0f);
  auto* beta = gemm->add_attribute();
  beta->set_name("beta");
  beta->set_type(onnx::AttributeProto::FLOAT);
  beta->set_f(3.0f);
  std::string out = "y";
  if (!tail.empty()) {
    add_node(g, tail, "odd", {"y"}, "z");
    out = "z";
  }
  g.add_output()->set_name(out);
  return m;
}

std::string written(const test_support::scratch_dir& dir, const onnx::ModelProto& m,
                    const std::string& name = "small.onnx") {
  std::string bytes;
  REQUIRE(m.SerializeToString(&bytes));
  return dir.write(name, bytes);
}

std::string small_model(const test_support::scratch_dir& dir, const std::string& tail = "",
                        const std::vector<float>& var = {3, 3, 3}, bool fc_nan = false) {
  return written(dir, small_model_proto(tail, var, fc_nan));
}

}  // namespace

TEST_CASE("ONNX import: a small model's workload and MACs by hand") {
  test_support::scratch_dir dir;
  const std::string path = small_model(dir);
  dsl::diagnostics errors;
  const auto w = dsl::load_workload(path, errors);
  INFO(errors.to_string());
  REQUIRE_FALSE(errors.has_errors());
  REQUIRE(w.layers.size() == 4);  // conv (+bn +relu), pool, flatten, fc
  CHECK(w.input == dsl::tensor_shape{4, 4, 2});
  CHECK(w.layers[0].name == "conv");
  CHECK(w.layers[0].activation == dsl::activation_kind::relu);
  CHECK(w.layers[0].pad_h == 1);
  CHECK(w.layers[1].stride_h == 2);  // ONNX's explicit stride, not mottsim's default
  CHECK(w.layers[3].out_features == 5);
  // conv 4x4x3 outputs x 18 inputs each; fc 12 x 5.
  CHECK(w.layers[0].macs == 16 * 3 * 18);
  CHECK(w.layers[3].macs == 60);
  CHECK(w.total_macs() == 16 * 3 * 18 + 60);
  // The workload names the model as its weights.
  CHECK(w.weights_file == path);
}

TEST_CASE("ONNX import: weights in mottsim's layouts, batch normalization folded") {
  test_support::scratch_dir dir;
  const std::string path = small_model(dir);
  dsl::diagnostics errors;
  const auto model = dsl::import_onnx(path, "small.onnx", true, errors);
  INFO(errors.to_string());
  REQUIRE_FALSE(errors.has_errors());
  REQUIRE(model.weights.size() == 2);
  const auto& conv = model.weights[0];
  CHECK(conv.layer == "conv");
  CHECK(conv.shape == std::vector<long long>{3, 3, 3, 2});
  CHECK(conv.weights.outputs() == 3);
  CHECK(conv.weights.fan_in() == 18);
  const std::vector<float> conv_w = conv.weights.values();
  REQUIRE(conv_w.size() == 54);
  // mottsim [o][y][x][i] = ONNX (o, i, y, x) = 100 o + 10 i + 3 y + x, times k = 1.
  const auto at = [&](int o, int y, int x, int i) { return conv_w[((o * 3 + y) * 3 + x) * 2 + i]; };
  CHECK(at(0, 0, 0, 0) == 0.0f);
  CHECK(at(2, 1, 2, 1) == 100 * 2 + 10 * 1 + 3 * 1 + 2);
  CHECK(at(1, 2, 0, 1) == 100 + 10 + 6);
  // b' = (b - mean) k + B = (o - 0.5) + 1.
  CHECK(conv.bias == std::vector<float>{0.5f, 1.5f, 2.5f});
  const auto& fc = model.weights[1];
  CHECK(fc.shape == std::vector<long long>{5, 12});
  const std::vector<float> fc_w = fc.weights.values();
  REQUIRE(fc_w.size() == 60);
  // ONNX input i = c * 4 + (row * 2 + col) (CxHxW); mottsim's is (row * 2 + col) * 3 + c.
  // Weight (o, i) = alpha (o + i / 100). ONNX i = 5 is c 1, pos 1: mottsim index 4.
  CHECK(fc_w[3 * 12 + 4] == doctest::Approx(2 * (3 + 5 / 100.0)).scale(0));
  // ONNX i = 8 is c 2, pos 0: mottsim index 2.
  CHECK(fc_w[1 * 12 + 2] == doctest::Approx(2 * (1 + 8 / 100.0)).scale(0));
  CHECK(fc.bias == std::vector<float>(5, 21.0f));  // beta x C
  // Outputs read a few at a time are those outputs' rows of the whole.
  std::vector<float> rows(24);
  fc.weights.read_outputs(2, 2, rows.data());
  CHECK(rows == std::vector<float>(fc_w.begin() + 24, fc_w.begin() + 48));
}

TEST_CASE("ONNX import: a workload read from a model carries it, and its weights come from it") {
  test_support::scratch_dir dir;
  const std::string path = small_model(dir);
  dsl::diagnostics errors;
  const auto w = dsl::load_workload(path, errors);
  REQUIRE_FALSE(errors.has_errors());
  REQUIRE(w.imported_model != nullptr);
  // The model is read once: replaced on disk now, its weights are still the
  // ones read with the workload (a fresh read gets the new file's).
  const auto before = platform::read_weights_file(path);
  std::string other;
  {
    onnx::ModelProto m;
    std::ifstream in(path, std::ios::binary);
    REQUIRE(m.ParseFromIstream(&in));
    m.mutable_graph()->mutable_initializer(0)->set_float_data(0, 42.0f);
    REQUIRE(m.SerializeToString(&other));
  }
  std::filesystem::rename(dir.write("small.next", other), path);
  const auto kept = platform::read_weights_file(w);
  const auto fresh = platform::read_weights_file(path);
  REQUIRE(kept.layers.size() == 2);
  CHECK(kept.layers[0].second.values() == before.layers[0].second.values());
  CHECK(fresh.layers[0].second.values()[0] == 42.0f);
  CHECK(fresh.layers[0].second.values()[0] != kept.layers[0].second.values()[0]);
}

namespace {

// Input [1, 100], MatMul by W [100][200] (element (i, o) = i - o / 8), then
// Gemm with transB by V [50][200] (element (o, i) = o / 4 - i / 16), alpha 1.
// The weights as float_data, or as raw bytes of floats or doubles: W's raw
// bytes (80 and 160 kB) are larger than what the structure keeps, so they
// are read from the file; V's are too as doubles (80 kB).
std::string large_model(const test_support::scratch_dir& dir, const std::string& name, int storage) {
  onnx::ModelProto m;
  m.set_ir_version(7);
  auto* opset = m.add_opset_import();
  opset->set_domain("");
  opset->set_version(13);
  auto& g = *m.mutable_graph();
  auto* in = g.add_input();
  in->set_name("x");
  auto* tt = in->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  for (long long d : {1, 100}) tt->mutable_shape()->add_dim()->set_dim_value(d);
  const auto tensor = [&](const std::string& t, long long rows, long long cols, double (*value)(long long, long long)) {
    auto* init = g.add_initializer();
    init->set_name(t);
    init->add_dims(rows);
    init->add_dims(cols);
    init->set_data_type(storage == 2 ? onnx::TensorProto::DOUBLE : onnx::TensorProto::FLOAT);
    std::string bytes;
    for (long long r = 0; r < rows; ++r)
      for (long long c = 0; c < cols; ++c) {
        const double v = value(r, c);
        const float f = static_cast<float>(v);
        if (storage == 0) init->add_float_data(f);
        else if (storage == 1) bytes.append(reinterpret_cast<const char*>(&f), 4);
        else bytes.append(reinterpret_cast<const char*>(&v), 8);
      }
    if (storage != 0) init->set_raw_data(bytes);
  };
  tensor("W", 100, 200, [](long long i, long long o) { return static_cast<double>(i) - static_cast<double>(o) / 8; });
  tensor("V", 50, 200, [](long long o, long long i) { return static_cast<double>(o) / 4 - static_cast<double>(i) / 16; });
  add_node(g, "MatMul", "mm", {"x", "W"}, "h");
  one_int(add_node(g, "Gemm", "fc", {"h", "V"}, "y"), "transB", 1);
  g.add_output()->set_name("y");
  std::string bytes;
  REQUIRE(m.SerializeToString(&bytes));
  return dir.write(name, bytes);
}

}  // namespace

TEST_CASE("ONNX import: weights stored as raw floats or doubles, in the file or in the message, read alike") {
  test_support::scratch_dir dir;
  std::vector<std::vector<float>> seen;
  for (int storage = 0; storage < 3; ++storage) {
    dsl::diagnostics errors;
    const auto model = dsl::import_onnx(large_model(dir, "m" + std::to_string(storage) + ".onnx", storage),
                                        "m.onnx", true, errors);
    INFO(errors.to_string());
    REQUIRE_FALSE(errors.has_errors());
    REQUIRE(model.weights.size() == 2);
    const auto& mm = model.weights[0].weights;
    const auto& fc = model.weights[1].weights;
    REQUIRE(mm.outputs() == 200);
    REQUIRE(mm.fan_in() == 100);
    REQUIRE(fc.outputs() == 50);
    REQUIRE(fc.fan_in() == 200);
    const std::vector<float> w = mm.values(), v = fc.values();
    // mottsim [o][i] = W (i, o) and V (o, i), exact in float.
    CHECK(w[37 * 100 + 5] == static_cast<float>(5 - 37.0 / 8));
    CHECK(w[199 * 100 + 99] == static_cast<float>(99 - 199.0 / 8));
    CHECK(v[3 * 200 + 21] == static_cast<float>(3.0 / 4 - 21.0 / 16));
    // A few outputs read alone: the same values.
    std::vector<float> part(3 * 100);
    mm.read_outputs(150, 3, part.data());
    CHECK(part == std::vector<float>(w.begin() + 150 * 100, w.begin() + 153 * 100));
    fc.read_outputs(49, 1, part.data());
    CHECK(std::vector<float>(part.begin(), part.begin() + 200) == std::vector<float>(v.end() - 200, v.end()));
    seen.push_back(w);
    seen.back().insert(seen.back().end(), v.begin(), v.end());
  }
  CHECK(seen[1] == seen[0]);
  CHECK(seen[2] == seen[0]);
}

TEST_CASE("ONNX import: the YAML written reads back and names its nodes") {
  test_support::scratch_dir dir;
  const std::string path = small_model(dir);
  dsl::diagnostics errors;
  const auto model = dsl::import_onnx(path, "small.onnx", false, errors);
  REQUIRE_FALSE(errors.has_errors());
  CHECK(model.weights.empty());  // not asked for
  CHECK(model.yaml.find("{name: \"conv\", type: conv2d, out_channels: 3, kernel: 3, stride: 1, padding: 1, "
                        "bias: true, activation: relu}  # Conv + BatchNormalization + Relu") != std::string::npos);
  CHECK(model.yaml.find("weights_file: \"small.onnx\"") != std::string::npos);
  const std::string yaml = dir.write("small.yaml", model.yaml);
  const auto w = dsl::load_workload(yaml, errors);
  INFO(errors.to_string());
  CHECK_FALSE(errors.has_errors());
  CHECK(w.total_macs() == 16 * 3 * 18 + 60);
}

TEST_CASE("ONNX import: a model without a default-domain opset, or with one no release gives, is refused") {
  test_support::scratch_dir dir;
  for (const long long version : {0LL, -3LL, 1LL << 40}) {
    CAPTURE(version);
    onnx::ModelProto m = small_model_proto();
    m.mutable_opset_import(0)->set_version(version);
    const std::string path = written(dir, m);
    dsl::diagnostics errors;
    dsl::import_onnx(path, "small.onnx", false, errors);
    REQUIRE(errors.size() == 1);
    CHECK(errors.errors()[0].to_string().find(path + ": error: declares ONNX opset " + std::to_string(version) +
                                              ", which no ONNX release gives") == 0);
  }
  onnx::ModelProto m = small_model_proto();
  m.mutable_opset_import(0)->set_domain("com.example");  // only another domain's opset
  const std::string path = written(dir, m);
  dsl::diagnostics errors;
  dsl::import_onnx(path, "small.onnx", false, errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors.errors()[0].to_string().find("declares no operator set of the default ONNX domain") !=
        std::string::npos);
  {
    onnx::ModelProto above = small_model_proto();  // the limit's edge: 100 is read, 101 is not
    above.mutable_opset_import(0)->set_version(101);
    dsl::diagnostics refused;
    dsl::import_onnx(written(dir, above), "small.onnx", false, refused);
    CHECK(refused.has_errors());
  }
  for (const long long version : {1LL, 21LL, 100LL}) {  // a real release's number is read
    onnx::ModelProto ok = small_model_proto();
    ok.mutable_opset_import(0)->set_version(version);
    dsl::diagnostics fine;
    dsl::import_onnx(written(dir, ok), "small.onnx", false, fine);
    CHECK_FALSE(fine.has_errors());
  }
}

TEST_CASE("ONNX import: a tensor written twice, a non-numeric input and a negative dimension are refused") {
  test_support::scratch_dir dir;
  const auto first_error = [&](const onnx::ModelProto& m) {
    dsl::diagnostics errors;
    dsl::import_onnx(written(dir, m), "small.onnx", false, errors);
    return errors.has_errors() ? errors.errors()[0].message : std::string();
  };
  onnx::ModelProto twice = small_model_proto();
  twice.mutable_graph()->mutable_node(2)->set_output(0, "c");  // relu writes the conv's output again
  CHECK(first_error(twice).find("node 'relu' (Relu, opset 13): writes tensor 'c', which node 'conv' writes too; "
                                "ONNX assigns each tensor once") == 0);
  onnx::ModelProto optional_outputs = small_model_proto();  // outputs left out ("") are no tensor
  optional_outputs.mutable_graph()->mutable_node(1)->add_output("");
  optional_outputs.mutable_graph()->mutable_node(2)->add_output("");
  CHECK(first_error(optional_outputs).find("writes tensor") == std::string::npos);
  onnx::ModelProto over_weight = small_model_proto();
  over_weight.mutable_graph()->mutable_node(2)->set_output(0, "w");
  CHECK(first_error(over_weight).find("writes tensor 'w', which is a graph input or a weight") != std::string::npos);

  onnx::ModelProto ints = small_model_proto();
  ints.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->set_elem_type(
      onnx::TensorProto::INT32);
  CHECK(first_error(ints).find("graph input 'x' holds INT32 values") == 0);
  onnx::ModelProto bytes = small_model_proto();  // an 8-bit quantized image is read
  bytes.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->set_elem_type(
      onnx::TensorProto::UINT8);
  CHECK(first_error(bytes).empty());

  onnx::ModelProto negative = small_model_proto();
  auto* w = negative.mutable_graph()->mutable_initializer(0);
  REQUIRE(w->name() == "w");
  w->set_dims(0, -3);
  CHECK(first_error(negative).find("initializer 'w' has a negative dimension (-3)") != std::string::npos);
}

TEST_CASE("ONNX import: an unsupported operator is a located error naming node, op and opset") {
  test_support::scratch_dir dir;
  const std::string path = small_model(dir, "Erf");  // GELU's Erf is imported only inside its pattern
  dsl::diagnostics errors;
  dsl::import_onnx(path, "small.onnx", false, errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors.errors()[0].to_string().rfind(path + ": error: node 'odd' (Erf, opset 13): operator not supported",
                                             0) == 0);
}

namespace {

// small_model with `change` made to it: a mutant of the kind a byte flipped in
// a name gives.
std::string changed_model(const test_support::scratch_dir& dir, const std::function<void(onnx::ModelProto&)>& change,
                          const std::string& tail = "") {
  const std::string path = small_model(dir, tail);
  onnx::ModelProto m;
  {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(m.ParseFromIstream(&in));
  }
  change(m);
  std::string bytes;
  REQUIRE(m.SerializeToString(&bytes));
  return dir.write("small.onnx", bytes);
}

// The one error importing the model gives, as printed, or "" when it imports.
std::string import_error(const std::string& path) {
  dsl::diagnostics errors;
  dsl::import_workload(path, "small.onnx", errors);
  if (!errors.has_errors()) return "";
  CHECK(errors.size() == 1);
  return errors.errors()[0].to_string();
}

onnx::GraphProto& graph(onnx::ModelProto& m) { return *m.mutable_graph(); }

}  // namespace

TEST_CASE("ONNX import: a name that is not UTF-8 text is a located error naming where it is, escaped") {
  // Names become the workload's layer names and the tensors it reads, in UTF-8
  // YAML and JSON: refused rather than rewritten into names the model lacks.
  // Before, such models gave internal errors ("the imported workload does not
  // read back") or echoed the bytes to the terminal.
  test_support::scratch_dir dir;
  const std::string start = dir.path("small.onnx") + ": error: ";
  CHECK(import_error(changed_model(dir, [](auto& m) { graph(m).mutable_node(0)->set_name("co\xffnv"); })) ==
        start + "node 0 of the graph (counting from 0; op type 'Conv'): its name 'co\\xffnv' is not UTF-8 text; "
                "ONNX names are UTF-8");
  CHECK(import_error(changed_model(dir, [](auto& m) { graph(m).mutable_node(2)->set_op_type("Re\xc3"); })) ==
        start + "node 2 of the graph (counting from 0; op type 'Re\\xc3'): its op type 'Re\\xc3' is not UTF-8 "
                "text; ONNX names are UTF-8");
  CHECK(import_error(changed_model(dir, [](auto& m) { graph(m).mutable_node(1)->set_input(0, "\x80"); })) ==
        start + "node 1 of the graph (counting from 0; op type 'BatchNormalization'): input 0 '\\x80' is not "
                "UTF-8 text; ONNX names are UTF-8");
  CHECK(import_error(changed_model(dir, [](auto& m) { graph(m).mutable_initializer(7)->set_name("fc_\xfe"); })) ==
        start + "an initializer's name 'fc_\\xfe' is not UTF-8 text; ONNX names are UTF-8");
  CHECK(import_error(changed_model(dir, [](auto& m) { graph(m).mutable_output(0)->set_name("\xf0\x9f"); })) ==
        start + "a graph output's name '\\xf0\\x9f' is not UTF-8 text; ONNX names are UTF-8");
  // `run` reads the model the same way.
  dsl::diagnostics errors;
  dsl::load_workload(changed_model(dir, [](auto& m) { graph(m).mutable_node(0)->set_name("co\xffnv"); }), errors);
  CHECK(errors.to_string() == start + "node 0 of the graph (counting from 0; op type 'Conv'): its name 'co\\xffnv' "
                                      "is not UTF-8 text; ONNX names are UTF-8\n");
  // Names in UTF-8 are names like any other.
  CHECK(import_error(changed_model(dir, [](auto& m) { graph(m).mutable_node(0)->set_name("Faltung_\xc3\xbc"); })) ==
        "");
}

TEST_CASE("ONNX import: what is not text in a model stays out of messages and the workload") {
  test_support::scratch_dir dir;
  // A control character in a name is escaped in the message, which stays one
  // line.
  const std::string odd =
      import_error(changed_model(dir, [](auto& m) { graph(m).mutable_node(6)->set_name("od\nd\r"); }, "Erf"));
  CHECK(odd.find("node 'od\\nd\\r' (Erf, opset 13): operator not supported") != std::string::npos);
  CHECK(odd.find('\n') == std::string::npos);
  // The producer is only described in a comment of the workload: escaped there.
  const std::string path = changed_model(dir, [](auto& m) { m.set_producer_name("tool\xff\n- {name: x}"); });
  dsl::diagnostics errors;
  const auto imported = dsl::import_workload(path, "small.onnx", errors);
  INFO(errors.to_string());
  REQUIRE_FALSE(errors.has_errors());
  CHECK(imported.text.text().find("produced by tool\\xff\\n- {name: x}") != std::string::npos);
  CHECK(imported.spec.layers.size() == 4);
}

TEST_CASE("ONNX import: import and validate check what each initializer stores, as run does") {
  // Read without its values (import, validate), a model whose BatchNormalization
  // holds 2 variances for 3 channels passed, and run then refused it.
  test_support::scratch_dir dir;
  const std::string path = small_model(dir, "", {3, 3});
  for (const bool with_weights : {false, true}) {
    CAPTURE(with_weights);
    dsl::diagnostics errors;
    dsl::import_onnx(path, "small.onnx", with_weights, errors);
    REQUIRE(errors.size() == 1);
    CHECK(errors.errors()[0].message ==
          "node 'bn' (BatchNormalization, opset 13): 'var' has 2 values for 3 channels");
  }
}

TEST_CASE("ONNX import: a variance plus epsilon that is not positive is refused at its node") {
  // eps 1: a variance of -1 leaves 0 to take the square root of and divide by.
  test_support::scratch_dir dir;
  const std::string path = small_model(dir, "", {3, -1, 3});
  dsl::diagnostics errors;
  dsl::import_onnx(path, "small.onnx", true, errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors.errors()[0].message.rfind("node 'bn' (BatchNormalization, opset 13): 'var' (the variance) of channel 1 "
                                         "is -1, and with epsilon 1 it is not positive",
                                         0) == 0);
}

TEST_CASE("ONNX import: a weight that is not a number is refused at its layer when the network is built") {
  test_support::scratch_dir dir;
  const std::string path = small_model(dir, "", {3, 3, 3}, true);
  dsl::diagnostics errors;
  const auto w = dsl::load_workload(path, errors);
  REQUIRE_FALSE(errors.has_errors());
  try {
    platform::reference_network net(w);
    FAIL("a NaN weight was accepted");
  } catch (const dsl::input_error& e) {
    REQUIRE(e.errors().size() == 1);
    CHECK(e.errors().errors()[0].message.rfind("layer 'fc': weight 0 of 60 is NaN", 0) == 0);
  }
}

TEST_CASE("ONNX import: a Conv whose kernel_shape is not its weights' is refused at the node") {
  // small_model states kernel_shape [3, 3] for 3x3 weights; ONNX infers it from
  // the weights when absent, and one that differs is no model.
  test_support::scratch_dir dir;
  onnx::ModelProto m = small_model_proto();
  for (auto& a : *m.mutable_graph()->mutable_node(0)->mutable_attribute())
    if (a.name() == "kernel_shape") a.set_ints(0, 5);
  const std::string path = written(dir, m, "wrong_kernel.onnx");
  dsl::diagnostics errors;
  dsl::import_onnx(path, "wrong_kernel.onnx", false, errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors.errors()[0].message == "node 'conv' (Conv, opset 13): kernel_shape [5, 3] is not the weights' [3, 3]");
}

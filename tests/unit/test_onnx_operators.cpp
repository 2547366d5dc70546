// ONNX import of the operators beyond convolutions and ReLU (activation
// functions, SiLU and GELU written out, squeeze-excitation gates, layer
// normalization, softmax, attention's products between activations, the
// class token's Concat and Gather), each on a model built here small enough
// to count by hand; the float reference of every activation against values
// computed by hand; and the price of a layer placed on the controller's
// vector unit.
#include <doctest/doctest.h>

#include <functional>
#include <onnx/onnx_pb.h>

#include <cmath>
#include <string>
#include <vector>

#include "dsl/architecture_loader.hpp"
#include "dsl/onnx_import.hpp"
#include "dsl/workload_loader.hpp"
#include "platform/mapping/element_ops.hpp"
#include "platform/mapping/network_plan.hpp"
#include "platform/data/reference_forward.hpp"
#include "test_support.hpp"

using namespace mottsim;

namespace {

// A graph under construction: one input, nodes, float and int64 constants.
struct graph {
  onnx::ModelProto m;
  onnx::GraphProto& g = *m.mutable_graph();

  explicit graph(const std::vector<long long>& input) {
    m.set_ir_version(7);
    auto* opset = m.add_opset_import();
    opset->set_domain("");
    opset->set_version(13);
    auto* in = g.add_input();
    in->set_name("x");
    auto* tt = in->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    for (long long d : input) tt->mutable_shape()->add_dim()->set_dim_value(d);
  }
  void floats(const std::string& name, const std::vector<long long>& dims, float fill) {
    auto* t = g.add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    long long n = 1;
    for (auto d : dims) {
      t->add_dims(d);
      n *= d;
    }
    for (long long k = 0; k < n; ++k) t->add_float_data(fill);
  }
  void int64s(const std::string& name, const std::vector<long long>& values, bool scalar = false) {
    auto* t = g.add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    if (!scalar) t->add_dims(static_cast<long long>(values.size()));
    for (auto v : values) t->add_int64_data(v);
  }
  onnx::NodeProto* node(const std::string& op, const std::vector<std::string>& inputs, const std::string& output) {
    auto* n = g.add_node();
    n->set_op_type(op);
    n->set_name(output);
    for (const auto& i : inputs) n->add_input(i);
    n->add_output(output);
    return n;
  }
  static void attr(onnx::NodeProto* n, const std::string& name, long long v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  static void attr(onnx::NodeProto* n, const std::string& name, const std::vector<long long>& v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (auto x : v) a->add_ints(x);
  }
  static void attr_f(onnx::NodeProto* n, const std::string& name, float v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
  }
  // A 1x1 convolution of `in` (with `cin` channels) to `cout` channels.
  void conv1x1(const std::string& in, long long cin, long long cout, const std::string& out) {
    floats(out + "_w", {cout, cin, 1, 1}, 0.5f);
    floats(out + "_b", {cout}, 0.0f);
    attr(node("Conv", {in, out + "_w", out + "_b"}, out), "kernel_shape", std::vector<long long>{1, 1});
  }
  dsl::workload_spec load(const test_support::scratch_dir& dir, const std::string& output, dsl::diagnostics& errors) {
    g.add_output()->set_name(output);
    std::string bytes;
    REQUIRE(m.SerializeToString(&bytes));
    return dsl::load_workload(dir.write("m.onnx", bytes), errors);
  }
};

}  // namespace

TEST_CASE("ONNX import: Clip, Sigmoid, HardSigmoid, HardSwish and Tanh become the layer's activation") {
  struct op_case {
    const char* op;
    dsl::activation_kind want;
  };
  for (const op_case c : {op_case{"Clip", dsl::activation_kind::relu6}, {"Sigmoid", dsl::activation_kind::sigmoid},
                          {"HardSigmoid", dsl::activation_kind::hard_sigmoid},
                          {"HardSwish", dsl::activation_kind::hard_swish}, {"Tanh", dsl::activation_kind::tanh}}) {
    INFO(c.op);
    test_support::scratch_dir dir;
    graph g({1, 2, 4, 4});
    g.conv1x1("x", 2, 3, "c");
    onnx::NodeProto* n = nullptr;
    if (std::string(c.op) == "Clip") {
      g.floats("lo", {}, 0.0f);
      g.floats("hi", {}, 6.0f);
      n = g.node("Clip", {"c", "lo", "hi"}, "y");
    } else {
      n = g.node(c.op, {"c"}, "y");
    }
    if (std::string(c.op) == "HardSigmoid") graph::attr_f(n, "alpha", 1.0f / 6.0f);
    dsl::diagnostics errors;
    const auto w = g.load(dir, "y", errors);
    INFO(errors.to_string());
    REQUIRE_FALSE(errors.has_errors());
    REQUIRE(w.layers.size() == 1);
    CHECK(w.layers[0].activation == c.want);
    CHECK(w.total_macs() == 16 * 3 * 2);  // 4x4 positions x 3 outputs x 2 inputs
  }
}

TEST_CASE("ONNX import: a Clip other than ReLU6 and HardSigmoid of another slope are located errors") {
  test_support::scratch_dir dir;
  graph g({1, 2, 4, 4});
  g.conv1x1("x", 2, 3, "c");
  g.floats("lo", {}, -1.0f);
  g.floats("hi", {}, 1.0f);
  g.node("Clip", {"c", "lo", "hi"}, "y");
  dsl::diagnostics errors;
  g.load(dir, "y", errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors.errors()[0].to_string().find("node 'y' (Clip, opset 13): mottsim imports a Clip to [0, 6]") !=
        std::string::npos);
}

TEST_CASE("ONNX import: SiLU and a squeeze-excitation gate (EfficientNet's block)") {
  // x 1x4x4x4 -> conv 1x1 (4->4) + SiLU -> GAP -> conv 1x1 (4->2) + SiLU ->
  // conv 1x1 (2->4) + Sigmoid -> Mul(map, gate).
  test_support::scratch_dir dir;
  graph g({1, 4, 4, 4});
  g.conv1x1("x", 4, 4, "c");
  g.node("Sigmoid", {"c"}, "cs");
  g.node("Mul", {"c", "cs"}, "a");
  g.node("GlobalAveragePool", {"a"}, "p");
  g.conv1x1("p", 4, 2, "r");
  g.node("Sigmoid", {"r"}, "rs");
  g.node("Mul", {"rs", "r"}, "ra");
  g.conv1x1("ra", 2, 4, "e");
  g.node("Sigmoid", {"e"}, "gate");
  g.node("Mul", {"gate", "a"}, "y");
  dsl::diagnostics errors;
  const auto w = g.load(dir, "y", errors);
  INFO(errors.to_string());
  REQUIRE_FALSE(errors.has_errors());
  REQUIRE(w.layers.size() == 5);  // c, p, r, e, y
  CHECK(w.layers[0].activation == dsl::activation_kind::silu);
  CHECK(w.layers[2].activation == dsl::activation_kind::silu);
  CHECK(w.layers[3].activation == dsl::activation_kind::sigmoid);
  const auto& mul = w.layers[4];
  CHECK(mul.kind == dsl::layer_kind::mul);
  CHECK(mul.in_shape == dsl::tensor_shape{4, 4, 4});  // the map is the input, the 1x1x4 gate the operand
  CHECK(mul.add_from == w.layers[3].name);
  CHECK(mul.out_shape == dsl::tensor_shape{4, 4, 4});
  CHECK(w.total_macs() == 16 * 4 * 4 + 4 * 2 + 2 * 4);
}

TEST_CASE("ONNX import: GELU written out (Div, Erf, Add, Mul, Mul) folds into the layer before it") {
  test_support::scratch_dir dir;
  graph g({1, 8});
  g.floats("w", {8, 5}, 0.25f);
  g.floats("b", {5}, 0.0f);
  g.floats("sqrt2", {}, 1.4142135f);
  g.floats("one", {}, 1.0f);
  g.floats("half", {}, 0.5f);
  g.node("MatMul", {"x", "w"}, "m");
  g.node("Add", {"b", "m"}, "h");
  g.node("Div", {"h", "sqrt2"}, "d");
  g.node("Erf", {"d"}, "e");
  g.node("Add", {"e", "one"}, "e1");
  g.node("Mul", {"h", "e1"}, "p");
  g.node("Mul", {"p", "half"}, "y");
  dsl::diagnostics errors;
  const auto w = g.load(dir, "y", errors);
  INFO(errors.to_string());
  REQUIRE_FALSE(errors.has_errors());
  REQUIRE(w.layers.size() == 1);
  CHECK(w.layers[0].kind == dsl::layer_kind::linear);
  CHECK(w.layers[0].bias);
  CHECK(w.layers[0].activation == dsl::activation_kind::gelu);
  CHECK(w.total_macs() == 8 * 5);
}

TEST_CASE("ONNX import: attention over tokens: per-token products, Q K^T and A V between activations, softmax") {
  // x [1, 12] reshaped to 3 tokens of 4; q, k, v = x Wq, x Wk, x Wv (4x4);
  // softmax(q k^T) v. MACs: 3 projections of 3 x 4 x 4 = 48 each, q k^T
  // 3 x 4 x 3 = 36, a v 3 x 3 x 4 = 36: 216.
  test_support::scratch_dir dir;
  graph g({1, 12});
  g.int64s("shape", {1, 3, 4});
  g.node("Reshape", {"x", "shape"}, "t");
  for (const char* p : {"q", "k", "v"}) {
    g.floats(std::string("w") + p, {4, 4}, 0.1f);
    g.node("MatMul", {"t", std::string("w") + p}, p);
  }
  graph::attr(g.node("Transpose", {"k"}, "kt"), "perm", std::vector<long long>{0, 2, 1});
  g.node("MatMul", {"q", "kt"}, "s");
  graph::attr(g.node("Softmax", {"s"}, "a"), "axis", -1);
  g.node("MatMul", {"a", "v"}, "y");
  dsl::diagnostics errors;
  const auto w = g.load(dir, "y", errors);
  INFO(errors.to_string());
  REQUIRE_FALSE(errors.has_errors());
  CHECK(w.total_macs() == 216);
  long long products = 0, projections = 0;
  for (const auto& l : w.layers) {
    if (l.kind == dsl::layer_kind::matmul) {
      ++products;
      CHECK(l.macs == 36);
    }
    if (l.kind == dsl::layer_kind::conv2d) {
      ++projections;
      CHECK(l.in_shape == dsl::tensor_shape{3, 1, 4});  // a token per row: a 1x1 convolution
      CHECK(l.macs == 48);
    }
  }
  CHECK(products == 2);
  CHECK(projections == 3);
  const auto* scores = w.find("s");
  REQUIRE(scores);
  CHECK(scores->activation == dsl::activation_kind::softmax);
  CHECK(scores->out_shape == dsl::tensor_shape{3, 1, 3});
  CHECK(w.layers.back().out_shape == dsl::tensor_shape{3, 1, 4});
}

TEST_CASE("ONNX import: layer normalization, written out or as one operator, the class token and its Gather") {
  for (bool decomposed : {true, false}) {
    INFO(decomposed);
    test_support::scratch_dir dir;
    graph g({1, 12});
    g.int64s("shape", {1, 3, 4});
    g.node("Reshape", {"x", "shape"}, "t0");
    g.floats("w0", {4, 4}, 0.1f);
    g.node("MatMul", {"t0", "w0"}, "t");
    g.floats("cls", {1, 1, 4}, 0.0f);
    graph::attr(g.node("Concat", {"cls", "t"}, "c"), "axis", 1);  // 4 tokens
    g.floats("gamma", {4}, 1.0f);
    g.floats("beta", {4}, 0.0f);
    if (decomposed) {
      g.floats("two", {}, 2.0f);
      g.floats("eps", {}, 1e-6f);
      graph::attr(g.node("ReduceMean", {"c"}, "mu"), "axes", std::vector<long long>{-1});
      g.node("Sub", {"c", "mu"}, "d");
      g.node("Pow", {"d", "two"}, "d2");
      graph::attr(g.node("ReduceMean", {"d2"}, "var"), "axes", std::vector<long long>{-1});
      g.node("Add", {"var", "eps"}, "ve");
      g.node("Sqrt", {"ve"}, "sd");
      g.node("Div", {"d", "sd"}, "nrm");
      g.node("Mul", {"nrm", "gamma"}, "sc");
      g.node("Add", {"sc", "beta"}, "ln");
    } else {
      g.node("LayerNormalization", {"c", "gamma", "beta"}, "ln");
    }
    g.int64s("zero", {0}, true);
    graph::attr(g.node("Gather", {"ln", "zero"}, "first"), "axis", 1);
    g.floats("head", {4, 2}, 0.1f);
    g.node("MatMul", {"first", "head"}, "y");
    dsl::diagnostics errors;
    const auto w = g.load(dir, "y", errors);
    INFO(errors.to_string());
    REQUIRE_FALSE(errors.has_errors());
    const auto* concat = w.find("c");
    REQUIRE(concat);
    CHECK(concat->kind == dsl::layer_kind::concat);
    CHECK(concat->constant_size == 1);
    CHECK(concat->out_shape == dsl::tensor_shape{4, 1, 4});
    int norms = 0;
    for (const auto& l : w.layers) norms += l.kind == dsl::layer_kind::layernorm;
    CHECK(norms == 1);
    CHECK(w.layers.size() == 6);  // reshape of the input, t0 projection, c, ln, first, y
    CHECK(w.layers.back().kind == dsl::layer_kind::linear);
    CHECK(w.layers.back().in_shape == dsl::tensor_shape{1, 1, 4});
    CHECK(w.total_macs() == 3 * 4 * 4 + 4 * 2);
  }
}

TEST_CASE("reference_forward: every activation against values computed by hand") {
  // One value in, the activation applied: f(1) (and f(7) or f(-1) for the
  // clamps); softmax over [0, ln 3] is [1/4, 3/4].
  struct expect {
    const char* name;
    float x;
    float y;
  };
  for (const expect e : {expect{"relu", -1.0f, 0.0f}, {"relu6", 7.0f, 6.0f}, {"relu6", 1.0f, 1.0f},
                         {"sigmoid", 1.0f, 0.7310586f}, {"hard_sigmoid", 1.0f, 0.6666667f},
                         {"hard_sigmoid", 4.0f, 1.0f}, {"hard_swish", 1.0f, 0.6666667f},
                         {"tanh", 1.0f, 0.7615942f}, {"gelu", 1.0f, 0.8413447f}, {"silu", 1.0f, 0.7310586f}}) {
    INFO(e.name);
    test_support::scratch_dir dir;
    dsl::diagnostics errors;
    const auto w = dsl::load_workload(
        dir.write("w.yaml", std::string("input: {height: 1, width: 1, channels: 1}\nlayers:\n"
                                        "  - {name: a, type: activation, activation: ") +
                                e.name + "}\n"),
        errors);
    REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
    const platform::reference_network net(w, nullptr);
    CHECK(net.forward({e.x})[0] == doctest::Approx(e.y).epsilon(1e-6));  // values of order 1, and zeros
  }
  test_support::scratch_dir dir;
  dsl::diagnostics errors;
  const auto w = dsl::load_workload(dir.write("w.yaml", "input: {height: 1, width: 1, channels: 2}\nlayers:\n"
                                                        "  - {name: a, type: activation, activation: softmax}\n"),
                                    errors);
  REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
  const auto y = platform::reference_network(w, nullptr).forward({0.0f, std::log(3.0f)});
  CHECK(y[0] == doctest::Approx(0.25).scale(0));
  CHECK(y[1] == doctest::Approx(0.75).scale(0));
}

TEST_CASE("reference_forward: a stored constant it cannot read is a located error") {
  test_support::scratch_dir dir;
  dsl::diagnostics errors;
  const std::string path = dir.write("w.yaml", "input: {height: 1, width: 1, channels: 2}\nlayers:\n"
                                               "  - {name: a, type: add, constant: true}\n");
  const auto w = dsl::load_workload(path, errors);
  REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
  try {
    platform::reference_network net(w, nullptr);
    FAIL("a constant add was accepted");
  } catch (const dsl::input_error& e) {
    CHECK(std::string(e.what()).find(path + ":3:5: error: layer 'a' (add) uses a constant stored with the network "
                                            "whose values it does not give") != std::string::npos);
  }
}

TEST_CASE("A depthwise convolution on crossbars or on the vector unit: utilization and price by hand") {
  // 8x8x16 input, depthwise 3x3 (pad 1), bias, ReLU6. On adc_cim's 128x128
  // crossbars each of the 16 groups takes a crossbar of its own for 9 rows.
  // On the vector unit: 8 x 8 x 16 x 9 = 9,216 MACs at 2 operations, 1,024
  // bias adds and 2 operations per output for ReLU6: 18,432 + 1,024 + 2,048.
  const std::string layer = "  - {name: dw, type: conv2d, out_channels: 16, kernel: 3, padding: 1, groups: 16, "
                            "activation: relu6";
  const std::string head = "input: {height: 8, width: 8, channels: 16}\nlayers:\n";
  test_support::scratch_dir dir;
  dsl::diagnostics errors;
  const auto arch = dsl::load_architecture(std::string(MOTTSIM_SOURCE_DIR) + "/configs/arch/adc_cim.yaml", {},
                                           test_support::registry(), errors);
  const auto on_crossbars = dsl::load_workload(dir.write("a.yaml", head + layer + "}\n"), errors);
  const auto digital = dsl::load_workload(dir.write("b.yaml", head + layer + ", placement: digital}\n"), errors);
  REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
  const auto a = platform::plan_network(on_crossbars, arch.spec,
      test_support::registry().readout_stages(), platform::schedule_kind::layer, errors);
  const auto b = platform::plan_network(digital, arch.spec,
      test_support::registry().readout_stages(), platform::schedule_kind::layer, errors);
  REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
  const auto& x = a.layers[0];
  REQUIRE(x.on_tiles);
  CHECK(x.mapping.crossbars == 16);
  // Cells used over cells of the crossbars it takes: 9 rows x the columns of
  // one weight, over 128 x 128, the same for every group.
  const double cells = 9.0 * static_cast<double>(x.mapping.physical_columns);
  CHECK(x.mapping.utilization == doctest::Approx(cells / (128.0 * 128.0)).scale(0));
  CHECK(x.ran_on.find("depthwise: each of its 16 groups takes crossbars of its own for 9 row(s)") != std::string::npos);
  CHECK(x.ran_on.find("its relu6 on the controller's vector unit") != std::string::npos);
  CHECK(x.element_ops == 8 * 8 * 16 * 2);  // the ReLU6 alone, after conversion
  const auto& y = b.layers[0];
  CHECK_FALSE(y.on_tiles);
  CHECK(y.element_ops == 9216 * 2 + 1024 + 2048);
  CHECK(y.digital_weight_bytes == 16 * 9);  // 8-bit weights read from DRAM
  CHECK(y.ran_on.find("the controller's vector unit (9216 MACs at 2 operations each") == 0);
}

TEST_CASE("depthwise_placement: digital moves every depthwise convolution that does not say otherwise") {
  // 8x8x16 input: a depthwise 3x3 (16 groups of 1 channel), a grouped 3x3 (2
  // groups of 8 channels: not depthwise), and a depthwise 3x3 that keeps its
  // own `placement: crossbar`.
  const std::string layers =
      "layers:\n"
      "  - {name: dw, type: conv2d, out_channels: 16, kernel: 3, padding: 1, groups: 16}\n"
      "  - {name: grouped, type: conv2d, out_channels: 16, kernel: 3, padding: 1, groups: 2}\n"
      "  - {name: kept, type: conv2d, out_channels: 16, kernel: 3, padding: 1, groups: 16, placement: crossbar}\n";
  const std::string input = "input: {height: 8, width: 8, channels: 16}\n";
  test_support::scratch_dir dir;
  dsl::diagnostics errors;
  const auto moved = dsl::load_workload(dir.write("a.yaml", input + "depthwise_placement: digital\n" + layers), errors);
  const auto plain = dsl::load_workload(dir.write("b.yaml", input + layers), errors);
  REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
  CHECK(moved.layers[0].digital);
  CHECK(moved.layers[0].digital_from_workload);
  CHECK_FALSE(moved.layers[1].digital);
  CHECK_FALSE(moved.layers[2].digital);
  for (const auto& l : plain.layers) CHECK_FALSE(l.digital);

  const std::string bad = dir.write("c.yaml", input + "depthwise_placement: vector\n" + layers);
  dsl::diagnostics bad_errors;
  dsl::load_workload(bad, bad_errors);
  CHECK(bad_errors.to_string().find(bad + ":2:22: error: 'depthwise_placement' must be crossbar or digital") !=
        std::string::npos);
}

TEST_CASE("ONNX import: malformed shape arithmetic is a located error, never a read past its inputs") {
  const auto first_error = [](const std::function<void(graph&)>& build, const std::string& output) {
    test_support::scratch_dir dir;
    graph g({1, 2, 4, 4});
    build(g);
    dsl::diagnostics errors;
    g.load(dir, output, errors);
    return errors.has_errors() ? errors.errors()[0].to_string() : std::string();
  };
  CHECK(first_error(
            [](graph& g) {
              g.int64s("a", {1});
              g.int64s("b", {2});
              g.node("Where", {"a", "b"}, "w");
            },
            "w")
            .find("node 'w' (Where, opset 13): needs 3 input(s), has 2") != std::string::npos);
  CHECK(first_error(
            [](graph& g) {
              g.int64s("s", {-1});
              g.node("ConstantOfShape", {"s"}, "k");
            },
            "k")
            .find("node 'k' (ConstantOfShape, opset 13): its shape must be sizes of 0 or more") != std::string::npos);
  // Well-formed shape arithmetic still evaluates: a Slice keeps channels
  // [0, 1 + 2) of four.
  {
    test_support::scratch_dir dir;
    graph g({1, 4, 2, 2});
    g.int64s("one", {1});
    g.int64s("two", {2});
    g.int64s("zero", {0});
    g.int64s("axis", {1});
    g.node("Add", {"one", "two"}, "three");
    g.node("Slice", {"x", "zero", "three", "axis"}, "s");
    dsl::diagnostics errors;
    const auto w = g.load(dir, "s", errors);
    INFO(errors.to_string());
    REQUIRE_FALSE(errors.has_errors());
    CHECK(w.layers.back().out_shape == dsl::tensor_shape{2, 2, 3});
  }
  CHECK(first_error(
            [](graph& g) {
              g.int64s("big", {1LL << 62});
              g.node("Mul", {"big", "big"}, "m");
            },
            "m")
            .find("node 'm' (Mul, opset 13): its result does not fit 64 bits") != std::string::npos);
}

TEST_CASE("reference_forward: a reshape that reorders its values without saying how is refused, located") {
  test_support::scratch_dir dir;
  const std::string path = dir.write("t.yaml", R"(name: t
input: {height: 2, width: 3, channels: 1}
layers:
  - {name: swap, type: reshape, shape: [3, 2, 1], reorders: true}
)");
  dsl::diagnostics errors;
  const auto w = dsl::load_workload(path, errors);
  REQUIRE_FALSE(errors.has_errors());
  CHECK(w.layers[0].reorders);
  try {
    const platform::reference_network net(w);
    FAIL("a reordering reshape has no float forward");
  } catch (const dsl::input_error& e) {
    CHECK(std::string(e.what()).find("t.yaml:4:5: error: layer 'swap' (reshape) reorders its values (a transpose) "
                                     "without saying how") != std::string::npos);
  }
}

TEST_CASE("reference_forward: stored constants and a transpose given in the workload, by hand") {
  // Input 2x1x3 = [[1, 2, 3], [4, 5, 6]] (two tokens of three channels).
  //  t:    from [2, 3], order [1, 0]: the transpose [[1, 4], [2, 5], [3, 6]] (3x1x2)
  //  cls:  a class row [10, 20] joined before: [[10, 20], [1, 4], [2, 5], [3, 6]]
  //  pos:  plus one value per element 0.5, 1.5, ...
  //  half: divided by 2 (a Div by a constant)
  //  ln:   each row normalized over its 2 channels, epsilon 0: (a - b) / 2 / |a - b| / 2 = -1, 1 when a < b
  test_support::scratch_dir dir;
  const std::string path = dir.write("c.yaml", R"(name: c
input: {height: 2, width: 1, channels: 3}
layers:
  - {name: t, type: reshape, shape: [3, 1, 2], reorders: true, from: [2, 3], order: [1, 0]}
  - {name: cls, type: concat, axis: height, constant: 1, values: [10, 20], constant_first: true}
  - {name: pos, type: add, constant: true, values: [0.5, 1.5, 0.5, 1.5, 0.5, 1.5, 0.5, 1.5]}
  - {name: half, type: mul, constant: true, values: [2], divide: true}
  - {name: ln, type: layernorm, epsilon: 1e-12}
)");
  dsl::diagnostics errors;
  const auto w = dsl::load_workload(path, errors);
  REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
  const platform::reference_network net(w);
  const auto all = net.forward_all({1, 2, 3, 4, 5, 6});
  CHECK(all[0] == std::vector<float>{1, 4, 2, 5, 3, 6});
  CHECK(all[1] == std::vector<float>{10, 20, 1, 4, 2, 5, 3, 6});
  CHECK(all[2] == std::vector<float>{10.5f, 21.5f, 1.5f, 5.5f, 2.5f, 6.5f, 3.5f, 7.5f});
  CHECK(all[3] == std::vector<float>{5.25f, 10.75f, 0.75f, 2.75f, 1.25f, 3.25f, 1.75f, 3.75f});
  for (std::size_t k = 0; k < all[4].size(); ++k) CHECK(all[4][k] == doctest::Approx(k % 2 ? 1.0 : -1.0).scale(0));
  // A named tensor needs an ONNX weights file to be read from.
  const std::string named = dir.write("n.yaml", R"(name: n
input: {height: 1, width: 1, channels: 2}
layers:
  - {name: ln, type: layernorm, epsilon: 1e-5, scale: gamma}
)");
  const auto wn = dsl::load_workload(named, errors);
  REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
  try {
    const platform::reference_network bad(wn);
    FAIL("a named tensor without a model was accepted");
  } catch (const dsl::input_error& e) {
    CHECK(std::string(e.what()).find("n.yaml:4:5: error: layer 'ln': 'scale: gamma' names a tensor of the workload's "
                                     "weights_file, which is no ONNX model") != std::string::npos);
  }
}

TEST_CASE("ONNX import: a Gather of one image channel is read by the next layer in its own shape") {
  // [1, 4, 2, 3] -> channel 2 -> [1, 2, 3]: two tokens of three features,
  // which a MatMul by a 3 x 5 weight turns into 2 x 5 (30 MACs, 15 weights).
  test_support::scratch_dir dir;
  graph g({1, 4, 2, 3});
  g.int64s("k", {2}, true);
  graph::attr(g.node("Gather", {"x", "k"}, "ch"), "axis", 1LL);
  g.floats("w", {3, 5}, 0.5f);
  g.node("MatMul", {"ch", "w"}, "y");
  dsl::diagnostics errors;
  const auto w = g.load(dir, "y", errors);
  INFO(errors.to_string());
  REQUIRE_FALSE(errors.has_errors());
  CHECK(w.total_macs() == 2 * 3 * 5);
  CHECK(w.total_weights() == 3 * 5);
  CHECK(w.layers.back().out_shape == dsl::tensor_shape{2, 1, 5});
}

TEST_CASE("reference_forward: a division by a stored 0 is refused at its layer, not computed as inf") {
  test_support::scratch_dir dir;
  const std::string path = dir.write("d.yaml", R"(name: d
input: {height: 1, width: 1, channels: 3}
layers:
  - {name: third, type: mul, constant: true, values: [3, 0, 3], divide: true}
)");
  dsl::diagnostics errors;
  const auto w = dsl::load_workload(path, errors);
  REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
  try {
    const platform::reference_network net(w);
    FAIL("a division by 0 was accepted");
  } catch (const dsl::input_error& e) {
    REQUIRE(e.errors().size() == 1);
    CHECK(e.errors().errors()[0].to_string() ==
          path + ":4:5: error: layer 'third' divides by its stored values, and value 1 of 3 is 0");
  }
  // A product by 0 is a product.
  const std::string times = dir.write("t.yaml", R"(name: t
input: {height: 1, width: 1, channels: 3}
layers:
  - {name: zero, type: mul, constant: true, values: [3, 0, 3]}
)");
  const auto wt = dsl::load_workload(times, errors);
  REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
  CHECK(platform::reference_network(wt).forward_all({1, 2, 3}).back() == std::vector<float>{3, 0, 9});
}

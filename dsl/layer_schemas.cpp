#include "dsl/layer_schemas.hpp"

#include "dsl/workload_spec.hpp"

namespace mottsim::dsl {

namespace {

constexpr double spatial = static_cast<double>(max_spatial_size);
constexpr double channels = static_cast<double>(max_channels);

constexpr const char* placement_doc =
    "where a CIM chip runs it: on crossbars, or on the controller's digital vector unit (a depthwise "
    "convolution fills little of a crossbar)";

// Keys every layer has. `type` is not here: the loader reads it to pick the schema.
schema_builder layer(std::string type, std::string description) {
  schema_builder b(std::move(type), std::move(description));
  b.text("name", std::nullopt, "unique layer name; reports and `input:`/`with:` use it")
      .text("input", std::nullopt, "earlier layer this one reads (default: the layer before it)")
      .optional()
      .choice("activation", activation_names(), std::string("none"),
              "activation applied to the output (relu is the only one an analog neuron computes; the others run "
              "on a digital unit)");
  return b;
}

std::shared_ptr<const block_schema> conv2d() {
  return layer("conv2d", "2-D convolution; also takes `weights:`, a nested list in [out][row][col][in] order")
      .integer("out_channels", std::nullopt, "output channels (number of kernels)")
      .range(1, channels)
      .integer_list("kernel", std::nullopt, "kernel size: k or [height, width]")
      .range(1, spatial)
      .integer_list("stride", std::string("1"), "stride: s or [vertical, horizontal]")
      .range(1, spatial)
      .integer_list("padding", std::string("0"), "zero padding on each side: p or [vertical, horizontal]")
      .range(0, spatial)
      .integer_list("dilation", std::string("1"), "kernel dilation: d or [vertical, horizontal]")
      .range(1, spatial)
      .integer("groups", std::string("1"), "grouped convolution; must divide input and output channels")
      .range(1, channels)
      .boolean("bias", std::string("true"), "adds a per-channel bias")
      .choice("placement", {"crossbar", "digital"}, std::string("crossbar"), placement_doc)
      .build();
}

std::shared_ptr<const block_schema> linear() {
  return layer("linear", "fully connected layer on a flat input; also takes `weights:` in [out][in] order")
      .integer("out_features", std::nullopt, "output features")
      .range(1, static_cast<double>(max_features))
      .boolean("bias", std::string("true"), "adds a per-feature bias")
      .choice("placement", {"crossbar", "digital"}, std::string("crossbar"), placement_doc)
      .build();
}

// Stride is optional rather than defaulted: it defaults to the kernel, which a
// schema default cannot say, so the loader fills it in.
std::shared_ptr<const block_schema> pool(std::string type, std::string description) {
  return layer(std::move(type), std::move(description))
      .integer_list("kernel", std::nullopt, "window size: k or [height, width]")
      .range(1, spatial)
      .integer_list("stride", std::nullopt, "stride: s or [vertical, horizontal] (default: the kernel)")
      .range(1, spatial)
      .optional()
      .integer_list("padding", std::string("0"), "padding on each side, at most half the window")
      .range(0, spatial)
      .build();
}

constexpr const char* tensor_doc =
    "the stored constant's values: the name of a float tensor (an initializer or Constant node) of the workload's "
    "weights_file, an ONNX model; or write them inline as `values:`. Without either, only perf mode runs the layer";

// `add` and `mul`: the second operand is an earlier layer or a stored constant.
std::shared_ptr<const block_schema> binary(std::string type, std::string description) {
  const bool mul = type == "mul";
  schema_builder b = layer(std::move(type), std::move(description) +
                                                "; a stored constant's values may be written inline as `values:`, "
                                                "a list of numbers");
  b.text("with", std::nullopt, "earlier layer that is the second operand")
      .optional()
      .boolean("constant", std::string("false"),
               "the second operand is a constant stored with the network instead (of the input's shape, one value "
               "per channel, or one value)")
      .text("tensor", std::nullopt, tensor_doc)
      .optional();
  if (mul) b.boolean("divide", std::string("false"), "divides by the constant instead (an ONNX Div)");
  return b.build();
}

std::shared_ptr<const block_schema> matmul() {
  return layer("matmul",
               "product of two activations (attention): per head, the input's M x K rows times the K x N rows of "
               "`with`; runs on a digital unit, since crossbars hold fixed weights")
      .text("with", std::nullopt, "earlier layer holding the right-hand operand (heads x K rows of N channels)")
      .integer("heads", std::string("1"), "independent products (attention heads); divides the input's rows")
      .range(1, channels)
      .build();
}

std::shared_ptr<const block_schema> joined() {
  return layer("concat", "joins an earlier layer, or a stored constant, to the input along the channels or the rows; "
                         "a stored constant's values may be written inline as `values:`, a list of numbers")
      .text("with", std::nullopt, "earlier layer joined after the input")
      .optional()
      .integer("constant", std::string("0"), "size along the axis of a stored constant joined (a class token: 1 row)")
      .range(0, channels)
      .text("tensor", std::nullopt, tensor_doc)
      .optional()
      .boolean("constant_first", std::string("false"), "the stored constant comes before the input (a class token)")
      .choice("axis", {"channels", "height"}, std::string("channels"), "axis joined along")
      .build();
}

std::shared_ptr<const block_schema> slice() {
  return layer("slice", "keeps the range [begin, end) of the channels or the rows")
      .choice("axis", {"channels", "height"}, std::string("channels"), "axis cut")
      .integer("begin", std::nullopt, "first index kept")
      .range(0, channels)
      .integer("end", std::nullopt, "one past the last index kept")
      .range(1, channels)
      .build();
}

std::shared_ptr<const block_schema> reshape() {
  return layer("reshape", "the same values as another [height, width, channels] (no arithmetic)")
      .integer_list("shape", std::nullopt, "[height, width, channels] with as many elements as the input")
      .range(1, channels)
      .boolean("reorders", std::string("false"),
               "the values are read in another order (an ONNX Transpose), not in memory order: perf mode copies "
               "them by DMA (a strided copy); the float reference and functional mode need `from:` and `order:`")
      .integer_list("from", std::nullopt,
                    "with reorders: the input's values read as a row-major tensor of these sizes (as many values)")
      .range(1, channels)
      .optional()
      .integer_list("order", std::nullopt,
                    "with reorders: the permutation of `from`'s axes (output axis i is axis order[i], as an ONNX "
                    "Transpose's perm), read out row-major")
      .range(0, 7)
      .optional()
      .build();
}

// No `input` and no `activation`: a load reads nothing and computes nothing.
std::shared_ptr<const block_schema> load() {
  schema_builder b("load", "a tensor that starts in memory with the shape given here; the layers after it read it "
                           "(a network of independent layers, such as a SCALE-Sim topology's rows)");
  b.text("name", std::nullopt, "unique layer name; reports and `input:`/`with:` use it")
      .integer("height", std::nullopt, "rows")
      .range(1, spatial)
      .integer("width", std::nullopt, "columns")
      .range(1, spatial)
      .integer("channels", std::nullopt, "channels")
      .range(1, channels);
  return b.build();
}

std::shared_ptr<const block_schema> flatten() {
  return layer("flatten", "reshapes an HxWxC map to a 1x1x(H*W*C) vector for linear layers").build();
}

}  // namespace

const schema_set& layer_schemas() {
  static const schema_set set = [] {
    schema_set s;
    s.add(conv2d());
    s.add(linear());
    s.add(pool("maxpool", "max pooling"));
    s.add(pool("avgpool", "average pooling (padding counts as zeros)"));
    s.add(binary("add", "element-wise sum of its input and an earlier layer of the same shape (residuals) or a "
                        "stored constant"));
    s.add(flatten());
    s.add(layer("activation", "an activation function applied on its own (`activation:` says which)").build());
    s.add(binary("mul", "element-wise product of its input and an earlier layer of the same shape or of one value "
                        "per channel (a squeeze-excitation gate), or a stored constant"));
    s.add(matmul());
    s.add(layer("layernorm", "normalizes each position over its channels, then scales and shifts per channel")
              .number("epsilon", std::nullopt,
                      "added to the variance before its square root; without it only perf mode runs the layer")
              .above(0)
              .optional()
              .text("scale", std::nullopt, "tensor of the weights_file (an ONNX model) holding one scale per channel "
                                           "(none: 1)")
              .optional()
              .text("shift", std::nullopt, "tensor of the weights_file (an ONNX model) holding one shift per channel "
                                           "(none: 0)")
              .optional()
              .build());
    s.add(joined());
    s.add(reshape());
    s.add(slice());
    s.add(load());
    return s;
  }();
  return set;
}

}  // namespace mottsim::dsl

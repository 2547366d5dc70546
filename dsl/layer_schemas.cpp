#include "dsl/layer_schemas.hpp"

namespace mottsim::dsl {

namespace {

constexpr double spatial = static_cast<double>(max_spatial_size);
constexpr double channels = static_cast<double>(max_channels);

// Keys every layer has. `type` is not here: the loader reads it to pick the schema.
schema_builder layer(std::string type, std::string description) {
  schema_builder b(std::move(type), std::move(description));
  b.text("name", std::nullopt, "unique layer name; reports and `input:`/`with:` use it")
      .text("input", std::nullopt, "earlier layer this one reads (default: the layer before it)")
      .optional()
      .choice("activation", {"none", "relu"}, std::string("none"), "activation applied to the output");
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
      .build();
}

std::shared_ptr<const block_schema> linear() {
  return layer("linear", "fully connected layer on a flat input; also takes `weights:` in [out][in] order")
      .integer("out_features", std::nullopt, "output features")
      .range(1, static_cast<double>(max_features))
      .boolean("bias", std::string("true"), "adds a per-feature bias")
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

std::shared_ptr<const block_schema> add() {
  return layer("add", "element-wise sum of its input and an earlier layer of the same shape (residuals)")
      .text("with", std::nullopt, "earlier layer added to the input")
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
    s.add(add());
    s.add(flatten());
    s.add(load());
    return s;
  }();
  return set;
}

}  // namespace mottsim::dsl

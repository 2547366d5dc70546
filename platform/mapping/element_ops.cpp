#include "platform/mapping/element_ops.hpp"

namespace mottsim::platform {

double activation_ops(dsl::activation_kind a) {
  switch (a) {
    case dsl::activation_kind::none: return 0.0;
    case dsl::activation_kind::relu: return 1.0;
    case dsl::activation_kind::relu6: return 2.0;
    case dsl::activation_kind::hard_sigmoid: return 4.0;
    case dsl::activation_kind::hard_swish: return 5.0;
    case dsl::activation_kind::sigmoid:
    case dsl::activation_kind::tanh:
    case dsl::activation_kind::gelu: return 4.0;
    case dsl::activation_kind::silu: return 5.0;
    case dsl::activation_kind::softmax: return 8.0;
  }
  return 0.0;
}

double activation_element_ops(const dsl::layer_spec& l) {
  return static_cast<double>(l.out_shape.elements()) * activation_ops(l.activation);
}

double element_ops(const dsl::layer_spec& l) {
  const auto out = static_cast<double>(l.out_shape.elements());
  double own = 0.0;
  switch (l.kind) {
    case dsl::layer_kind::conv2d:
    case dsl::layer_kind::linear:
    case dsl::layer_kind::matmul:  // its products are counted as MACs
    case dsl::layer_kind::flatten:
    case dsl::layer_kind::reshape:
    case dsl::layer_kind::slice:
    case dsl::layer_kind::concat:
    case dsl::layer_kind::activation:
    case dsl::layer_kind::load: break;
    case dsl::layer_kind::maxpool:
    case dsl::layer_kind::avgpool: own = out * static_cast<double>(l.kernel_h * l.kernel_w); break;
    case dsl::layer_kind::add:
    case dsl::layer_kind::mul: own = out; break;
    case dsl::layer_kind::layernorm: own = out * layernorm_ops; break;
  }
  return own + activation_element_ops(l);
}

}  // namespace mottsim::platform

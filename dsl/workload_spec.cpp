#include "dsl/workload_spec.hpp"

namespace mottsim::dsl {

const char* layer_kind_name(layer_kind k) {
  switch (k) {
    case layer_kind::conv2d: return "conv2d";
    case layer_kind::linear: return "linear";
    case layer_kind::maxpool: return "maxpool";
    case layer_kind::avgpool: return "avgpool";
    case layer_kind::add: return "add";
    case layer_kind::flatten: return "flatten";
    case layer_kind::load: return "load";
  }
  return "?";
}

std::string tensor_shape::to_string() const {
  return std::to_string(height) + "x" + std::to_string(width) + "x" + std::to_string(channels);
}

long long layer_spec::weight_rows() const {
  switch (kind) {
    case layer_kind::conv2d: return groups > 0 ? kernel_h * kernel_w * (in_shape.channels / groups) : 0;
    case layer_kind::linear: return in_shape.elements();
    default: return 0;
  }
}

long long layer_spec::weight_cols() const {
  switch (kind) {
    case layer_kind::conv2d: return out_channels;
    case layer_kind::linear: return out_features;
    default: return 0;
  }
}

// Each output channel sees only its own group's inputs, so rows x columns is
// already the count over all groups. Biases are not weights here: they are
// added after the crossbar, not stored in it.
long long layer_spec::weight_count() const { return weight_rows() * weight_cols(); }

long long workload_spec::total_macs() const {
  long long sum = 0;
  for (const auto& l : layers)
    if (l.is_matrix_layer()) sum += l.macs;
  return sum;
}

long long workload_spec::total_weights() const {
  long long sum = 0;
  for (const auto& l : layers)
    if (l.is_matrix_layer()) sum += l.weight_count();
  return sum;
}

const layer_spec* workload_spec::find(const std::string& layer_name) const {
  for (const auto& l : layers)
    if (l.name == layer_name) return &l;
  return nullptr;
}

}  // namespace mottsim::dsl

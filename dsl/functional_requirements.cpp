#include "dsl/functional_requirements.hpp"

namespace mottsim::dsl {

void check_computable(const workload_spec& workload, diagnostics& errors) {
  for (const auto& l : workload.layers)
    if (l.kind == layer_kind::load)
      errors.error(l.where, "layer '" + l.name + "' is a load: its tensor has no values, and the float forward "
                            "computes every value from the network input; only perf mode runs this workload");
    else if (const std::string why = l.uncomputable_reason(); !why.empty())
      errors.error(l.where, "layer '" + l.name + "' (" + layer_kind_name(l.kind) + ") " + why +
                                "; the float reference and functional mode cannot compute it (perf mode can)");
}

void check_weights_given(const workload_spec& workload, diagnostics& errors) {
  if (!workload.weights_file.empty()) return;
  for (const auto& l : workload.layers)
    if (l.is_matrix_layer() && l.weights.empty())
      errors.error(l.where, "layer '" + l.name + "' has no weights: give 'weights:' in the layer or "
                            "'weights_file:' in the workload");
}

}  // namespace mottsim::dsl

#include "dsl/generated_workload.hpp"

#include <algorithm>

#include "dsl/workload_loader.hpp"
#include "dsl/yaml_tree.hpp"

namespace mottsim::dsl {

void generated_workload::add(std::string_view lines, const source_location& from) {
  m_text += lines;
  m_origins.insert(m_origins.end(), static_cast<std::size_t>(std::count(lines.begin(), lines.end(), '\n')), from);
}

void generated_workload::add(const generated_workload& more) {
  m_text += more.m_text;
  m_origins.insert(m_origins.end(), more.m_origins.begin(), more.m_origins.end());
}

source_location generated_workload::origin(const source_location& in_text) const {
  if (in_text.file != m_source) return in_text;
  if (in_text.line >= 1 && static_cast<std::size_t>(in_text.line) <= m_origins.size())
    return m_origins[static_cast<std::size_t>(in_text.line) - 1];
  return {m_source, 0, 0};
}

workload_spec read_generated_workload(const generated_workload& generated, diagnostics& errors) {
  // The text is named after the source, so that every location the readers
  // give it is recognized as one of its own and moved.
  diagnostics found;
  workload_spec spec;
  spec.file = generated.source();
  if (const auto root = load_yaml_string(generated.text(), generated.source(), found))
    spec = load_workload(*root, generated.source(), found);
  for (const auto& d : found.errors()) errors.error(generated.origin(d.where), d.message);
  for (source_location* where :
       {&spec.weight_bits_where, &spec.activation_bits_where, &spec.precision_where, &spec.input_density_where,
        &spec.weight_density_where, &spec.inputs.where, &spec.inputs.file_where, &spec.inputs.fallback_where,
        &spec.inputs.calibration_where})
    *where = generated.origin(*where);
  for (auto& l : spec.layers) l.where = generated.origin(l.where);
  return spec;
}

}  // namespace mottsim::dsl

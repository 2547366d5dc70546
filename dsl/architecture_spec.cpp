#include "dsl/architecture_spec.hpp"

namespace mottsim::dsl {

const component_spec* architecture_spec::find(const std::string& wanted) const {
  for (const auto& c : components)
    if (c.name == wanted) return &c;
  return nullptr;
}

std::vector<const component_spec*> architecture_spec::of_type(const std::string& type) const {
  std::vector<const component_spec*> out;
  for (const auto& c : components)
    if (c.type == type) out.push_back(&c);
  return out;
}

}  // namespace mottsim::dsl

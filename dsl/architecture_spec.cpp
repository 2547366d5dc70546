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

const component_spec* architecture_spec::digital_engine() const {
  for (const char* type : {"processor", "systolic_array"})
    if (const auto found = of_type(type); !found.empty()) return found.front();
  return nullptr;
}

diagnostic architecture_spec::missing_component(const std::string& type, const std::string& message) const {
  for (auto r = removed_components.rbegin(); r != removed_components.rend(); ++r)
    if (r->type == type)
      return {r->where, message + "; the null given to '" + r->name + "' here removed the base architecture's"};
  return {{file, 0, 0}, message};
}

}  // namespace mottsim::dsl

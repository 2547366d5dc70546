#include "models/readout_stage.hpp"

#include <stdexcept>

#include "models/schemas.hpp"

namespace mottsim::models {

std::string readout_traits_problem(const readout_stage_traits& t) {
  // Each role is a part of its own in the tile (activation array, converter
  // bank, sample-and-hold array): one stage cannot be two of them.
  const int roles = int{t.analog_activation} + int{t.converter} + int{t.holds_analog};
  if (roles <= 1) return "";
  std::string names;
  auto name = [&](bool set, const char* what) {
    if (set) names += (names.empty() ? "" : " and ") + std::string(what);
  };
  name(t.analog_activation, "an analog activation");
  name(t.converter, "a converter");
  name(t.holds_analog, "an analog hold");
  return "a readout stage is at most one of an analog activation, a converter and an analog hold (each is a part of "
         "its own in the tile), not " + names;
}

std::string readout_schema_problem(const readout_stage_type& stage) {
  std::string missing;
  auto need = [&](const std::string& name) {
    if (!stage.schema->find(name)) missing += (missing.empty() ? "'" : ", '") + name + "'";
  };
  std::string role;
  if (stage.traits.converter) {
    role = "a converter's schema needs what functional mode reads from it: ";
    for (const char* name : {"bits", "full_scale", "code_spacing"}) need(name);
  }
  if (stage.functional != activation_model::none) {
    const schema_ptr model_type =
        stage.functional == activation_model::mott_neuron ? mott_neuron_schema() : cmos_activation_schema();
    role = "an activation simulated by the " + model_type->type + " model needs every parameter of that type: ";
    for (const auto& p : model_type->params) need(p.name);
  }
  return missing.empty() ? "" : role + missing + " missing";
}

void readout_stage_registry::add(readout_stage_type stage) {
  if (!stage.schema) throw std::invalid_argument("readout stage type without a schema");
  const std::string& type = stage.schema->type;
  if (!stage.estimator)
    throw std::invalid_argument("readout stage type '" + type + "': a stage is priced by its tile, register its "
                                "estimator with it");
  if (const std::string problem = readout_traits_problem(stage.traits); !problem.empty())
    throw std::invalid_argument("readout stage type '" + type + "': " + problem);
  if (const std::string problem = readout_schema_problem(stage); !problem.empty())
    throw std::invalid_argument("readout stage type '" + type + "': " + problem);
  if (find(type)) throw std::invalid_argument("readout stage type '" + type + "' is registered twice");
  m_types.push_back(std::make_shared<const readout_stage_type>(std::move(stage)));
}

std::shared_ptr<const readout_stage_type> readout_stage_registry::find(const std::string& type) const {
  for (const auto& t : m_types)
    if (t->type() == type) return t;
  return nullptr;
}

std::vector<std::string> readout_stage_registry::names_with(bool readout_stage_traits::*trait) const {
  std::vector<std::string> out;
  for (const auto& t : m_types)
    if (t->traits.*trait) out.push_back(t->type());
  return out;
}

}  // namespace mottsim::models

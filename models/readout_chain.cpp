#include "models/readout_chain.hpp"

namespace mottsim::models {

namespace {

// "an adc", "a mott_neuron"; `quote` puts the name in quotes ("an 'adc'").
std::string with_article(const std::string& name, bool quote = false) {
  const bool vowel = !name.empty() && std::string("aeiou").find(name[0]) != std::string::npos;
  return (vowel ? "an " : "a ") + (quote ? "'" + name + "'" : name);
}

// "a mott_neuron or a cmos_activation": the registered types of a role, each
// with `prefix` (an article when empty).
std::string alternatives(const std::vector<std::string>& names, const std::string& prefix = "", bool quote = false) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i)
    out += (i ? " or " : "") + (prefix.empty() ? with_article(names[i], quote) : prefix + names[i]);
  return out;
}

}  // namespace

bool check_readout_chain(const dsl::block_value& v, const readout_stage_registry& stages, dsl::diagnostics& errors) {
  const auto& chain = v.blocks("readout");
  const std::vector<std::string> activations = stages.names_with(&readout_stage_traits::analog_activation);
  const std::vector<std::string> converters = stages.names_with(&readout_stage_traits::converter);
  auto traits = [&](const dsl::block_value& stage) {
    const auto type = stages.find(stage.type);
    return type ? type->traits : readout_stage_traits{};
  };
  if (chain.empty()) {
    const std::string first_converter = converters.empty() ? "converter" : converters.front();
    const std::string first_activation = activations.empty() ? "analog activation" : activations.front();
    // At the empty list itself (a --set 'readout=[]' at its flag), else the tile.
    errors.error(v.has("readout") ? v.at("readout").where : v.where, "cim_tile: 'readout' needs at least one stage (" + with_article(first_converter) + " or " +
                              with_article(first_activation) + ")");
    return false;
  }
  bool converter = false;
  for (const auto& stage : chain) converter |= traits(stage).converter;
  if (!converter)
    errors.error(v.at("readout").where, "cim_tile: the readout chain never digitizes: add " +
                                            alternatives(converters, "", true) + " stage after the analog stages");
  // Analog summation adds row-block currents before the readout, so the
  // first stage must be analog (an activation), not a converter.
  if (v.block("accumulation").text("mode") == "analog" && !traits(chain.front()).analog_activation)
    errors.error(v.block("accumulation").at("mode").where,
                 "cim_tile: analog accumulation sums column currents before the readout, so the chain must start "
                 "with " + alternatives(activations) + "; use mode digital with " +
                     with_article(converters.empty() ? "converter" : converters.front()) + "-first chain");
  // One analog activation per chain, and an analog hold only after it: it
  // holds that activation's output. One converter, after every stage that
  // works on the analog sum: once digitized, nothing analog is left.
  const dsl::block_value* activation = nullptr;
  const dsl::block_value* digitized = nullptr;
  for (const auto& stage : chain) {
    const readout_stage_traits t = traits(stage);
    if (digitized && (t.analog_activation || t.holds_analog || t.converter)) {
      errors.error(stage.where, "cim_tile: " + with_article(stage.type, true) +
                                    (t.converter ? " converts again what " + with_article(digitized->type, true) +
                                                       " before it has digitized: use one converter per chain"
                                                 : " works on the analog column sum, which " +
                                                       with_article(digitized->type, true) +
                                                       " before it has digitized: put it before the converter"));
      continue;
    }
    if (t.converter) digitized = &stage;
    if (t.analog_activation) {
      if (activation)
        errors.error(stage.where, "cim_tile: the readout chain already has an analog activation ('" + activation->type +
                                      "'); use " + alternatives(activations, "one "));
      else
        activation = &stage;
    } else if (t.holds_analog && !activation) {
      errors.error(stage.where, "cim_tile: " + with_article(stage.type) +
                                    " holds an analog activation's output: put it after " + alternatives(activations));
    }
  }
  return true;
}

}  // namespace mottsim::models

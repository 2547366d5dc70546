#include "platform/functional/analog_functional.hpp"

#include "models/analog_hold.hpp"

namespace mottsim::platform {

namespace {
const dsl::block_value* sample_hold_of(const dsl::block_value& tile) {
  for (const auto& s : tile.blocks("readout"))
    if (s.type == "sample_hold") return &s;
  return nullptr;
}
}  // namespace

void configure_analog_layer(models::functional_layer& f, const network_plan& plan, std::size_t layer,
                            const dsl::block_value& tile) {
  const analog_link& link = plan.layers[layer].analog;
  const dsl::block_value* hold = sample_hold_of(tile);
  if (!hold || (!link.analog_out && !link.analog_in)) return;
  const models::analog_hold_params p = models::read_analog_hold(*hold);
  if (link.analog_out)
    f.set_held_output(p, plan.layers[static_cast<std::size_t>(link.consumer)].analog.hold_s);
  if (link.analog_in) f.set_analog_input(p.buffer_noise);
}

double held_input_full_scale(const network_plan& plan, std::size_t layer, const models::functional_layer* producer) {
  if (!plan.layers[layer].analog.analog_in || !producer) return 0.0;
  return producer->analog_full_scale();
}

}  // namespace mottsim::platform

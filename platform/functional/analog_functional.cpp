#include "platform/functional/analog_functional.hpp"

#include "models/analog_hold.hpp"

namespace mottsim::platform {

void configure_analog_layer(models::functional_layer& f, const network_plan& plan, std::size_t layer,
                            const dsl::block_value& tile) {
  const analog_link& link = plan.layers[layer].analog;
  // The chain's analog hold (its stage with that trait) holds what moves.
  if (plan.tile.hold_stage < 0 || (!link.analog_out && !link.analog_in)) return;
  const dsl::block_value& hold = tile.blocks("readout")[static_cast<std::size_t>(plan.tile.hold_stage)];
  const models::analog_hold_params p = models::read_analog_hold(hold);
  if (link.analog_out)
    f.set_held_output(p, plan.layers[static_cast<std::size_t>(link.consumer)].analog.hold_s);
  if (link.analog_in) f.set_analog_input(p.buffer_noise);
}

double held_input_full_scale(const network_plan& plan, std::size_t layer, const models::functional_layer* producer) {
  if (!plan.layers[layer].analog.analog_in || !producer) return 0.0;
  return producer->analog_full_scale();
}

}  // namespace mottsim::platform

#pragma once
#include "dsl/block_value.hpp"
#include "models/functional_crossbar.hpp"
#include "platform/mapping/network_plan.hpp"

namespace mottsim::platform {

// Functional mode's side of the ADC-free analog path: a layer whose outputs the
// plan holds in S&H keeps them analog (gain error, kT/C noise, droop over the
// consumer's hold time); a layer fed that way takes them unquantized through
// its analog row buffers.
void configure_analog_layer(models::functional_layer& f, const network_plan& plan, std::size_t layer,
                            const dsl::block_value& tile);

// A layer fed held values maps its producer's full-scale activation (the held
// full-scale voltage) to its full read voltage: its input full scale is the
// producer's analog full scale. Returns 0 when the layer is not fed that way.
double held_input_full_scale(const network_plan& plan, std::size_t layer,
                             const models::functional_layer* producer);

}  // namespace mottsim::platform

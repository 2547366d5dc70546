#pragma once
#include <memory>

#include "models/readout_stage.hpp"

// The built-in readout stage types, each whole: its schema, its traits, how it
// fills the tile's timing figures, its estimator and how functional mode
// treats it. register_builtin_models() registers them; nothing else in
// mottsim names them.
namespace mottsim::models {

readout_stage_type adc_stage();
readout_stage_type mott_neuron_stage();
readout_stage_type cmos_activation_stage();
readout_stage_type sample_hold_stage();
readout_stage_type shift_add_stage();
readout_stage_type digital_activation_stage();

}  // namespace mottsim::models

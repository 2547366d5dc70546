#pragma once
#include <memory>

#include "dsl/schema.hpp"

// Parameter schemas of every built-in component and block type. They are pure
// data (no SystemC) so the DSL can validate files without elaborating anything.
namespace mottsim::models {

class readout_stage_registry;

using schema_ptr = std::shared_ptr<const dsl::block_schema>;

// The least a width, burst or transfer that moves data can be: one bit, in
// bytes. Anything smaller (a denormal, say) would make transfer counts
// infinite and times not a number.
inline constexpr double one_bit = 0.125;

// Components (may appear as `type:` in an architecture).
schema_ptr dram_schema();
schema_ptr sram_schema();
schema_ptr bus_schema();
schema_ptr mesh_schema();
schema_ptr htree_schema();
schema_ptr offchip_link_schema();
schema_ptr controller_schema();
// Its readout chain takes the stage types of `stages` (as they are registered)
// and is checked against their traits (models/readout_chain.hpp).
schema_ptr cim_tile_schema(std::shared_ptr<const readout_stage_registry> stages);
schema_ptr processor_schema();
schema_ptr systolic_array_schema();

// Blocks inside a cim_tile, and kinds of technology library entries.
schema_ptr synapse_cell_schema();
schema_ptr crossbar_schema();
schema_ptr input_driver_schema();
schema_ptr adc_schema();
schema_ptr shift_add_schema();
schema_ptr digital_activation_schema();
schema_ptr mott_neuron_schema();
schema_ptr gain_stage_schema();
schema_ptr accumulator_schema();
// The ADC-free analog path (analog_path_schemas.cpp).
schema_ptr sample_hold_schema();
schema_ptr cmos_activation_schema();

}  // namespace mottsim::models

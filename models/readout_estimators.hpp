#pragma once
#include "models/estimator.hpp"

// The estimators of the readout stages a cim_tile's chain is built from: what
// each stage's actions cost and what hardware it adds to the tile
// (models/estimator.hpp). Registered with their stage types (traits, schema,
// tile reader) in models/builtin_readout_stages.cpp. Pure: no SystemC.
namespace mottsim::models {

struct logic_scale;

stage_pricing price_adc_stage(const dsl::block_value& adc, const tile_context& tile);
stage_pricing price_mott_neuron_stage(const dsl::block_value& neuron, const tile_context& tile);
stage_pricing price_cmos_activation_stage(const dsl::block_value& cmos, const tile_context& tile);
stage_pricing price_sample_hold_stage(const dsl::block_value& hold, const tile_context& tile);
stage_pricing price_shift_add_stage(const dsl::block_value& shift_add, const tile_context& tile);
stage_pricing price_digital_activation_stage(const dsl::block_value& activation, const tile_context& tile);

// The hardware of `units` identical parts of a stage, each of `unit_area`
// (`unit_source` says how it was found): per readout group (one per
// readout_share arrays) when they hang off the columns, else per tile; with
// the stage's `leakage` per unit when it has one, scaled across nodes by
// `scale` for logic characterized at another node (models/logic_scaling.hpp).
// Shared by the stage estimators, and for new stage types.
void add_stage_units(stage_pricing& out, const dsl::block_value& stage, const tile_context& tile,
                     const std::string& name, long long units, bool per_array, double unit_area,
                     const std::string& unit_source, const logic_scale* scale = nullptr);

}  // namespace mottsim::models

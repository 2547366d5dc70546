#pragma once
#include "models/estimator.hpp"

// The estimators of the components with no typed parts: each prices one
// instance from its parameters (models/estimator.hpp). Registered with their
// types in platform/elaboration/model_registry.cpp. Pure: no SystemC.
namespace mottsim::models {

component_pricing price_dram(const dsl::block_value& params, const pricing_context& at);
component_pricing price_sram(const dsl::block_value& params, const pricing_context& at);
component_pricing price_bus(const dsl::block_value& params, const pricing_context& at);
component_pricing price_mesh(const dsl::block_value& params, const pricing_context& at);
component_pricing price_htree(const dsl::block_value& params, const pricing_context& at);
component_pricing price_offchip_link(const dsl::block_value& params, const pricing_context& at);
component_pricing price_controller(const dsl::block_value& params, const pricing_context& at);
component_pricing price_processor(const dsl::block_value& params, const pricing_context& at);
component_pricing price_systolic_array(const dsl::block_value& params, const pricing_context& at);

}  // namespace mottsim::models

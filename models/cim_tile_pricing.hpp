#pragma once
#include "models/estimator.hpp"

// The estimator of a cim_tile: its crossbar cells, drivers, accumulation and
// buffer priced here; each readout stage priced by the estimator its block
// type registered (at.catalog), in chain order. Pure: no SystemC.
namespace mottsim::models {

component_pricing price_cim_tile(const dsl::block_value& params, const pricing_context& at);

}  // namespace mottsim::models

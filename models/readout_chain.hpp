#pragma once
#include "dsl/block_value.hpp"
#include "dsl/diagnostics.hpp"
#include "models/readout_stage.hpp"

// The rules of a cim_tile's readout chain, asked of each stage's registered
// traits (models/readout_stage.hpp) rather than of its type name, so a stage
// type registered anywhere is held to them: the chain digitizes, has at most
// one analog activation, holds analog values only after that activation, and
// starts with it when row blocks are summed as currents.
namespace mottsim::models {

// Reports each broken rule at the stage (or parameter) that breaks it. Returns
// false when the chain is empty (the other checks of the tile then have
// nothing to go on).
bool check_readout_chain(const dsl::block_value& tile, const readout_stage_registry& stages,
                         dsl::diagnostics& errors);

}  // namespace mottsim::models

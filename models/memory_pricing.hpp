#pragma once
#include "dsl/block_value.hpp"
#include "models/pricing.hpp"

namespace mottsim::models {

// The estimator of an on-chip memory (an `sram` component, a tile's buffer):
// given values win, the models fill the rest.
//   SRAM and eDRAM: the CACTI table at capacity/banks and the node, scaled from
//     itrs-hp to the `device` flavour (memory_technology.hpp); an eDRAM adds
//     refresh (every bit read and restored once per retention time) to its
//     static power and has lp-dram cells.
//   register file: Aladdin's flip-flop per bit, times the bits.
// Banks: energies and latency are those of one bank, leakage and area of all.
// figures: access_latency_s, cycle_time_s and parallel_accesses (ports x banks)
// for the timing model.
component_pricing price_memory(const dsl::block_value& params, double node_m);

// The price of one bit read or written in a processing element's registers or
// scratchpads: `pe_storage_energy_per_bit` when given, else the register-file
// model at the node.
action_price pe_storage_price(const dsl::block_value& params, double node_m);

// Bytes per second a priced memory delivers: a port width per cycle on each of
// its parallel accesses (ports x banks).
double memory_bytes_per_s(const component_pricing& priced, double port_bytes);

}  // namespace mottsim::models

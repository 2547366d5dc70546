#pragma once
#include "dsl/workload_spec.hpp"
#include "platform/mapping/network_plan.hpp"

namespace mottsim::platform {

// Decides, for every pair of consecutive layers, whether the producer's
// activation outputs stay analog: sampled into the tile's sample-and-hold cells
// and driven onto the consumer's word lines by analog row buffers, with no ADC,
// buffer write, buffer read or DAC in between. That needs a tile with a
// sample_hold stage after its analog activation and:
//  - a producer that applied its activation in analog (the neuron or CMOS circuit
//    read the whole sum);
//  - a consumer that is the next layer, on the tiles, read in one analog read,
//    and the producer's only reader: an output a later layer also reads
//    (a residual shortcut), a pooling layer, an `add` or the network's output
//    must be stored, so it is converted;
//  - both layers resident (a layer reprogrammed each inference would leave its
//    inputs waiting through the programming) and ungrouped;
//  - a line buffer (the consumer's K x K windows over the producer's map:
//    ((K_h - 1) d_h W + (K_w - 1) d_w + 1) positions x channels) that fits the
//    S&H cells of the consumer's tiles;
//  - producer and consumer tiles at most reach_tiles apart.
// It then marks the jobs (tile_job::analog_out / analog_in), gives the consumer
// its one-read analog timing and its start delay (the producer filling the
// line buffer; the two run alongside under either schedule), and fills
// layer_plan::analog with the counts and the reason every layer's readout path
// reports.
void plan_analog_forwarding(network_plan& plan, const dsl::workload_spec& workload);

}  // namespace mottsim::platform

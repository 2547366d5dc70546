#pragma once
#include <map>
#include <string>
#include <vector>

#include "models/cim_tile_params.hpp"
#include "models/crossbar_mapping.hpp"

namespace mottsim::models {

// One tile's share of a layer, or of one copy of a layer, or of a chunk of a
// layer that does not fit the chip: which of the tile's crossbars it uses and
// how much it produces per input vector. Several jobs may share a tile on
// disjoint arrays; they then run side by side.
struct tile_job {
  int layer = -1;
  long long tile = 0;                  // tile instance index
  long long first_array = 0;           // the tile's array holding its first crossbar (the rest follow it)
  long long crossbars = 0;
  long long active_rows = 0;           // sum over its crossbars
  long long active_columns = 0;        // sum over its crossbars
  long long active_cells = 0;          // sum over its crossbars
  long long max_columns_per_crossbar = 0;
  long long max_rows_per_crossbar = 0;
  long long outputs = 0;               // final output values this tile produces per vector
  long long digital_adds = 0;          // partial-sum adds per vector in this tile
  long long partial_outputs_sent = 0;  // partial sums per vector sent to another tile
  double input_fraction = 0.0;         // share of the layer input this tile needs
  long long vectors = 0;               // input vectors this job processes per inference
  int activation_bits = 8;
  bool relu = false;
  double input_density = 0.5;   // fraction of input bits that are 1 (of the window a pulse lasts)
  double weight_density = 0.5;  // mean programmed conductance, relative to g_min..g_max
  crossbar_mapping mapping;
  // The ADC-free analog path (platform/analog_forwarding): outputs held in the
  // sample-and-hold array for the next layer instead of converted and stored;
  // inputs driven from held values by analog row buffers instead of read from
  // the tile buffer and driven by DACs. A job fed that way starts once its
  // producer has filled the line buffer.
  bool analog_out = false;
  bool analog_in = false;
  double start_delay_s = 0.0;
};

// Duration and action counts of a tile job in closed form, each array with a
// readout of its own (readout_share 1): the cim_tile module counts these
// actions, while its parts' busy resources decide the time; the closed-form
// time is the planner's estimate and the tests' independent check.
struct tile_job_cost {
  double time_s = 0.0;
  double read_stage_s = 0.0;     // per vector: crossbar reads (and neuron settling and recovery)
  double convert_stage_s = 0.0;  // per vector: ADC conversions
  double digital_stage_s = 0.0;  // per vector: adds and activations
  std::map<std::string, double> actions;
};

tile_job_cost cost_tile_job(const cim_tile_params& tile, const tile_job& job);
// The actions alone (what the energy is priced from), whoever decides the time.
std::map<std::string, double> tile_job_actions(const cim_tile_params& tile, const tile_job& job);

// What each vector of a job asks of the tile's parts, per unit: crossbar
// arrays and digital lanes (one per array) from the job's first array, readout
// groups (activation array, converter bank) from the group of its first array.
// A readout group serving several of the job's arrays takes their outputs in
// turn; an empty list: the part has nothing to do for this job.
struct part_demand {
  long long first = 0;             // the tile's unit the first service is for
  std::vector<double> service_s;   // per unit, per vector
};
struct tile_job_demands {
  part_demand crossbar;
  part_demand activation;  // the analog activation's settling and recovery, crossbar read included
  part_demand converter;   // ADC conversions (none when the outputs stay in sample-and-hold)
  part_demand digital;     // partial-sum adds and a digital activation
  // The activation reads the crossbars as it settles: they stay driven over
  // its passes instead of taking a stage of their own.
  bool read_held = false;
};
tile_job_demands tile_job_part_demands(const cim_tile_params& tile, const tile_job& job);

// When a job's outputs exist: vector v (from 0) is done `first_s + v x
// period_s` after the job starts (its start delay and every stage of the
// first vector, then one vector per slowest stage), the last one at the job's
// `time_s`. Drains pace their bursts by it.
struct tile_job_timeline {
  double first_s = 0.0;
  double period_s = 0.0;
  long long vectors = 0;
};
tile_job_timeline tile_job_outputs(const cim_tile_params& tile, const tile_job& job);

// Jobs started together on one tile use disjoint arrays (with their own ADCs,
// neurons and digital lanes) and run side by side: the tile is busy for the
// longest, and the actions add up.
tile_job_cost cost_tile_jobs(const cim_tile_params& tile, const std::vector<const tile_job*>& jobs);

// Splits a mapped layer over crossbar slots (slot s is array s % arrays of tile
// s / arrays), starting at `first_slot`: crossbars go column block by column
// block, all row blocks of a column block together, so partial sums stay inside
// a tile where they can; an analog-summed column block never straddles two
// tiles. Returns one job per tile touched; `end_slot` gets the slot after the
// last one used. The caller keeps the slots within the chip.
std::vector<tile_job> place_layer(int layer, const layer_matrix& m, const crossbar_mapping& mapping,
                                  const cim_tile_params& tile, long long first_slot, long long& end_slot);

// Where place_layer puts a layer, worked out in constant time without building
// its jobs, so the cost of a huge layer can be judged before it is placed.
struct layer_span {
  long long first_slot = 0;  // the first slot used (an analog-summed block may skip the rest of a tile)
  long long end_slot = 0;    // the slot after the last one used (place_layer's end_slot)
  long long tiles = 0;       // tiles touched: place_layer returns one job for each
};
layer_span span_layer(const layer_matrix& m, const crossbar_mapping& mapping, const cim_tile_params& tile,
                      long long first_slot);

// How the tiles of a layer placed over `span` (as place_layer places it) send
// what they compute, worked out without building the jobs: the tiles that own
// a column block's outputs (each sends them in one transfer), and the tiles
// that hold later row blocks of a column block begun in an earlier tile (each
// sends that block's partial sums to its owner in one transfer).
struct layer_sends {
  long long output_tiles = 0;
  long long partial_tiles = 0;
};
layer_sends span_sends(const layer_matrix& m, const crossbar_mapping& mapping, const cim_tile_params& tile,
                       const layer_span& span);

}  // namespace mottsim::models

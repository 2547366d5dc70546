#pragma once
#include <string>
#include <vector>

#include "dsl/architecture_spec.hpp"
#include "dsl/diagnostics.hpp"
#include "dsl/workload_spec.hpp"
#include "models/cim_tile_params.hpp"
#include "models/crossbar_mapping.hpp"
#include "models/program.hpp"
#include "models/tile_job.hpp"
#include "platform/mapping/layer_densities.hpp"
#include "platform/elaboration/ledger.hpp"
#include "platform/mapping/work_estimate.hpp"

namespace mottsim::platform {

enum class schedule_kind { layer, pipeline };
const char* schedule_name(schedule_kind s);
// The inverse, for a name already checked to be "layer" or "pipeline".
schedule_kind schedule_named(const std::string& name);

// Where an activation tensor lives between layers.
struct data_home {
  std::string memory;  // component name ("global_buffer", "dram")
  unsigned long long address = 0;
};

// A layer's part in the ADC-free analog path (platform/mapping/analog_forwarding.hpp):
// its activation outputs held in sample-and-hold cells for the next layer, or
// its inputs driven from such held values, instead of an ADC, the buffers and
// DACs in between.
struct analog_link {
  bool analog_out = false;
  bool analog_in = false;
  int consumer = -1;             // analog_out: the layer its held outputs drive
  int producer = -1;             // analog_in: the layer whose held outputs drive it
  std::string note;              // appended to the readout path: which path and why
  // analog_in: the line buffer of held values its windows read.
  long long line_positions = 0;  // producer output positions held at once
  long long line_values = 0;     // S&H cells in use: line_positions x channels
  long long samples = 0;         // values sampled per inference (the producer's outputs)
  double fill_s = 0.0;           // producer time until the first window is held
  double hold_s = 0.0;           // longest a value waits in its cell before its last read
};

// Values a layer copies into its own output by DMA before anything reads it:
// a concat's operand that could not be written in place, a stored constant, or
// the input of a reshape that reorders its values.
constexpr int constant_source = -2;  // tensor_copy::layer of a stored constant
struct tensor_copy {
  int layer = -1;      // the layer copied from; -1 the network's input, constant_source a stored constant
  double bytes = 0.0;
  data_home from;
};

// How one workload layer runs on a CIM chip.
struct layer_plan {
  int index = 0;
  const dsl::layer_spec* layer = nullptr;
  bool on_tiles = false;  // conv2d / linear
  models::layer_matrix matrix;
  models::crossbar_mapping mapping;
  bool resident = true;     // weights stay programmed across inferences
  long long chunks = 0;     // > 1 when the layer alone exceeds the tiles it may use
  long long replicas = 1;   // copies of resident weights sharing the output positions
  // The crossbar slot each copy starts at (models::span_layer gives where it
  // ends); a reprogrammed layer: {0}, its placement before chunking.
  std::vector<long long> copy_starts;
  std::vector<std::vector<models::tile_job>> chunk_jobs;
  long long first_tile = 0;
  long long tiles = 0;      // tiles its jobs use (largest chunk)
  std::vector<data_home> inputs;  // one, or two for `add`
  std::vector<int> input_layers;  // the layers that wrote them, in the same order (-1: the network's input)
  data_home output;
  double input_bytes = 0;
  double output_bytes = 0;
  double weight_bytes = 0;  // as stored in cells (bits per cell x cells / 8)
  double element_ops = 0;   // controller work: pooling, adds, activations and products not done in tiles
  double other_bytes = 0;   // the second operand (`with:`) the controller reads
  double digital_weight_bytes = 0;  // weights a layer placed on the vector unit reads from DRAM
  std::vector<tensor_copy> copies;  // copied into its output first (platform/mapping/activation_homes.hpp)
  std::string ran_on;       // where the layer ran, for the report
  analog_link analog;
  layer_density density;    // the data statistics its reads are priced with, and their sources
};

struct network_plan {
  std::vector<layer_plan> layers;
  schedule_kind schedule = schedule_kind::layer;
  // Pipeline schedule: inferences streamed through the stages (the
  // controller's `inferences_in_flight`, or default_pipeline_inferences).
  long long inferences = 1;
  // With the default count, the most the run may go on to while its period
  // has not settled (models::program::steady): adaptive_inference_factor
  // times the default, within the work budget; 0 when the controller sets
  // the count.
  long long inferences_max = 0;
  std::string tile_component;
  long long tiles = 0;            // instances of the tile component
  long long arrays_per_tile = 0;
  long long crossbars_needed = 0; // all layers at once
  // Tiles all layers take as placed: analog accumulation keeps a column's row
  // blocks in one tile, so this can exceed crossbars_needed / arrays_per_tile.
  long long tiles_needed = 0;
  long long resident_tiles = 0;   // tiles holding weights that stay programmed
  long long tiles_used = 0;       // tiles holding any weights; the rest are power-gated
  bool all_resident = true;
  models::cim_tile_params tile;
};

// How many inferences the pipeline schedule streams through `stages` stages
// (one per layer) when the controller does not say (`inferences_in_flight`).
long long default_pipeline_inferences(std::size_t stages);
constexpr long long adaptive_inference_factor = 4;

// Maps every layer onto the chip's crossbars, decides which weights stay
// resident and where activations live. Unmappable layers and impossible
// schedules are user errors (with the workload layer's location), and so is a
// plan whose estimated cost exceeds `budget`: that is found before any tile
// job is built, so a huge network is refused at once. The estimate goes to
// `estimate` when given. The tile's readout stages are those `stages` registers.
network_plan plan_network(const dsl::workload_spec& workload, const dsl::architecture_spec& arch,
                          const models::readout_stage_registry& stages, schedule_kind schedule, dsl::diagnostics& errors, const work_budget& budget = {},
                          work_estimate* estimate = nullptr, const std::vector<layer_density>* densities = nullptr);

// Turns the plan into the controller's program: DMA, tile commands and
// element-wise work, stage by stage. Stage 0 programs resident weights once
// (layer index -2) and is not part of an inference.
models::program build_program(const network_plan& plan, const dsl::architecture_spec& arch);

constexpr int programming_layer = setup_layer;

}  // namespace mottsim::platform

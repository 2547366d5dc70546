#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dsl/block_value.hpp"
#include "dsl/schema.hpp"
#include "models/estimator.hpp"

// A readout stage type as the tile around it sees it: what role it plays in the
// chain (its traits), how it fills the tile's timing figures, what it costs and
// how functional mode treats it. Each type is registered once, in one call that
// brings all of these (platform/elaboration/model_registry.hpp); the chain's
// validation, the tile's timing and functional mode ask the registered type,
// never the type's name. Pure: no SystemC.
namespace mottsim::models {

struct cim_tile_params;

// The stage's role in the chain. A stage has at most one of these (each is a
// part of its own in the tile); a stage with none works on converted values
// (a shift-and-add, a digital activation).
struct readout_stage_traits {
  // Applies the activation to the analog column sum (a Mott neuron, an analog
  // CMOS circuit): the tile's activation part, one per readout group. A chain
  // has at most one, and analog accumulation needs it first.
  bool analog_activation = false;
  // Digitizes the column: the tile's converter bank. Every chain needs one.
  bool converter = false;
  // Holds an analog activation's output so it can drive the next layer's rows
  // (sample and hold): it comes after the activation.
  bool holds_analog = false;
};

// Why no stage can have these traits, or "" when one can.
std::string readout_traits_problem(const readout_stage_traits& traits);

struct readout_stage_type;
// What the tile's functional model reads by name from a stage of its role and
// the stage's schema lacks, or "" when it has it all: a converter's `bits`,
// `full_scale` and `code_spacing`; an analog activation simulated by a
// built-in functional model, every parameter of that model's own type.
std::string readout_schema_problem(const readout_stage_type& stage);

// Which functional model simulates an analog activation's transfer curve
// (models/mott_neuron_model.hpp, models/cmos_activation_model.hpp).
enum class activation_model { none, mott_neuron, cmos };

struct readout_stage_type {
  std::shared_ptr<const dsl::block_schema> schema;  // its parameters; the schema's type names the stage
  readout_stage_traits traits;
  // Fills the tile's timing figures (a converter's bits and rate, an
  // activation's settling and occupancy) from the chain's first stage of this
  // type. Optional: a stage without timing of its own leaves them alone.
  std::function<void(const dsl::block_value& stage, cim_tile_params& tile)> read;
  // What it adds to its tile's price (models/readout_estimators.hpp).
  block_estimator estimator;
  // Functional mode: the model of an analog activation's transfer, and how the
  // stage's device non-idealities (variation, noise) are switched off for the
  // ideal-devices reference, keeping its transfer curve. Optional.
  activation_model functional = activation_model::none;
  std::function<void(dsl::block_value& stage)> idealize;

  const std::string& type() const { return schema->type; }
};

// The readout stage types a tile's chain may hold, in registration order.
class readout_stage_registry {
 public:
  // Throws std::invalid_argument when the traits are ones no stage can have
  // (readout_traits_problem), the schema lacks what functional mode reads
  // (readout_schema_problem), or the type lacks a schema or an estimator.
  void add(readout_stage_type stage);
  // The registered type, or nullptr.
  std::shared_ptr<const readout_stage_type> find(const std::string& type) const;
  // The registered types with `trait` set, in registration order.
  std::vector<std::string> names_with(bool readout_stage_traits::*trait) const;

 private:
  std::vector<std::shared_ptr<const readout_stage_type>> m_types;
};

}  // namespace mottsim::models

#pragma once
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "dsl/block_value.hpp"
#include "models/pricing.hpp"

// What an estimator is: a pure function from a type's validated parameters to
// its prices. Each type registers its estimator beside its schema and its
// SystemC factory (platform/elaboration/model_registry.hpp), so pricing never switches on
// type names. No SystemC here.
namespace mottsim::models {

class estimator_catalog;

// Where a component is priced: the architecture's technology node, and the
// catalog a component with typed parts (a cim_tile's readout chain) prices
// them through.
struct pricing_context {
  double node_m = 0.0;
  const estimator_catalog* catalog = nullptr;
};

// Prices one instance of a component from its validated parameters.
using component_estimator = std::function<component_pricing(const dsl::block_value& params, const pricing_context& at)>;

// One line of an area or leakage breakdown.
struct cost_part {
  std::string name;
  double value = 0.0;
  std::string detail;
};

// What a tile tells a readout stage about where it sits.
struct tile_context {
  const dsl::block_value& tile;
  const dsl::block_value& crossbar;
  const std::vector<dsl::block_value>& readout;
  double node_m;
  long long arrays;
  long long rows;
  long long columns;
  long long readout_groups;  // activation arrays and ADC banks: one per readout_share arrays
};

// What one readout stage adds to its tile's price. The tile takes `actions`
// and `figures` from the first stage of each type in its chain (that stage
// prices the type's actions); every stage is hardware, so every stage's `area`
// and `leakage` parts count, in chain order.
struct stage_pricing {
  std::map<std::string, action_price> actions;
  std::map<std::string, double> figures;
  std::vector<cost_part> area;     // per tile
  std::vector<cost_part> leakage;  // per tile
};

// Prices one readout stage (a block type inside a cim_tile).
using block_estimator = std::function<stage_pricing(const dsl::block_value& stage, const tile_context& tile)>;

// Where estimators are looked up by type (the model registry).
class estimator_catalog {
 public:
  virtual ~estimator_catalog() = default;
  virtual const component_estimator* find_component_estimator(const std::string& type) const = 0;
  virtual const block_estimator* find_block_estimator(const std::string& type) const = 0;
};

}  // namespace mottsim::models

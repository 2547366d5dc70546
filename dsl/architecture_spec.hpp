#pragma once
#include <string>
#include <vector>

#include "dsl/block_value.hpp"
#include "dsl/diagnostics.hpp"
#include "dsl/source_location.hpp"

namespace mottsim::dsl {

// A component's attachment to a bus. Targets get an address window; the
// loader fills `base` (given or packed) and `size` and rejects overlaps.
struct connection_spec {
  std::string bus;
  std::string via;  // a link (an offchip_link) the bus reaches the target through; empty: direct
  unsigned long long base = 0;
  unsigned long long size = 0;
  bool base_given = false;
  source_location where;
  source_location via_where;
};

struct component_spec {
  std::string name;  // the YAML key; also the SystemC instance name
  std::string type;
  long long count = 1;
  block_value params;
  std::vector<connection_spec> connections;
  component_role role = component_role::none;
  source_location where;
};

// A component that a file removed from the base it extends (`NAME: null`).
struct removed_component {
  std::string name;
  std::string type;  // the removed one's, when it had one
  source_location where;  // the `NAME:` key of the null
};

struct architecture_spec {
  std::string name;
  source_location name_where;          // its 'name:' line, or the file when it has none
  std::string description;
  std::string file;                    // the file the user named
  std::vector<std::string> files;      // it and every base it extends, base last
  std::vector<std::string> tech_files;
  double node_m = 22e-9;               // technology node, for F^2 areas and scaling
  std::vector<component_spec> components;
  std::vector<std::string> overrides;  // the --set flags applied, in order
  std::vector<removed_component> removed_components;

  // That the architecture lacks a component of `type`: `message`, located at
  // the `NAME: null` that removed one of them from a base (and saying so), or
  // at the file when none was removed.
  diagnostic missing_component(const std::string& type, const std::string& message) const;

  const component_spec* find(const std::string& name) const;
  std::vector<const component_spec*> of_type(const std::string& type) const;
  // The processor or systolic array that runs the whole network on a
  // baseline (digital) architecture; null on a CIM one.
  const component_spec* digital_engine() const;
};

}  // namespace mottsim::dsl

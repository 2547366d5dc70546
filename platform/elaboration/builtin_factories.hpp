#pragma once
#include "dsl/architecture_spec.hpp"

namespace mottsim::platform {

class elaborator;

// The SystemC factories of the built-in components, registered with their
// schemas and estimators (register_builtin_models): each builds one
// component's module(s) and tells the elaborator its sockets, counters and
// resources.
void make_dram(elaborator& e, const dsl::component_spec& c);
void make_sram(elaborator& e, const dsl::component_spec& c);
void make_bus(elaborator& e, const dsl::component_spec& c);
void make_mesh(elaborator& e, const dsl::component_spec& c);
void make_htree(elaborator& e, const dsl::component_spec& c);
void make_offchip_link(elaborator& e, const dsl::component_spec& c);
void make_controller(elaborator& e, const dsl::component_spec& c);
void make_cim_tile(elaborator& e, const dsl::component_spec& c);
void make_processor(elaborator& e, const dsl::component_spec& c);
void make_systolic_array(elaborator& e, const dsl::component_spec& c);

}  // namespace mottsim::platform

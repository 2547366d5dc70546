#pragma once
#include <string>

namespace mottsim::dsl {

// Names that mottsim turns into file or directory names (an architecture's name
// in `compare -o DIR/NAME`, a layer's name in `NAME_0.png`) must stay inside
// the output directory: only [A-Za-z0-9_.-], not "." or "..", at most 200
// bytes. Returns why `name` is refused, or an empty string when it is fine.
std::string path_component_problem(const std::string& name);

}  // namespace mottsim::dsl

#pragma once
#include <string>

namespace mottsim::dsl {

// `s` as a double-quoted YAML scalar: quotes and backslashes escaped, control
// characters as \xNN, so any name a model or CSV file gives survives the
// generated workload text.
std::string yaml_quoted(const std::string& s);

}  // namespace mottsim::dsl

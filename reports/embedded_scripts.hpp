#pragma once
#include <string>

// The minified plotting libraries, compiled into mottsim from node_modules/
// by tools/embed_scripts.cpp (a generated source; see CMakeLists.txt).
namespace mottsim::reports {

std::string embedded_script_vega();
std::string embedded_script_vega_lite();
std::string embedded_script_vega_embed();

}  // namespace mottsim::reports

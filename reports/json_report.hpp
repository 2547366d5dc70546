#pragma once
#include <string>

#include "reports/run_result.hpp"

namespace mottsim::reports {

// report.json, schema "mottsim.report/1": units in key names, provenance, and
// the same bytes for the same inputs.
std::string to_json(const run_result& r);

}  // namespace mottsim::reports

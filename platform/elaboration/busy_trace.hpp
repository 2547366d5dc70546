#pragma once
#include <map>
#include <string>
#include <vector>

#include "models/busy_resource.hpp"
#include "platform/elaboration/elaborator.hpp"
#include "platform/elaboration/ledger.hpp"
#include "reports/run_trace.hpp"

namespace mottsim::platform {

// Busy intervals for trace.json and report.html. Recording is switched on
// before sc_start; afterwards the intervals are copied out as plain data, one
// track per resource, in the ledger's order (the component's own resources,
// then those another module drove for it).
void record_busy_intervals(const std::vector<component_runtime>& components);
void record_busy_intervals(std::map<std::string, std::vector<models::busy_resource>>& resources);

reports::run_trace collect_busy_trace(const std::vector<component_runtime>& components, const ledger_extras& extras);

}  // namespace mottsim::platform

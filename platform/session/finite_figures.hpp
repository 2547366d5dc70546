#pragma once
#include "dsl/architecture_spec.hpp"
#include "reports/run_result.hpp"

namespace mottsim::platform {

// Every priced figure of a run is a finite number, or the run is bad input: a
// parameter beyond what double precision carries (a write_energy of 1e308 J
// times the cells written) overflowed to inf, which summary.md showed as
// "inf J" and report.json as null. Throws dsl::input_error at the component
// whose price, energy, area or time it is (at the architecture file for a
// chip total).
void refuse_non_finite_figures(const reports::run_result& r, const dsl::architecture_spec& arch);

}  // namespace mottsim::platform

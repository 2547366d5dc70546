#pragma once
#include <string>

#include "reports/run_result.hpp"

namespace mottsim::reports {

// summary.md: the table a person reads first (also printed by `mottsim run`).
std::string to_markdown(const run_result& r);

// Engineering notation with an SI prefix: "12.3 uJ", "4.56 ms".
std::string si(double value, const char* unit);
// `value` printed with a printf format, "%.3g" unless told.
std::string num(double value, const char* fmt = "%.3g");

}  // namespace mottsim::reports

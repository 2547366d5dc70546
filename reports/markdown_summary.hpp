#pragma once
#include <string>

#include "reports/run_result.hpp"
#include "reports/text_escape.hpp"

namespace mottsim::reports {

// summary.md: the table a person reads first. `mottsim run` prints it too,
// with names as written (text_target::terminal) rather than escaped for
// Markdown.
std::string to_markdown(const run_result& r, text_target target = text_target::markdown);

// Engineering notation with an SI prefix: "12.3 uJ", "4.56 ms".
std::string si(double value, const char* unit);
// `value` printed with a printf format, "%.3g" unless told.
std::string num(double value, const char* fmt = "%.3g");

}  // namespace mottsim::reports

#pragma once
#include <string>

namespace mottsim::platform {

// Creates `dir` (and its parents) unless it is already a directory. Throws
// dsl::input_error, located at "-o DIR", when it cannot be made.
void ensure_output_dir(const std::string& dir);

// Writes `text` to `dir/name` atomically (temporary file, then rename), so an
// interrupted run never leaves a half-written report. Creates `dir`. Throws
// dsl::input_error when the directory cannot be made or written.
void write_output_file(const std::string& dir, const std::string& name, const std::string& text);

}  // namespace mottsim::platform

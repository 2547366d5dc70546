#pragma once
#include <cstddef>
#include <exception>
#include <string>

#include "dsl/source_location.hpp"

namespace mottsim::platform {

// nlohmann::json reports a parse error as a byte offset (1-based, the last byte
// read); users want file:line:col.
dsl::source_location json_error_location(const std::string& file, const std::string& text, std::size_t byte);

// The byte offset of the first '[' or '{' nested deeper than `max_depth`
// (strings skipped), or std::string::npos. JSON readers check this first:
// nlohmann's parser keeps its own stack, but dumping a value for a message
// recurses once per level.
std::size_t json_too_deep(const std::string& text, int max_depth);

// The parse error's message without nlohmann's "[json.exception...] parse error
// at line L, column C: " prefix (the location is printed separately).
std::string json_error_text(const std::exception& e);

}  // namespace mottsim::platform

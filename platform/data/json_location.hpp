#pragma once
#include <cstddef>
#include <exception>
#include <string>
#include <vector>

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

// One step into a JSON document: a member of an object, by its key, or an
// element of an array, by its index.
struct json_step {
  json_step(std::string k) : key(std::move(k)) {}
  json_step(const char* k) : key(k) {}
  json_step(std::size_t i) : index(i), is_index(true) {}
  std::string key;
  std::size_t index = 0;
  bool is_index = false;
};

// Where the value `path` leads to starts in `text`, a JSON document that
// nlohmann has parsed (its values carry no positions), or with `at_key` where
// its key does; the document's start when the path leads nowhere. When an
// object repeats a key the last one counts, as in nlohmann's parser. Scans
// the text from its start: for messages, not for every value read.
dsl::source_location json_value_location(const std::string& file, const std::string& text,
                                         const std::vector<json_step>& path, bool at_key = false);

// The byte offset of the first number in `text` beyond the float range, or
// std::string::npos: nlohmann's float parser refuses one without saying where.
std::size_t json_float_overflow(const std::string& text);

// The parse error's message without nlohmann's "[json.exception...] parse error
// at line L, column C: " prefix (the location is printed separately).
std::string json_error_text(const std::exception& e);

}  // namespace mottsim::platform

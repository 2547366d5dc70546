#include "platform/data/json_location.hpp"

#include <algorithm>

namespace mottsim::platform {

dsl::source_location json_error_location(const std::string& file, const std::string& text, std::size_t byte) {
  const std::size_t end = std::min(byte == 0 ? std::size_t{0} : byte - 1, text.size());
  int line = 1, column = 1;
  for (std::size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {file, line, column};
}

std::size_t json_too_deep(const std::string& text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::string::npos;
}

std::string json_error_text(const std::exception& e) {
  const std::string what = e.what();
  const std::size_t column = what.find(", column ");
  const std::size_t colon = column == std::string::npos ? std::string::npos : what.find(": ", column);
  if (colon != std::string::npos) return what.substr(colon + 2);
  const std::size_t bracket = what.find("] ");
  return bracket == std::string::npos ? what : what.substr(bracket + 2);
}

}  // namespace mottsim::platform

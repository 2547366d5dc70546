#include "platform/data/json_location.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include <nlohmann/json.hpp>

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

namespace {

std::size_t skip_space(const std::string& t, std::size_t i) {
  while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r')) ++i;
  return i;
}

// One past the closing quote of the string that opens at t[i].
std::size_t string_end(const std::string& t, std::size_t i) {
  for (++i; i < t.size(); ++i) {
    if (t[i] == '\\') ++i;
    else if (t[i] == '"') return i + 1;
  }
  return t.size();
}

bool ends_scalar(char c) { return std::strchr(",}] \t\r\n", c) != nullptr; }

// One past the end of the value that starts at t[i] (without recursion: the
// nesting is bounded by json_too_deep, but a loop needs no bound).
std::size_t value_end(const std::string& t, std::size_t i) {
  int depth = 0;
  while (i < t.size()) {
    const char c = t[i];
    if (c == '"') {
      i = string_end(t, i);
      if (depth == 0) return i;
    } else if (c == '{' || c == '[') {
      ++depth;
      ++i;
    } else if (c == '}' || c == ']') {
      ++i;
      if (--depth <= 0) return i;
    } else if (depth == 0) {  // a number or a literal
      while (i < t.size() && !ends_scalar(t[i])) ++i;
      return i;
    } else {
      ++i;
    }
  }
  return i;
}

// The offset of the value (or with `at_key` of the key) that path[k...]
// leads to from the value at t[i]; npos when there is none.
std::size_t locate(const std::string& t, std::size_t i, const std::vector<json_step>& path, std::size_t k,
                   bool at_key) {
  i = skip_space(t, i);
  if (k == path.size()) return i;
  const json_step& step = path[k];
  if (i >= t.size() || t[i] != (step.is_index ? '[' : '{')) return std::string::npos;
  std::size_t found = std::string::npos, found_key = std::string::npos;
  i = skip_space(t, i + 1);
  for (std::size_t index = 0; i < t.size() && t[i] != '}' && t[i] != ']'; ++index) {
    std::size_t value = i;
    if (!step.is_index) {
      if (t[i] != '"') return std::string::npos;
      const std::size_t end = string_end(t, i);
      std::string key;
      try {
        key = nlohmann::json::parse(t.begin() + static_cast<long>(i), t.begin() + static_cast<long>(end))
                  .get<std::string>();
      } catch (const nlohmann::json::exception&) {
        return std::string::npos;
      }
      value = skip_space(t, end);
      if (value >= t.size() || t[value] != ':') return std::string::npos;
      value = skip_space(t, value + 1);
      if (key == step.key) found = value, found_key = i;
    } else if (index == step.index) {
      found = found_key = value;
      break;
    }
    i = skip_space(t, value_end(t, value));
    if (i < t.size() && t[i] == ',') i = skip_space(t, i + 1);
  }
  if (found == std::string::npos) return found;
  if (at_key && k + 1 == path.size()) return found_key;
  return locate(t, found, path, k + 1, at_key);
}

}  // namespace

dsl::source_location json_value_location(const std::string& file, const std::string& text,
                                         const std::vector<json_step>& path, bool at_key) {
  const std::size_t at = locate(text, 0, path, 0, at_key);
  return json_error_location(file, text, at == std::string::npos ? skip_space(text, 0) + 1 : at + 1);
}

std::size_t json_float_overflow(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '"') {
      i = string_end(text, i);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      std::size_t end = i;
      while (end < text.size() && !ends_scalar(text[end])) ++end;
      const std::string number = text.substr(i, end - i);
      if (!std::isfinite(std::strtof(number.c_str(), nullptr))) return i;
      i = end;
    } else {
      ++i;
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

#pragma once
#include <string_view>

namespace mottsim::dsl {

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF). YAML is Unicode text and mottsim's reports are UTF-8
// JSON, so text that is not UTF-8 is refused where it enters.
bool is_valid_utf8(std::string_view text);

// Offset of the first byte that breaks UTF-8, or text.size() when none does.
std::size_t first_invalid_utf8(std::string_view text);

}  // namespace mottsim::dsl

#pragma once
#include <string>
#include <string_view>

namespace mottsim::dsl {

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF). YAML is Unicode text and mottsim's reports are UTF-8
// JSON, so text that is not UTF-8 is refused where it enters.
bool is_valid_utf8(std::string_view text);

// Offset of the first byte that breaks UTF-8, or text.size() when none does.
std::size_t first_invalid_utf8(std::string_view text);

// `text` fit to print on one line of a message: every byte that is no part of
// valid UTF-8 written as \xNN, and so is every control character but line
// breaks and tabs, which become \n, \r and \t. Names read from a broken file
// (an ONNX model's, a CSV field) then cannot put bytes that are no text on a
// terminal, nor split one error line in two.
std::string printable_text(std::string_view text);

}  // namespace mottsim::dsl

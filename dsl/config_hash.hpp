#pragma once
#include <string>
#include <vector>

#include "dsl/yaml_tree.hpp"

namespace mottsim::dsl {

// A canonical text of a YAML tree: same content, same text, whatever the
// formatting, comments or anchors of the files it came from.
std::string canonical_text(const yaml_node& node);

// 64-bit FNV-1a, printed as 16 hex digits.
std::string fnv1a_hex(const std::string& text);

// A 64-bit FNV-1a fingerprint of a file's bytes taken 8 at a time, read in
// blocks rather than whole: an ONNX model is hundreds of megabytes. Throws
// like read_file_text.
std::string file_fingerprint_hex(const std::string& path, const std::string& what = "file");

// Reads a file whole. Throws dsl::input_error located at the file, naming
// `what` and the system's reason ("cannot read weights file: Permission
// denied"), when it cannot.
std::string read_file_text(const std::string& path, const std::string& what = "file");

}  // namespace mottsim::dsl

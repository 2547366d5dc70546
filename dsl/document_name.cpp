#include "dsl/document_name.hpp"

namespace mottsim::dsl {

bool read_document_name(const yaml_node& node, std::string& name, diagnostics& errors) {
  if (node.is_scalar() && node.text.find_first_not_of(" \t\r\n") != std::string::npos) {
    name = node.text;
    return true;
  }
  errors.error(node.where, "'name' must be a single value with a character other than white space, got " +
                               node.describe());
  return false;
}

}  // namespace mottsim::dsl

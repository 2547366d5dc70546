#include "dsl/path_component.hpp"

namespace mottsim::dsl {

std::string path_component_problem(const std::string& name) {
  if (name.empty()) return "it is empty";
  if (name == "." || name == "..") return "'" + name + "' names a directory, not a new entry in one";
  // Well below NAME_MAX (255) so suffixes such as "-2" or "_reference.png" fit.
  if (name.size() > 200) return "it is longer than 200 bytes";
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '.' || c == '-';
    if (!ok) return "it holds a character other than letters, digits, '_', '.' and '-'";
  }
  return {};
}

}  // namespace mottsim::dsl

#include "dsl/file_kind.hpp"

#include "dsl/suggest.hpp"

namespace mottsim::dsl {

const char* file_kind_name(file_kind k) {
  switch (k) {
    case file_kind::architecture: return "architecture";
    case file_kind::workload: return "workload";
    case file_kind::tech_library: return "technology library";
    case file_kind::sweep: return "sweep";
    case file_kind::validation_design: return "validation design";
    case file_kind::unknown: break;
  }
  return "unknown";
}

file_kind detect_file_kind(const yaml_node& root, diagnostics& errors) {
  if (!root.is_map()) {
    errors.error(root.where, "expected a map at the top of the file, got " + root.describe());
    return file_kind::unknown;
  }
  if (root.find("components") || root.find("extends")) return file_kind::architecture;
  if (root.find("layers")) return file_kind::workload;
  if (root.find("entries") || root.find("library")) return file_kind::tech_library;
  if (root.find("base")) return file_kind::sweep;
  if (root.find("figures")) return file_kind::validation_design;
  const std::string kinds =
      "an architecture has 'components:', a workload 'layers:', a technology library 'library:' and 'entries:', "
      "a sweep 'base:', a validation design's expected.yaml 'figures:'";
  // A misspelt marker key ("componets") is the likely reason: point at it.
  // ('base' is left out: it is one letter away from the common 'name'.)
  const std::vector<std::string> markers = {"components", "extends", "layers", "library", "entries", "figures"};
  for (const auto& e : root.entries) {
    if (const auto meant = closest_match(e.key, markers)) {
      errors.error(e.key_location, "cannot tell what this file is: unknown key '" + e.key + "' (did you mean '" +
                                       *meant + "'?); " + kinds);
      return file_kind::unknown;
    }
  }
  errors.error(root.where, "cannot tell what this file is: " + kinds);
  return file_kind::unknown;
}

}  // namespace mottsim::dsl

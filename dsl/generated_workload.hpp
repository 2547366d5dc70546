#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dsl/diagnostics.hpp"
#include "dsl/workload_spec.hpp"

namespace mottsim::dsl {

// A workload mottsim writes from a file of another format (a network CSV, a
// SCALE-Sim topology, an ONNX model): the YAML text `mottsim import` writes,
// and for each of its lines the place in that file it was written from. The
// text's own lines are never shown to the user: `import` checks the text
// before it writes it, and `run` never writes it; what the workload's checks
// find is reported at the line of the CSV row, or at the model's file.
class generated_workload {
 public:
  // `source`: the file the text is written from.
  explicit generated_workload(std::string source = {}) : m_source(std::move(source)) {}

  const std::string& source() const { return m_source; }
  const std::string& text() const { return m_text; }
  bool empty() const { return m_text.empty(); }

  // Appends `lines` (each ending in '\n'), every one written from `from`.
  void add(std::string_view lines, const source_location& from);
  // Appends `lines` written from the source file as a whole (comments,
  // defaults, and everything of a model, which has no lines).
  void add(std::string_view lines) { add(lines, {m_source, 0, 0}); }
  // Appends another text of the same source, its lines keeping their origins.
  void add(const generated_workload& more);

  // Where a location in the text came from; a location in another file is
  // returned as it is.
  source_location origin(const source_location& in_text) const;

 private:
  std::string m_source;
  std::string m_text;
  std::vector<source_location> m_origins;  // one per line of m_text
};

// Reads the text as a workload (load_workload), every location moved to the
// source: the errors' and the spec's own (layers, precision, input), so that
// a later error about a layer (at mapping, in functional mode) points at its
// row as well.
workload_spec read_generated_workload(const generated_workload& generated, diagnostics& errors);

}  // namespace mottsim::dsl

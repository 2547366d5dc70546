#pragma once
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

#include "dsl/source_location.hpp"

namespace mottsim::dsl {

struct diagnostic {
  source_location where;
  std::string message;

  // "path/file.yaml:LINE:COL: error: message"
  std::string to_string() const;
};

// Collects every user error found while reading input, so a file with three
// mistakes reports all three at once instead of stopping at the first.
class diagnostics {
 public:
  void error(const source_location& where, std::string message);
  bool has_errors() const { return !m_errors.empty(); }
  std::size_t size() const { return m_errors.size(); }
  const std::vector<diagnostic>& errors() const { return m_errors; }
  void append(const diagnostics& other);
  void print(std::ostream& out) const;
  std::string to_string() const;

 private:
  std::vector<diagnostic> m_errors;
};

// Thrown when input cannot be used; the CLI prints the diagnostics and exits 2.
// Simulator bugs are assertions, never this.
class input_error : public std::runtime_error {
 public:
  explicit input_error(diagnostics errors);
  input_error(const source_location& where, const std::string& message);
  const diagnostics& errors() const { return m_errors; }

 private:
  diagnostics m_errors;
};

}  // namespace mottsim::dsl

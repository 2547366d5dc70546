#include "dsl/diagnostics.hpp"

#include <ostream>
#include <sstream>

#include "dsl/utf8.hpp"

namespace mottsim::dsl {

std::string source_location::to_string() const {
  if (file.empty()) return "<input>";
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

// Messages quote what the input holds (names, fields, values); bytes of it
// that are no text are written escaped, never sent to the terminal as they
// are, and each error stays on one line.
std::string diagnostic::to_string() const {
  return printable_text(where.to_string()) + ": error: " + printable_text(message);
}

void diagnostics::error(const source_location& where, std::string message) {
  m_errors.push_back({where, std::move(message)});
}

void diagnostics::append(const diagnostics& other) {
  m_errors.insert(m_errors.end(), other.m_errors.begin(), other.m_errors.end());
}

void diagnostics::print(std::ostream& out) const {
  for (const auto& d : m_errors) out << d.to_string() << '\n';
}

std::string diagnostics::to_string() const {
  std::ostringstream out;
  print(out);
  return out.str();
}

static std::string first_message(const diagnostics& errors) {
  return errors.errors().empty() ? std::string("invalid input") : errors.errors().front().to_string();
}

input_error::input_error(diagnostics errors)
    : std::runtime_error(first_message(errors)), m_errors(std::move(errors)) {}

input_error::input_error(const source_location& where, const std::string& message)
    : input_error([&] {
        diagnostics d;
        d.error(where, message);
        return d;
      }()) {}

}  // namespace mottsim::dsl

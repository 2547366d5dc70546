#include "platform/cli/numeric_flags.hpp"

#include <cctype>
#include <cmath>

#include "dsl/units.hpp"

namespace mottsim::platform {

CLI::Option* numeric_flags::add(CLI::App* command, const std::string& names, const std::string& help,
                                converter convert) {
  registered_flag& f = m_flags.emplace_back();
  f.convert = std::move(convert);
  f.option = command->add_option(names, f.text, help)->type_name("NUMBER");
  return f.option;
}

CLI::Option* numeric_flags::add_finite(CLI::App* command, const std::string& names, double& target,
                                       const std::string& help) {
  return add(command, names, help, [&target](const std::string& flag, const std::string& text,
                                             dsl::diagnostics& errors) {
    double value = 0;
    if (dsl::parse_number(text, value)) target = value;  // finite, or false
    else errors.error({flag, 0, 0}, "must be a finite number, got '" + text + "'");
  });
}

bool numeric_flags::parse_whole(const std::string& flag, const std::string& text, long long min, long long max,
                                long long& value, dsl::diagnostics& errors) {
  // parse_integer refuses what does not fit in 64 bits rather than saturating.
  if (dsl::parse_integer(text, value) && value >= min && value <= max) return true;
  errors.error({flag, 0, 0}, "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max) +
                                 ", got '" + text + "'");
  return false;
}

void numeric_flags::convert(dsl::diagnostics& errors) const {
  for (const auto& f : m_flags) {
    if (f.option->count() == 0) continue;
    // A number as typed, nothing around it: ' 5' is most likely a quoting slip.
    const std::string& t = f.text;
    if (t.empty() || std::isspace(static_cast<unsigned char>(t.front())) ||
        std::isspace(static_cast<unsigned char>(t.back()))) {
      errors.error({f.option->get_name(), 0, 0}, "must be a number with nothing around it, got '" + t + "'");
      continue;
    }
    f.convert(f.option->get_name(), t, errors);
  }
}

}  // namespace mottsim::platform

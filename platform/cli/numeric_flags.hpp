#pragma once
#include <CLI/CLI.hpp>

#include <deque>
#include <functional>
#include <string>

#include "dsl/diagnostics.hpp"

namespace mottsim::platform {

// Numeric flags are taken as text and converted only once the command line is
// parsed, so that every bad value is reported as all bad input is: at the
// flag, with what it accepts ("--chips: error: must be a whole number from 1 to
// 10000, got '0'"), exit status 2. CLI11's own conversion would print its
// range as a 300-digit double, and wrap a negative unsigned or saturate a huge
// one without a word.
class numeric_flags {
 public:
  // A whole number from `min` to `max` (decimal, or hex with 0x) into
  // `target`, an integer type that holds both.
  template <class T>
  CLI::Option* add_whole(CLI::App* command, const std::string& names, T& target, long long min, long long max,
                         const std::string& help) {
    return add(command, names, help, [&target, min, max](const std::string& flag, const std::string& text,
                                                         dsl::diagnostics& errors) {
      long long value = 0;
      if (parse_whole(flag, text, min, max, value, errors)) target = static_cast<T>(value);
    });
  }

  // A finite number (decimal or scientific) into `target`.
  CLI::Option* add_finite(CLI::App* command, const std::string& names, double& target, const std::string& help);

  // Converts every flag given on the command line into its target; each one
  // that does not convert is an error located at the flag.
  void convert(dsl::diagnostics& errors) const;

 private:
  using converter = std::function<void(const std::string& flag, const std::string& text, dsl::diagnostics& errors)>;
  struct registered_flag {
    CLI::Option* option = nullptr;
    std::string text;
    converter convert;
  };

  CLI::Option* add(CLI::App* command, const std::string& names, const std::string& help, converter convert);
  static bool parse_whole(const std::string& flag, const std::string& text, long long min, long long max,
                          long long& value, dsl::diagnostics& errors);

  std::deque<registered_flag> m_flags;  // a deque: CLI11 keeps a pointer to each text
};

}  // namespace mottsim::platform

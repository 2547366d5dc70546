#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace mottsim::dsl {

// Physical dimensions a parameter can have. Values are stored in SI base units
// (data sizes in bytes, bandwidth in bytes per second, cell areas in F^2).
enum class dimension {
  dimensionless,
  time,
  frequency,
  energy,
  power,
  area,
  length,
  data_size,
  bandwidth,
  resistance,
  conductance,
  voltage,
  current,
  temperature,
  heat_capacity,
  thermal_conductance,
  inverse_temperature,
  feature_area,
  capacitance,
};

struct unit_symbol {
  std::string symbol;
  dimension dim;
  double to_si;  // multiply a value in this unit by this to get SI
};

const char* dimension_name(dimension d);   // "time", "energy", ...
const char* si_unit(dimension d);          // "s", "J", ... ("" for dimensionless)
const char* example_value(dimension d);    // "10 ns", for error messages
const std::vector<unit_symbol>& unit_table();
std::vector<std::string> unit_symbols(dimension d);
const unit_symbol* find_unit(std::string_view symbol);

// What the simulator can represent. SystemC counts simulated time in steps of
// its resolution (its default, 1 ps, which mottsim keeps) and converts seconds
// to steps through a signed 64-bit integer, so it holds times below 2^63 steps:
// just over 9.22e6 s (106 days). Every time mottsim reads is checked against
// this bound (time_fits), and so is every time the models build from them.
inline constexpr double time_steps_per_second = 1e12;  // 1 ps resolution
inline constexpr double time_step_limit = 9223372036854775808.0;  // 2^63 steps, excluded
// The bound in seconds, for messages.
double max_time_s();
// True when `seconds` is finite and its magnitude in resolution steps, rounded
// as SystemC rounds, stays below 2^63.
bool time_fits(double seconds);
// "... up to 9.22337e+06 s, 2^63 steps of 1 ps": appended to range errors.
std::string time_limit_text();

struct quantity_parse {
  bool ok = false;
  double si = 0.0;
  std::string error;  // set when !ok; says what was expected
};

// "2.5 pJ" -> 2.5e-12 when `expected` is energy. A bare number is accepted only
// for dimensionless values (where "5 %" also means 0.05).
quantity_parse parse_quantity(std::string_view text, dimension expected);

// Formats an SI value with a readable prefix in the dimension's usual unit: "10 ns".
std::string format_quantity(double si, dimension d);

// Parses a plain number (no unit): decimal or scientific.
bool parse_number(std::string_view text, double& out);
// Splits a value as written, "2.5 pJ", into its leading number (2.5) and the
// unit after it ("pJ"; "" for a bare number), surrounding blanks dropped.
// False when the text does not start with a finite number.
bool split_number_unit(std::string_view text, double& number, std::string_view& unit);
// Parses an integer: decimal, or hex with 0x; '_' separators allowed ("0x8000_0000").
bool parse_integer(std::string_view text, long long& out);

}  // namespace mottsim::dsl

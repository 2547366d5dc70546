#include "dsl/units.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

#include "dsl/suggest.hpp"

namespace mottsim::dsl {

const char* dimension_name(dimension d) {
  switch (d) {
    case dimension::dimensionless: return "plain number";
    case dimension::time: return "time";
    case dimension::frequency: return "frequency";
    case dimension::energy: return "energy";
    case dimension::power: return "power";
    case dimension::area: return "area";
    case dimension::length: return "length";
    case dimension::data_size: return "data size";
    case dimension::bandwidth: return "bandwidth";
    case dimension::resistance: return "resistance";
    case dimension::conductance: return "conductance";
    case dimension::voltage: return "voltage";
    case dimension::current: return "current";
    case dimension::temperature: return "temperature";
    case dimension::heat_capacity: return "heat capacity";
    case dimension::thermal_conductance: return "thermal conductance";
    case dimension::inverse_temperature: return "inverse temperature";
    case dimension::feature_area: return "area in F^2";
    case dimension::capacitance: return "capacitance";
  }
  return "?";
}

const char* si_unit(dimension d) {
  switch (d) {
    case dimension::dimensionless: return "";
    case dimension::time: return "s";
    case dimension::frequency: return "Hz";
    case dimension::energy: return "J";
    case dimension::power: return "W";
    case dimension::area: return "m^2";
    case dimension::length: return "m";
    case dimension::data_size: return "B";
    case dimension::bandwidth: return "B/s";
    case dimension::resistance: return "Ohm";
    case dimension::conductance: return "S";
    case dimension::voltage: return "V";
    case dimension::current: return "A";
    case dimension::temperature: return "K";
    case dimension::heat_capacity: return "J/K";
    case dimension::thermal_conductance: return "W/K";
    case dimension::inverse_temperature: return "/K";
    case dimension::feature_area: return "F^2";
    case dimension::capacitance: return "F";
  }
  return "";
}

const char* example_value(dimension d) {
  switch (d) {
    case dimension::dimensionless: return "0.5";
    case dimension::time: return "10 ns";
    case dimension::frequency: return "1 GHz";
    case dimension::energy: return "2.5 pJ";
    case dimension::power: return "3 mW";
    case dimension::area: return "0.15 um^2";
    case dimension::length: return "22 nm";
    case dimension::data_size: return "64 KiB";
    case dimension::bandwidth: return "25.6 GB/s";
    case dimension::resistance: return "6 kOhm";
    case dimension::conductance: return "20 uS";
    case dimension::voltage: return "0.2 V";
    case dimension::current: return "10 uA";
    case dimension::temperature: return "300 K";
    case dimension::heat_capacity: return "49.6 pJ/K";
    case dimension::thermal_conductance: return "0.206 mW/K";
    case dimension::inverse_temperature: return "0.253 /K";
    case dimension::feature_area: return "48 F^2";
    case dimension::capacitance: return "50 fF";
  }
  return "";
}

namespace {

struct prefix {
  const char* symbol;
  double factor;
};

void add_prefixed(std::vector<unit_symbol>& t, const char* base, dimension d, std::initializer_list<prefix> prefixes,
                  double base_factor = 1.0, int power = 1) {
  for (const auto& p : prefixes) {
    t.push_back({std::string(p.symbol) + base, d, std::pow(p.factor, power) * base_factor});
    // Micro as 'u', the micro sign (U+00B5) or the Greek mu (U+03BC): keyboards
    // and papers give either of the two.
    if (std::string(p.symbol) == "u")
      for (const char* mu : {"\xC2\xB5", "\xCE\xBC"})
        t.push_back({std::string(mu) + base, d, std::pow(p.factor, power) * base_factor});
  }
}

std::vector<unit_symbol> build_table() {
  std::vector<unit_symbol> t;
  const prefix f{"f", 1e-15}, p{"p", 1e-12}, n{"n", 1e-9}, u{"u", 1e-6}, m{"m", 1e-3}, one{"", 1.0}, k{"k", 1e3},
      M{"M", 1e6}, G{"G", 1e9}, T{"T", 1e12};
  add_prefixed(t, "s", dimension::time, {f, p, n, u, m, one});
  add_prefixed(t, "Hz", dimension::frequency, {one, k, M, G, T});
  add_prefixed(t, "S/s", dimension::frequency, {one, k, M, G, T});  // a converter's samples per second
  add_prefixed(t, "J", dimension::energy, {f, p, n, u, m, one});
  add_prefixed(t, "W", dimension::power, {p, n, u, m, one, k});
  for (const char* sq : {"^2", "\xC2\xB2", "2"}) add_prefixed(t, (std::string("m") + sq).c_str(), dimension::area, {n, u, m, one}, 1.0, 2);
  add_prefixed(t, "m", dimension::length, {n, u, m, one});
  // Data: decimal and binary multiples of bytes; 'b' is a bit.
  for (const char* b : {"B", "byte", "bytes"}) t.push_back({b, dimension::data_size, 1.0});
  for (const char* b : {"b", "bit", "bits"}) t.push_back({b, dimension::data_size, 0.125});
  // Up to exa: a size limit may be stated up to what a file offset holds (8 EiB).
  const prefix P{"P", 1e15}, E{"E", 1e18};
  add_prefixed(t, "B", dimension::data_size, {k, M, G, T, P, E});
  add_prefixed(t, "b", dimension::data_size, {k, M, G, T, P, E}, 0.125);
  t.push_back({"KiB", dimension::data_size, 1024.0});
  t.push_back({"MiB", dimension::data_size, 1024.0 * 1024});
  t.push_back({"GiB", dimension::data_size, 1024.0 * 1024 * 1024});
  t.push_back({"TiB", dimension::data_size, 1024.0 * 1024 * 1024 * 1024});
  t.push_back({"PiB", dimension::data_size, 1024.0 * 1024 * 1024 * 1024 * 1024});
  t.push_back({"EiB", dimension::data_size, 1024.0 * 1024 * 1024 * 1024 * 1024 * 1024});
  t.push_back({"Kib", dimension::data_size, 1024.0 / 8});
  t.push_back({"Mib", dimension::data_size, 1024.0 * 1024 / 8});
  t.push_back({"Gib", dimension::data_size, 1024.0 * 1024 * 1024 / 8});
  add_prefixed(t, "B/s", dimension::bandwidth, {one, k, M, G, T});
  add_prefixed(t, "b/s", dimension::bandwidth, {one, k, M, G, T}, 0.125);
  t.push_back({"KiB/s", dimension::bandwidth, 1024.0});
  t.push_back({"MiB/s", dimension::bandwidth, 1024.0 * 1024});
  t.push_back({"GiB/s", dimension::bandwidth, 1024.0 * 1024 * 1024});
  for (const char* ohm : {"Ohm", "ohm", "\xCE\xA9"}) add_prefixed(t, ohm, dimension::resistance, {m, one, k, M, G});
  add_prefixed(t, "S", dimension::conductance, {p, n, u, m, one});
  add_prefixed(t, "V", dimension::voltage, {u, m, one, k});
  add_prefixed(t, "A", dimension::current, {p, n, u, m, one});
  t.push_back({"K", dimension::temperature, 1.0});
  add_prefixed(t, "J/K", dimension::heat_capacity, {f, p, n, u, m, one});
  add_prefixed(t, "W/K", dimension::thermal_conductance, {n, u, m, one});
  for (const char* s : {"/K", "1/K", "K^-1"}) t.push_back({s, dimension::inverse_temperature, 1.0});
  for (const char* s : {"F^2", "F\xC2\xB2", "F2"}) t.push_back({s, dimension::feature_area, 1.0});
  // Farads: a hold capacitor's droop and kT/C noise.
  add_prefixed(t, "F", dimension::capacitance, {f, p, n, u, one});
  return t;
}

// "a time", "an energy": messages read as English.
std::string a_dimension(dimension d) {
  const std::string name = dimension_name(d);
  const bool vowel = std::string("aeiou").find(name.front()) != std::string::npos;
  return (vowel ? "an " : "a ") + name;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Length of the leading number in `s` (sign, digits, point, exponent).
std::size_t number_prefix(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  bool digits = false;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, digits = true;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, digits = true;
  }
  if (!digits) return 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    std::size_t start = j;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
    if (j > start) i = j;
  }
  return i;
}

}  // namespace

const std::vector<unit_symbol>& unit_table() {
  static const std::vector<unit_symbol> table = build_table();
  return table;
}

std::vector<std::string> unit_symbols(dimension d) {
  std::vector<std::string> out;
  for (const auto& u : unit_table())
    if (u.dim == d) out.push_back(u.symbol);
  return out;
}

const unit_symbol* find_unit(std::string_view symbol) {
  for (const auto& u : unit_table())
    if (u.symbol == symbol) return &u;
  return nullptr;
}

bool parse_number(std::string_view text, double& out) {
  text = trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto r = std::from_chars(text.data(), end, out);
  return r.ec == std::errc() && r.ptr == end && std::isfinite(out);
}

bool parse_integer(std::string_view text, long long& out) {
  text = trim(text);
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  std::string digits;
  for (char c : text) {
    if (c == '_') continue;
    digits.push_back(c);
  }
  if (digits.empty() || text.front() == '_' || text.back() == '_') return false;
  unsigned long long value = 0;
  auto r = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (r.ec != std::errc() || r.ptr != digits.data() + digits.size()) return false;
  // Two's complement has one more negative value than positive ones.
  const auto max_magnitude = static_cast<unsigned long long>(std::numeric_limits<long long>::max()) + (negative ? 1 : 0);
  if (value > max_magnitude) return false;
  if (negative)
    out = value == max_magnitude ? std::numeric_limits<long long>::min() : -static_cast<long long>(value);
  else
    out = static_cast<long long>(value);
  return true;
}

bool split_number_unit(std::string_view text, double& number, std::string_view& unit) {
  text = trim(text);
  const std::size_t n = number_prefix(text);
  if (n == 0 || !parse_number(text.substr(0, n), number)) return false;
  unit = trim(text.substr(n));
  return true;
}

namespace {

// A number written with commas ("2,5 uS", "1,000 ns", "1,000,000"): the
// readings it may have, as the value should be written. `lead` is the part
// parsed as a number ("1"), `rest` what follows it (",000 ns").
std::string comma_number_error(const std::string& shown, std::string_view lead, std::string_view rest) {
  std::vector<std::string> groups;  // the digit groups after each comma
  std::size_t i = 0;
  while (i < rest.size() && rest[i] == ',') {
    const std::size_t end = rest.find_first_not_of("0123456789", i + 1);
    groups.emplace_back(rest.substr(i + 1, (end == std::string_view::npos ? rest.size() : end) - i - 1));
    i = end == std::string_view::npos ? rest.size() : end;
  }
  const std::string tail(rest.substr(i)), first(lead);
  // Thousands: a first group of 1-3 digits not starting with 0, then groups of three.
  bool thousands = !first.empty() && first.size() <= 3 && first[0] != '0' &&
                   first.find_first_not_of("0123456789") == std::string::npos;
  std::string as_thousands = first;
  for (const auto& g : groups) {
    thousands = thousands && g.size() == 3;
    as_thousands += g;
  }
  as_thousands += tail;
  const bool decimal = groups.size() == 1 && !groups[0].empty();
  const std::string as_decimal = decimal ? first + "." + groups[0] + tail : "";
  if (thousands && decimal)
    return "'" + shown + "' has a comma, which values do not use: write '" + as_thousands + "' for thousands, or '" +
           as_decimal + "' for a decimal";
  if (thousands)
    return "'" + shown + "' has thousands separators, which values do not use: write '" + as_thousands + "'";
  if (decimal) return "'" + shown + "' has a decimal comma: write the decimal point ('" + as_decimal + "')";
  return "'" + shown + "' has commas, which values do not use: write the number with a decimal point only";
}

}  // namespace

quantity_parse parse_quantity(std::string_view raw, dimension expected) {
  quantity_parse result;
  const std::string_view text = trim(raw);
  const std::string shown(text);
  if (number_prefix(text) == 0) {
    result.error = "expected " + a_dimension(expected) + " such as '" + example_value(expected) +
                   "', got '" + shown + "'";
    return result;
  }
  double number = 0;
  std::string_view unit;
  if (!split_number_unit(text, number, unit)) {
    result.error = "'" + shown + "' is not a finite number";
    return result;
  }
  if (unit.empty()) {
    if (expected == dimension::dimensionless) {
      result.ok = true;
      result.si = number;
      return result;
    }
    result.error = "'" + shown + "' needs a unit: " + a_dimension(expected) + " such as '" +
                   example_value(expected) + "'";
    return result;
  }
  if (unit == "%") {
    if (expected == dimension::dimensionless) {
      result.ok = true;
      result.si = number / 100.0;
      return result;
    }
    result.error = "'" + shown + "' is a percentage, expected " + a_dimension(expected) + " such as '" +
                   example_value(expected) + "'";
    return result;
  }
  const unit_symbol* u = find_unit(unit);
  if (!u && unit.size() > 1 && unit[0] == ',' && std::isdigit(static_cast<unsigned char>(unit[1]))) {
    result.error = comma_number_error(shown, text.substr(0, text.size() - unit.size()), unit);
    return result;
  }
  if (!u) {
    const auto candidates = unit_symbols(expected);
    result.error = "unknown unit '" + std::string(unit) + "' in '" + shown + "'" + did_you_mean(unit, candidates);
    if (expected == dimension::dimensionless) result.error += "; expected a plain number";
    return result;
  }
  if (u->dim != expected) {
    result.error = "'" + shown + "' is " + a_dimension(u->dim) + ", expected " + a_dimension(expected);
    if (expected != dimension::dimensionless) result.error += std::string(" such as '") + example_value(expected) + "'";
    return result;
  }
  const double si = number * u->to_si;
  // The one range check every quantity passes: a value the simulator cannot
  // represent is refused where it is written, never wrapped or saturated.
  if (expected == dimension::time && !time_fits(si)) {
    result.error = "'" + shown + "' is longer than mottsim can simulate: " + time_limit_text();
    return result;
  }
  // Nor one SystemC would round to nothing (or to a whole step, 2.5x it):
  // simulated time is a whole number of its 1 ps steps. (A negative time is
  // left to the parameter's range, which says it must be >= 0.)
  if (expected == dimension::time && si > 0.0 && si * time_steps_per_second < 1.0) {
    result.error = "'" + shown + "' is shorter than the 1 ps step SystemC simulates time in; give 0 s or at least 1 ps";
    return result;
  }
  if (expected == dimension::frequency && si > 0.0 && !time_fits(1.0 / si)) {
    result.error = "'" + shown + "' is a period longer than mottsim can simulate: " + time_limit_text();
    return result;
  }
  // A bandwidth too, by the time one byte takes (1e-30 GB/s passed here and
  // overflowed the simulation of the first access).
  if (expected == dimension::bandwidth && si > 0.0 && !time_fits(1.0 / si)) {
    result.error = "'" + shown + "' takes longer a byte than mottsim can simulate: " + time_limit_text();
    return result;
  }
  if (expected == dimension::frequency && si > time_steps_per_second) {
    result.error = "'" + shown + "' is a period shorter than the 1 ps step SystemC simulates time in; at most 1 THz";
    return result;
  }
  if (!std::isfinite(si)) {
    result.error = "'" + shown + "' is beyond the range of numbers mottsim computes with";
    return result;
  }
  result.ok = true;
  result.si = si;
  return result;
}

double max_time_s() { return time_step_limit / time_steps_per_second; }

bool time_fits(double seconds) {
  // SystemC computes steps = seconds * steps per second + 0.5 and converts to int64.
  return std::isfinite(seconds) && std::fabs(seconds) * time_steps_per_second + 0.5 < time_step_limit;
}

std::string time_limit_text() {
  return "SystemC holds times below " + format_quantity(max_time_s(), dimension::time) +
         " (2^63 steps of its 1 ps resolution, about 106 days)";
}

std::string format_quantity(double si, dimension d) {
  char buf[64];
  if (d == dimension::dimensionless) {
    std::snprintf(buf, sizeof buf, "%g", si);
    return buf;
  }
  if (si == 0.0) return std::string("0 ") + si_unit(d);
  // Pick the largest unit of this dimension (from a preferred family) giving a value >= 1.
  std::vector<std::string> family;
  switch (d) {
    case dimension::time: family = {"fs", "ps", "ns", "us", "ms", "s"}; break;
    case dimension::frequency: family = {"Hz", "kHz", "MHz", "GHz"}; break;
    case dimension::energy: family = {"fJ", "pJ", "nJ", "uJ", "mJ", "J"}; break;
    case dimension::power: family = {"pW", "nW", "uW", "mW", "W"}; break;
    case dimension::area: family = {"nm^2", "um^2", "mm^2"}; break;
    case dimension::length: family = {"nm", "um", "mm", "m"}; break;
    case dimension::data_size: family = {"b", "B", "KiB", "MiB", "GiB"}; break;
    case dimension::bandwidth: family = {"B/s", "kB/s", "MB/s", "GB/s", "TB/s"}; break;
    case dimension::resistance: family = {"mOhm", "Ohm", "kOhm", "MOhm", "GOhm"}; break;
    case dimension::conductance: family = {"pS", "nS", "uS", "mS", "S"}; break;
    case dimension::voltage: family = {"uV", "mV", "V"}; break;
    case dimension::current: family = {"pA", "nA", "uA", "mA", "A"}; break;
    case dimension::heat_capacity: family = {"fJ/K", "pJ/K", "nJ/K", "uJ/K", "mJ/K", "J/K"}; break;
    case dimension::thermal_conductance: family = {"nW/K", "uW/K", "mW/K", "W/K"}; break;
    case dimension::capacitance: family = {"fF", "pF", "nF", "uF"}; break;
    default: family = {si_unit(d)}; break;
  }
  const unit_symbol* chosen = find_unit(family.front());
  for (const auto& s : family) {
    const unit_symbol* u = find_unit(s);
    if (u && std::fabs(si) / u->to_si >= 1.0) chosen = u;
  }
  std::snprintf(buf, sizeof buf, "%.6g %s", si / chosen->to_si, chosen->symbol.c_str());
  return buf;
}

}  // namespace mottsim::dsl

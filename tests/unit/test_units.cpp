#include <doctest/doctest.h>

#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/units.hpp"

using mottsim::dsl::dimension;
using mottsim::dsl::find_unit;
using mottsim::dsl::format_quantity;
using mottsim::dsl::parse_integer;
using mottsim::dsl::parse_number;
using mottsim::dsl::parse_quantity;
using mottsim::dsl::unit_table;

namespace {

struct expected_unit {
  dimension dim;
  double si;  // one of the unit, in SI, worked out by hand
};

// Every unit symbol mottsim accepts, with its value written out by hand rather
// than taken from the table under test. Data sizes are in bytes (a bit is 1/8),
// bandwidths in bytes per second, cell areas in F^2.
const std::map<std::string, expected_unit>& hand_values() {
  static const std::map<std::string, expected_unit> values = {
      // time
      {"fs", {dimension::time, 1e-15}},
      {"ps", {dimension::time, 1e-12}},
      {"ns", {dimension::time, 1e-9}},
      {"us", {dimension::time, 1e-6}},
      {"\xC2\xB5s", {dimension::time, 1e-6}},  // µs
      {"ms", {dimension::time, 1e-3}},
      {"s", {dimension::time, 1.0}},
      // frequency
      {"Hz", {dimension::frequency, 1.0}},
      {"kHz", {dimension::frequency, 1e3}},
      {"MHz", {dimension::frequency, 1e6}},
      {"GHz", {dimension::frequency, 1e9}},
      {"THz", {dimension::frequency, 1e12}},
      // a converter's rate, in samples per second
      {"S/s", {dimension::frequency, 1.0}},
      {"kS/s", {dimension::frequency, 1e3}},
      {"MS/s", {dimension::frequency, 1e6}},
      {"GS/s", {dimension::frequency, 1e9}},
      {"TS/s", {dimension::frequency, 1e12}},
      // energy
      {"fJ", {dimension::energy, 1e-15}},
      {"pJ", {dimension::energy, 1e-12}},
      {"nJ", {dimension::energy, 1e-9}},
      {"uJ", {dimension::energy, 1e-6}},
      {"\xC2\xB5J", {dimension::energy, 1e-6}},
      {"mJ", {dimension::energy, 1e-3}},
      {"J", {dimension::energy, 1.0}},
      // power
      {"pW", {dimension::power, 1e-12}},
      {"nW", {dimension::power, 1e-9}},
      {"uW", {dimension::power, 1e-6}},
      {"\xC2\xB5W", {dimension::power, 1e-6}},
      {"mW", {dimension::power, 1e-3}},
      {"W", {dimension::power, 1.0}},
      {"kW", {dimension::power, 1e3}},
      // area: (prefix m)^2, written m^2, m² or m2
      {"nm^2", {dimension::area, 1e-18}},
      {"um^2", {dimension::area, 1e-12}},
      {"\xC2\xB5m^2", {dimension::area, 1e-12}},
      {"mm^2", {dimension::area, 1e-6}},
      {"m^2", {dimension::area, 1.0}},
      {"nm\xC2\xB2", {dimension::area, 1e-18}},
      {"um\xC2\xB2", {dimension::area, 1e-12}},
      {"\xC2\xB5m\xC2\xB2", {dimension::area, 1e-12}},
      {"mm\xC2\xB2", {dimension::area, 1e-6}},
      {"m\xC2\xB2", {dimension::area, 1.0}},
      {"nm2", {dimension::area, 1e-18}},
      {"um2", {dimension::area, 1e-12}},
      {"\xC2\xB5m2", {dimension::area, 1e-12}},
      {"mm2", {dimension::area, 1e-6}},
      {"m2", {dimension::area, 1.0}},
      // length
      {"nm", {dimension::length, 1e-9}},
      {"um", {dimension::length, 1e-6}},
      {"\xC2\xB5m", {dimension::length, 1e-6}},
      {"mm", {dimension::length, 1e-3}},
      {"m", {dimension::length, 1.0}},
      // data size, in bytes
      {"B", {dimension::data_size, 1.0}},
      {"byte", {dimension::data_size, 1.0}},
      {"bytes", {dimension::data_size, 1.0}},
      {"b", {dimension::data_size, 0.125}},
      {"bit", {dimension::data_size, 0.125}},
      {"bits", {dimension::data_size, 0.125}},
      {"kB", {dimension::data_size, 1000.0}},
      {"MB", {dimension::data_size, 1000000.0}},
      {"GB", {dimension::data_size, 1000000000.0}},
      {"TB", {dimension::data_size, 1000000000000.0}},
      {"PB", {dimension::data_size, 1000000000000000.0}},
      {"EB", {dimension::data_size, 1000000000000000000.0}},
      {"Pb", {dimension::data_size, 125000000000000.0}},
      {"Eb", {dimension::data_size, 125000000000000000.0}},
      {"kb", {dimension::data_size, 125.0}},
      {"Mb", {dimension::data_size, 125000.0}},
      {"Gb", {dimension::data_size, 125000000.0}},
      {"Tb", {dimension::data_size, 125000000000.0}},
      {"KiB", {dimension::data_size, 1024.0}},
      {"MiB", {dimension::data_size, 1048576.0}},
      {"GiB", {dimension::data_size, 1073741824.0}},
      {"TiB", {dimension::data_size, 1099511627776.0}},
      {"PiB", {dimension::data_size, 1125899906842624.0}},
      {"EiB", {dimension::data_size, 1152921504606846976.0}},
      {"Kib", {dimension::data_size, 128.0}},
      {"Mib", {dimension::data_size, 131072.0}},
      {"Gib", {dimension::data_size, 134217728.0}},
      // bandwidth, in bytes per second
      {"B/s", {dimension::bandwidth, 1.0}},
      {"kB/s", {dimension::bandwidth, 1e3}},
      {"MB/s", {dimension::bandwidth, 1e6}},
      {"GB/s", {dimension::bandwidth, 1e9}},
      {"TB/s", {dimension::bandwidth, 1e12}},
      {"b/s", {dimension::bandwidth, 0.125}},
      {"kb/s", {dimension::bandwidth, 125.0}},
      {"Mb/s", {dimension::bandwidth, 125000.0}},
      {"Gb/s", {dimension::bandwidth, 125000000.0}},
      {"Tb/s", {dimension::bandwidth, 125000000000.0}},
      {"KiB/s", {dimension::bandwidth, 1024.0}},
      {"MiB/s", {dimension::bandwidth, 1048576.0}},
      {"GiB/s", {dimension::bandwidth, 1073741824.0}},
      // resistance, spelled Ohm, ohm or Ω
      {"mOhm", {dimension::resistance, 1e-3}},
      {"Ohm", {dimension::resistance, 1.0}},
      {"kOhm", {dimension::resistance, 1e3}},
      {"MOhm", {dimension::resistance, 1e6}},
      {"GOhm", {dimension::resistance, 1e9}},
      {"mohm", {dimension::resistance, 1e-3}},
      {"ohm", {dimension::resistance, 1.0}},
      {"kohm", {dimension::resistance, 1e3}},
      {"Mohm", {dimension::resistance, 1e6}},
      {"Gohm", {dimension::resistance, 1e9}},
      {"m\xCE\xA9", {dimension::resistance, 1e-3}},
      {"\xCE\xA9", {dimension::resistance, 1.0}},
      {"k\xCE\xA9", {dimension::resistance, 1e3}},
      {"M\xCE\xA9", {dimension::resistance, 1e6}},
      {"G\xCE\xA9", {dimension::resistance, 1e9}},
      // conductance
      {"pS", {dimension::conductance, 1e-12}},
      {"nS", {dimension::conductance, 1e-9}},
      {"uS", {dimension::conductance, 1e-6}},
      {"\xC2\xB5S", {dimension::conductance, 1e-6}},
      {"mS", {dimension::conductance, 1e-3}},
      {"S", {dimension::conductance, 1.0}},
      // voltage
      {"uV", {dimension::voltage, 1e-6}},
      {"\xC2\xB5V", {dimension::voltage, 1e-6}},
      {"mV", {dimension::voltage, 1e-3}},
      {"V", {dimension::voltage, 1.0}},
      {"kV", {dimension::voltage, 1e3}},
      // current
      {"pA", {dimension::current, 1e-12}},
      {"nA", {dimension::current, 1e-9}},
      {"uA", {dimension::current, 1e-6}},
      {"\xC2\xB5" "A", {dimension::current, 1e-6}},
      {"mA", {dimension::current, 1e-3}},
      {"A", {dimension::current, 1.0}},
      // temperature
      {"K", {dimension::temperature, 1.0}},
      // heat capacity
      {"fJ/K", {dimension::heat_capacity, 1e-15}},
      {"pJ/K", {dimension::heat_capacity, 1e-12}},
      {"nJ/K", {dimension::heat_capacity, 1e-9}},
      {"uJ/K", {dimension::heat_capacity, 1e-6}},
      {"\xC2\xB5J/K", {dimension::heat_capacity, 1e-6}},
      {"mJ/K", {dimension::heat_capacity, 1e-3}},
      {"J/K", {dimension::heat_capacity, 1.0}},
      // thermal conductance
      {"nW/K", {dimension::thermal_conductance, 1e-9}},
      {"uW/K", {dimension::thermal_conductance, 1e-6}},
      {"\xC2\xB5W/K", {dimension::thermal_conductance, 1e-6}},
      {"mW/K", {dimension::thermal_conductance, 1e-3}},
      {"W/K", {dimension::thermal_conductance, 1.0}},
      // inverse temperature
      {"/K", {dimension::inverse_temperature, 1.0}},
      {"1/K", {dimension::inverse_temperature, 1.0}},
      {"K^-1", {dimension::inverse_temperature, 1.0}},
      // cell area in units of the feature size squared
      {"F^2", {dimension::feature_area, 1.0}},
      {"F\xC2\xB2", {dimension::feature_area, 1.0}},
      {"F2", {dimension::feature_area, 1.0}},
      // capacitance
      {"fF", {dimension::capacitance, 1e-15}},
      {"pF", {dimension::capacitance, 1e-12}},
      {"nF", {dimension::capacitance, 1e-9}},
      {"uF", {dimension::capacitance, 1e-6}},
      {"\xC2\xB5" "F", {dimension::capacitance, 1e-6}},
      {"F", {dimension::capacitance, 1.0}},
  };
  // Every micro-sign (U+00B5) unit is also written with the Greek mu (U+03BC).
  static const std::map<std::string, expected_unit> with_mu = [] {
    std::map<std::string, expected_unit> all = values;
    for (const auto& [symbol, v] : values)
      if (symbol.rfind("\xC2\xB5", 0) == 0) all.emplace("\xCE\xBC" + symbol.substr(2), v);
    return all;
  }();
  return with_mu;
}

const std::vector<dimension>& all_dimensions() {
  static const std::vector<dimension> dims = {
      dimension::dimensionless, dimension::time,        dimension::frequency,
      dimension::energy,        dimension::power,       dimension::area,
      dimension::length,        dimension::data_size,   dimension::bandwidth,
      dimension::resistance,    dimension::conductance, dimension::voltage,
      dimension::current,       dimension::temperature, dimension::heat_capacity,
      dimension::thermal_conductance, dimension::inverse_temperature, dimension::feature_area,
      dimension::capacitance,
  };
  return dims;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("units: every unit in the table has the value worked out by hand") {
  const auto& hand = hand_values();
  for (const auto& u : unit_table()) {
    CAPTURE(u.symbol);
    auto it = hand.find(u.symbol);
    REQUIRE_MESSAGE(it != hand.end(), "unit '" << u.symbol << "' has no hand-computed value in this test");
    CHECK(u.dim == it->second.dim);
    CHECK(u.to_si == doctest::Approx(it->second.si).scale(0).epsilon(1e-12));
  }
}

// Whether SystemC can simulate a time or a period: below its 1 ps step it
// cannot, so parse_quantity refuses those whatever their unit (see the bounds
// below; a negative time is left to the parameter's range); every other value
// is a matter of units alone.
bool simulatable(double si, dimension d) {
  if (d == dimension::time) return si <= 0.0 || si >= 1e-12;
  if (d == dimension::frequency) return si <= 1e12 && (si <= 0.0 || 1.0 / si < 9.2e6);
  if (d == dimension::bandwidth) return si <= 0.0 || 1.0 / si < 9.2e6;  // the time a byte takes
  return true;
}

TEST_CASE("units: every hand-listed unit parses, with and without a space") {
  for (const auto& [symbol, expected] : hand_values()) {
    CAPTURE(symbol);
    REQUIRE(find_unit(symbol) != nullptr);
    const auto parses = [&](const std::string& text, double si) {
      CAPTURE(text);
      auto q = parse_quantity(text, expected.dim);
      if (!simulatable(si, expected.dim)) {
        CHECK_FALSE(q.ok);
        return;
      }
      REQUIRE_MESSAGE(q.ok, q.error);
      CHECK(q.si == doctest::Approx(si).scale(0).epsilon(1e-12));
    };
    parses("1 " + symbol, expected.si);
    parses("2.5 " + symbol, 2.5 * expected.si);
    // Written against the number ("-3e2ns"), except "1/K", whose digit would
    // join the number.
    if (!std::isdigit(static_cast<unsigned char>(symbol.front()))) parses("-3e2" + symbol, -300.0 * expected.si);

    parses("  0.125\t" + symbol + "  ", 0.125 * expected.si);
  }
}

TEST_CASE("units: values as the shipped configs write them") {
  struct example {
    const char* text;
    dimension dim;
    double si;
  };
  const std::vector<example> examples = {
      {"10 ns", dimension::time, 10e-9},
      {"100 ns", dimension::time, 1e-7},
      {"1.28 GHz", dimension::frequency, 1.28e9},
      {"2.5 pJ", dimension::energy, 2.5e-12},
      {"1.67 pJ", dimension::energy, 1.67e-12},
      {"41 fJ", dimension::energy, 4.1e-14},
      {"20.7 mW", dimension::power, 0.0207},
      {"1200 um^2", dimension::area, 1.2e-9},
      {"0.083 mm^2", dimension::area, 8.3e-8},
      {"22 nm", dimension::length, 2.2e-8},
      {"64 KiB", dimension::data_size, 65536.0},
      {"256 b", dimension::data_size, 32.0},
      {"4 GiB", dimension::data_size, 4294967296.0},
      {"12.8 GB/s", dimension::bandwidth, 1.28e10},
      {"2 Gb/s", dimension::bandwidth, 2.5e8},
      {"6 kOhm", dimension::resistance, 6000.0},
      {"5.36 mOhm", dimension::resistance, 0.00536},
      {"2 MOhm", dimension::resistance, 2e6},
      {"166.7 uS", dimension::conductance, 1.667e-4},
      {"0.0417 uS", dimension::conductance, 4.17e-8},
      {"0.2 V", dimension::voltage, 0.2},
      {"3 mA", dimension::current, 0.003},
      {"332.8 K", dimension::temperature, 332.8},
      {"49.6 pJ/K", dimension::heat_capacity, 4.96e-11},
      {"0.206 mW/K", dimension::thermal_conductance, 2.06e-4},
      {"0.253 /K", dimension::inverse_temperature, 0.253},
      {"1.46 F^2", dimension::feature_area, 1.46},
      {"0.5", dimension::dimensionless, 0.5},
      {"-3", dimension::dimensionless, -3.0},
      {"+2", dimension::dimensionless, 2.0},
      {"1e3", dimension::dimensionless, 1000.0},
      {".5", dimension::dimensionless, 0.5},
      {"5 %", dimension::dimensionless, 0.05},
      {"4.1 %", dimension::dimensionless, 0.041},
      {"100%", dimension::dimensionless, 1.0},
  };
  for (const auto& e : examples) {
    CAPTURE(e.text);
    auto q = parse_quantity(e.text, e.dim);
    REQUIRE_MESSAGE(q.ok, q.error);
    CHECK(q.si == doctest::Approx(e.si).scale(0).epsilon(1e-12));
  }
}

TEST_CASE("units: a value of the wrong dimension names both dimensions") {
  auto q = parse_quantity("10 ns", dimension::energy);
  CHECK_FALSE(q.ok);
  CHECK_MESSAGE(contains(q.error, "'10 ns' is a time"), q.error);
  CHECK_MESSAGE(contains(q.error, "expected an energy"), q.error);
  CHECK_MESSAGE(contains(q.error, "2.5 pJ"), q.error);  // an example of what would do

  q = parse_quantity("3 mW", dimension::thermal_conductance);
  CHECK_FALSE(q.ok);
  CHECK_MESSAGE(contains(q.error, "is a power, expected a thermal conductance"), q.error);

  q = parse_quantity("20 uS", dimension::resistance);
  CHECK_FALSE(q.ok);
  CHECK_MESSAGE(contains(q.error, "is a conductance, expected a resistance"), q.error);

  // A unit of another dimension that differs only in case: the example shows the right one.
  q = parse_quantity("20 us", dimension::conductance);
  CHECK_FALSE(q.ok);
  CHECK_MESSAGE(contains(q.error, "'20 us' is a time, expected a conductance such as '20 uS'"), q.error);

  // Bits are data, not bandwidth.
  q = parse_quantity("10 Gb", dimension::bandwidth);
  CHECK_FALSE(q.ok);
  CHECK_MESSAGE(contains(q.error, "is a data size, expected a bandwidth"), q.error);

  // A unit on a plain number.
  q = parse_quantity("5 ns", dimension::dimensionless);
  CHECK_FALSE(q.ok);
  CHECK_MESSAGE(contains(q.error, "is a time, expected a plain number"), q.error);

  // A percentage is a plain number only.
  q = parse_quantity("5 %", dimension::time);
  CHECK_FALSE(q.ok);
  CHECK_MESSAGE(contains(q.error, "percentage"), q.error);
  CHECK_MESSAGE(contains(q.error, "time"), q.error);
}

TEST_CASE("units: every dimension rejects every other dimension's units") {
  for (const auto& u : unit_table()) {
    for (dimension d : all_dimensions()) {
      if (d == u.dim) continue;
      CAPTURE(u.symbol);
      CAPTURE(mottsim::dsl::dimension_name(d));
      auto q = parse_quantity("1 " + u.symbol, d);
      CHECK_FALSE(q.ok);
      CHECK(contains(q.error, mottsim::dsl::dimension_name(u.dim)));
      CHECK(contains(q.error, mottsim::dsl::dimension_name(d)));
    }
  }
}

TEST_CASE("units: a quantity without a unit is an error that says which unit") {
  for (dimension d : all_dimensions()) {
    if (d == dimension::dimensionless) continue;
    CAPTURE(mottsim::dsl::dimension_name(d));
    auto q = parse_quantity("12.8", d);
    CHECK_FALSE(q.ok);
    CHECK(contains(q.error, "needs a unit"));
    CHECK(contains(q.error, mottsim::dsl::dimension_name(d)));
    CHECK(contains(q.error, mottsim::dsl::example_value(d)));
  }
  auto q = parse_quantity("12.8", dimension::bandwidth);
  CHECK(q.error == "'12.8' needs a unit: a bandwidth such as '25.6 GB/s'");
}

TEST_CASE("units: an unknown unit suggests the right spelling") {
  struct typo {
    const char* text;
    dimension dim;
    const char* suggestion;
  };
  const std::vector<typo> typos = {
      {"10 Ns", dimension::time, "ns"},
      {"10 NS", dimension::time, "ns"},
      {"10 nsec", dimension::time, "ns"},
      {"1 ghz", dimension::frequency, "GHz"},
      {"1 Mhz", dimension::frequency, "MHz"},
      {"2.5 PJ", dimension::energy, "pJ"},
      {"64 KB", dimension::data_size, "kB"},
      {"64 kiB", dimension::data_size, "KiB"},
      {"6 kohms", dimension::resistance, "kohm"},
      {"20 US", dimension::conductance, "uS"},
      {"25.6 GBps", dimension::bandwidth, "GB/s"},
      // Gigabits, not gigabytes: a suggestion that ignored case would be 8x off.
      {"10 Gbps", dimension::bandwidth, "Gb/s"},
      {"0.15 um^3", dimension::area, "um^2"},
      {"300 k", dimension::temperature, "K"},
  };
  for (const auto& t : typos) {
    CAPTURE(t.text);
    auto q = parse_quantity(t.text, t.dim);
    CHECK_FALSE(q.ok);
    CHECK_MESSAGE(contains(q.error, "unknown unit"), q.error);
    CHECK_MESSAGE(contains(q.error, std::string("(did you mean '") + t.suggestion + "'?)"), q.error);
  }
  // A decimal comma is named as such, with the value as it should be written.
  auto comma = parse_quantity("2,5 uS", dimension::conductance);
  CHECK_FALSE(comma.ok);
  CHECK_MESSAGE(contains(comma.error, "'2,5 uS' has a decimal comma: write the decimal point ('2.5 uS')"), comma.error);
  auto thousands = parse_quantity("1,000 ns", dimension::time);  // a thousands separator, or a decimal comma
  CHECK_FALSE(thousands.ok);
  CHECK_MESSAGE(contains(thousands.error, "write '1000 ns' for thousands, or '1.000 ns' for a decimal"),
                thousands.error);
  const std::vector<std::pair<const char*, const char*>> commas = {
      {"1,000,000 ns", "has thousands separators, which values do not use: write '1000000 ns'"},
      {"0,125 ns", "has a decimal comma: write the decimal point ('0.125 ns')"},
      {"12,3456 ns", "has a decimal comma: write the decimal point ('12.3456 ns')"},
      {"1,2,3 ns", "has commas, which values do not use"}};
  for (const auto& [text, message] : commas) {
    auto q = parse_quantity(text, dimension::time);
    CHECK_FALSE(q.ok);
    CHECK_MESSAGE(contains(q.error, message), q.error);
  }
  // Nothing close: no suggestion rather than a wild one.
  auto q = parse_quantity("10 furlongs", dimension::time);
  CHECK_FALSE(q.ok);
  CHECK_MESSAGE(contains(q.error, "unknown unit 'furlongs'"), q.error);
  CHECK_MESSAGE(!contains(q.error, "did you mean"), q.error);
}

TEST_CASE("units: non-numbers and non-finite numbers are rejected") {
  for (const char* text : {"inf ns", "-inf ns", "nan ns", "NaN ns", "infinity ns", "1e400 ns", "-1e400 ns", "ns",
                           "", "   ", "ten ns", "1,5 ns", "0x10 ns", "- 5 ns"}) {
    CAPTURE(text);
    auto q = parse_quantity(text, dimension::time);
    CHECK_FALSE(q.ok);
    CHECK_FALSE(q.error.empty());
  }
  for (const char* text : {"inf", "nan", "1e400", "-1e400", "", "1.5.2", "5 % %", "true"}) {
    CAPTURE(text);
    auto q = parse_quantity(text, dimension::dimensionless);
    CHECK_FALSE(q.ok);
    CHECK_FALSE(q.error.empty());
  }
  double x = 0;
  CHECK_FALSE(parse_number("inf", x));
  CHECK_FALSE(parse_number("nan", x));
  CHECK_FALSE(parse_number("1e400", x));
  CHECK_FALSE(parse_number("", x));
  CHECK_FALSE(parse_number("1 2", x));
  REQUIRE(parse_number(" 2.5e-3 ", x));
  CHECK(x == doctest::Approx(2.5e-3).scale(0));
}

TEST_CASE("units: split_number_unit takes the leading number and the unit after it") {
  using mottsim::dsl::split_number_unit;
  double x = 0;
  std::string_view unit;
  REQUIRE(split_number_unit(" 2.5e-3 pJ ", x, unit));
  CHECK(x == doctest::Approx(2.5e-3).scale(0));
  CHECK(unit == "pJ");
  REQUIRE(split_number_unit("-4", x, unit));
  CHECK(x == -4);
  CHECK(unit.empty());
  REQUIRE(split_number_unit("5%", x, unit));
  CHECK(x == 5);
  CHECK(unit == "%");
  REQUIRE(split_number_unit("1e", x, unit));  // an exponent without digits is not part of the number
  CHECK(x == 1);
  CHECK(unit == "e");
  for (const char* text : {"", "pJ", "inf ns", "1e400 ns", "- 5 ns"}) {
    CAPTURE(text);
    CHECK_FALSE(split_number_unit(text, x, unit));
  }
}

TEST_CASE("units: parse_integer") {
  long long v = 0;
  SUBCASE("decimal, signs and separators") {
    REQUIRE(parse_integer("42", v));
    CHECK(v == 42);
    REQUIRE(parse_integer("-17", v));
    CHECK(v == -17);
    REQUIRE(parse_integer("+8", v));
    CHECK(v == 8);
    REQUIRE(parse_integer(" 7 ", v));
    CHECK(v == 7);
    REQUIRE(parse_integer("1_000_000", v));
    CHECK(v == 1000000);
    REQUIRE(parse_integer("0", v));
    CHECK(v == 0);
  }
  SUBCASE("hex") {
    REQUIRE(parse_integer("0x10", v));
    CHECK(v == 16);
    REQUIRE(parse_integer("0XfF", v));
    CHECK(v == 255);
    REQUIRE(parse_integer("0x8000_0000", v));
    CHECK(v == 2147483648LL);
    REQUIRE(parse_integer("0x7fff_ffff_ffff_ffff", v));
    CHECK(v == std::numeric_limits<long long>::max());
    REQUIRE(parse_integer("-0x10", v));
    CHECK(v == -16);
  }
  SUBCASE("the limits of 64 bits") {
    REQUIRE(parse_integer("9223372036854775807", v));
    CHECK(v == std::numeric_limits<long long>::max());
    REQUIRE(parse_integer("-9223372036854775808", v));
    CHECK(v == std::numeric_limits<long long>::min());
    v = 99;
    CHECK_FALSE(parse_integer("9223372036854775808", v));
    CHECK_FALSE(parse_integer("-9223372036854775809", v));
    CHECK_FALSE(parse_integer("18446744073709551616", v));
    CHECK_FALSE(parse_integer("0x8000_0000_0000_0000", v));
    CHECK_FALSE(parse_integer("0x1_0000_0000_0000_0000", v));
    CHECK_FALSE(parse_integer("99999999999999999999999999", v));
    CHECK(v == 99);  // a rejected value leaves the output alone
  }
  SUBCASE("not integers") {
    for (const char* text : {"", " ", "-", "+", "0x", "0xg", "1.5", "1e3", "12abc", "abc", "_1", "1_", "0x_1",
                             "--1", "+-1", "0b101", "1 2", "inf"}) {
      CAPTURE(text);
      CHECK_FALSE(parse_integer(text, v));
    }
  }
}

TEST_CASE("units: format_quantity round-trips through parse_quantity") {
  const std::vector<double> values = {1e-15, 3.3e-12, 7.5e-9, 0.125, 1.0, 2.5, 42.0, 999.0, 1000.0, 65536.0,
                                      1.28e9, 1.28e10, 4294967296.0, 6.02e23, -5e-9, -1200.0, 1.0 / 3.0};
  for (dimension d : all_dimensions()) {
    for (double v : values) {
      // Refused: see the sc_time bounds below.
      if ((d == dimension::time && !mottsim::dsl::time_fits(v)) || !simulatable(v, d)) continue;
      const std::string text = format_quantity(v, d);
      CAPTURE(mottsim::dsl::dimension_name(d));
      CAPTURE(v);
      CAPTURE(text);
      auto q = parse_quantity(text, d);
      REQUIRE_MESSAGE(q.ok, q.error);
      // Six significant digits are printed.
      CHECK(q.si == doctest::Approx(v).scale(0).epsilon(1e-5));
    }
    const std::string zero = format_quantity(0.0, d);
    auto q = parse_quantity(zero, d);
    REQUIRE_MESSAGE(q.ok, (zero + ": " + q.error));
    CHECK(q.si == 0.0);
  }
}

TEST_CASE("units: format_quantity picks a readable prefix") {
  CHECK(format_quantity(10e-9, dimension::time) == "10 ns");
  CHECK(format_quantity(2.5e-12, dimension::energy) == "2.5 pJ");
  CHECK(format_quantity(1.28e9, dimension::frequency) == "1.28 GHz");
  CHECK(format_quantity(65536.0, dimension::data_size) == "64 KiB");
  CHECK(format_quantity(12.8e9, dimension::bandwidth) == "12.8 GB/s");
  CHECK(format_quantity(6000.0, dimension::resistance) == "6 kOhm");
  CHECK(format_quantity(20e-6, dimension::conductance) == "20 uS");
  CHECK(format_quantity(0.003, dimension::current) == "3 mA");
  CHECK(format_quantity(300.0, dimension::temperature) == "300 K");
  CHECK(format_quantity(0.15e-12, dimension::area) == "150000 nm^2");
  CHECK(format_quantity(48.0, dimension::feature_area) == "48 F^2");
  CHECK(format_quantity(0.5, dimension::dimensionless) == "0.5");
}

TEST_CASE("units: times stop below 2^63 steps of SystemC's 1 ps resolution") {
  // 2^63 ps = 9,223,372.036854775808 s, worked out by hand.
  CHECK(mottsim::dsl::max_time_s() == doctest::Approx(9223372.036854775808).epsilon(1e-15).scale(0));
  SUBCASE("just inside and just outside, in seconds") {
    auto inside = parse_quantity("9223372 s", dimension::time);
    REQUIRE_MESSAGE(inside.ok, inside.error);
    CHECK(inside.si == 9223372.0);
    auto outside = parse_quantity("9223373 s", dimension::time);
    CHECK_FALSE(outside.ok);
    CHECK(outside.error ==
          "'9223373 s' is longer than mottsim can simulate: SystemC holds times below 9.22337e+06 s (2^63 steps of "
          "its 1 ps resolution, about 106 days)");
  }
  SUBCASE("the bound within a tenth of a microsecond, and in other units") {
    // 76 ns below the bound, and 124 ns above it (a double holds seconds near
    // 9.2e6 to about a nanosecond).
    CHECK(mottsim::dsl::time_fits(9223372.0368547));
    CHECK_FALSE(mottsim::dsl::time_fits(9223372.0368549));
    CHECK(parse_quantity("9223372036 ms", dimension::time).ok);
    CHECK_FALSE(parse_quantity("9223373000 ms", dimension::time).ok);
    CHECK(parse_quantity("-9223372 s", dimension::time).ok);  // ranges, not this, refuse negative times
    CHECK_FALSE(parse_quantity("-9223373 s", dimension::time).ok);
  }
  SUBCASE("far beyond: what used to wrap to 1 ms of latency") {
    auto q = parse_quantity("1e308 s", dimension::time);
    CHECK_FALSE(q.ok);
    CHECK(q.error.find("longer than mottsim can simulate") != std::string::npos);
  }
  SUBCASE("and start at one step: a shorter time or period would simulate as 0 s or 1 ps") {
    CHECK(parse_quantity("0 s", dimension::time).ok);
    CHECK(parse_quantity("1 ps", dimension::time).ok);
    CHECK(parse_quantity("1000 fs", dimension::time).ok);
    auto q = parse_quantity("0.4 ps", dimension::time);
    CHECK_FALSE(q.ok);
    CHECK(q.error == "'0.4 ps' is shorter than the 1 ps step SystemC simulates time in; give 0 s or at least 1 ps");
    CHECK_FALSE(parse_quantity("999 fs", dimension::time).ok);
    CHECK_FALSE(parse_quantity("1e-30 s", dimension::time).ok);
    CHECK(parse_quantity("-0.5 ps", dimension::time).ok);  // the range says it must be >= 0
    CHECK(parse_quantity("1 THz", dimension::frequency).ok);
    // A period beyond what SystemC holds (2^63 ps, 9.22e6 s): 1e-7 Hz is 1e7 s.
    CHECK(parse_quantity("1e-6 Hz", dimension::frequency).ok);
    auto slow = parse_quantity("1e-7 Hz", dimension::frequency);
    CHECK_FALSE(slow.ok);
    CHECK(slow.error.find("'1e-7 Hz' is a period longer than mottsim can simulate") == 0);
    // A bandwidth by the time one byte takes: 1e-7 B/s is 1e7 s a byte.
    CHECK(parse_quantity("1e-6 B/s", dimension::bandwidth).ok);
    auto trickle = parse_quantity("1e-30 GB/s", dimension::bandwidth);
    CHECK_FALSE(trickle.ok);
    CHECK(trickle.error.find("'1e-30 GB/s' takes longer a byte than mottsim can simulate") == 0);
    auto f = parse_quantity("1.5 THz", dimension::frequency);
    CHECK_FALSE(f.ok);
    CHECK(f.error == "'1.5 THz' is a period shorter than the 1 ps step SystemC simulates time in; at most 1 THz");
  }
  SUBCASE("other dimensions are bounded by the range of a double only") {
    CHECK(parse_quantity("1e300 B", dimension::data_size).ok);
    auto q = parse_quantity("1e300 TB/s", dimension::bandwidth);  // 1e312 B/s
    CHECK_FALSE(q.ok);
    CHECK(q.error == "'1e300 TB/s' is beyond the range of numbers mottsim computes with");
  }
}

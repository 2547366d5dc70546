#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "models/adc_estimator.hpp"
#include "models/cell_geometry.hpp"
#include "models/driver_estimator.hpp"
#include "models/pricing.hpp"
#include "models/tile_job.hpp"
#include "test_support.hpp"

// The estimators of docs/modelling.md ("ADCs", "Input drivers", "Digital logic
// across nodes"), each against figures worked out by hand in the comments.
using namespace mottsim;

namespace {

constexpr double pJ = 1e-12, fJ = 1e-15, nm = 1e-9, um2 = 1e-12, ns = 1e-9, uW = 1e-6, mm2 = 1e-6, mW = 1e-3;

dsl::block_value block(const std::string& type, const std::string& text) {
  dsl::diagnostics errors;
  dsl::block_value value = test_support::validated_block(type, text, errors);
  INFO(errors.to_string());
  REQUIRE_FALSE(errors.has_errors());
  return value;
}

std::string first_error(const std::string& type, const std::string& text) {
  dsl::diagnostics errors;
  test_support::validated_block(type, text, errors);
  return errors.to_string();
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Hand figures of the survey envelope (Andrulis 2024's fit of the Murmann survey):
// corner ln f_c = (302.7387019 - 180.1415908) / 6.4607909 = 18.975575, f_c = 174.1727 MHz;
// exponent k = 6.4607909 x ln(10) / 10 = 1.4876521.
constexpr double corner_hz = 1.741727e8;
constexpr double k = 1.4876521;
// Class sar: 41 fJ at 1 GHz referred below the corner: 41 fJ / (1e9 / 1.741727e8)^1.4876521
// = 41 fJ / 5.741427^1.4876521 = 41 fJ / 13.46349 = 3.04527 fJ.
constexpr double sar_fom = 41 * fJ / 13.46349;

// ln(A / um^2) of the survey's area fit at a node of 22 nm.
double fit_area(long long bits, double rate_hz, double energy_j) {
  return std::exp(4.850567 + 0.0666585 * std::log(rate_hz) + 0.797324 * std::log(22.0) - 0.134373 * bits +
                  0.423657 * std::log(energy_j / pJ)) *
         um2;
}

}  // namespace

TEST_CASE("adc estimator: the survey envelope's corner and slope") {
  CHECK(models::survey_corner_frequency() == doctest::Approx(corner_hz).epsilon(1e-4).scale(0));
  CHECK(models::survey_rate_exponent() == doctest::Approx(k).epsilon(1e-5).scale(0));
  CHECK(models::survey_rate_factor(10e6) == 1.0);   // below the corner: the flat envelope
  CHECK(models::survey_rate_factor(corner_hz) == doctest::Approx(1.0).epsilon(1e-4).scale(0));
  // Doubling the rate above the corner: x 2^1.48764 = 2.8046.
  CHECK(models::survey_rate_factor(2e9) / models::survey_rate_factor(1e9) == doctest::Approx(2.8046).epsilon(1e-4).scale(0));
  std::string source;
  CHECK(models::class_walden_fom("sar", source) == doctest::Approx(sar_fom).epsilon(1e-4).scale(0));
  CHECK(contains(source, "class sar"));
  CHECK(models::class_walden_fom("flash", source) == 0.0);
}

TEST_CASE("adc estimator: a survey SAR ADC at 5 and 8 bits, by hand") {
  // 100 MHz is below the corner: the FoM is the class's 3.0457 fJ per step.
  const auto five = models::estimate_adc(block("adc", "bits: 5\nsample_rate: 100 MHz\n"), 22 * nm);
  const auto eight = models::estimate_adc(block("adc", "bits: 8\nsample_rate: 100 MHz\n"), 22 * nm);
  // 3.0457 fJ x 32 = 97.46 fJ; x 256 = 779.7 fJ.
  CHECK(five.energy_j == doctest::Approx(97.46 * fJ).epsilon(1e-3).scale(0));
  CHECK(eight.energy_j == doctest::Approx(779.7 * fJ).epsilon(1e-3).scale(0));
  // Area fit: ln A5 = 4.850567 + 0.0666585 x 18.42068 + 0.797324 x 3.091042 - 0.134373 x 5
  // + 0.423657 x ln 0.09746 = 4.850567 + 1.227875 + 2.464563 - 0.671864 - 0.986410 = 6.884731,
  // A5 = 977.7 um^2; ln A8 = ... - 1.074982 + 0.423657 x ln 0.7797 (-0.105420) = 7.362603, A8 = 1576.9 um^2.
  CHECK(five.area_m2 == doctest::Approx(977.7 * um2).epsilon(1e-3).scale(0));
  CHECK(eight.area_m2 == doctest::Approx(1576.9 * um2).epsilon(1e-3).scale(0));
  CHECK(five.area_m2 == doctest::Approx(fit_area(5, 100e6, five.energy_j)).epsilon(1e-6).scale(0));
  CHECK(contains(five.energy_source, "survey model"));
  CHECK(contains(five.energy_source, "class sar"));
  CHECK(contains(five.area_source, "survey area fit"));
  // Above the corner the same converter costs more per conversion: at 1 GHz, x 13.4615.
  const auto fast = models::estimate_adc(block("adc", "bits: 5\nsample_rate: 1 GHz\n"), 22 * nm);
  CHECK(fast.energy_j == doctest::Approx(41 * fJ * 32).epsilon(1e-4).scale(0));
}

TEST_CASE("adc estimator: a published ADC keeps its figures at its point and follows bits elsewhere") {
  const std::string isaac = "energy_model: fixed\nenergy_per_conversion: 1.67 pJ\narea: 1200 um^2\n"
                            "published_bits: 8\npublished_sample_rate: 1.28 GHz\n";
  const auto at_paper = models::estimate_adc(block("adc", isaac + "bits: 8\nsample_rate: 1.28 GHz\n"), 22 * nm);
  CHECK(at_paper.energy_j == 1.67 * pJ);
  CHECK(at_paper.area_m2 == 1200 * um2);
  CHECK(contains(at_paper.energy_source, "published figure (class sar)"));
  // 5 bits at the same rate: energy x 2^(5-8) = 0.20875 pJ; area x exp(-0.134373 x (5 - 8))
  // x (1/8)^0.423657 = x exp(0.403119 - 0.880983) = x 0.62012: 744.1 um^2.
  const auto five = models::estimate_adc(block("adc", isaac + "bits: 5\nsample_rate: 1.28 GHz\n"), 22 * nm);
  CHECK(five.energy_j == doctest::Approx(0.20875 * pJ).epsilon(1e-9).scale(0));
  CHECK(five.area_m2 == doctest::Approx(744.1 * um2).epsilon(1e-3).scale(0));
  CHECK(contains(five.energy_source, "published at 8 bits at 1.28 GHz"));
  CHECK(contains(five.area_source, "published at 8 bits"));
  // The same converter at 640 MHz: energy x (640 / 1280)^1.48764 = x 0.35656.
  const auto slower = models::estimate_adc(block("adc", isaac + "bits: 8\nsample_rate: 640 MHz\n"), 22 * nm);
  CHECK(slower.energy_j == doctest::Approx(1.67 * pJ * 0.35656).epsilon(1e-4).scale(0));
}

TEST_CASE("adc estimator: what each energy model needs is a located error") {
  CHECK(contains(first_error("adc", "energy_model: fixed\n"), "needs energy_per_conversion"));
  CHECK(contains(first_error("adc", "energy_model: walden\n"), "needs walden_fom"));
  // A figure of merit beside a published energy would change nothing: an error at its line.
  CHECK(contains(first_error("adc", "energy_model: fixed\nenergy_per_conversion: 1 pJ\nwalden_fom: 10 fJ\n"),
                 "test.yaml:3:13: error: walden_fom has no effect with energy_model fixed"));
  // A ramp converter with its own figure of merit is priced by the survey model.
  const auto ramp = models::estimate_adc(block("adc", "class: ramp\nwalden_fom: 10 fJ\nbits: 4\nsample_rate: 50 MHz\n"),
                                         22 * nm);
  CHECK(ramp.energy_j == doctest::Approx(10 * fJ * 16).epsilon(1e-12).scale(0));
}

TEST_CASE("adc estimator: a flash converter's default is its comparators, at two widths, two rates and three nodes") {
  // DNN+NeuroSim V1.3's multilevel sense amplifier, voltage mode, LP devices:
  // 1.866 uW per level at 22 nm and 3.692 uW at 32 nm, over a 1 ns sensing.
  // 4 bits at 500 MHz, 22 nm: 15 comparators x 1.866 fJ = 27.99 fJ.
  // 6 bits: 63 x 1.866 fJ = 117.558 fJ. Below 1 GS/s the rate does not matter.
  const auto f4 = models::estimate_adc(block("adc", "class: flash\nbits: 4\nsample_rate: 500 MHz\n"), 22 * nm);
  const auto f6 = models::estimate_adc(block("adc", "class: flash\nbits: 6\nsample_rate: 50 MHz\n"), 22 * nm);
  CHECK(f4.energy_j == doctest::Approx(27.99 * fJ).epsilon(1e-9).scale(0));
  CHECK(f6.energy_j == doctest::Approx(117.558 * fJ).epsilon(1e-9).scale(0));
  CHECK(contains(f4.energy_source, "flash comparators (class flash, 4 bits at 500 MHz): (2^4 - 1) x"));
  CHECK(contains(f4.energy_source, "DNN+NeuroSim V1.3 multilevel sense amplifier"));
  // At 2 GHz, twice its 1 GS/s: x 2^1.48764 = 2.8043: 78.49 fJ.
  const auto fast = models::estimate_adc(block("adc", "class: flash\nbits: 4\nsample_rate: 2 GHz\n"), 22 * nm);
  CHECK(fast.energy_j == doctest::Approx(27.99 * fJ * 2.8043).epsilon(1e-4).scale(0));
  CHECK(contains(fast.energy_source, "above its 1 GS/s"));
  // At 32 nm, a table node: 7 x 3.692 fJ = 25.844 fJ for 3 bits. At 28 nm,
  // log-log between 22 and 32 nm: t = ln(28/22) / ln(32/22) = 0.643625,
  // exp(ln 1.866 + t ln(3.692 / 1.866)) = 2.89501 fJ a comparator.
  const std::string three = "class: flash\nbits: 3\nsample_rate: 100 MHz\n";
  CHECK(models::estimate_adc(block("adc", three), 32 * nm).energy_j == doctest::Approx(25.844 * fJ).epsilon(1e-9).scale(0));
  CHECK(models::estimate_adc(block("adc", three), 28 * nm).energy_j == doctest::Approx(7 * 2.89501 * fJ).epsilon(1e-5).scale(0));
  // Beyond the table the end segment continues, and the source says so: at 5 nm,
  // exp(ln 0.4211 + ln(5/7) / ln(10/7) x ln(0.6917 / 0.4211)) = 0.263670 fJ; 2 bits 0.79101 fJ.
  const auto tiny = models::estimate_adc(block("adc", "class: flash\nbits: 2\nsample_rate: 100 MHz\n"), 5 * nm);
  CHECK(tiny.energy_j == doctest::Approx(0.79101 * fJ).epsilon(1e-5).scale(0));
  CHECK(contains(tiny.energy_source, "extrapolated log-log from its end nodes"));
  CHECK_FALSE(contains(f4.energy_source, "log-log"));  // 22 nm is a tabulated node
  // Its area is the survey fit at that energy, which falls with the energy.
  CHECK(f4.area_m2 == doctest::Approx(fit_area(4, 500e6, 27.99 * fJ)).epsilon(1e-4).scale(0));
  // A flash converter's own figure of merit still takes the survey model.
  std::string source;
  CHECK(models::class_walden_fom("flash", source) == 0.0);
  // Every class the schema offers has a default in the survey model, so none
  // needs walden_fom (the schema has no check for a class without one).
  for (const char* adc_class : {"sar", "flash", "ramp"}) {
    CAPTURE(adc_class);
    const auto e = models::estimate_adc(
        block("adc", std::string("class: ") + adc_class + "\nbits: 6\nsample_rate: 100 MHz\n"), 22 * nm);
    CHECK(e.energy_j > 0.0);
    CHECK_FALSE(contains(e.energy_source, "required"));
  }
}

TEST_CASE("adc estimator: a ramp converter's default is its comparator's decisions and its counter, at two widths") {
  // One comparator decides at each of the ramp's 2^b - 1 steps (the flash
  // comparator: 1.866 fJ a decision at 22 nm, DNN+NeuroSim V1.3), and a binary
  // counter counts them: bit k flips 2^(b-k) - 1 times, 2^(b+1) - b - 2 flips
  // in all, each a register bit's write (Aladdin, 40 nm: 8.999495 fJ, x
  // Stillmaker & Baas 0.30 / 0.861719 = 0.348141 at 22 nm: 3.133098 fJ).
  // 4 bits at 10 MHz: 15 x 1.866 = 27.99 fJ + 26 x 3.133098 = 81.46054 fJ = 109.45054 fJ;
  // the count clock, 16 x 10 MHz = 160 MHz, is below the comparator's 1 GHz.
  // 8 bits at 1 MHz: 255 x 1.866 = 475.83 fJ + 502 x 3.133098 = 1572.8150 fJ = 2048.6450 fJ.
  const auto r4 = models::estimate_adc(block("adc", "class: ramp\nbits: 4\nsample_rate: 10 MHz\n"), 22 * nm);
  const auto r8 = models::estimate_adc(block("adc", "class: ramp\nbits: 8\nsample_rate: 1 MHz\n"), 22 * nm);
  CHECK(r4.energy_j == doctest::Approx(109.45054 * fJ).epsilon(1e-6).scale(0));
  CHECK(r8.energy_j == doctest::Approx(2048.6450 * fJ).epsilon(1e-6).scale(0));
  CHECK(models::ramp_counter_flips(4) == 26.0);
  CHECK(models::ramp_counter_flips(8) == 502.0);
  CHECK(contains(r4.energy_source, "ramp comparator and counter (class ramp, 4 bits at 10 MHz, a count clock of 2^4"));
  CHECK(contains(r4.energy_source, "DNN+NeuroSim V1.3 multilevel sense amplifier"));
  CHECK(contains(r4.energy_source, "Aladdin 40 nm register"));
  CHECK_FALSE(contains(r4.energy_source, "above its 1 GS/s"));
  // 8 bits at 10 MHz count at 2.56 GHz: the decisions cost x 2.56^1.48765 = 4.048732 more
  // (the counter's flips do not): 475.83 x 4.048732 = 1926.5086 + 1572.8150 = 3499.3236 fJ.
  const auto fast = models::estimate_adc(block("adc", "class: ramp\nbits: 8\nsample_rate: 10 MHz\n"), 22 * nm);
  CHECK(fast.energy_j == doctest::Approx(3499.3236 * fJ).epsilon(1e-6).scale(0));
  CHECK(contains(fast.energy_source, "above its 1 GS/s"));
  // Its area is the survey fit (which covers single-slope converters) at that energy.
  CHECK(r4.area_m2 == doctest::Approx(fit_area(4, 10e6, 109.45054 * fJ)).epsilon(1e-4).scale(0));
  // At 32 nm both terms follow the node: 15 x 3.692 fJ + 26 x 8.999495 x 0.65 / 0.861719 fJ.
  const auto r4_32 = models::estimate_adc(block("adc", "class: ramp\nbits: 4\nsample_rate: 10 MHz\n"), 32 * nm);
  CHECK(r4_32.energy_j == doctest::Approx((15 * 3.692 + 26 * 6.788378) * fJ).epsilon(1e-6).scale(0));
  // Count clocks beyond 10 GHz (a decade of the survey's slope above the
  // comparator's 1 GHz) are refused: 8 bits at the default 1.28 GHz would
  // count at 327.68 GHz; 8 bits at 40 MHz count at 10.24 GHz.
  CHECK(contains(first_error("adc", "class: ramp\nbits: 8\n"), "class ramp counts 2^8 steps a conversion"));
  CHECK(contains(first_error("adc", "class: ramp\nbits: 8\nsample_rate: 40 MHz\n"),
                 "test.yaml:3:14: error: class ramp counts 2^8 steps a conversion: at this sample_rate its count "
                 "clock would run at 10.24 GHz"));
  CHECK(first_error("adc", "class: ramp\nbits: 8\nsample_rate: 39 MHz\n").empty());
  // Whatever prices it: a published figure or a figure of merit does not make such a clock possible.
  CHECK(contains(first_error("adc", "class: ramp\nbits: 8\nsample_rate: 40 MHz\nwalden_fom: 10 fJ\n"),
                 "count clock would run at 10.24 GHz"));
  CHECK(contains(first_error("adc", "class: ramp\nbits: 8\nenergy_model: fixed\nenergy_per_conversion: 1 pJ\n"),
                 "count clock would run at 327.68 GHz"));
  CHECK(first_error("adc", "class: ramp\nbits: 8\nsample_rate: 39 MHz\nwalden_fom: 10 fJ\n").empty());
  // Just above the limit the clock is shown with the digits that place it there.
  CHECK(contains(first_error("adc", "class: ramp\nbits: 16\nsample_rate: 152.5879 kHz\n"),
                 "count clock would run at 10.00000061 GHz"));
  // Its own figure of merit takes the survey model instead (below).
  std::string source;
  CHECK(models::class_walden_fom("ramp", source) == 0.0);
  CHECK(contains(source, "class ramp is priced by its comparator's decisions and its counter"));
}

TEST_CASE("adc estimator: flash and ramp converters, priced from an explicit figure of merit at two widths") {
  // Flash, 20 fJ per step at 500 MHz, above the corner: rate factor (5e8 / 1.74173e8)^1.48765
  // = 2.870712^1.48765 = exp(1.48765 x 1.054561) = exp(1.568815) = 4.80098.
  // 3 bits: 20 fJ x 8 x 4.80098 = 768.16 fJ; 6 bits: 20 fJ x 64 x 4.80098 = 6145.25 fJ.
  // Area fit at 22 nm: ln A = 4.850567 + 0.0666585 x ln 5e8 (20.030119) + 0.797324 x ln 22 (3.091042)
  // - 0.134373 b + 0.423657 ln(E / pJ) = 8.650308 - 0.134373 b + 0.423657 ln(E / pJ):
  // 3 bits: 8.650308 - 0.403119 + 0.423657 x -0.263762 (-0.111745) = 8.135444, A = 3413.3 um^2;
  // 6 bits: 8.650308 - 0.806238 + 0.423657 x 1.815680 (0.769225) = 8.613295, A = 5504.4 um^2.
  const std::string flash = "class: flash\nwalden_fom: 20 fJ\nsample_rate: 500 MHz\n";
  const auto f3 = models::estimate_adc(block("adc", flash + "bits: 3\n"), 22 * nm);
  const auto f6 = models::estimate_adc(block("adc", flash + "bits: 6\n"), 22 * nm);
  CHECK(f3.energy_j == doctest::Approx(768.16 * fJ).epsilon(1e-4).scale(0));
  CHECK(f6.energy_j == doctest::Approx(6145.25 * fJ).epsilon(1e-4).scale(0));
  CHECK(f3.area_m2 == doctest::Approx(3413.3 * um2).epsilon(1e-4).scale(0));
  CHECK(f6.area_m2 == doctest::Approx(5504.4 * um2).epsilon(1e-4).scale(0));
  CHECK(contains(f3.energy_source, "survey model (Walden FoM, class flash, 3 bits at 500 MHz)"));
  CHECK(contains(f3.energy_source, "walden_fom 20 fJ (test.yaml:2:13)"));
  // Ramp, 10 fJ per step at 10 MHz, below the corner (factor 1): 4 bits 160 fJ, 8 bits 2.56 pJ.
  // ln A = 4.850567 + 0.0666585 x ln 1e7 (16.118096) + 2.464563 - 0.134373 b + 0.423657 ln(E / pJ)
  // = 8.389548 - 0.134373 b + 0.423657 ln(E / pJ):
  // 4 bits: 8.389548 - 0.537491 + 0.423657 x -1.832581 (-0.776386) = 7.075671, A = 1182.8 um^2;
  // 8 bits: 8.389548 - 1.074982 + 0.423657 x 0.940007 (0.398241) = 7.712807, A = 2236.8 um^2.
  const std::string ramp = "class: ramp\nwalden_fom: 10 fJ\nsample_rate: 10 MHz\n";
  const auto r4 = models::estimate_adc(block("adc", ramp + "bits: 4\n"), 22 * nm);
  const auto r8 = models::estimate_adc(block("adc", ramp + "bits: 8\n"), 22 * nm);
  CHECK(r4.energy_j == doctest::Approx(160 * fJ).epsilon(1e-12).scale(0));
  CHECK(r8.energy_j == doctest::Approx(2.56 * pJ).epsilon(1e-12).scale(0));
  CHECK(r4.area_m2 == doctest::Approx(1182.8 * um2).epsilon(1e-4).scale(0));
  CHECK(r8.area_m2 == doctest::Approx(2236.8 * um2).epsilon(1e-4).scale(0));
  CHECK(contains(r8.energy_source, "class ramp"));
  CHECK(contains(r8.area_source, "survey area fit"));
}

TEST_CASE("driver estimator: a pulse-width driver at two unit pulses, by hand") {
  const auto xbar_1ns = block("crossbar", "rows: 64\ncolumns: 100\nread_voltage: 0.3 V\nread_pulse: 1 ns\n"
                                          "cell: {area: 9 F^2}\n");
  const auto xbar_10ns = block("crossbar", "rows: 64\ncolumns: 100\nread_voltage: 0.3 V\nread_pulse: 10 ns\n"
                                           "cell: {area: 9 F^2}\n");
  const auto input = block("input_driver", "mode: pulse_width\ndac_bits: 4\ndriver_capacitance: 1 fF\n"
                                           "counter_energy_per_level: 5 fJ\nstatic_power: 2 uW\n");
  // Line: 100 columns x 0.2 fF/um x (3 x 22 nm = 0.066 um) + 1 fF = 1.32 + 1 = 2.32 fF; x (0.3 V)^2 = 0.2088 fJ.
  // Expected width of a uniform 4-bit input: (16 - 1)/2 = 7.5 unit pulses; counter 7.5 x 5 fJ = 37.5 fJ.
  // Static: 2 uW x 7.5 ns = 15 fJ at 1 ns; 2 uW x 75 ns = 150 fJ at 10 ns.
  const auto short_pulse = models::estimate_input_drive(input, xbar_1ns, 22 * nm);
  const auto long_pulse = models::estimate_input_drive(input, xbar_10ns, 22 * nm);
  CHECK(short_pulse.line_capacitance_f == doctest::Approx(2.32e-15).epsilon(1e-9).scale(0));
  CHECK(short_pulse.energy_j == doctest::Approx((0.2088 + 37.5 + 15) * fJ).epsilon(1e-9).scale(0));
  CHECK(long_pulse.energy_j == doctest::Approx((0.2088 + 37.5 + 150) * fJ).epsilon(1e-9).scale(0));
  CHECK(contains(short_pulse.source, "word-line load"));
  CHECK(contains(short_pulse.source, "counter_energy_per_level"));
  CHECK(contains(short_pulse.source, "read_pulse: "));  // the static power is held over it
  CHECK(contains(short_pulse.source, "dac_bits: "));    // the levels count the steps and the time
  CHECK(contains(short_pulse.source, "columns: "));     // the line spans the columns
  // Without a static power the read's length does not enter the figure, and is not cited.
  const auto no_hold = block("input_driver", "mode: pulse_width\ndac_bits: 4\ndriver_capacitance: 1 fF\n");
  const auto line_only = models::estimate_input_drive(no_hold, xbar_1ns, 22 * nm);
  CHECK(line_only.energy_j == doctest::Approx(0.2088 * fJ).epsilon(1e-9).scale(0));
  CHECK_FALSE(contains(line_only.source, "read_pulse"));
  CHECK_FALSE(contains(line_only.source, "dac_bits"));

  // A published driver power follows the read it drives: ISAAC's 3.9 uW DAC is 0.39 pJ at
  // ISAAC's 100 ns read and 0.039 pJ at a 10 ns one, no longer a constant for 100 ns.
  const auto isaac = block("input_driver", "energy_model: power\nactive_power: 3.9 uW\n");
  const auto xbar_100 = block("crossbar", "read_pulse: 100 ns\n");
  const auto xbar_10 = block("crossbar", "read_pulse: 10 ns\n");
  CHECK(models::estimate_input_drive(isaac, xbar_100, 22 * nm).energy_j == doctest::Approx(0.39 * pJ).epsilon(1e-12).scale(0));
  CHECK(models::estimate_input_drive(isaac, xbar_10, 22 * nm).energy_j == doctest::Approx(0.039 * pJ).epsilon(1e-12).scale(0));
  CHECK(3.9 * uW * 10 * ns == doctest::Approx(0.039 * pJ).scale(0));
  CHECK(contains(first_error("input_driver", "energy_model: power\n"), "needs active_power"));
  CHECK(models::mean_square_level(1) == doctest::Approx(0.5).scale(0));
  CHECK(models::mean_square_level(3) == doctest::Approx(7.0 / 18.0).scale(0));  // (0 + 1/9 + 4/9 + 1) / 4
}

TEST_CASE("logic scaling: digital units characterized at one node, priced at another") {
  // Stillmaker & Baas energy factors (relative to 45 nm): 22 nm 0.30, 32 nm 0.65, 45 nm 1.0;
  // area 0.25, 0.46, 1.0.
  const std::string tile = "readout:\n  - type: adc\n  - type: shift_add\n    energy_per_op: 0.02 pJ\n"
                           "    area: 60 um^2\n    units: 1\n    reference_node: 32 nm\n"
                           "accumulation: {energy_per_add: 0.1 pJ, area: 100 um^2, reference_node: 45 nm}\n";
  const auto tile_value = block("cim_tile", tile);
  const auto at22 = test_support::registry().price("cim_tile", tile_value, 22 * nm);
  const auto at45 = test_support::registry().price("cim_tile", tile_value, 45 * nm);
  CHECK(at22.actions.at("shift_add").energy_j == doctest::Approx(0.02 * pJ * 0.30 / 0.65).epsilon(1e-12).scale(0));
  CHECK(at45.actions.at("shift_add").energy_j == doctest::Approx(0.02 * pJ * 1.0 / 0.65).epsilon(1e-12).scale(0));
  CHECK(at22.actions.at("partial_sum_add").energy_j == doctest::Approx(0.1 * pJ * 0.30).epsilon(1e-12).scale(0));
  CHECK(at45.actions.at("partial_sum_add").energy_j == doctest::Approx(0.1 * pJ).epsilon(1e-12).scale(0));
  CHECK(contains(at22.actions.at("shift_add").source, "Stillmaker & Baas energy, 32 nm -> 22 nm"));
  CHECK(contains(at22.area_source, "Stillmaker & Baas area, 45 nm -> 22 nm"));

  // A controller at 22 nm placed in a 45 nm chip: energies / 0.30, area / 0.25;
  // at 0.9 V against a 0.8 V reference, energies also x (0.9 / 0.8)^2.
  const auto ctrl = block("controller", "energy_per_command: 6 pJ\nenergy_per_op: 0.009 pJ\narea: 0.05 mm^2\n"
                                        "reference_node: 22 nm\nreference_supply: 0.8 V\nsupply_voltage: 0.9 V\n");
  const auto c45 = test_support::registry().price("controller", ctrl, 45 * nm);
  CHECK(c45.actions.at("command").energy_j == doctest::Approx(6 * pJ / 0.30 * 1.265625).epsilon(1e-12).scale(0));
  CHECK(c45.actions.at("vector_op").energy_j == doctest::Approx(0.009 * pJ / 0.30 * 1.265625).epsilon(1e-12).scale(0));
  CHECK(c45.area_m2 == doctest::Approx(0.05 * mm2 / 0.25).epsilon(1e-12).scale(0));
  // No reference node: the figures are the architecture's, unscaled.
  const auto plain = test_support::registry().price("controller", block("controller", "energy_per_op: 0.009 pJ\n"), 45 * nm);
  CHECK(plain.actions.at("vector_op").energy_j == 0.009 * pJ);
}

TEST_CASE("logic scaling: leakage follows the transistor width and what a um of it leaks at each node") {
  // CACTI 7 itrs-hp devices at 360 K, Vdd (I_off + I_g_on) per um:
  //   22 nm 0.8 V x (4.256e-7 + 1.81e-9) = 3.41928e-7 W/um; 45 nm 1.0 V x (6.42e-7 + 3.59e-8) = 6.779e-7 W/um.
  // Widths scale with the linear shrink: sqrt(Stillmaker & Baas area 1.0 / 0.25) = 2 from 22 to 45 nm.
  const double leak22 = 0.8 * (4.256e-7 + 1.81e-9);
  const double leak45 = 1.0 * (6.42e-7 + 3.59e-8);
  const auto ctrl = block("controller", "leakage: 1 mW\nreference_node: 22 nm\n");
  const auto c45 = test_support::registry().price("controller", ctrl, 45 * nm);
  CHECK(c45.leakage_w == doctest::Approx(1 * mW * 2.0 * leak45 / leak22).epsilon(1e-9).scale(0));
  CHECK(contains(c45.leakage_source, "CACTI 7 tech_params itrs-hp"));
  // At its own node: unscaled. At 0.9 V against 0.8 V: x 0.9 / 0.8 more (the off current held).
  CHECK(test_support::registry().price("controller", ctrl, 22 * nm).leakage_w == 1 * mW);
  const auto hot = block("controller", "leakage: 1 mW\nreference_node: 22 nm\nreference_supply: 0.8 V\nsupply_voltage: 0.9 V\n");
  CHECK(test_support::registry().price("controller", hot, 45 * nm).leakage_w ==
        doctest::Approx(1 * mW * 2.0 * leak45 / leak22 * 0.9 / 0.8).epsilon(1e-9).scale(0));
  // A shift-and-add unit of a tile, characterized at 45 nm, in a 22 nm chip: the inverse.
  // Against the same tile whose units do not leak: 2 units x 10 uW x 0.5 x leak22 / leak45.
  const auto tile = [](const char* leakage) {
    return block("cim_tile", std::string("readout:\n  - type: adc\n  - type: shift_add\n    leakage: ") + leakage +
                                 "\n    units: 2\n    reference_node: 45 nm\n");
  };
  const auto leaky = test_support::registry().price("cim_tile", tile("10 uW"), 22 * nm);
  const auto tight = test_support::registry().price("cim_tile", tile("0 W"), 22 * nm);
  CHECK(leaky.leakage_w - tight.leakage_w == doctest::Approx(2 * 10e-6 * 0.5 * leak22 / leak45).epsilon(1e-6).scale(0));
  CHECK(contains(leaky.leakage_source, "Stillmaker & Baas area factor"));
}

TEST_CASE("cells: a pure crossbar, a 1S1R and a 1T1R cell") {
  const auto pure = models::cell_geometry(block("synapse_cell", "g_min: 1 uS\n"));
  CHECK(pure.area_f2 == 4.0);
  CHECK(pure.width_f == 2.0);
  const auto one_s = models::cell_geometry(block("synapse_cell", "access_device: selector\narea: 6 F^2\n"));
  CHECK(one_s.area_f2 == 6.0);
  CHECK(contains(one_s.source, "1S1R"));
  // 1T1R: 4 F high x a 12 F transistor = 48 F^2, 12 F along the word line.
  const auto one_t = models::cell_geometry(block("synapse_cell", "access_device: transistor\n"));
  CHECK(one_t.area_f2 == 48.0);
  CHECK(one_t.width_f == 12.0);
  const auto narrow = models::cell_geometry(block("synapse_cell", "access_device: transistor\naccess_width: 3\n"));
  CHECK(narrow.area_f2 == 12.0);
  CHECK(contains(first_error("synapse_cell", "access_device: transistor\narea: 4 F^2\n"),
                 "test.yaml:2:7: error: a 1T1R cell's area follows its access transistor"));

  // In a tile at 22 nm: 128 x 128 cells of 48 F^2 = 16384 x 48 x (22 nm)^2 = 0.3806 mm^2 per array;
  // the word line is 12 F per column: 128 x 0.2 fF/um x 0.264 um = 6.758 fF.
  const auto tile = block("cim_tile", "arrays: 1\ncrossbar: {cell: {access_device: transistor}}\nreadout: [{type: adc}]\n");
  const auto p = test_support::registry().price("cim_tile", tile, 22 * nm);
  CHECK(p.figures.at("cell_area_m2") == doctest::Approx(48 * 22e-9 * 22e-9).epsilon(1e-12).scale(0));
  CHECK(p.figures.at("word_line_capacitance_f") == doctest::Approx(6.7584e-15).epsilon(1e-9).scale(0));
  CHECK(contains(p.area_source, "1T1R"));
}

TEST_CASE("crossbar reads follow the data: input and weight densities") {
  // A one-crossbar job, 10 vectors of 8 bit-serial reads on 100 rows x 60 cells.
  const auto tile_value = block("cim_tile", "crossbar: {cell: {g_min: 2 uS, g_max: 102 uS}}\nreadout: [{type: adc}]\n");
  auto tile = models::read_cim_tile_params(tile_value, test_support::registry().readout_stages());
  models::tile_job job;
  job.crossbars = 1;
  job.outputs = 60;
  job.vectors = 10;
  job.active_rows = 100;
  job.active_columns = 60;
  job.active_cells = 100 * 60;
  job.max_columns_per_crossbar = 60;
  job.mapping.reads_per_vector = 8;
  job.mapping.read_time_s = 10 * ns;
  const double full = 10.0 * 8 * 100 * 60;  // every bit 1, cells at G_mean

  job.input_density = 1.0;
  job.weight_density = 0.5;
  auto cost = models::cost_tile_job(tile, job);
  CHECK(cost.actions.at("cell_read") == doctest::Approx(full).scale(0));
  CHECK(cost.actions.at("input_drive") == doctest::Approx(10.0 * 8 * 100).scale(0));
  // A quarter of the bits are 1: a quarter of the rows driven, a quarter of the cell current.
  // Weights at density 0.2: G = 2 + 0.2 x 100 = 22 uS against G_mean 52 uS.
  job.input_density = 0.25;
  job.weight_density = 0.2;
  cost = models::cost_tile_job(tile, job);
  CHECK(cost.actions.at("cell_read") == doctest::Approx(full * 0.25 * 22.0 / 52.0).scale(0));
  CHECK(cost.actions.at("input_drive") == doctest::Approx(10.0 * 8 * 100 * 0.25).scale(0));
  // Pulse widths: the price holds the uniform input's half window, so density 0.25 is half of it.
  tile.input = models::input_mode::pulse_width;
  job.mapping.reads_per_vector = 1;
  job.weight_density = 0.5;
  cost = models::cost_tile_job(tile, job);
  CHECK(cost.actions.at("cell_read") == doctest::Approx(10.0 * 100 * 60 * 0.5).scale(0));
  CHECK(cost.actions.at("input_drive") == doctest::Approx(10.0 * 100 * 0.5).scale(0));
}

#include "models/adc_estimator.hpp"

#include <algorithm>
#include <cmath>

#include "dsl/units.hpp"
#include "models/cacti_table.hpp"
#include "models/memory_technology.hpp"
#include "models/pricing_support.hpp"

namespace mottsim::models {

using dsl::dimension;

double survey_corner_frequency() {
  return std::exp((survey_foms_intercept_db - survey_foms_flat_db) / survey_foms_slope_db);
}

double survey_rate_exponent() { return survey_foms_slope_db * std::log(10.0) / 10.0; }

double survey_rate_factor(double rate_hz) {
  return std::pow(std::max(1.0, rate_hz / survey_corner_frequency()), survey_rate_exponent());
}

namespace {

// The survey's median Walden FoM of 6-8-bit SAR converters at 0.5-2 GS/s
// (configs/tech/converters.yaml, adc_sar_survey), taken at 1 GS/s.
constexpr double sar_median_fom_j = 41e-15;
constexpr double sar_median_rate_hz = 1e9;

// Area regression coefficients (see the header).
constexpr double area_intercept = 4.850567073004403;
constexpr double area_per_ln_rate = 0.06665851895885958;
constexpr double area_per_ln_node = 0.797323960429599;
constexpr double area_per_bit = -0.13437278622014803;
constexpr double area_per_ln_energy = 0.4236571760437834;

std::string bits_text(long long b) { return std::to_string(b) + " bits"; }

std::string rate_text() {
  return "max(1, f / " + show(survey_corner_frequency(), dimension::frequency) + ")^" + show(survey_rate_exponent());
}

}  // namespace

// DNN+NeuroSim V1.3, MultilevelSenseAmp::GetColumnPower, voltage mode, LP
// devices: the power per output level, uW, drawn for the 1 ns sensing
// (readDynamicEnergy = P_Col x 1e-9): fJ per comparator per conversion.
constexpr double flash_nodes_nm[] = {7, 10, 14, 22, 32, 45, 65, 90, 130};
constexpr double flash_comparator_fj[] = {0.4211, 0.6917, 1.126, 1.866, 3.692, 7.062, 10.18, 14.42, 23.4};
constexpr int flash_points = sizeof(flash_nodes_nm) / sizeof(flash_nodes_nm[0]);

double ramp_count_clock(long long bits, double rate_hz) { return std::ldexp(rate_hz, static_cast<int>(bits)); }

double ramp_counter_flips(long long bits) {
  // Bit k of a binary counter flips floor((2^b - 1) / 2^k) = 2^(b-k) - 1 times
  // on the way from 0 to 2^b - 1.
  return std::ldexp(1.0, static_cast<int>(bits) + 1) - static_cast<double>(bits) - 2.0;
}

double flash_comparator_energy(double node_m, std::string& source) {
  // Nodes compared to a hundredth of a nanometre: 22e-9 x 1e9 is not exactly 22.
  const double nm = std::round(node_m * 1e11) / 100.0;
  const double fj = loglog_interpolate(flash_nodes_nm, flash_comparator_fj, flash_points, nm);
  bool tabulated = false;
  for (double n : flash_nodes_nm) tabulated |= nm == n;
  const bool outside = nm < flash_nodes_nm[0] || nm > flash_nodes_nm[flash_points - 1];
  const std::string how = tabulated ? ""
                          : outside ? ", extrapolated log-log from its end nodes (it gives 7 to 130 nm)"
                                    : ", log-log between its nodes";
  source = "a comparator's sensing per level, " + show(fj * 1e-15, dimension::energy) + " at " +
           show(node_m, dimension::length) + " (DNN+NeuroSim V1.3 multilevel sense amplifier, voltage mode, LP " +
           "devices, Peng 2019" + how + ")";
  return fj * 1e-15;
}

double class_walden_fom(const std::string& adc_class, std::string& source) {
  if (adc_class == "sar") {
    const double fom = sar_median_fom_j / survey_rate_factor(sar_median_rate_hz);
    source = "class sar: the survey's median Walden FoM of 6-8-bit, 0.5-2 GS/s SAR ADCs, 41 fJ at 1 GHz (Murmann "
             "survey), referred below the envelope's corner: 41 fJ / (1 GHz / " +
             show(survey_corner_frequency(), dimension::frequency) + ")^" + show(survey_rate_exponent()) + " = " +
             show(fom, dimension::energy);
    return fom;
  }
  source = adc_class == "flash"  ? "class flash is priced per comparator, not by a figure of merit"
           : adc_class == "ramp" ? "class ramp is priced by its comparator's decisions and its counter, not by a "
                                   "figure of merit"
                                 : "class " + adc_class + " has no default figure of merit: walden_fom is required";
  return 0.0;
}

double survey_area_m2(long long bits, double rate_hz, double node_m, double energy_j) {
  const double ln_um2 = area_intercept + area_per_ln_rate * std::log(rate_hz) +
                        area_per_ln_node * std::log(node_m * 1e9) + area_per_bit * static_cast<double>(bits) +
                        area_per_ln_energy * std::log(energy_j * 1e12);
  return std::exp(ln_um2) * 1e-12;
}

adc_estimate estimate_adc(const dsl::block_value& adc, double node_m) {
  adc_estimate out;
  const long long bits = adc.integer("bits");
  const double rate = adc.quantity("sample_rate");
  const std::string& model = adc.text("energy_model");
  const std::string& adc_class = adc.text("class");
  // The point at which a paper's energy and area were published; without one,
  // they are taken as given at the converter's own bits and rate.
  const long long pub_bits = adc.has("published_bits") ? adc.integer("published_bits") : bits;
  const double pub_rate = adc.has("published_sample_rate") ? adc.quantity("published_sample_rate") : rate;
  const bool at_published = pub_bits == bits && pub_rate == rate;
  const std::string point = bits_text(bits) + " at " + show(rate, dimension::frequency);
  const std::string pub_point = bits_text(pub_bits) + " at " + show(pub_rate, dimension::frequency);

  // Energy per conversion at (b, f) as the chosen model prices it.
  double fom = 0.0;
  std::string fom_source;
  if (model == "survey" || model == "walden") {
    if (adc.has("walden_fom")) {
      fom = adc.quantity("walden_fom");
      fom_source = "walden_fom " + show(fom, dimension::energy) + " (" + origin(adc, "walden_fom") + ")";
    } else {
      fom = class_walden_fom(adc_class, fom_source);
    }
  }
  // A flash converter without a figure of merit of its own: its comparators.
  const bool comparators = model == "survey" && adc_class == "flash" && !adc.has("walden_fom");
  std::string comparator_source;
  const double per_comparator = comparators ? flash_comparator_energy(node_m, comparator_source) : 0.0;
  auto flash_rate_factor = [](double f) {
    return survey_rate_factor(std::max(f, flash_characterized_rate_hz)) / survey_rate_factor(flash_characterized_rate_hz);
  };
  // A ramp converter without a figure of merit of its own: one comparator
  // deciding at each of the ramp's steps, and the column's counter.
  const bool ramp_count = model == "survey" && adc_class == "ramp" && !adc.has("walden_fom");
  std::string ramp_comparator_source;
  const double ramp_comparator = ramp_count ? flash_comparator_energy(node_m, ramp_comparator_source) : 0.0;
  const register_bit counter_bit = ramp_count ? register_bit_at(node_m) : register_bit{};
  const bool flat = model == "walden";  // a figure of merit stated for this rate: no rate dependence
  auto energy_at = [&](long long b, double f) {
    if (comparators) return per_comparator * (std::ldexp(1.0, static_cast<int>(b)) - 1.0) * flash_rate_factor(f);
    if (ramp_count)
      return ramp_comparator * (std::ldexp(1.0, static_cast<int>(b)) - 1.0) *
                 flash_rate_factor(ramp_count_clock(b, f)) +
             ramp_counter_flips(b) * counter_bit.energy_j;
    return fom * std::ldexp(1.0, static_cast<int>(b)) * (flat ? 1.0 : survey_rate_factor(f));
  };

  double pub_energy = 0.0;  // the energy at the published point, for area scaling
  if (model == "fixed") {
    pub_energy = adc.quantity("energy_per_conversion");
    const std::string given = "energy_per_conversion " + show(pub_energy, dimension::energy) + " published at " +
                              pub_point + " " + cited({{adc, "energy_per_conversion"}});
    if (at_published) {
      out.energy_j = pub_energy;
      out.energy_source = "published figure (class " + adc_class + "), used at its own point: " + given;
    } else {
      const double scale = std::ldexp(1.0, static_cast<int>(bits - pub_bits)) * survey_rate_factor(rate) /
                           survey_rate_factor(pub_rate);
      out.energy_j = pub_energy * scale;
      out.energy_source = "survey model (Walden, class " + adc_class + ") scaling the published point to " + point +
                          ": " + given + " x 2^(" + std::to_string(bits) + " - " + std::to_string(pub_bits) +
                          ") x the rate factor " + rate_text() + " at " + show(rate, dimension::frequency) +
                          " over that at " + show(pub_rate, dimension::frequency) + " = x" + show(scale);
    }
  } else if (model == "walden") {
    out.energy_j = energy_at(bits, rate);
    pub_energy = energy_at(pub_bits, pub_rate);
    out.energy_source = "Walden FoM x 2^bits (class " + adc_class + ", no rate dependence) = " + fom_source +
                        " x 2^" + std::to_string(bits) + " " + cited({{adc, "bits"}});
  } else if (comparators) {
    out.energy_j = energy_at(bits, rate);
    pub_energy = energy_at(pub_bits, pub_rate);
    out.energy_source = "flash comparators (class flash, " + point + "): (2^" + std::to_string(bits) + " - 1) x " +
                        comparator_source;
    if (rate > flash_characterized_rate_hz)
      out.energy_source += " x (f / 1 GHz)^" + show(survey_rate_exponent()) + " above its 1 GS/s = x" +
                           show(flash_rate_factor(rate));
    out.energy_source += " " + cited({{adc, "bits"}, {adc, "sample_rate"}});
  } else if (ramp_count) {
    out.energy_j = energy_at(bits, rate);
    pub_energy = energy_at(pub_bits, pub_rate);
    const double clock = ramp_count_clock(bits, rate);
    out.energy_source = "ramp comparator and counter (class ramp, " + point + ", a count clock of 2^" +
                        std::to_string(bits) + " x " + show(rate, dimension::frequency) + " = " +
                        show(clock, dimension::frequency) + "): (2^" + std::to_string(bits) +
                        " - 1) decisions of one comparator x " + ramp_comparator_source;
    if (clock > flash_characterized_rate_hz)
      out.energy_source += " x (f_clock / 1 GHz)^" + show(survey_rate_exponent()) + " above its 1 GS/s = x" +
                           show(flash_rate_factor(clock));
    out.energy_source += ", plus a binary counter's " + show(ramp_counter_flips(bits)) + " bit flips (2^" +
                         std::to_string(bits + 1) + " - " + std::to_string(bits) + " - 2) x " +
                         show(counter_bit.energy_j, dimension::energy) + " a flip (" + counter_bit.source + ") " +
                         cited({{adc, "bits"}, {adc, "sample_rate"}});
  } else {
    out.energy_j = energy_at(bits, rate);
    pub_energy = energy_at(pub_bits, pub_rate);
    out.energy_source = "survey model (Walden FoM, class " + adc_class + ", " + point + "): FoM_W x 2^bits x " +
                        rate_text() + " = " + show(fom, dimension::energy) + " x 2^" + std::to_string(bits) + " x " +
                        show(survey_rate_factor(rate)) + "; FoM_W: " + fom_source + " " +
                        cited({{adc, "bits"}, {adc, "sample_rate"}});
  }

  const std::string fit = "survey area fit (Andrulis 2024) at " + point + ", " + show(node_m, dimension::length) +
                          ", " + show(out.energy_j, dimension::energy) + " per conversion";
  if (adc.has("area")) {
    const double given = adc.quantity("area");
    if (at_published) {
      out.area_m2 = given;
      out.area_source = origin(adc, "area");
    } else {
      const double scale = survey_area_m2(bits, rate, node_m, out.energy_j) /
                           survey_area_m2(pub_bits, pub_rate, node_m, pub_energy);
      out.area_m2 = given * scale;
      out.area_source = "area " + show_area(given) + " published at " + pub_point + " (" + origin(adc, "area") +
                        ") x the " + fit + " over the fit at the published point = x" + show(scale);
    }
  } else {
    out.area_m2 = survey_area_m2(bits, rate, node_m, out.energy_j);
    out.area_source = fit;
  }
  return out;
}

}  // namespace mottsim::models

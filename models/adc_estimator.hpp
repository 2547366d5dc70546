#pragma once
#include <string>

#include "dsl/block_value.hpp"

// Energy per conversion and area of one ADC, from its class, resolution and
// rate (docs/modelling.md, "ADCs"). Pure: no SystemC.
namespace mottsim::models {

// The envelope of B. Murmann's ADC Performance Survey as fitted by the CiMLoop
// ADC model (Andrulis 2024): the Schreier figure of merit of the best converters
// is flat, 180.14 dB, up to a corner frequency and falls by 6.4608 dB per e-fold
// of the sample rate above it (302.7387 - 6.4608 ln f). At a fixed resolution
// the energy per conversion therefore grows as (f / f_corner)^k above the corner.
inline constexpr double survey_foms_flat_db = 180.14159078904734;
inline constexpr double survey_foms_intercept_db = 302.7387019052544;
inline constexpr double survey_foms_slope_db = 6.460790934271676;  // per unit of ln(f / Hz)
double survey_corner_frequency();  // e^((302.7387 - 180.1416) / 6.4608) = 174 MHz
double survey_rate_exponent();     // 6.4608 ln(10) / 10 = 1.488

// How much worse the energy per conversion step is at `rate` than below the
// corner: max(1, rate / f_corner)^k.
double survey_rate_factor(double rate_hz);

// The class default of the Walden figure of merit below the corner, J per
// conversion step, or 0 when the class has none as a figure of merit (flash
// and ramp have laws of their own, below). `source` says where it
// came from.
double class_walden_fom(const std::string& adc_class, std::string& source);

// Class flash: a bank of 2^bits - 1 comparators (sense amplifiers), each
// taking the energy of one sensing per conversion, as DNN+NeuroSim V1.3 models
// its multilevel sense amplifier (Peng 2019; MultilevelSenseAmp.cpp, voltage
// mode, low-power devices): c(node) per level over a 1 ns sensing, from
// 0.4211 uW at 7 nm to 23.4 uW at 130 nm, log-log between its nodes. Rate-
// independent up to its 1 GS/s; faster, it rises by the survey envelope's
// slope from 1 GHz. The column's read current, NeuroSim's other term, is the
// crossbar's read energy here.
double flash_comparator_energy(double node_m, std::string& source);
inline constexpr double flash_characterized_rate_hz = 1e9;

// Class ramp (single slope): one comparator per converter watches the ramp
// step through its 2^bits levels while a binary counter counts them, so a
// conversion takes 2^bits periods of a count clock of 2^bits x the sample
// rate. Its energy is 2^bits - 1 decisions of the same comparator as class
// flash (rising above 1 GHz of count clock as flash does above 1 GS/s) plus
// the counter's bit flips on the way from 0 to 2^bits - 1, 2^(bits+1) - bits
// - 2 of them, each a register bit's write at the node
// (models/memory_technology.hpp). The ramp generator, shared by many columns,
// is not counted.
double ramp_count_clock(long long bits, double rate_hz);
// The fastest count clock the model prices: the comparator's characterized
// 1 GHz and one decade of the survey's slope above it (validation refuses more).
inline constexpr double max_ramp_count_clock_hz = 10e9;
double ramp_counter_flips(long long bits);

// The survey's area regression (Andrulis 2024, fitted to the survey's SAR, flash
// and single-slope converters, intercept at the 10th percentile of its
// residuals): ln(A / um^2) = 4.8506 + 0.066659 ln(f / Hz) + 0.79732 ln(node / nm)
// - 0.13437 bits + 0.42366 ln(E / pJ).
double survey_area_m2(long long bits, double rate_hz, double node_m, double energy_j);

struct adc_estimate {
  double energy_j = 0.0;
  std::string energy_source;
  double area_m2 = 0.0;
  std::string area_source;
};

// One ADC of a validated `adc` block at the architecture's node.
adc_estimate estimate_adc(const dsl::block_value& adc, double node_m);

}  // namespace mottsim::models

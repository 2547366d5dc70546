#include <cmath>
#include <cstdio>

#include "dsl/block_value.hpp"
#include "dsl/diagnostics.hpp"
#include "dsl/units.hpp"
#include "models/adc_estimator.hpp"
#include "models/mott_neuron_energy.hpp"
#include "models/logic_scaling.hpp"
#include "models/readout_chain.hpp"
#include "models/schemas.hpp"

namespace mottsim::models {

using dsl::dimension;
using dsl::schema_builder;

schema_ptr synapse_cell_schema() {
  static const schema_ptr s =
      schema_builder("synapse_cell", "resistive memory cell storing a weight slice as a conductance level")
          .quantity("g_min", dimension::conductance, "1 uS", "lowest programmable conductance (off state)")
          .above(0)
          .quantity("g_max", dimension::conductance, "100 uS", "highest programmable conductance (on state)")
          .above(0)
          .integer("levels", "16", "distinct conductance levels the device can be programmed to")
          .range(2, 65536)
          .integer("bits_per_cell", "2", "weight bits stored per cell; needs 2^bits <= levels")
          .range(1, 16)
          .quantity("area", dimension::feature_area, "4 F^2",
                    "cell area in F^2 at the architecture's node (a pure crossbar or 1S1R cell; a 1T1R cell's area "
                    "follows its access transistor)")
          .above(0)
          .choice("access_device", {"none", "selector", "transistor"}, "none",
                  "none: a pure crossbar cell (4 F^2 at best); selector: 1S1R, a two-terminal selector stacked on the "
                  "cell, the same footprint; transistor: 1T1R, 4 F high x access_width (DNN+NeuroSim's layout)")
          .number("access_width", "12",
                  "transistor: the access transistor's width in F, which sets the 1T1R cell's width (DNN+NeuroSim's "
                  "1T1R cell is 4 F x 12 F)")
          .range(1, 1000)
          .quantity("read_energy", dimension::energy, std::nullopt,
                    "energy per cell read (default: V_read^2 x G_mean x t_read from the crossbar)")
          .optional()
          .quantity("write_energy", dimension::energy, "10 pJ", "energy to program one cell (one SET/RESET with verify)")
          .at_least(0)
          .quantity("write_time", dimension::time, "100 ns", "time to program one cell; rows program in parallel")
          .above(0)
          .number("programming_sigma", "5 %",
                  "programming variation: sigma relative to (g_max - g_min), or to the target conductance "
                  "(see programming_noise)")
          .range(0, 1)
          .choice("programming_noise", {"absolute", "proportional"}, "proportional",
                  "absolute: every level gets sigma = programming_sigma x (g_max - g_min); proportional: sigma = "
                  "programming_sigma x the level's target conductance (sigma/mu, as device-to-device spreads are "
                  "quoted, and as DNN+NeuroSim V1.3 draws each cell's variation), so cells near g_min scatter little")
          .number("read_noise_sigma", "1 %", "cycle-to-cycle read noise, sigma relative to the cell conductance")
          .range(0, 1)
          .number("stuck_on_rate", "0", "fraction of cells stuck at g_max")
          .range(0, 1)
          .number("stuck_off_rate", "0", "fraction of cells stuck at g_min")
          .range(0, 1)
          .check([](const dsl::block_value& v, dsl::diagnostics& errors) {
            const long long bits = v.integer("bits_per_cell");
            const long long levels = v.integer("levels");
            if (bits < 62 && (1LL << bits) > levels)
              errors.error(v.at("bits_per_cell").where,
                           "bits_per_cell " + std::to_string(bits) + " needs " + std::to_string(1LL << bits) +
                               " conductance levels, but the cell has only " + std::to_string(levels));
            if (v.text("access_device") == "transistor" && !v.at("area").from_default)
              errors.error(v.at("area").where, "a 1T1R cell's area follows its access transistor (4 F x "
                                               "access_width): remove area, or set access_width");
            if (v.quantity("g_min") >= v.quantity("g_max"))
              errors.error(v.at("g_min").where, "g_min must be below g_max");
            if (v.number("stuck_on_rate") + v.number("stuck_off_rate") > 1)
              errors.error(v.at("stuck_on_rate").where, "stuck_on_rate + stuck_off_rate exceeds 1");
          })
          .build();
  return s;
}

schema_ptr crossbar_schema() {
  static const schema_ptr s =
      schema_builder("crossbar", "R x C array of synapse cells computing a matrix-vector product in one read")
          .integer("rows", "128", "word lines (inputs)")
          .range(1, 65536)
          .integer("columns", "128", "bit lines (outputs)")
          .range(1, 65536)
          .block("cell", synapse_cell_schema(), "the synapse device")
          .quantity("read_voltage", dimension::voltage, "0.2 V", "read pulse amplitude on a word line")
          .above(0)
          .quantity("read_pulse", dimension::time, "10 ns", "read pulse width: the analog MVM time")
          .above(0)
          .choice("signed_weights", {"differential", "offset"}, "differential",
                  "signed weights as a (+,-) column pair, or one column plus a shared offset column")
          .quantity("area_overhead", dimension::area, "0 um^2", "per-array peripheral area not modelled elsewhere")
          .at_least(0)
          .build();
  return s;
}

schema_ptr input_driver_schema() {
  static const schema_ptr s =
      schema_builder("input_driver", "word-line drivers turning activations into read pulses")
          .choice("mode", {"bit_serial", "dac", "pulse_width"}, "bit_serial",
                  "1-bit drivers, one input bit per read; b-bit DACs; or pulse-width encoding in one read")
          .integer("dac_bits", "1", "bits resolved per read (mode dac); bit_serial uses 1")
          .range(1, 16)
          .choice("energy_model", {"load", "power"}, "load",
                  "load: the word line it charges, C_line x V_read^2 per drive (a DAC: x the mean square of its "
                  "level), plus a pulse-width driver's counter and any static power while it holds the line; power: "
                  "active_power over the time it drives")
          .quantity("wire_capacitance_per_um", dimension::capacitance, "0.2 fF",
                    "capacitance of one um of word line (NeuroSim's wire model, 0.2 fF/um); the line is one cell "
                    "pitch per column")
          .at_least(0)
          .quantity("driver_capacitance", dimension::capacitance, "0 F",
                    "the driver's own output capacitance, charged with its line")
          .at_least(0)
          .quantity("counter_energy_per_level", dimension::energy, "0 J",
                    "pulse_width: energy of the row's counter per level it counts while the pulse lasts")
          .at_least(0)
          .quantity("static_power", dimension::power, "0 W",
                    "power the driver itself draws while it holds its line (the current through the cells is the "
                    "crossbar's read energy, not the driver's)")
          .at_least(0)
          .quantity("active_power", dimension::power, std::nullopt,
                    "power: a published power of one driver while it drives, charged over the read pulse (or the "
                    "expected pulse width)")
          .optional()
          .at_least(0)
          .quantity("area", dimension::area, "0.17 um^2", "area of one 1-bit driver")
          .at_least(0)
          .quantity("leakage", dimension::power, "0 W", "static power of one driver")
          .at_least(0)
          .number("full_scale", "1", "activation value mapped to the full read voltage (functional mode)")
          .above(0)
          .check([](const dsl::block_value& v, dsl::diagnostics& errors) {
            if (v.text("energy_model") == "power" && !v.has("active_power"))
              errors.error(v.at("energy_model").where, "energy_model power needs active_power (a driver's published "
                                                       "power while it drives)");
          })
          .build();
  return s;
}

schema_ptr adc_schema() {
  static const schema_ptr s =
      schema_builder("adc", "analog-to-digital converter shared by a group of columns")
          .integer("bits", "8", "resolution")
          .range(1, 16)
          .integer("columns_per_adc", "128", "columns time-multiplexed onto one ADC; a value at or above the array's columns means one ADC per "
                   "array")
          .range(1, 65536)
          .quantity("sample_rate", dimension::frequency, "1.28 GHz", "conversions per second")
          .above(0)
          .choice("class", {"sar", "flash", "ramp"}, "sar",
                  "converter class: successive approximation, flash, or ramp (single slope / sense amplifier, as "
                  "CIM macros use); in the survey model it chooses the default: sar the survey's median figure of "
                  "merit, flash 2^bits - 1 comparators of DNN+NeuroSim's sense amplifier at the node, ramp 2^bits - 1 "
                  "decisions of that comparator plus a binary counter's bit flips at the node")
          .choice("energy_model", {"survey", "walden", "fixed"}, "survey",
                  "survey: FoM_W x 2^bits x max(1, sample_rate / 174 MHz)^1.488, the Murmann survey's envelope, FoM_W "
                  "the class default or walden_fom (class flash without walden_fom: 2^bits - 1 comparators at the "
                  "node, flat up to 1 GS/s, x (f / 1 GHz)^1.488 above; class ramp without walden_fom: as many "
                  "decisions of one comparator at a count clock of 2^bits x sample_rate, up to 10 GHz, plus its "
                  "counter's bit flips); walden: walden_fom x 2^bits at any rate; fixed: "
                  "energy_per_conversion as published at published_bits and published_sample_rate, scaled by the "
                  "survey model to bits and sample_rate")
          .quantity("walden_fom", dimension::energy, std::nullopt,
                    "Walden figure of merit, energy per conversion step (survey: below the corner frequency; "
                    "default: the class's)")
          .optional()
          .at_least(0)
          .quantity("energy_per_conversion", dimension::energy, std::nullopt,
                    "fixed: a published energy per conversion, at published_bits and published_sample_rate")
          .optional()
          .at_least(0)
          .integer("published_bits", std::nullopt,
                   "resolution at which energy_per_conversion and area were published (default: bits)")
          .optional()
          .range(1, 16)
          .quantity("published_sample_rate", dimension::frequency, std::nullopt,
                    "sample rate at which energy_per_conversion and area were published (default: sample_rate)")
          .optional()
          .above(0)
          .quantity("area", dimension::area, std::nullopt,
                    "area of one ADC as published (at published_bits and published_sample_rate; scaled by the survey "
                    "area fit when bits or sample_rate differ); default: the survey area fit")
          .optional()
          .at_least(0)
          .quantity("leakage", dimension::power, "0 W", "static power of one ADC")
          .at_least(0)
          .number("full_scale", "1", "input mapped to the top code, relative to the largest column sum (functional)")
          .above(0)
          .choice("code_spacing", {"uniform", "neuron_input"}, "uniform",
                  "uniform reference levels, or (an ADC after a mott_neuron) levels placed on the nominal neuron's "
                  "curve at evenly spaced inputs, so codes count the neuron's input: the ReLU the network expects")
          .check([](const dsl::block_value& v, dsl::diagnostics& errors) {
            const std::string& model = v.text("energy_model");
            if (model == "fixed" && !v.has("energy_per_conversion"))
              errors.error(v.at("energy_model").where,
                           "energy_model fixed needs energy_per_conversion (a published figure, with published_bits "
                           "and published_sample_rate where it was measured)");
            if (model == "walden" && !v.has("walden_fom"))
              errors.error(v.at("energy_model").where, "energy_model walden needs walden_fom");
            // A figure the chosen model never reads would silently change nothing.
            if (model == "fixed" && v.has("walden_fom"))
              errors.error(v.at("walden_fom").where,
                           "walden_fom has no effect with energy_model fixed, which prices energy_per_conversion: "
                           "drop it, or use energy_model survey or walden");
            // A ramp converter counts 2^bits steps a conversion. Its comparator
            // is characterized at 1 GHz and priced by the survey's slope above
            // it; beyond a decade of that, the extrapolation is not a model.
            // Whatever prices it: a ramp converter counting faster than that is
            // not one mottsim models (a published figure or walden_fom too).
            if (v.text("class") == "ramp") {
              const double clock = ramp_count_clock(v.integer("bits"), v.quantity("sample_rate"));
              if (clock > max_ramp_count_clock_hz) {
                char hz[32];
                std::snprintf(hz, sizeof hz, "%.10g GHz", clock / 1e9);  // digits enough to place it against the limit
                errors.error(v.has("sample_rate") ? v.at("sample_rate").where : v.at("class").where,
                             "class ramp counts 2^" + std::to_string(v.integer("bits")) +
                                 " steps a conversion: at this sample_rate its count clock would run at " + hz +
                                 ", and mottsim models count clocks up to " +
                                 dsl::format_quantity(max_ramp_count_clock_hz, dimension::frequency) +
                                 " (its comparator's 1 GHz and a decade of the survey's slope): give a lower "
                                 "sample_rate or fewer bits, or use class sar or flash");
              }
            }
          })
          .build();
  return s;
}

schema_ptr shift_add_schema() {
  static const schema_ptr s =
      logic_scaling_params(schema_builder("shift_add", "shift-and-add merging bit slices and input bits into a partial sum")
          .quantity("energy_per_op", dimension::energy, "0.02 pJ", "energy of one shift-and-add")
          .at_least(0)
          .quantity("area", dimension::area, "60 um^2", "area of one unit")
          .at_least(0)
          .integer("units", "4", "units per tile working in parallel")
          .range(1, 65536)
          .quantity("leakage", dimension::power, "0 W", "static power of one unit")
          .at_least(0)
          ).build();
  return s;
}

schema_ptr digital_activation_schema() {
  static const schema_ptr s =
      logic_scaling_params(schema_builder("digital_activation", "digital activation function (ReLU) on converted values")
          .choice("function", {"relu", "none"}, "relu", "function applied")
          .quantity("energy_per_op", dimension::energy, "0.009 pJ", "energy per 8-bit activation")
          .at_least(0)
          .quantity("area", dimension::area, "10 um^2", "area per unit")
          .at_least(0)
          .integer("units", "8", "units per tile working in parallel")
          .range(1, 65536)
          ).build();
  return s;
}

schema_ptr gain_stage_schema() {
  static const schema_ptr s =
      schema_builder("gain_stage",
                     "amplifier turning a thermal Mott neuron's column current into its heater current: a "
                     "transimpedance front end holding the column at virtual ground, and an output current source "
                     "on the heater rail that also carries the bias")
          .quantity("quiescent_power", dimension::power, "72 uW",
                    "static power while the stage drives a read (it is switched off between reads)")
          .at_least(0)
          .quantity("bandwidth", dimension::frequency, "100 MHz",
                    "-3 dB bandwidth; the heater current settles to 1 % in ln(100)/(2 pi f), which each read waits "
                    "for before its pulse")
          .above(0)
          .quantity("output_headroom", dimension::voltage, "0.2 V",
                    "voltage the output current source needs across itself to stay a current source")
          .at_least(0)
          .quantity("supply_voltage", dimension::voltage, std::nullopt,
                    "heater rail (default: the lowest that reaches full scale, (bias_current + full_scale_current) x "
                    "heater_resistance + output_headroom)")
          .optional()
          .above(0)
          .quantity("area", dimension::area, "100 um^2", "area of one stage (one per neuron)")
          .at_least(0)
          .number("noise", "0.1 %", "output noise over its bandwidth, rms relative to the neuron's full-scale input; "
                                    "drawn afresh at every read (functional mode)")
          .range(0, 1)
          .number("offset_sigma", "0.5 %",
                  "input offset of each stage, sigma relative to the neuron's full-scale input (functional mode)")
          .range(0, 1)
          .build();
  return s;
}

namespace {

// A thermal neuron derives its energy and its recovery from the device model, so
// a constant for either would be a second, contradicting source of truth.
void check_thermal_constants(const dsl::block_value& v, dsl::diagnostics& errors) {
  const thermal_neuron_cost c = thermal_neuron_costs(v);
  if (v.has("energy_per_activation"))
    errors.error(v.at("energy_per_activation").where,
                 "a thermal mott_neuron derives its energy from its heater model (" +
                     dsl::format_quantity(c.total_j(), dimension::energy) +
                     " per activation here: heater " + dsl::format_quantity(c.heater_j, dimension::energy) +
                     ", read " + dsl::format_quantity(c.read_j, dimension::energy) + ", gain stage " +
                     dsl::format_quantity(c.gain_stage_j, dimension::energy) + ", bias source " +
                     dsl::format_quantity(c.bias_source_j, dimension::energy) +
                     "); remove energy_per_activation, or choose model ideal or table to give the energy as a "
                     "parameter");
  if (v.has("recovery_time"))
    errors.error(v.at("recovery_time").where,
                 "a thermal mott_neuron derives its recovery from cooling (" +
                     dsl::format_quantity(c.cooling_s, dimension::time) +
                     " here, to within cooling_tolerance of ambient); remove recovery_time, or set cooling_tolerance");
  const dsl::block_value& stage = v.block("gain_stage");
  if (stage.has("supply_voltage") && c.supply_v < c.minimum_supply_v)
    errors.error(stage.at("supply_voltage").where,
                 "the heater rail " + dsl::format_quantity(c.supply_v, dimension::voltage) +
                     " cannot drive the full-scale heater current: it needs (bias_current + full_scale_current) x "
                     "heater_resistance + output_headroom = " +
                     dsl::format_quantity(c.minimum_supply_v, dimension::voltage));
}

}  // namespace

schema_ptr mott_neuron_schema() {
  static const schema_ptr s =
      schema_builder("mott_neuron",
                     "VO2 Mott activation neuron: a heater driven by the column current gives an analog ReLU")
          .choice("model", {"ideal", "table", "thermal"}, "thermal",
                  "transfer curve: ideal ReLU, a measured table, or the heater + VO2 thermal model")
          .integer("columns_per_neuron", "1", "columns sharing one neuron (time-multiplexed)")
          .range(1, 65536)
          .quantity("energy_per_activation", dimension::energy, std::nullopt,
                    "ideal and table: energy of one activation (device, drive and bias), required; thermal derives "
                    "it from the heater model and refuses a constant")
          .optional()
          .at_least(0)
          .quantity("recovery_time", dimension::time, std::nullopt,
                    "ideal and table: time after a read before the next may start (default 0 s); thermal derives it "
                    "from cooling and refuses a constant")
          .optional()
          .at_least(0)
          .quantity("settling_time", dimension::time, "200 ns",
                    "time for the output to settle after the input is applied (thermal: the heater pulse, read at "
                    "its end)")
          .above(0)
          .quantity("area", dimension::area, "1 um^2", "area of one neuron (device and heater)")
          .at_least(0)
          .quantity("leakage", dimension::power, "0 W", "static power of one neuron")
          .at_least(0)
          // ideal
          .number("gain", "1", "ideal: output per unit input above threshold")
          .above(0)
          .number("threshold", "0", "ideal: input below which the output is zero (relative to full scale)")
          .range(-1, 1)
          .number("saturation", "1", "ideal: largest output (relative to full scale)")
          .above(0)
          // table
          .file("table_file", "table: CSV of input,output pairs (a measured transfer curve)")
          // thermal (Zhang et al., Adv. Mater. 2024 compact VO2 model)
          .quantity("heater_resistance", dimension::resistance, "1 kOhm", "Ti/Au nanowire heater resistance R_h")
          .above(0)
          .quantity("full_scale_current", dimension::current, "3 mA",
                    "heater current added by the full-scale input (column current after the drive gain)")
          .above(0)
          .quantity("bias_current", dimension::current, "0 A",
                    "heater current applied with every read (pulsed with the input, so the film starts each read "
                    "from ambient, below its hysteresis loop): it moves the zero input to the foot of the transition")
          .at_least(0)
          .choice("bias_trim", {"none", "measured", "oracle"}, "measured",
                  "measured: at calibration the chip reads each neuron at zero input through its ADC (trim_reads "
                  "reads averaged, with the cycle noise) and trims its bias current until that input sits where "
                  "the nominal neuron's does, cancelling its Tc offset; oracle: trimmed from the device's true Tc "
                  "(no chip can read it: an upper bound); none: the nominal bias")
          .integer("trim_reads", "64", "measured trim: reads averaged per comparison of the trim search")
          .range(1, 1000000)
          .quantity("ambient", dimension::temperature, "300 K", "substrate temperature")
          .above(0)
          .quantity("transition_temperature", dimension::temperature, "332.8 K", "Tc of the insulator-metal transition")
          .above(0)
          .quantity("hysteresis_width", dimension::temperature, "7.19 K", "width w of the hysteresis loop")
          .at_least(0)
          .quantity("transition_sharpness", dimension::inverse_temperature, "0.253 /K", "beta of the tanh transition")
          .above(0)
          .quantity("r0", dimension::resistance, "5.36 mOhm", "prefactor of the insulating resistance R0 exp(Ea/T)")
          .above(0)
          .quantity("activation_temperature", dimension::temperature, "5220 K", "Ea/k_B of the insulating phase")
          .above(0)
          .quantity("r_metal", dimension::resistance, "1.29 kOhm", "resistance of the metallic phase")
          .above(0)
          .quantity("heat_capacity", dimension::heat_capacity, "49.6 pJ/K", "thermal capacitance C_th")
          .above(0)
          .quantity("thermal_conductance", dimension::thermal_conductance, "0.206 mW/K", "thermal conductance G_th to ambient")
          .above(0)
          .quantity("read_voltage", dimension::voltage, "0.1 V",
                    "voltage across the VO2 film while it is read (during the heater pulse)")
          .above(0)
          .quantity("cooling_tolerance", dimension::temperature, "1 K",
                    "thermal: after a read the film must cool to within this of ambient before the next read")
          .above(0)
          .number("input_mean", "0",
                  "thermal, perf mode: mean of the neuron's input relative to full scale, at which the heater's "
                  "energy is priced")
          .range(-1, 1)
          .number("input_rms", "0.324",
                  "thermal, perf mode: rms of the neuron's input relative to full scale (default: a zero-mean "
                  "Gaussian pre-activation whose 99.9th percentile is full scale, as functional mode calibrates it)")
          .range(0, 1)
          .block("gain_stage", gain_stage_schema(), "thermal: the stage from column current to heater current")
          .choice("negative_input", {"clamp", "rectify"}, "clamp",
                  "a negative heater current (bias plus signal): clamp (a series diode blocks it: no heating) or "
                  "rectify (heating ignores sign: |bias + signal|). Either acts on the whole current, so a negative "
                  "signal smaller than the bias still cools the film below its zero-input state: the output dips "
                  "slightly below 0 (the neuron's ADC reads it as code 0), not a true ReLU")
          .number("sigma_tc", "1", "device-to-device variation of Tc, in kelvin")
          .at_least(0)
          .number("sigma_threshold", "5 %", "device-to-device variation of the threshold, relative")
          .range(0, 1)
          .number("cycle_noise", "0", "cycle-to-cycle output noise, relative to full scale")
          .range(0, 1)
          .check([](const dsl::block_value& v, dsl::diagnostics& errors) {
            const std::string& model = v.text("model");
            if (model == "table" && !v.has("table_file"))
              errors.error(v.at("model").where, "model 'table' needs 'table_file:', a CSV of input,output pairs");
            if (model != "thermal" && !v.has("energy_per_activation"))
              errors.error(v.at("model").where, "model '" + model +
                                                    "' takes its energy as a parameter: add energy_per_activation "
                                                    "(only the thermal model derives it)");
            if (v.number("input_rms") < std::abs(v.number("input_mean")))
              errors.error(v.at("input_rms").where, "input_rms cannot be below |input_mean|");
            else if (model == "thermal")
              check_thermal_constants(v, errors);
          })
          .build();
  return s;
}

schema_ptr accumulator_schema() {
  static const schema_ptr s =
      logic_scaling_params(schema_builder("accumulator", "adds partial sums of row-blocks that do not fit one crossbar")
          .choice("mode", {"digital", "analog"}, "digital",
                  "digital adder tree after conversion, or analog current summation before an analog readout")
          .quantity("energy_per_add", dimension::energy, "0.03 pJ", "energy of one digital add")
          .at_least(0)
          .quantity("area", dimension::area, "100 um^2", "area of the adder tree")
          .at_least(0)
          ).build();
  return s;
}

schema_ptr cim_tile_schema(std::shared_ptr<const readout_stage_registry> stages) {
  return schema_builder("cim_tile",
                        "compute-in-memory tile: crossbar arrays, input drivers, a readout chain, partial-sum "
                        "accumulation and a local buffer")
          .component(dsl::component_role::target, "buffer.capacity")
          .integer("arrays", "8", "crossbar arrays per tile")
          .range(1, 4096)
          .integer("readout_share", "1",
                   "crossbar arrays taking turns on one readout group (activation array, ADC bank, sample-and-hold "
                   "array), time-multiplexed; 1: one group per array")
          .range(1, 4096)
          .block("crossbar", crossbar_schema(), "the crossbar arrays")
          .block("input", input_driver_schema(), "word-line input drivers")
          // The stage types come with their registration (model_registry::add_readout_stage).
          .block_list("readout", {}, "readout chain from column to stored value, in signal order")
          .block("accumulation", accumulator_schema(), "partial-sum accumulation across row-blocks")
          .block("buffer", sram_schema(), "local buffer for inputs and outputs")
          .quantity("clock", dimension::frequency, "1 GHz", "digital clock of the tile")
          .above(0)
          .boolean("power_gating", "true", "tiles holding no weights are switched off and do not leak")
          .choice("range_calibration", {"calibrated", "worst_case"}, "calibrated",
                  "functional mode: each layer's analog gains (the neuron's or bipolar ADC's full scale, the "
                  "column ADC's range) set once from calibration data, or left at the worst case the weights allow")
          .check([stages](const dsl::block_value& v, dsl::diagnostics& errors) {
            if (!check_readout_chain(v, *stages, errors)) return;
            if (v.integer("readout_share") > v.integer("arrays"))
              errors.error(v.at("readout_share").where,
                           "cim_tile: readout_share " + std::to_string(v.integer("readout_share")) +
                               " exceeds the tile's " + std::to_string(v.integer("arrays")) +
                               " arrays: a readout group serves at most every array of its tile");
          })
      .build();
}

}  // namespace mottsim::models

#include "dsl/block_value.hpp"
#include "dsl/diagnostics.hpp"
#include "models/schemas.hpp"

// Readout stages of the ADC-free analog path: the sample-and-hold array that
// keeps an activation's analog output for the next layer's rows, and an analog
// CMOS activation circuit (the comparison the Mott neuron paper draws).
namespace mottsim::models {

using dsl::dimension;
using dsl::schema_builder;

schema_ptr sample_hold_schema() {
  static const schema_ptr s =
      schema_builder("sample_hold",
                     "sample-and-hold array and analog row buffers: activation outputs held as voltages drive the "
                     "next layer's word lines without an ADC or DAC, where the mapping allows (see the report's "
                     "readout path)")
          .integer("cells", "8192",
                   "S&H cells per tile: the analog line buffer holding a consumer layer's input window")
          .range(1, 1 << 24)
          .quantity("power", dimension::power, "9.77 nW", "power of one S&H cell while it samples")
          .at_least(0)
          .quantity("sample_rate", dimension::frequency, "10 MHz",
                    "rate at which one cell samples: energy per sample = power / sample_rate")
          .above(0)
          .quantity("area", dimension::area, "0.039 um^2", "area of one S&H cell (switch and hold capacitor)")
          .at_least(0)
          .quantity("hold_capacitance", dimension::capacitance, "50 fF",
                    "hold capacitor: sets the droop (leakage / C x hold time) and the kT/C sampling noise")
          .above(0)
          .quantity("leakage_current", dimension::current, "1 pA",
                    "current leaking off the hold capacitor through the open switch")
          .at_least(0)
          .quantity("full_scale_voltage", dimension::voltage, "0.5 V",
                    "held voltage of a full-scale activation (and the full read voltage it drives)")
          .above(0)
          .quantity("temperature", dimension::temperature, "300 K", "temperature of the kT/C noise")
          .above(0)
          .number("gain_error", "-0.2 %",
                  "systematic gain error of sample-and-buffer, relative (a finite-gain follower reads low)")
          .range(-0.5, 0.5)
          .number("buffer_noise", "0.1 %",
                  "rms noise a row buffer adds to each drive, relative to full scale (functional mode)")
          .range(0, 1)
          .quantity("buffer_power", dimension::power, "3.3 uW", "static power of one analog row buffer while driving")
          .at_least(0)
          .quantity("buffer_area", dimension::area, "4 um^2", "area of one analog row buffer (one per word line)")
          .at_least(0)
          .quantity("buffer_settling", dimension::time, "10 ns",
                    "time for a row buffer to settle its word line; an analog-fed read lasts this plus the read pulse")
          .above(0)
          .integer("reach_tiles", "4",
                   "farthest tile distance (in tile indices) an analog activation travels on dedicated lines; "
                   "farther, it is converted and moved over the bus")
          .range(0, 1 << 20)
          .build();
  return s;
}

schema_ptr cmos_activation_schema() {
  static const schema_ptr s =
      schema_builder("cmos_activation",
                     "analog CMOS activation: a transimpedance amplifier on the column current followed by a "
                     "rectifier (an op-amp ReLU), used where a mott_neuron would be")
          .integer("columns_per_unit", "1", "columns sharing one circuit (time-multiplexed)")
          .range(1, 65536)
          .quantity("power", dimension::power, "25 uW",
                    "static power of one circuit (TIA and rectifier) while it evaluates")
          .at_least(0)
          .quantity("settling_time", dimension::time, "10 ns",
                    "time for the output to settle to the activation's resolution; energy = power x settling_time")
          .above(0)
          .quantity("area", dimension::area, "150 um^2", "area of one circuit (op-amp, feedback resistor, rectifier)")
          .at_least(0)
          .quantity("leakage", dimension::power, "0 W", "static power of one circuit when idle (power-gated: 0)")
          .at_least(0)
          .number("noise", "0.1 %", "output noise, rms relative to full scale, fresh at every evaluation")
          .range(0, 1)
          .number("offset_sigma", "0.4 %",
                  "input-referred offset of each circuit, sigma relative to full scale (drawn once per circuit)")
          .range(0, 1)
          .number("saturation", "1", "largest output, relative to full scale")
          .above(0)
          .build();
  return s;
}

}  // namespace mottsim::models

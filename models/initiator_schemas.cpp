#include "models/schemas.hpp"

namespace mottsim::models {

using dsl::dimension;
using dsl::schema_builder;

schema_ptr controller_schema() {
  static const schema_ptr s =
      schema_builder("controller",
                     "initiator that runs the mapped schedule: moves data, starts tiles, and does the pooling, "
                     "residual adds and activations the tiles do not")
          .component(dsl::component_role::initiator)
          .quantity("clock", dimension::frequency, "1 GHz", "controller clock")
          .above(0)
          .integer("command_cycles", "4", "cycles to issue one command (a tile start, a DMA descriptor)")
          .range(0, 1000000)
          .quantity("energy_per_command", dimension::energy, "1 pJ", "energy to issue one command")
          .at_least(0)
          .integer("vector_lanes", "32", "8-bit element operations per cycle for pooling, adds and activations")
          .range(1, 65536)
          .quantity("energy_per_op", dimension::energy, "0.03 pJ", "energy of one 8-bit element operation")
          .at_least(0)
          .quantity("area", dimension::area, "0.05 mm^2", "silicon area")
          .at_least(0)
          .quantity("leakage", dimension::power, "1 mW", "static power")
          .at_least(0)
          .quantity("quantum", dimension::time, "1 us", "TLM global quantum: how far the initiator runs ahead")
          .above(0)
          .build();
  return s;
}

schema_ptr processor_schema() {
  static const schema_ptr s =
      schema_builder("processor",
                     "multicore CPU running convolutions as im2col + tiled GEMM, with caches and DRAM on the bus")
          .component(dsl::component_role::initiator)
          .integer("cores", "4", "cores working on a layer in parallel")
          .range(1, 1024)
          .quantity("clock", dimension::frequency, "2 GHz", "core clock")
          .above(0)
          .integer("int8_macs_per_cycle", "32", "8-bit MACs per cycle per core (SIMD width x units)")
          .range(1, 65536)
          .integer("fp32_macs_per_cycle", "8", "fp32 MACs per cycle per core")
          .range(1, 65536)
          .number("utilization", "0.6", "fraction of peak MAC rate a tuned GEMM reaches")
          .range(0.01, 1)
          .number("macs_per_instruction", "16", "MACs retired per (SIMD) instruction")
          .above(0)
          .quantity("energy_per_instruction", dimension::energy, "21 pJ", "fetch, decode, register file and control per instruction")
          .at_least(0)
          .quantity("energy_per_int8_mac", dimension::energy, "0.09 pJ", "8-bit multiply + 32-bit accumulate")
          .at_least(0)
          .quantity("energy_per_fp32_mac", dimension::energy, "1.4 pJ", "fp32 multiply + add")
          .at_least(0)
          .text("l1", std::nullopt, "name of the sram component used as each core's L1 data cache")
          .optional()
          .text("l2", std::nullopt, "name of the sram component used as the shared last-level cache")
          .optional()
          .choice("precision", {"int8", "fp32"}, "int8", "arithmetic used for convolutions")
          .quantity("area", dimension::area, "4 mm^2", "core area without caches")
          .at_least(0)
          .quantity("leakage", dimension::power, "50 mW", "static power of the cores")
          .at_least(0)
          .quantity("quantum", dimension::time, "1 us", "TLM global quantum")
          .above(0)
          .build();
  return s;
}

}  // namespace mottsim::models

#include "models/logic_scaling.hpp"
#include "models/schemas.hpp"

namespace mottsim::models {

// A burst is allocated whole, and a TLM payload's length is 32 bits.
constexpr double max_transaction_bytes = 1024.0 * 1024 * 1024;

using dsl::dimension;
using dsl::schema_builder;

namespace {

// Bursts an initiator's DMA keeps in flight (models/transfer_window.hpp). The
// default is the fewest that keep the shipped LPDDR4 channel busy: by Little's
// law it needs bandwidth x round trip in flight, and a 4 KiB burst's round trip
// from DRAM into the CIM chips' global buffer (bus 130 ns, DRAM 320 ns and
// 90 ns latency, bus 130 ns, the buffer's port about 370 ns: about 1.04 us)
// is 3.3 of the channel's 320 ns per burst (docs/modelling.md, "Transport").
schema_builder& outstanding_param(schema_builder& b, const char* what) {
  return b
      .integer("outstanding", "4",
               std::string(what) +
                   " (4: the fewest that keep one LPDDR4 channel busy, by Little's law; docs/modelling.md, "
                   "\"Transport\")")
      .range(1, 4096);
}

// The area and static power of a replicated unit (a core, a processing
// element): per unit, `count` x it for the whole, or the whole itself when a
// source gives it so (priced by replicated_static_figures).
schema_builder& replicated_static_params(schema_builder& b, const std::string& key, const std::string& unit,
                                         const std::string& whole, const std::string& count, const char* area,
                                         const char* leakage, const std::string& area_scope) {
  const std::string per_area = "area_per_" + key, per_leakage = "leakage_per_" + key;
  return b
      .quantity(per_area, dimension::area, area,
                "one " + unit + "'s area" + area_scope + "; the " + whole + "'s is " + count + " x it")
      .at_least(0)
      .quantity(per_leakage, dimension::power, leakage,
                "one " + unit + "'s static power; the " + whole + "'s is " + count + " x it")
      .at_least(0)
      .quantity("area", dimension::area, std::nullopt,
                "the " + whole + "'s area when a source gives it whole: used as given, whatever its size (default: " +
                    count + " x " + per_area + ")")
      .optional()
      .at_least(0)
      .quantity("leakage", dimension::power, std::nullopt,
                "the " + whole + "'s static power when a source gives it whole: used as given, whatever its size "
                "(default: " + count + " x " + per_leakage + ")")
      .optional()
      .at_least(0);
}

}  // namespace

schema_ptr controller_schema() {
  static const schema_ptr s =
      logic_scaling_params(outstanding_param(schema_builder("controller",
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
          .integer("inferences_in_flight", std::nullopt,
                   "pipeline schedule: inferences streamed through the layer stages, over whose steady state the "
                   "period is measured (default: at least 3 per layer plus 48, enough to fill the pipeline, leave "
                   "its warm-up with every stage busy and drain it, and on, up to 4 times that, until the period "
                   "holds steady; docs/modelling.md, \"pipeline schedule\")")
          .optional()
          .range(2, 10000)
          , "DMA bursts in flight at once: reads of later bursts overlap the write of earlier ones")).build();
  return s;
}

schema_ptr processor_schema() {
  static const schema_ptr s =
      outstanding_param(replicated_static_params(schema_builder("processor",
                     "multicore CPU running convolutions as im2col + blocked GEMM, with sram caches and DRAM on the bus")
          .component(dsl::component_role::initiator)
          .integer("cores", "4", "cores working on a layer in parallel")
          .range(1, 1024)
          .quantity("clock", dimension::frequency, "2 GHz", "core clock")
          .above(0)
          .integer("int8_macs_per_cycle", "32", "8-bit MACs per cycle per core (SIMD width x units); 0: no int8 datapath")
          .range(0, 65536)
          .integer("fp32_macs_per_cycle", "8", "fp32 MACs per cycle per core; 0: no fp32 datapath")
          .range(0, 65536)
          .number("utilization", "0.9",
                  "fraction of the peak MAC rate a tuned GEMM micro-kernel reaches with its operands in cache; each "
                  "layer reaches less when its blocking's cache or DRAM traffic bounds it (roofline)")
          .range(0.01, 1)
          .number("int8_macs_per_instruction", "16", "int8 MACs (or 8-bit element operations) per SIMD instruction")
          .above(0)
          .number("fp32_macs_per_instruction", "4", "fp32 MACs (or fp32 element operations) per SIMD instruction")
          .above(0)
          .integer("register_block", "8", "rows and columns of C a GEMM micro-kernel keeps in registers")
          .range(1, 1024)
          .quantity("load_width", dimension::data_size, "128 b", "bytes one load or store instruction moves")
          .at_least(one_bit)
          .quantity("energy_per_instruction", dimension::energy, "21 pJ",
                    "fetch, decode, issue, register file and control per instruction")
          .at_least(0)
          .quantity("energy_per_core_cycle", dimension::energy, "0 J",
                    "energy of each working core per clock cycle beyond its instructions and MACs (clock tree, "
                    "out-of-order machinery, the core's leakage once woken from sleep and the uncore activity it "
                    "drives): what a measured busy-minus-idle power per core-cycle gives; charged for every cycle "
                    "of every core with work in a layer")
          .at_least(0)
          .quantity("energy_per_int8_mac", dimension::energy, "0.09 pJ", "8-bit multiply + 32-bit accumulate")
          .at_least(0)
          .quantity("energy_per_fp32_mac", dimension::energy, "1.4 pJ", "fp32 multiply + add")
          .at_least(0)
          .text("l1", std::nullopt, "name of the sram component used as each core's L1 data cache (one instance per core)")
          .optional()
          .text("l2", std::nullopt, "name of the sram component used as the shared L2 cache")
          .optional()
          .text("l3", std::nullopt, "name of the sram component used as a shared L3 cache between the L2 and DRAM")
          .optional()
          .choice("precision", {"int8", "fp32"}, "int8", "arithmetic used for convolutions and linear layers")
          .quantity("transaction", dimension::data_size, "4 KiB", "bytes per TLM burst of the cache prefetch stream")
          .at_least(one_bit)
          .at_most(max_transaction_bytes),
          "core", "core", "cluster", "cores", "1 mm^2", "12.5 mW", " without caches")
          .quantity("uncore_power", dimension::power, "0 W",
                    "static power of the cluster's shared logic outside the cores and the modelled caches "
                    "(snoop control, cache controllers, clock tree), charged for the whole run")
          .at_least(0)
          .quantity("soc_power", dimension::power, "0 W",
                    "static power of the rest of the SoC kept on while the network runs (fabric, memory "
                    "controller, always-on logic), charged for the whole run")
          .at_least(0)
          .quantity("platform_power", dimension::power, "0 W",
                    "power of the board outside the SoC and DRAM (regulators, PMIC losses), charged for the whole run")
          .at_least(0)
          .quantity("quantum", dimension::time, "1 us", "TLM global quantum")
          .above(0)
          , "bursts each of the cache streams (prefetch, L2 traffic, write-back) keeps in flight").build();
  return s;
}

schema_ptr systolic_array_schema() {
  static const schema_ptr s =
      logic_scaling_params(outstanding_param(replicated_static_params(schema_builder("systolic_array",
                     "array of MAC processing elements (TPU or Eyeriss class), weight-stationary or row-stationary, "
                     "with sram buffers and DRAM on the bus")
          .component(dsl::component_role::initiator)
          .choice("dataflow", {"weight_stationary", "row_stationary"}, "weight_stationary",
                  "weight_stationary: a weight tile stays in the PEs while inputs stream (TPU); row_stationary: each "
                  "PE keeps a filter row and slides over an input row in its scratchpads (Eyeriss)")
          .integer("rows", "64",
                   "processing-element rows: the reduction (K) dimension of a weight tile (weight_stationary) or "
                   "filter rows (row_stationary)")
          .range(1, 65536)
          .integer("columns", "64",
                   "processing-element columns: outputs (N) of a weight tile (weight_stationary) or output rows "
                   "(row_stationary)")
          .range(1, 65536)
          .quantity("clock", dimension::frequency, "1 GHz", "array clock")
          .above(0)
          .integer("weight_bits", "8", "weight width the multipliers take")
          .range(1, 32)
          .integer("activation_bits", "8", "input activation width the multipliers take")
          .range(1, 32)
          .integer("accumulator_bits", "32", "partial-sum width")
          .range(8, 64)
          .quantity("energy_per_mac", dimension::energy, "0.09 pJ",
                    "one multiply-accumulate in a processing element (its registers and scratchpads are priced apart)")
          .at_least(0)
          .quantity("pe_storage_energy_per_bit", dimension::energy, std::nullopt,
                    "energy per bit read or written in a PE's registers or scratchpads (default: the register-file "
                    "model at the node)")
          .optional()
          .quantity("energy_per_weight_load", dimension::energy, "0.03 pJ",
                    "shifting one weight into its processing element")
          .at_least(0)
          .integer("vector_lanes", "64", "element operations per cycle for pooling, adds and activations")
          .range(1, 65536)
          .quantity("energy_per_vector_op", dimension::energy, "0.03 pJ", "one element operation of the vector unit")
          .at_least(0)
          .text("buffer", std::nullopt, "name of the sram component holding activations and weights (the array's "
                                        "unified buffer); needed to run")
          .optional()
          .text("accumulators", std::nullopt, "name of the sram component holding partial sums (default: the buffer)")
          .optional()
          .text("weight_fifo", std::nullopt,
                "name of an sram component weights stream through from DRAM to a weight-stationary array (TPU "
                "v1's Weight FIFO), beside the buffer's path; default: weights are staged in the buffer")
          .optional()
          .quantity("transaction", dimension::data_size, "4 KiB", "bytes per TLM burst of the DMA stream")
          .at_least(one_bit)
          .at_most(max_transaction_bytes),
          "pe", "processing element", "array", "rows x columns", "732 um^2", "4.88 uW",
          " with its share of the vector unit, without scratchpads")
          .quantity("quantum", dimension::time, "1 us", "TLM global quantum")
          .above(0)
          , "bursts each of the DMA streams (prefetch, write-back) keeps in flight")).build();
  return s;
}

}  // namespace mottsim::models

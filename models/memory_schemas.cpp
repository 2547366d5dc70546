#include "dsl/block_value.hpp"
#include "dsl/diagnostics.hpp"
#include "models/logic_scaling.hpp"
#include "models/schemas.hpp"

namespace mottsim::models {

using dsl::dimension;
using dsl::schema_builder;

schema_ptr dram_schema() {
  static const schema_ptr s =
      schema_builder("dram", "off-chip DRAM: bandwidth, latency, energy per bit, background power")
          .component(dsl::component_role::target, "capacity")
          .quantity("capacity", dimension::data_size, "4 GiB", "storage capacity; also the size of its address window")
          .above(0)
          .quantity("bandwidth", dimension::bandwidth, "12.8 GB/s", "peak transfer rate of all channels together")
          .above(0)
          .quantity("latency", dimension::time, "90 ns", "access latency before the first byte of a burst")
          .at_least(0)
          .quantity("energy_per_bit", dimension::energy, "8 pJ", "read or write energy per bit transferred")
          .at_least(0)
          .quantity("background_power", dimension::power, "20 mW", "refresh and standby power, charged for the whole run")
          .at_least(0)
          .quantity("burst", dimension::data_size, "64 B", "access granularity: transfers round up to whole bursts")
          .at_least(one_bit)
          .build();
  return s;
}

schema_ptr sram_schema() {
  static const schema_ptr s =
      logic_scaling_params(
          schema_builder("sram",
                         "on-chip buffer (SRAM, eDRAM or register file); unset energies, latency, leakage and area come "
                         "from the memory models for its type, capacity, banks, device flavour and the technology node; "
                         "given ones published at reference_node scale to the node as logic does")
              .component(dsl::component_role::target, "capacity"))
          .quantity("capacity", dimension::data_size, "64 KiB", "storage capacity; also the size of its address window")
          .range(1, 1ull << 40)
          .choice("memory_type", {"auto", "sram", "edram", "register_file"}, "auto",
                  "storage cell: 6T SRAM, logic-process eDRAM (with refresh), or flip-flop register file; auto: a "
                  "register file up to register_file_max, else SRAM")
          .quantity("register_file_max", dimension::data_size, "256 B",
                    "largest capacity memory_type auto builds as a register file")
          .above(0)
          .choice("device", {"itrs-hp", "itrs-lstp", "itrs-lop"}, "itrs-hp",
                  "transistor flavour (CACTI): high performance, low standby power or low operating power")
          .integer("banks", "1", "independent banks: each holds capacity/banks and serves one access at a time")
          .range(1, 4096)
          .quantity("port_width", dimension::data_size, "64 b", "bits moved per access on one port")
          .at_least(one_bit)
          .integer("ports", "1", "independent ports (accesses in parallel)")
          .range(1, 64)
          .quantity("read_energy", dimension::energy, std::nullopt, "energy per read of one port width (default: model)")
          .optional()
          .quantity("write_energy", dimension::energy, std::nullopt, "energy per write of one port width (default: read energy)")
          .optional()
          .quantity("access_latency", dimension::time, std::nullopt, "time from an access's start to its data (default: model)")
          .optional()
          .quantity("cycle_time", dimension::time, std::nullopt,
                    "time between accesses a pipelined port accepts (default: the access latency, unpipelined)")
          .optional()
          .quantity("leakage", dimension::power, std::nullopt,
                    "static power, eDRAM refresh included (default: model for the type and device flavour)")
          .optional()
          .quantity("area", dimension::area, std::nullopt, "silicon area (default: model)")
          .optional()
          .check([](const dsl::block_value& v, dsl::diagnostics& errors) {
            // reference_node scales only figures given instead of modelled.
            const bool given = v.has("read_energy") || v.has("write_energy") || v.has("area") || v.has("leakage");
            for (const char* key : {"reference_node", "reference_supply"})
              if (v.has(key) && !given)
                errors.error(v.at(key).where, std::string("sram: ") + key +
                                                  " scales the figures given instead of modelled (read_energy, "
                                                  "write_energy, area, leakage), and this memory gives none: the "
                                                  "model's are at the architecture's node already");
            // A memory's static power mixes off-current of its device flavour
            // and, for eDRAM, refresh, which scale differently across nodes.
            if (v.has("reference_node") && v.has("leakage"))
              errors.error(v.at("leakage").where,
                           "sram: a given leakage cannot be scaled from reference_node (its device flavour's "
                           "off-current and, for eDRAM, refresh scale differently): give it at the architecture's "
                           "node, or leave it to the memory model");
            // One access moves port_width from one bank: a bank must hold it.
            const double bank = v.quantity("capacity") / static_cast<double>(v.integer("banks"));
            // Located at the first of the three the file gives (a default points nowhere).
            const char* culprit = "capacity";
            for (const char* key : {"capacity", "banks", "port_width"})
              if (!v.at(key).from_default) {
                culprit = key;
                break;
              }
            if (bank < v.quantity("port_width"))
              errors.error(v.at(culprit).where,
                           "sram: each of the " + std::to_string(v.integer("banks")) + " bank(s) holds " +
                               dsl::format_quantity(bank, dimension::data_size) +
                               ", less than one access of port_width " +
                               dsl::format_quantity(v.quantity("port_width"), dimension::data_size) +
                               ": raise capacity, or narrow the port or use fewer banks");
            if (v.has("cycle_time") && v.has("access_latency") &&
                v.quantity("cycle_time") > v.quantity("access_latency"))
              errors.error(v.at("cycle_time").where,
                           "sram: cycle_time is longer than access_latency; a port that accepts an access every "
                           "cycle_time cannot finish one sooner");
          })
          .build();
  return s;
}

schema_ptr bus_schema() {
  static const schema_ptr s =
      logic_scaling_params(schema_builder("bus", "TLM-2.0 interconnect with an address map; initiators contend for it")
                               .component(dsl::component_role::interconnect))
          .quantity("width", dimension::data_size, "256 b", "bits moved per cycle")
          .at_least(one_bit)
          .quantity("clock", dimension::frequency, "1 GHz", "bus clock")
          .above(0)
          .integer("latency_cycles", "2", "arbitration and routing cycles per transaction")
          .range(0, 1000)
          .quantity("energy_per_bit", dimension::energy, "0.054 pJ", "energy per bit moved")
          .at_least(0)
          .quantity("area", dimension::area, "0.09 mm^2", "silicon area of the interconnect")
          .at_least(0)
          .quantity("leakage", dimension::power, "0 W", "static power")
          .at_least(0)
          .build();
  return s;
}

}  // namespace mottsim::models

#include "dsl/block_value.hpp"
#include "dsl/diagnostics.hpp"
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
          .above(0)
          .build();
  return s;
}

schema_ptr sram_schema() {
  static const schema_ptr s =
      schema_builder("sram",
                     "on-chip SRAM buffer; unset energies, latency, leakage and area come from the CACTI table "
                     "for its capacity and the technology node")
          .component(dsl::component_role::target, "capacity")
          .quantity("capacity", dimension::data_size, "64 KiB", "storage capacity; also the size of its address window")
          .range(1, 1ull << 40)
          .quantity("port_width", dimension::data_size, "64 b", "bits moved per access on one port")
          .above(0)
          .integer("ports", "1", "independent ports (accesses in parallel)")
          .range(1, 64)
          .quantity("read_energy", dimension::energy, std::nullopt, "energy per read of one port width (default: CACTI)")
          .optional()
          .quantity("write_energy", dimension::energy, std::nullopt, "energy per write of one port width (default: read energy)")
          .optional()
          .quantity("access_latency", dimension::time, std::nullopt, "time per access (default: CACTI)")
          .optional()
          .quantity("leakage", dimension::power, std::nullopt, "static power (default: CACTI, itrs-hp)")
          .optional()
          .quantity("area", dimension::area, std::nullopt, "silicon area (default: CACTI)")
          .optional()
          .build();
  return s;
}

schema_ptr bus_schema() {
  static const schema_ptr s =
      schema_builder("bus", "TLM-2.0 interconnect with an address map; initiators contend for it")
          .component(dsl::component_role::interconnect)
          .quantity("width", dimension::data_size, "256 b", "bits moved per cycle")
          .above(0)
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

#pragma once
// The bench the kernel tests of a tile job's data movement elaborate: a
// controller with one transfer in flight, a cim_tile and an SRAM on one
// 64-byte, 1 GHz bus. The tile's buffer and the SRAM move 64 bytes a
// nanosecond, so a 4 KiB leg takes 64 ns on each of them and on the bus.
#include <systemc>

#include "models/bus_module.hpp"
#include "models/cim_tile_module.hpp"
#include "models/controller_module.hpp"
#include "models/memory_module.hpp"

namespace mottsim::kernel_test {

constexpr double ns = 1e-9;
constexpr unsigned long long tile_base = 0, sram_base = 1ull << 20, window = 1ull << 20;

// One job on one crossbar: `vectors` of one read of `read_ns` each (no
// conversion or digital stage), 64 output bytes each.
inline models::tile_job one_crossbar_job(long long vectors, double read_ns) {
  models::tile_job j;
  j.layer = 0;
  j.tile = 0;
  j.crossbars = 1;
  j.outputs = 64;
  j.vectors = vectors;
  j.activation_bits = 8;
  j.mapping.reads_per_vector = 1;
  j.mapping.read_time_s = read_ns * ns;
  return j;
}

inline models::memory_timing port_of_64_bytes_per_ns() {
  models::memory_timing t;
  t.granule_bytes = 64;
  t.granule_time_s = 1 * ns;
  return t;
}

struct bus_tile_sram {
  models::bus_module bus{"bus", [] {
                           models::bus_timing t;
                           t.width_bytes = 64;
                           t.clock_hz = 1e9;
                           t.latency_cycles = 0;
                           return t;
                         }()};
  models::cim_tile_module tile{"tile", models::cim_tile_params{}, 1, window, port_of_64_bytes_per_ns()};
  models::memory_module sram{"sram", port_of_64_bytes_per_ns(), 1, window};
  models::controller_module dma{"dma", [] {
                                  models::controller_timing t;
                                  t.command_cycles = 0;
                                  t.outstanding = 1;
                                  return t;
                                }()};
  models::program prog;

  bus_tile_sram() {
    bus.out.bind(tile.in);
    bus.out.bind(sram.in);
    bus.map_window(tile_base, window, 0, "tile");
    bus.map_window(sram_base, window, 1, "sram");
    dma.out.bind(bus.in);
  }
};

}  // namespace mottsim::kernel_test

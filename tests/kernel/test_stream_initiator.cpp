// The processor model's streamed timeline (models/stream_initiator), elaborated
// for real on a bus and a DRAM: prefetch overlaps compute with two buffers, and
// two processors' DRAM bursts contend. Times derived by hand.
#include <doctest/doctest.h>

#include <systemc>
#include <tlm>

#include "models/bus_module.hpp"
#include "models/memory_module.hpp"
#include "models/processor_module.hpp"

using namespace mottsim::models;

namespace {

constexpr double ns = 1e-9;

// A 32-byte, 1 GHz bus with 2 cycles of latency (4 KiB: 130 ns), and a DRAM of
// 90 ns latency and 5 ns per 64-byte burst (4 KiB: 410 ns).
struct platform {
  bus_module bus{"bus", [] {
                   bus_timing t;
                   t.width_bytes = 32;
                   t.clock_hz = 1e9;
                   t.latency_cycles = 2;
                   return t;
                 }()};
  memory_module dram{"dram", [] {
                       memory_timing t;
                       t.latency_s = 90 * ns;
                       t.granule_bytes = 64;
                       t.granule_time_s = 5 * ns;
                       return t;
                     }(),
                     1, 1 << 20};
  platform() {
    bus.out.bind(dram.in);
    bus.map_window(0, 1 << 20, 0, "dram");
  }
};

// One core doing one MAC per ns: compute time in ns = MACs.
processor_timing one_mac_per_ns() {
  processor_timing t;
  t.cores = 1;
  t.clock_hz = 1e9;
  t.macs_per_cycle = 1;
  t.utilization = 1;
  t.transaction_bytes = 4096;
  t.quantum_s = 1e-6;
  return t;
}

}  // namespace

TEST_CASE("kernel: a processor overlaps each step's compute with the next step's prefetch") {
  platform p;
  processor_module cpu("cpu", one_mac_per_ns(), "", 0);
  cpu.out.bind(p.bus.in);
  processor_program program;
  processor_layer l;
  l.layer = 0;
  l.macs = 3000;  // 3 us, 1 us per step
  l.steps = 3;
  l.prefetch.push_back({tlm::TLM_READ_COMMAND, 0, 0, 3 * 4096.0});  // one 4 KiB burst per step
  program.layers.push_back(l);
  cpu.load(&program);
  sc_core::sc_start();

  // Step 0's data: bus 0-130, DRAM 130-540. Step 1's follows at once: bus
  // 540-670, DRAM 670-1080. Step 0 computes 540-1540. Step 2 may load only
  // when step 0's buffer is free: bus 1540-1670, DRAM 1670-2080. Step 1
  // computes 1540-2540 (its data is there), step 2 2540-3540.
  REQUIRE(cpu.stage_times().size() == 1);
  CHECK(cpu.stage_times()[0].start_s == 0.0);
  CHECK(cpu.stage_times()[0].end_s == doctest::Approx(3540 * ns).scale(0));
  CHECK(cpu.resource().busy_seconds() == doctest::Approx(3000 * ns).scale(0));
  CHECK(cpu.transactions() == 3);
  CHECK(p.dram.counts().totals().at("read_bytes") == 3 * 4096);
  CHECK(cpu.counts().totals().at("int8_mac") == 3000);
}

TEST_CASE("kernel: two processors' DRAM bursts contend") {
  platform p;
  processor_module a("a", one_mac_per_ns(), "", 0), b("b", one_mac_per_ns(), "", 0);
  a.out.bind(p.bus.in);
  b.out.bind(p.bus.in);
  processor_program program;
  processor_layer l;
  l.layer = 0;
  l.steps = 1;
  l.prefetch.push_back({tlm::TLM_READ_COMMAND, 0, 0, 8192.0});  // two bursts, no compute
  program.layers.push_back(l);
  a.load(&program);
  b.load(&program);
  sc_core::sc_start();

  // Alone, the two bursts end at 540 and 950 ns. Together, all four leave at
  // 0 and queue: bus 0-130-260-390-520, DRAM 130-540-950-1360-1770.
  const double first = std::min(a.stage_times()[0].end_s, b.stage_times()[0].end_s);
  const double second = std::max(a.stage_times()[0].end_s, b.stage_times()[0].end_s);
  CHECK(first == doctest::Approx(950 * ns).scale(0));
  CHECK(second == doctest::Approx(1770 * ns).scale(0));
  CHECK(p.bus.counts().totals().at("transfer_bytes") == 4 * 4096);
}

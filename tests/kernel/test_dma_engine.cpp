// The controller's DMA engine (models/transfer_window.hpp), elaborated for real:
// with several bursts in flight a long copy runs at the DRAM's bandwidth, with
// one it pays every burst's latency; flows that share a bus take the sum of
// their times, flows on disjoint buses run side by side. Times derived by hand.
#include <doctest/doctest.h>

#include <systemc>

#include <memory>

#include "models/bus_module.hpp"
#include "models/controller_module.hpp"
#include "models/memory_module.hpp"

using namespace mottsim::models;

namespace {

constexpr double ns = 1e-9;
constexpr unsigned long long dram_base = 0, sram_base = 1ull << 24, window = 1ull << 24;

bus_timing bus_of(double width_bytes) {
  bus_timing t;
  t.width_bytes = width_bytes;
  t.clock_hz = 1e9;
  t.latency_cycles = 0;
  return t;
}

// 64-byte granules every `granule_ns`; a reply `tail_ns` after the port frees.
memory_timing memory_of(double granule_ns, double tail_ns) {
  memory_timing t;
  t.granule_bytes = 64;
  t.granule_time_s = granule_ns * ns;
  t.tail_s = tail_ns * ns;
  return t;
}

controller_timing dma_of(long long outstanding) {
  controller_timing t;
  t.command_cycles = 0;
  t.outstanding = outstanding;
  return t;
}

// A bus with a DRAM and an SRAM behind it.
struct platform {
  bus_module bus;
  memory_module dram, sram;
  platform(const char* name, const bus_timing& b, const memory_timing& d, const memory_timing& s)
      : bus((std::string(name) + "_bus").c_str(), b), dram((std::string(name) + "_dram").c_str(), d, 1, window),
        sram((std::string(name) + "_sram").c_str(), s, 1, window) {
    bus.out.bind(dram.in);
    bus.out.bind(sram.in);
    bus.map_window(dram_base, window, 0, "dram");
    bus.map_window(sram_base, window, 1, "sram");
  }
};

// One stage copying `bytes` from DRAM to the SRAM.
program copy_of(double bytes) {
  program p;
  program_stage s;
  s.layer = 0;
  program_op op;
  op.what = program_op::kind::dma;
  op.src = dram_base;
  op.dst = sram_base;
  op.bytes = bytes;
  s.ops.push_back(op);
  p.stages.push_back(std::move(s));
  return p;
}

// The DRAM of an LPDDR4-3200 x32 channel: 12.8 GB/s (a 64-byte burst every
// 5 ns, 4 KiB in 320 ns) and 90 ns of latency; a 64-byte bus at 1 GHz (a 4 KiB
// leg in 64 ns) and an SRAM that writes 4 KiB in 64 ns.
constexpr double dram_bandwidth = 64.0 / (5 * ns);

}  // namespace

TEST_CASE("kernel: a DMA engine with 4 bursts in flight copies at the DRAM's bandwidth") {
  platform p("a", bus_of(64), memory_of(5, 90), memory_of(1, 0));
  controller_module dma("dma", dma_of(4));
  dma.out.bind(p.bus.in);
  const program copy = copy_of(1 << 20);  // 256 bursts of 4 KiB
  dma.load(&copy);
  sc_core::sc_start();

  // Bursts 0-3 leave at 0 and queue at the bus (0-64, 64-128, ...) and at the
  // DRAM (64-384, 384-704, ...). Burst i + 4 leaves when burst i's write is done,
  // about 218 ns after its data left the DRAM, while three bursts (960 ns) are
  // still queued there: the DRAM never idles. It streams from 64 ns for
  // 256 x 320 ns; the last burst's data comes 90 ns later and its write takes
  // the bus 64 ns and the SRAM 64 ns: 64 + 81,920 + 90 + 128 = 82,202 ns.
  CHECK(dma.finish_s() == doctest::Approx(82202 * ns).epsilon(1e-12));
  const double rate = static_cast<double>(1 << 20) / dma.finish_s();
  CHECK(rate >= 0.9 * dram_bandwidth);
  CHECK(rate <= dram_bandwidth);
  CHECK(p.dram.counts().totals().at("read_bytes") == 1 << 20);
  CHECK(p.sram.counts().totals().at("write_bytes") == 1 << 20);
  CHECK(dma.transactions() == 512);
}

TEST_CASE("kernel: a DMA engine with 1 burst in flight pays every burst's latency") {
  platform p("a", bus_of(64), memory_of(5, 90), memory_of(1, 0));
  controller_module dma("dma", dma_of(1));
  dma.out.bind(p.bus.in);
  const program copy = copy_of(1 << 20);
  dma.load(&copy);
  sc_core::sc_start();

  // One burst after another: bus 64 ns, DRAM 320 ns and its 90 ns latency, bus
  // 64 ns, SRAM 64 ns. Bytes / (latency + transfer time) = 4096 B / (90 + 512) ns
  // = 6.80 GB/s, 53 % of the DRAM's 12.8 GB/s: 256 x 602 ns = 154,112 ns.
  CHECK(dma.finish_s() == doctest::Approx(256 * 602 * ns).epsilon(1e-12));
  const double rate = static_cast<double>(1 << 20) / dma.finish_s();
  CHECK(rate == doctest::Approx(4096.0 / (602 * ns)).epsilon(1e-9));
  CHECK(rate < 0.55 * dram_bandwidth);
}

// An 8-byte bus moves a 4 KiB leg in 512 ns; the DRAM (64 ns, no latency) and
// the SRAM (64 ns) are fast, so the bus bounds every copy. Alone, 16 bursts
// keep the bus busy for 32 legs x 512 ns = 16,384 ns (the window always has a
// leg waiting for it), then the last write takes the SRAM 64 ns: 16,448 ns.
constexpr double alone_ns = 16448;

TEST_CASE("kernel: two DMA flows that share a bus take the sum of their times") {
  platform p("a", bus_of(8), memory_of(1, 0), memory_of(1, 0));
  controller_module one("one", dma_of(4)), two("two", dma_of(4));
  one.out.bind(p.bus.in);
  two.out.bind(p.bus.in);
  const program copy = copy_of(16 * 4096);
  one.load(&copy);
  two.load(&copy);
  sc_core::sc_start();

  // The bus interleaves the two flows' legs (each runs at most a quantum
  // ahead of the other) and is never idle: 64 legs x 512 ns, then the last
  // write's 64 ns in the SRAM. Both are done only after about the sum of the
  // times they take alone.
  const double first = std::min(one.finish_s(), two.finish_s());
  const double second = std::max(one.finish_s(), two.finish_s());
  CHECK(second == doctest::Approx((16384 + alone_ns) * ns).epsilon(1e-12));
  CHECK(second >= 0.99 * 2 * alone_ns * ns);
  CHECK(first > 1.5 * alone_ns * ns);  // sharing, not one flow after the other
  CHECK(p.bus.counts().totals().at("transfer_bytes") == 2 * 2 * 16 * 4096);
}

TEST_CASE("kernel: two DMA flows on disjoint buses run side by side") {
  platform a("a", bus_of(8), memory_of(1, 0), memory_of(1, 0));
  platform b("b", bus_of(8), memory_of(1, 0), memory_of(1, 0));
  controller_module one("one", dma_of(4)), two("two", dma_of(4));
  one.out.bind(a.bus.in);
  two.out.bind(b.bus.in);
  const program copy = copy_of(16 * 4096);
  one.load(&copy);
  two.load(&copy);
  sc_core::sc_start();

  CHECK(one.finish_s() == doctest::Approx(alone_ns * ns).epsilon(1e-12));
  CHECK(two.finish_s() == doctest::Approx(alone_ns * ns).epsilon(1e-12));
}

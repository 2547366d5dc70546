// Two initiators on one bus to one DRAM, elaborated for real (one elaboration
// per process: CTest runs each test case in its own process). The second
// transfer must wait for the first at the bus and at the DRAM; a pipelined SRAM
// port overlaps one access's latency with the next.
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include <doctest/doctest.h>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "models/bus_module.hpp"
#include "models/memory_module.hpp"

namespace {

struct initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<initiator> out;
  double bytes;
  sc_core::sc_time finished;
  tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
  std::vector<unsigned char> data;

  initiator(const sc_core::sc_module_name& n, double b) : sc_module(n), out("out"), bytes(b), data(4096) {
    SC_HAS_PROCESS(initiator);
    SC_THREAD(run);
  }
  void run() {
    tlm::tlm_generic_payload t;
    t.set_command(tlm::TLM_READ_COMMAND);
    t.set_address(0);
    t.set_data_ptr(data.data());
    t.set_data_length(static_cast<unsigned>(bytes));
    t.set_streaming_width(static_cast<unsigned>(bytes));
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    out->b_transport(t, delay);
    status = t.get_response_status();
    finished = sc_core::sc_time_stamp() + delay;
  }
};

}  // namespace

TEST_CASE("kernel: two initiators contend for the bus and the DRAM") {
  using namespace mottsim::models;
  bus_timing bt;
  bt.width_bytes = 32;
  bt.clock_hz = 1e9;
  bt.latency_cycles = 2;
  bus_module bus("bus", bt);
  memory_timing mt;
  mt.latency_s = 90e-9;
  mt.granule_bytes = 64;
  mt.granule_time_s = 5e-9;
  memory_module dram("dram", mt, 1, 1 << 20);
  initiator a("a", 256), b("b", 256);
  a.out.bind(bus.in);
  b.out.bind(bus.in);
  bus.out.bind(dram.in);
  bus.map_window(0, 1 << 20, 0, "dram");
  sc_core::sc_start();

  CHECK(a.status == tlm::TLM_OK_RESPONSE);
  CHECK(b.status == tlm::TLM_OK_RESPONSE);
  // Alone, a 256-byte read takes bus (2 + 8) ns, then DRAM 90 + 4 x 5 ns: 120 ns.
  // Both start at 0: whichever is second waits 10 ns for the bus, then finds the
  // DRAM busy until 120 ns and takes 110 ns more: done at 230 ns.
  const double first = std::min(a.finished.to_seconds(), b.finished.to_seconds());
  const double second = std::max(a.finished.to_seconds(), b.finished.to_seconds());
  CHECK(first == doctest::Approx(120e-9).scale(0));
  CHECK(second == doctest::Approx(230e-9).scale(0));
  CHECK(bus.counts().totals().at("transfer_bytes") == 512);
  CHECK(dram.counts().totals().at("read_bytes") == 512);
}

TEST_CASE("kernel: an address outside every window is an error response") {
  using namespace mottsim::models;
  bus_module bus("bus", bus_timing{});
  memory_timing mt;
  memory_module dram("dram", mt, 1, 4096);
  initiator a("a", 64);
  a.out.bind(bus.in);
  bus.out.bind(dram.in);
  bus.map_window(8192, 4096, 0, "dram");  // address 0 is unmapped
  sc_core::sc_start();
  CHECK(a.status == tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

TEST_CASE("kernel: a pipelined SRAM port accepts an access every cycle and replies after its latency") {
  using namespace mottsim::models;
  bus_timing bt;
  bt.width_bytes = 128;
  bt.clock_hz = 1e9;
  bt.latency_cycles = 0;
  bus_module bus("bus", bt);
  // 64-byte port, a new access every 1 ns, each done 3 ns after it starts.
  memory_timing mt;
  mt.granule_bytes = 64;
  mt.granule_time_s = 1e-9;
  mt.tail_s = 2e-9;
  memory_module sram("sram", mt, 1, 1 << 20);
  initiator a("a", 128), b("b", 128);
  a.out.bind(bus.in);
  b.out.bind(bus.in);
  bus.out.bind(sram.in);
  bus.map_window(0, 1 << 20, 0, "sram");
  sc_core::sc_start();
  CHECK(a.status == tlm::TLM_OK_RESPONSE);
  CHECK(b.status == tlm::TLM_OK_RESPONSE);
  // First: bus 0-1 ns, port 1-3 ns (two 64-byte accesses), the last one's data
  // 2 ns later: 5 ns. Second: bus 1-2 ns, port free at 3 ns, busy 3-5 ns, data
  // at 7 ns. Unpipelined (a 3 ns cycle) they would finish at 7 and 13 ns.
  const double first = std::min(a.finished.to_seconds(), b.finished.to_seconds());
  const double second = std::max(a.finished.to_seconds(), b.finished.to_seconds());
  CHECK(first == doctest::Approx(5e-9).scale(0));
  CHECK(second == doctest::Approx(7e-9).scale(0));
  CHECK(sram.resources().front().busy_seconds() == doctest::Approx(4e-9).scale(0));
}

TEST_CASE("kernel: an SRAM's banks serve their granules side by side") {
  using namespace mottsim::models;
  bus_timing bt;
  bt.width_bytes = 128;
  bt.clock_hz = 1e9;
  bt.latency_cycles = 0;
  bus_module bus("bus", bt);
  // Two banks (ports x banks = 2) of a 64-byte port, pipelined at 1 ns, each
  // access done 3 ns after it starts.
  memory_timing mt;
  mt.granule_bytes = 64;
  mt.granule_time_s = 1e-9;
  mt.tail_s = 2e-9;
  mt.parallel = 2;
  memory_module sram("sram", mt, 1, 1 << 20);
  initiator a("a", 256), b("b", 256);
  a.out.bind(bus.in);
  b.out.bind(bus.in);
  bus.out.bind(sram.in);
  bus.map_window(0, 1 << 20, 0, "sram");
  sc_core::sc_start();
  // First: bus 0-2 ns, four granules on two banks 2-4 ns, data at 6 ns. Second:
  // bus 2-4 ns, banks 4-6 ns, data at 8 ns. One bank would take 4 ns an access
  // (8 and 12 ns).
  const double first = std::min(a.finished.to_seconds(), b.finished.to_seconds());
  const double second = std::max(a.finished.to_seconds(), b.finished.to_seconds());
  CHECK(first == doctest::Approx(6e-9).scale(0));
  CHECK(second == doctest::Approx(8e-9).scale(0));
  CHECK(sram.resources().front().busy_seconds() == doctest::Approx(4e-9).scale(0));
}

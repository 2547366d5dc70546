#pragma once
// One cim_tile instance elaborated with an initiator that starts its jobs at
// time 0, asks when each job outputs its vectors, and waits for the tile: the
// bench of the kernel tests that time a tile's parts.
#include <doctest/doctest.h>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <map>
#include <vector>

#include "models/cim_tile_module.hpp"
#include "models/tlm_extensions.hpp"

namespace mottsim::test_support {

// Starts `jobs` on tile instance 0 at time 0 and waits for it.
struct initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<initiator> out;
  std::vector<const models::tile_job*> jobs;
  double finished_s = -1;
  std::map<const models::tile_job*, models::tile_job_timeline> timelines;

  explicit initiator(const sc_core::sc_module_name& n) : sc_module(n), out("out") {
    SC_HAS_PROCESS(initiator);
    SC_THREAD(run);
  }
  void command(models::tile_command::kind what, sc_core::sc_time& delay, models::tile_command& cmd) {
    tlm::tlm_generic_payload t;
    t.set_command(tlm::TLM_WRITE_COMMAND);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    cmd.what = what;
    cmd.instance = 0;
    cmd.jobs = &jobs;
    models::scoped_extension<models::tile_command> attached(t, &cmd);
    out->b_transport(t, delay);
    REQUIRE(t.get_response_status() == tlm::TLM_OK_RESPONSE);
  }
  void run() {
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    models::tile_command start, started, wait;
    command(models::tile_command::kind::compute, delay, start);
    command(models::tile_command::kind::started, delay, started);
    timelines = *started.timelines;
    command(models::tile_command::kind::wait, delay, wait);
    finished_s = (sc_core::sc_time_stamp() + delay).to_seconds();
  }
};

struct bench {
  models::cim_tile_module tile;
  initiator host{"host"};
  bench(const models::cim_tile_params& p, const std::vector<const models::tile_job*>& jobs)
      : tile("tile", p, 1, 1 << 16, models::memory_timing{}) {
    host.out.bind(tile.in);
    host.jobs = jobs;
  }
};

}  // namespace mottsim::test_support

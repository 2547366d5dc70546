#pragma once
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include <vector>

#include "models/busy_resource.hpp"
#include "models/vector_stream.hpp"

namespace mottsim::models {

// A batch of vectors for some units of a tile part: unit `first + i` serves
// each vector for `service_s[i]`. In: when the vectors arrive; out: when the
// slowest unit has served each. A held batch (crossbars kept driven while the
// activation reads them) occupies its units from `held_from_s` over the
// stream it is given, which it returns unchanged.
struct part_batch : tlm::tlm_extension<part_batch> {
  long long first = 0;
  const std::vector<double>* service_s = nullptr;
  vector_stream stream;
  bool held = false;
  double held_from_s = 0.0;
  int layer = -1;
  tlm::tlm_extension_base* clone() const override { return new part_batch(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override { *this = static_cast<const part_batch&>(other); }
};

// One kind of part inside a cim_tile (its crossbar arrays, its activation
// arrays, its converter banks, its digital lanes), for all instances of the
// tile: `units` identical units, each a busy resource. Units serve batches in
// the order they are asked; a unit shared by several crossbars (readout_share)
// is asked once per job for all of them and serves their outputs in turn.
class tile_part : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<tile_part> in;

  tile_part(const sc_core::sc_module_name& name, long long units);

  std::vector<busy_resource>& units() { return m_units; }
  const std::vector<busy_resource>& units() const { return m_units; }

 private:
  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  std::vector<busy_resource> m_units;
};

}  // namespace mottsim::models

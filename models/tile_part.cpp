#include "models/tile_part.hpp"

#include <algorithm>

#include "models/sim_time.hpp"

namespace mottsim::models {

tile_part::tile_part(const sc_core::sc_module_name& name, long long units)
    : sc_module(name), in("in"), m_units(static_cast<std::size_t>(std::max<long long>(0, units))) {
  in.register_b_transport(this, &tile_part::b_transport);
}

// The batch's times are absolute; `delay` is not used. Times that pass what
// SystemC holds are the tile's (the component a user can change).
void tile_part::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time&) {
  auto* batch = trans.get_extension<part_batch>();
  const std::size_t n = batch && batch->service_s ? batch->service_s->size() : 0;
  if (!batch || batch->first < 0 || static_cast<std::size_t>(batch->first) + n > m_units.size()) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  const sc_core::sc_object& owner = get_parent_object() ? *get_parent_object() : *this;
  const vector_stream in_stream = batch->stream;
  const double vectors = static_cast<double>(in_stream.vectors);
  vector_stream out = in_stream;
  bool first_unit = true;
  for (std::size_t i = 0; i < n; ++i) {
    busy_resource& unit = m_units[static_cast<std::size_t>(batch->first) + i];
    const double service = (*batch->service_s)[i];
    if (batch->held) {
      const sc_core::sc_time until = to_sc_time(in_stream.last_s, owner, "a crossbar read held by its readout");
      const sc_core::sc_time from =
          std::max(to_sc_time(batch->held_from_s, owner, "a crossbar read"), unit.busy_until());
      unit.occupy_until(from, until > from ? until - from : sc_core::SC_ZERO_TIME, until, batch->layer);
      continue;
    }
    double start = 0.0;
    const vector_stream served = serve_stream(in_stream, unit.busy_until().to_seconds(), service, start);
    unit.occupy_until(to_sc_time(start, owner, "a part's batch of vectors"),
                      to_sc_time(vectors * service, owner, "a part's batch of vectors"),
                      to_sc_time(served.last_s, owner, "a part's batch of vectors"), batch->layer);
    if (first_unit) out = served;
    out.first_s = std::max(out.first_s, served.first_s);
    out.last_s = std::max(out.last_s, served.last_s);
    first_unit = false;
  }
  batch->stream = out;
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace mottsim::models

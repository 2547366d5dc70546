#pragma once
#include <tlm>

#include <map>

#include "models/tile_job.hpp"

namespace mottsim::models {

// Which layer a transaction works for, so every counted action and busy
// interval can be attributed to a layer in the report.
struct layer_tag : tlm::tlm_extension<layer_tag> {
  int layer = -1;
  tlm::tlm_extension_base* clone() const override { return new layer_tag(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    layer = static_cast<const layer_tag&>(other).layer;
  }
};

// A command to a cim_tile: start a job, hand it more of its input (a feed),
// program weights, wait for the tile, or ask when its jobs started (the reply fills `started`; drains pace their
// bursts by it instead of waiting for the whole job).
struct tile_command : tlm::tlm_extension<tile_command> {
  enum class kind { compute, feed, program, wait, started };
  kind what = kind::compute;
  sc_core::sc_time started = sc_core::SC_ZERO_TIME;  // started: the reply
  // started: when each of those jobs outputs its vectors, from `started`, as the tile's parts served them
  const std::map<const tile_job*, tile_job_timeline>* timelines = nullptr;
  long long instance = 0;   // which tile of the component
  const std::vector<const tile_job*>* jobs = nullptr;  // compute: jobs started together
  // compute and feed of a streamed input: the vectors of each job whose
  // inputs are now in the buffer (null: all of them, at once)
  const std::vector<long long>* chunk_vectors = nullptr;
  // compute and feed, the reply: when the crossbars have read these vectors'
  // inputs, which frees their buffer space
  sc_core::sc_time consumed = sc_core::SC_ZERO_TIME;
  double cells = 0.0;       // program: cells written
  double rows = 0.0;        // program: rows written one after another
  tlm::tlm_extension_base* clone() const override { return new tile_command(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const tile_command&>(other);
  }
};

// A DMA leg's other end: the address the burst it carries is read from (on
// its write) or written to (on its read). A routed network (mesh, H-tree)
// whose routers' network interfaces move data themselves carries the burst
// straight from its source to its destination on the read and nothing on the
// write; a shared bus, whose one DMA engine sits at the controller, carries
// each leg to and from the engine. `routed` marks that a network on the way
// has carried it, so the buses past it (an off-chip link) price their own
// part as usual.
struct dma_route : tlm::tlm_extension<dma_route> {
  unsigned long long peer = 0;
  bool routed = false;
  tlm::tlm_extension_base* clone() const override { return new dma_route(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override { *this = static_cast<const dma_route&>(other); }
};

// Attaches a stack-owned extension to a payload for one scope and detaches it
// when the scope ends, also when an exception (a time overflow) unwinds the
// transport: the payload's destructor would otherwise delete it.
template <typename T>
class scoped_extension {
 public:
  scoped_extension(tlm::tlm_generic_payload& trans, T* extension) : m_trans(trans), m_extension(extension) {
    if (m_extension) m_trans.set_extension(m_extension);
  }
  ~scoped_extension() {
    if (m_extension) m_trans.clear_extension(m_extension);
  }
  scoped_extension(const scoped_extension&) = delete;
  scoped_extension& operator=(const scoped_extension&) = delete;

 private:
  tlm::tlm_generic_payload& m_trans;
  T* m_extension;
};

}  // namespace mottsim::models

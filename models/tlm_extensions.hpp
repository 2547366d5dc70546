#pragma once
#include <tlm>

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

// A command to a cim_tile: start a job, program weights, or wait for the tile.
struct tile_command : tlm::tlm_extension<tile_command> {
  enum class kind { compute, program, wait };
  kind what = kind::compute;
  long long instance = 0;   // which tile of the component
  const std::vector<const tile_job*>* jobs = nullptr;  // compute: jobs started together
  double cells = 0.0;       // program: cells written
  double rows = 0.0;        // program: rows written one after another
  tlm::tlm_extension_base* clone() const override { return new tile_command(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const tile_command&>(other);
  }
};

}  // namespace mottsim::models

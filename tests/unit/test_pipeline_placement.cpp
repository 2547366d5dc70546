// Where the pipeline schedule places layers and their copies
// (platform/mapping/network_plan.cpp): every tile holds one layer alone, so
// layers run at once; a layer's copies pack within its own tiles, so the
// pipeline gets as many copies as the layer schedule where the tiles allow;
// and every copy planned is placed.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "dsl/architecture_loader.hpp"
#include "dsl/workload_loader.hpp"
#include "models/tile_job.hpp"
#include "platform/mapping/network_plan.hpp"
#include "test_support.hpp"

using namespace mottsim;

namespace {

std::string shipped(const std::string& relative) { return std::string(MOTTSIM_SOURCE_DIR) + "/configs/" + relative; }

platform::network_plan planned(const std::string& arch_name, const std::string& workload_name,
                               platform::schedule_kind schedule) {
  dsl::diagnostics errors;
  const auto arch = dsl::load_architecture(shipped("arch/" + arch_name + ".yaml"), {}, test_support::registry(), errors);
  const auto w = dsl::load_workload(shipped("workloads/" + workload_name + ".yaml"), errors);
  REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
  auto plan = platform::plan_network(w, arch.spec, test_support::registry().readout_stages(), schedule, errors);
  REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
  return plan;
}

// tile -> the one layer whose copies it holds; fails on a tile shared by two.
std::map<long long, int> owners(const platform::network_plan& plan) {
  std::map<long long, int> owner;
  for (const auto& lp : plan.layers) {
    if (!lp.on_tiles) continue;
    CHECK(static_cast<long long>(lp.copy_starts.size()) == lp.replicas);  // every copy planned is placed
    for (const long long at : lp.copy_starts) {
      const long long end = models::span_layer(lp.matrix, lp.mapping, plan.tile, at).end_slot;
      for (long long t = at / plan.tile.arrays; t <= (end - 1) / plan.tile.arrays; ++t) {
        const auto [it, fresh] = owner.emplace(t, lp.index);
        CHECK_MESSAGE((fresh || it->second == lp.index),
                      "tile " << t << " holds layers " << it->second << " and " << lp.index);
      }
    }
  }
  return owner;
}

}  // namespace

TEST_CASE("pipeline placement: one layer a tile, copies packed within their layer's tiles") {
  for (const char* arch : {"adc_cim", "mott_cim"}) {
    CAPTURE(arch);
    const auto lenet = planned(arch, "lenet5_mnist", platform::schedule_kind::pipeline);
    const auto owner = owners(lenet);
    CHECK(static_cast<long long>(owner.size()) <= lenet.tiles);
    long long copies = 0;
    for (const auto& lp : lenet.layers) copies += lp.on_tiles ? lp.replicas - 1 : 0;
    CHECK(copies > 0);  // LeNet-5 leaves room for copies on both chips
    // One layer: the pipeline's copies are the layer schedule's, not one a tile.
    const auto piped = planned(arch, "edge_detect", platform::schedule_kind::pipeline);
    const auto layered = planned(arch, "edge_detect", platform::schedule_kind::layer);
    owners(piped);
    for (std::size_t i = 0; i < piped.layers.size(); ++i)
      if (piped.layers[i].on_tiles) CHECK(piped.layers[i].replicas == layered.layers[i].replicas);
  }
}

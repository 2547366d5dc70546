// The controller's DMA on a mesh, elaborated for real: a buffer sliced over
// the routers (one slice per router), copies between slices. A copy travels
// from its source slice to its destination slice (models::dma_route), not
// through the controller's port; copies on disjoint routes run side by side
// and copies sharing a link take turns on it. Figures derived by hand.
#include <doctest/doctest.h>

#include <systemc>

#include <memory>
#include <string>

#include "models/bus_module.hpp"
#include "models/controller_module.hpp"
#include "models/memory_module.hpp"
#include "models/htree_network.hpp"
#include "models/mesh_network.hpp"

using namespace mottsim::models;

namespace {

constexpr double ns = 1e-9;
constexpr unsigned long long slice_bytes = 1ull << 20;
constexpr double copy_bytes = 16 * 4096;  // 16 bursts of 4 KiB

// 32-byte flits at 1 GHz: 32 GB/s a link, a 4 KiB burst's body 128 ns; 3 ns a hop.
link_timing links() {
  link_timing t;
  t.flit_bytes = 32;
  t.bytes_per_s = 32e9;
  t.hop_s = 3e-9;
  return t;
}

// Slices twice as fast as a link (64 bytes a ns): the links bound every copy.
memory_timing fast_memory() {
  memory_timing t;
  t.granule_bytes = 64;
  t.granule_time_s = 1 * ns;
  t.tail_s = 0;
  return t;
}

controller_timing dma_of() {
  controller_timing t;
  t.command_cycles = 0;
  t.outstanding = 4;
  return t;
}

// A row of four routers (0,0)..(3,0), the controller's port at (0,0), and a
// buffer sliced one per router: slice i at router i.
struct row_mesh {
  bus_module bus;
  memory_module slices;
  explicit row_mesh(const std::string& name)
      : bus((name + "_noc").c_str(),
            std::make_unique<mesh_network>(mesh_shape{4, 1, 1, 0, 0}, links())),
        slices((name + "_buffer").c_str(), fast_memory(), 4, slice_bytes) {
    bus.out.bind(slices.in);
    bus.map_window(0, 4 * slice_bytes, 0, "buffer", 4, interconnect_topology::placement::sliced);
  }
  // Bytes a named link carried, over every layer.
  double link_bytes(const std::string& name) const {
    double total = 0;
    for (const auto& l : bus.topology().links())
      if (l.name == name)
        for (const auto& [layer, b] : *l.bytes_by_layer) total += b;
    return total;
  }
};

program copy(int from, int to) {
  program p;
  program_stage s;
  s.layer = 0;
  program_op op;
  op.what = program_op::kind::dma;
  op.src = static_cast<unsigned long long>(from) * slice_bytes;
  op.dst = static_cast<unsigned long long>(to) * slice_bytes;
  op.bytes = copy_bytes;
  s.ops.push_back(op);
  p.stages.push_back(std::move(s));
  return p;
}

// Every link of a route carries each 4 KiB body for 128 ns; 16 bursts keep a
// link busy 2,048 ns. A copy alone is bounded by that, plus the head's hops
// and the last burst's read and write in the slices (64 ns each).
constexpr double link_busy_ns = 16 * 128;

}  // namespace

TEST_CASE("kernel: on a mesh a DMA copy goes slice to slice; disjoint copies overlap, copies sharing a link take turns") {
  row_mesh alone("alone"), disjoint("disjoint"), shared("shared");
  controller_module a("a", dma_of()), b1("b1", dma_of()), b2("b2", dma_of()), c1("c1", dma_of()),
      c2("c2", dma_of());
  a.out.bind(alone.bus.in);
  b1.out.bind(disjoint.bus.in);
  b2.out.bind(disjoint.bus.in);
  c1.out.bind(shared.bus.in);
  c2.out.bind(shared.bus.in);
  const program p01 = copy(0, 1), p32 = copy(3, 2), p03 = copy(0, 3), p12 = copy(1, 2);
  a.load(&p01);
  b1.load(&p01);
  b2.load(&p32);  // westward 3 -> 2: no link in common with 0 -> 1
  c1.load(&p03);
  c2.load(&p12);  // both cross (1,0)>(2,0)
  sc_core::sc_start();

  // Alone: within the link bound and the fill and drain of the pipeline.
  CHECK(a.finish_s() >= link_busy_ns * ns);
  CHECK(a.finish_s() <= (link_busy_ns + 3 * 3 + 2 * 64 + 128) * ns);
  // Disjoint routes: each takes exactly as long as alone.
  CHECK(b1.finish_s() == doctest::Approx(a.finish_s()).epsilon(1e-12));
  CHECK(b2.finish_s() == doctest::Approx(a.finish_s()).epsilon(1e-12));
  // Sharing (1,0)>(2,0): 32 bodies of 128 ns pass it one after another.
  CHECK(std::max(c1.finish_s(), c2.finish_s()) >= 2 * link_busy_ns * ns);

  // Each burst crossed the routers of its own route, once: 0 -> 1 crosses
  // two routers, the reads and writes of the old path (to the port and out)
  // three. Nothing passed the controller's port.
  CHECK(disjoint.link_bytes("buffer[0]>(0,0)") == copy_bytes);
  CHECK(disjoint.link_bytes("(0,0)>(1,0)") == copy_bytes);
  CHECK(disjoint.link_bytes("(1,0)>buffer[1]") == copy_bytes);
  CHECK(disjoint.link_bytes("(3,0)>(2,0)") == copy_bytes);
  CHECK(disjoint.link_bytes("port>(0,0)") == 0);
  CHECK(disjoint.link_bytes("(0,0)>port") == 0);
  CHECK(disjoint.bus.counts().totals().at("hop_bytes") == 2 * copy_bytes * 2);
  CHECK(shared.link_bytes("(1,0)>(2,0)") == 2 * copy_bytes);
  // 0 -> 3 crosses four routers, 1 -> 2 two.
  CHECK(shared.bus.counts().totals().at("hop_bytes") == copy_bytes * (4 + 2));
  // Bytes conserved: every byte read from a slice was written to another.
  CHECK(disjoint.slices.counts().totals().at("read_bytes") == 2 * copy_bytes);
  CHECK(disjoint.slices.counts().totals().at("write_bytes") == 2 * copy_bytes);
}

TEST_CASE("kernel: a sliced memory must give every router as many instances") {
  mesh_network mesh(mesh_shape{2, 2, 4, 0, 0}, links());
  CHECK_THROWS_AS(mesh.attach("buffer", 6, interconnect_topology::placement::sliced), std::invalid_argument);
  const int first = mesh.attach("buffer", 8, interconnect_topology::placement::sliced);
  const int tiles = mesh.attach("tile", 16);
  // Two slices a router in snake order: slices 2, 3 at (1,0), beside tiles 4..7.
  CHECK(mesh.routers_crossed(first + 2, tiles + 4) == 1);
  CHECK(mesh.routers_crossed(first + 3, tiles + 7) == 1);
  CHECK(mesh.routers_crossed(first + 0, tiles + 4) == 2);
  // The slices took no tile's place: all 16 tiles fit.
  CHECK_THROWS_AS(mesh.attach("more", 2), std::invalid_argument);
}

TEST_CASE("kernel: DRAM channels sit at the port, whatever their number") {
  // Two channels of a DRAM on a 2 x 2 mesh: both at the port router (0,0),
  // beside the controller, taking no tile's place; a tile at router (1,0) is
  // two routers from either.
  mesh_network mesh(mesh_shape{2, 2, 1, 0, 0}, links());
  const int dram = mesh.attach("dram", 2, interconnect_topology::placement::at_port);
  const int tiles = mesh.attach("tile", 4);
  CHECK(mesh.routers_crossed(0, dram) == 1);
  CHECK(mesh.routers_crossed(0, dram + 1) == 1);
  CHECK(mesh.routers_crossed(dram + 1, tiles + 1) == 2);
  CHECK(mesh.routers_crossed(dram, tiles + 3) == 2);
  CHECK_THROWS_AS(mesh.attach("more", 2), std::invalid_argument);
}

TEST_CASE("kernel: DRAM channels sit at the H-tree's root") {
  // Two channels on a 4-leaf H-tree: both at the root, beside the port; the
  // tiles at leaves 0 and 3 are each a full descent (three switches) away.
  htree_network tree(4, 1, links());
  const int dram = tree.attach("dram", 2, interconnect_topology::placement::at_port);
  const int tiles = tree.attach("tile", 4);
  CHECK(tree.routers_crossed(0, dram + 1) == 1);
  CHECK(tree.routers_crossed(dram, tiles) == tree.routers_crossed(0, tiles));
  CHECK(tree.routers_crossed(dram + 1, tiles + 3) == tree.routers_crossed(0, tiles + 3));
}

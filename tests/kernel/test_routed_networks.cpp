// The mesh and H-tree kernels: routes, hop latency and link contention,
// checked against timings worked out by hand. The networks are driven
// directly (no initiator), with every transfer's arrival given.
#include <doctest/doctest.h>

#include <systemc>

#include "models/htree_network.hpp"
#include "models/mesh_network.hpp"
#include "models/network_shape.hpp"

namespace {

using namespace mottsim::models;

struct owner : sc_core::sc_module {
  explicit owner(const sc_core::sc_module_name& n) : sc_module(n) {}
};

// 32-byte flits at 1 GHz (32 GB/s a link); a head crosses a router and the
// link it leaves on in 2 + 1 cycles: 3 ns a hop.
link_timing timing() {
  link_timing t;
  t.flit_bytes = 32;
  t.bytes_per_s = 32e9;
  t.hop_s = 3e-9;
  return t;
}

double ns(const sc_core::sc_time& t) { return t.to_seconds() * 1e9; }

}  // namespace

TEST_CASE("kernel: a mesh transfer crosses the routers of its XY route, head first, body at link rate") {
  owner o("o");
  action_counter counts;
  mesh_shape shape;
  shape.columns = 4;
  shape.rows = 4;
  mesh_network mesh(shape, timing());
  const int first = mesh.attach("tile", 16);
  // Snake order: tile 10 is the third router of row 2 (left to right): (2,2);
  // tile 5 the second of row 1 (right to left): (2,1).
  CHECK(mesh.snake_router(10) == mesh.router_at(2, 2));
  CHECK(mesh.snake_router(5) == mesh.router_at(2, 1));
  // Port (0,0) to (2,2): two hops east, two north, five routers crossed.
  CHECK(mesh.routers_crossed(0, first + 10) == 5);
  // A 256-byte write: 8 flits stream in 8 ns behind a head that takes 5 x 3 ns.
  const sc_core::sc_time done = mesh.transfer(0, first + 10, sc_core::SC_ZERO_TIME, 256, 0, counts, o);
  CHECK(ns(done) == doctest::Approx(23.0));
  CHECK(counts.totals().at("hop_bytes") == 256 * 5);
  // Tile 5 at (2,1) back to the port: two west, one south: four routers.
  CHECK(mesh.routers_crossed(first + 5, 0) == 4);
  CHECK(mesh_directed_links(4, 4) == 48);
}

TEST_CASE("kernel: mesh flows sharing a link take the sum of their bodies; disjoint flows overlap") {
  owner o("o");
  action_counter counts;
  mesh_shape shape;
  shape.columns = 4;
  shape.rows = 1;
  {
    mesh_network mesh(shape, timing());
    const int t = mesh.attach("tile", 4);  // tiles 0..3 on routers (0,0)..(3,0)
    // 3200 bytes: 100 flits, 100 ns of body. Alone, tile 0 -> tile 3 crosses
    // four routers (112 ns) and tile 1 -> tile 2 two (106 ns).
    const double a = ns(mesh.transfer(t + 0, t + 3, sc_core::SC_ZERO_TIME, 3200, 0, counts, o));
    const double b = ns(mesh.transfer(t + 1, t + 2, sc_core::SC_ZERO_TIME, 3200, 0, counts, o));
    CHECK(a == doctest::Approx(112.0));
    // Both use link (1,0)>(2,0): the first holds it from 6 ns (two hops in)
    // for its 100 ns; the second's head waits until 106 ns, its body takes
    // 100 ns more and one hop to eject: 209 ns, the two bodies back to back.
    CHECK(b == doctest::Approx(6.0 + 100.0 + 100.0 + 3.0));
  }
  {
    mesh_network mesh(shape, timing());
    const int t = mesh.attach("tile", 4);
    // Eastward 0 -> 1 and westward 3 -> 2 share no link: each takes its
    // 2 x 3 + 100 ns as if alone.
    const double a = ns(mesh.transfer(t + 0, t + 1, sc_core::SC_ZERO_TIME, 3200, 0, counts, o));
    const double b = ns(mesh.transfer(t + 3, t + 2, sc_core::SC_ZERO_TIME, 3200, 0, counts, o));
    CHECK(a == doctest::Approx(106.0));
    CHECK(b == doctest::Approx(106.0));
  }
}

TEST_CASE("kernel: mesh concentration puts consecutive instances on one router; too many is refused") {
  mesh_shape shape;
  shape.columns = 2;
  shape.rows = 2;
  shape.concentration = 4;
  mesh_network mesh(shape, timing());
  const int memory = mesh.attach("dram", 1);
  const int t = mesh.attach("tile", 16);
  CHECK(mesh.routers_crossed(0, memory) == 1);  // at the port's router
  CHECK(mesh.routers_crossed(t + 0, t + 3) == 1);
  // Tile 4 is on router 1 of the snake, (1,0); tile 8 on router 2, (1,1).
  CHECK(mesh.routers_crossed(t + 3, t + 4) == 2);
  CHECK(mesh.routers_crossed(0, t + 8) == 3);
  CHECK_THROWS_AS(mesh.attach("more", 2), std::invalid_argument);
}

TEST_CASE("kernel: an H-tree's leaves contend for the branches they share") {
  owner o("o");
  action_counter counts;
  // Four leaves, depth 2: root s1, switches s2 s3, leaves s4..s7 (tiles 0..3).
  CHECK(htree_depth(4) == 2);
  CHECK(htree_branches(4) == 6);
  CHECK(htree_branches(5) == 5 + 3 + 2);
  {
    htree_network tree(4, 1, timing());
    const int t = tree.attach("tile", 4);
    // Port (root) to tile 0: down two branches, three switches crossed.
    CHECK(tree.routers_crossed(0, t) == 3);
    CHECK(ns(tree.transfer(0, t, sc_core::SC_ZERO_TIME, 256, 0, counts, o)) == doctest::Approx(3 * 3.0 + 8.0));
  }
  {
    htree_network tree(4, 1, timing());
    const int t = tree.attach("tile", 4);
    // Tile 0 -> tile 2 and tile 1 -> tile 3 both climb s2>s1 and descend
    // s1>s3 (five switches each). The first holds s2>s1 from 6 ns (two hops
    // in) for 100 ns; the second's head reaches it at 6 ns too, starts at
    // 106 ns and has three hops left: 106 + 3 x 3 + 100 = 215 ns.
    const double a = ns(tree.transfer(t + 0, t + 2, sc_core::SC_ZERO_TIME, 3200, 0, counts, o));
    const double b = ns(tree.transfer(t + 1, t + 3, sc_core::SC_ZERO_TIME, 3200, 0, counts, o));
    CHECK(a == doctest::Approx(5 * 3.0 + 100.0));
    CHECK(b == doctest::Approx(106.0 + 3 * 3.0 + 100.0));
  }
  {
    htree_network tree(4, 1, timing());
    const int t = tree.attach("tile", 4);
    // Tile 0 -> 1 and tile 2 -> 3 turn at s2 and s3: no shared branch.
    const double a = ns(tree.transfer(t + 0, t + 1, sc_core::SC_ZERO_TIME, 3200, 0, counts, o));
    const double b = ns(tree.transfer(t + 2, t + 3, sc_core::SC_ZERO_TIME, 3200, 0, counts, o));
    CHECK(a == doctest::Approx(3 * 3.0 + 100.0));
    CHECK(b == doctest::Approx(a));
  }
}

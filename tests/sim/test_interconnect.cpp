// Networks on chip and off-chip links in whole runs: their prices, the links
// the report lists, and ISAAC's tile fed by its mesh router at the rate its
// crossbars compute.
#include <doctest/doctest.h>

#include <string>

#include "run_mottsim.hpp"

namespace {

const nlohmann::json* component(const nlohmann::json& report, const std::string& name) {
  for (const auto& c : report["components"])
    if (c["name"] == name) return &c;
  return nullptr;
}

double link_bytes(const nlohmann::json& c, const std::string& name) {
  for (const auto& l : c["links"])
    if (l["name"] == name) return l["bytes"].get<double>();
  return 0.0;
}

}  // namespace

TEST_CASE("interconnect: a mesh and an off-chip link are priced, and every byte is counted once per router") {
  const auto r = run_mottsim("tests/sim/configs/small_mesh.yaml", "tests/sim/configs/conv3x3_8x8.yaml");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const auto* noc = component(r.report, "noc");
  const auto* serdes = component(r.report, "serdes");
  const auto* dram = component(r.report, "dram");
  REQUIRE(noc);
  REQUIRE(serdes);
  REQUIRE(dram);
  // 2 routers of 0.02 mm^2 and 2 directed links of 0.001 mm^2; 1 mW a router.
  CHECK((*noc)["area_mm2"].get<double>() == rel(0.042));
  CHECK((*noc)["leakage_w"].get<double>() == rel(2e-3));
  CHECK((*serdes)["area_mm2"].get<double>() == rel(1.0));
  CHECK((*serdes)["leakage_w"].get<double>() == rel(0.1));
  // A byte costs 8 x 0.1 pJ per router it crosses, 8 x 1 pJ on the link.
  CHECK((*noc)["actions"]["hop_bytes"]["energy_per_action_j"].get<double>() == rel(0.8e-12));
  CHECK((*serdes)["actions"]["transfer_bytes"]["energy_per_action_j"].get<double>() == rel(8e-12));
  // Every DRAM byte crosses the off-chip link, and nothing else does.
  const double dram_bytes = action_count(r.report, "dram", "read_bytes") + action_count(r.report, "dram", "write_bytes");
  CHECK(dram_bytes > 0);
  CHECK(action_count(r.report, "serdes", "transfer_bytes") == rel(dram_bytes));
  CHECK(link_bytes(*serdes, "in") + link_bytes(*serdes, "out") == rel(dram_bytes));
  // Every transfer enters the network once, over its source's local link
  // into its router ("name>(x,y)"), and a transfer crossing k routers
  // crosses k + 1 links. So the links carry the routers' bytes plus what
  // entered. A DMA copy goes from its source to its destination (a memory to
  // a tile, a tile to a memory), not through the controller's port: only the
  // tile commands leave the port.
  double all_links = 0, entered = 0;
  for (const auto& l : (*noc)["links"]) {
    all_links += l["bytes"].get<double>();
    if (l["name"].get<std::string>().front() != '(') entered += l["bytes"].get<double>();
    CHECK(l["utilization"].get<double>() >= 0.0);
    CHECK(l["utilization"].get<double>() <= 1.0);
  }
  CHECK(all_links == rel(action_count(r.report, "noc", "hop_bytes") + entered));
  // The port sends the commands, 16 bytes each, and receives nothing.
  CHECK(link_bytes(*noc, "port>(0,0)") == rel(16 * action_count(r.report, "controller", "command")));
  CHECK(link_bytes(*noc, "(0,0)>port") == 0);
  // Tile 1 sits one hop east of the port: its traffic crosses the link between the routers.
  CHECK(link_bytes(*noc, "(0,0)>(1,0)") > 0);
  CHECK(link_bytes(*noc, "(0,0)>(1,0)") == rel(link_bytes(*noc, "(1,0)>tile[1]")));

  const auto d = run_command("describe tests/sim/configs/small_mesh.yaml");
  CHECK(d.status == 0);
  CHECK(d.output.find("topology: 2 x 1 mesh, 2 routers, 2 directed links") != std::string::npos);
  CHECK(d.output.find("tile x2: 1 per router, routers 0..1") != std::string::npos);
  CHECK(d.output.find("connect noc via serdes") != std::string::npos);
}

TEST_CASE("interconnect: an H-tree is priced by its switches and branches, and its tiles' traffic crosses them") {
  const auto r = run_mottsim("tests/sim/configs/small_htree.yaml", "tests/sim/configs/conv3x3_8x8.yaml");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const auto* noc = component(r.report, "noc");
  REQUIRE(noc);
  // Two leaves: depth 1, two branches below the root, three switches.
  CHECK((*noc)["area_mm2"].get<double>() == rel(3 * 0.02 + 2 * 0.001));
  CHECK((*noc)["leakage_w"].get<double>() == rel(3e-3));
  // Each tile's traffic goes down (and up) its own branch from the root.
  CHECK(link_bytes(*noc, "s1>s2") > 0);
  CHECK(link_bytes(*noc, "s1>s3") > 0);
  CHECK(link_bytes(*noc, "s1>s2") == rel(link_bytes(*noc, "s2>tile[0]")));
  CHECK(link_bytes(*noc, "s1>s3") == rel(link_bytes(*noc, "s3>tile[1]")));
  const auto d = run_command("describe tests/sim/configs/small_htree.yaml");
  CHECK(d.output.find("topology: H-tree of 2 leaves, depth 1, 3 switches; port at the root") != std::string::npos);
}

TEST_CASE("interconnect: ISAAC's tile on its mesh router computes a large convolution at crossbar rate as its input streams in") {
  // configs/validation/isaac: 12 IMAs of 8 128x128 crossbars (96), 2-bit
  // cells, bit-serial 8-bit inputs read in 100 ns, weights stored with an
  // offset column. conv3x3_28x28x128: 1,152 rows (9 row blocks) by 128 outputs
  // of 4 two-bit slices plus the offset, 513 columns (5 column blocks): 45
  // crossbars a copy, 2 copies in 96. The crossbar-bound time is one 8 x 100
  // ns read sequence per output position per copy: 392 x 800 ns = 313.6 us.
  const auto r = run_mottsim("configs/validation/isaac/arch.yaml", "tests/sim/configs/conv3x3_28x28x128.yaml");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const auto& layer = r.report["layers"][0];
  CHECK(layer["crossbars"].get<long long>() == 45);
  CHECK(layer["replicas"].get<long long>() == 2);
  const double peak_s = 392 * 8 * 100e-9;
  const double latency = layer["latency_s"].get<double>();
  CAPTURE(latency);
  CHECK(latency >= peak_s * (1 - 1e-9));
  // The input comes from DRAM over the 6.4 GB/s HyperTransport link. Each
  // IMA's job needs the input rows of its copy's 14 output rows (15 of the 28:
  // the padding supplies the 16th) for the row blocks it holds: IMAs 0-4 and
  // 6-10 hold 8 row blocks each, 8/9 of 100,352 bytes / 2 = 44,601 bytes; IMA
  // 5 holds 5 of copy 0 and 3 of copy 1 (27,876 and 16,726 bytes), IMA 11 the
  // last 2 (11,151): 501,763 bytes, moved once whether streamed or not.
  const auto* link = [&]() -> const nlohmann::json* {
    for (const auto& c : r.report["components"])
      if (c["name"] == "hypertransport") return &c;
    return nullptr;
  }();
  REQUIRE(link);
  double in_bytes = 0;
  for (const auto& l : (*link)["links"])
    if (l["name"] == "in") in_bytes = l["bytes"].get<double>();
  CHECK(in_bytes == 501763);
  // The input streams in by rows, in chunks of at least a 4 KiB burst: 2
  // output rows (3 input rows, then 2 more each) for an 8-block job of 2,973
  // bytes a row, 3 for IMA 5's 5-block job (4 rows first), 4 for its 3-block
  // one (5 rows), 6 for IMA 11's (7 rows). Every IMA's first chunk goes first:
  // 10 x 8,920 + 7,434 + 5,575 + 5,204 = 107,413 bytes, 16.8 us of the link,
  // after which the last IMA starts; each of those 13 transfers also waits up
  // to 1 us for the DRAM's latency and its first burst and for the last
  // burst to reach the IMA (bursts in flight do not span two transfers). The
  // rest of the input (78.4 us of the link in all) arrives faster than the
  // crossbars read it, so the layer takes the peak after that fill.
  const double first_fill_s = 107413 / 6.4e9 + 13 * 1e-6;
  CHECK(latency <= first_fill_s + peak_s);
  // Sent whole, every IMA's input before it starts, the layer took the 78.4
  // us fill plus the peak: 78 % of it.
  CHECK(peak_s / latency >= 0.90);
}

TEST_CASE("interconnect: describe shows the CIM chips' mesh, its buffer slices and where the tiles sit") {
  // configs/arch/cim_base.yaml: 4 x 3 routers, 48 eDRAM banks (4 a router);
  // adc_cim's 512 IMAs at 48 a router fill routers 0..10 (the 11th holds 32).
  const auto d = run_command("describe configs/arch/adc_cim.yaml");
  REQUIRE(d.status == 0);
  CHECK(d.output.find("topology: 4 x 3 mesh, 12 routers, 34 directed links") != std::string::npos);
  CHECK(d.output.find("global_buffer x48: sliced, 4 at every router") != std::string::npos);
  CHECK(d.output.find("tile x512: 48 per router, routers 0..10") != std::string::npos);
}

TEST_CASE("interconnect: on the CIM chips' mesh every byte a memory moves crosses its local links, and MACs are conserved") {
  // Every byte written into a global-buffer slice or DRAM arrived over that
  // memory's link from its router ("(x,y)>global_buffer[i]"), every byte read
  // left over the link to it: the memory's counts and the network's agree,
  // so no copy skipped the network or crossed it twice. VGG-8: 615,917,568
  // MACs whatever the transport.
  for (const char* a : {"configs/arch/adc_cim.yaml", "configs/arch/mott_cim.yaml"}) {
    CAPTURE(a);
    const auto r = run_mottsim(a, "configs/workloads/vgg8_cifar10.yaml");
    REQUIRE_MESSAGE(r.status == 0, r.output);
    CHECK(r.report["totals"]["macs"].get<double>() == 615917568.0);
    const auto* noc = component(r.report, "noc");
    REQUIRE(noc);
    for (const std::string memory : {"global_buffer", "dram"}) {
      CAPTURE(memory);
      double into = 0, out_of = 0;
      for (const auto& l : (*noc)["links"]) {
        const auto name = l["name"].get<std::string>();
        if (name.rfind(memory, 0) == 0) out_of += l["bytes"].get<double>();
        else if (name.find(">" + memory) != std::string::npos) into += l["bytes"].get<double>();
      }
      const double read = action_count(r.report, memory, "read_bytes");
      const double written = action_count(r.report, memory, "write_bytes");
      CHECK(read > 0);
      CHECK(out_of == rel(read));
      CHECK(into == rel(written));
    }
    // The buffer's tensors are spread over several slices' links.
    int slices_used = 0;
    for (const auto& l : (*noc)["links"])
      if (l["name"].get<std::string>().rfind("global_buffer[", 0) == 0) ++slices_used;
    CHECK(slices_used >= 2);
  }
}

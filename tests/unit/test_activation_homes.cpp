// Where activations live on a CIM chip (platform/mapping/activation_homes.hpp):
// views share storage, a concat's operands are written into it in place,
// what cannot be is copied, and every activation a program reads was written
// before it is read.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "dsl/architecture_loader.hpp"
#include "dsl/workload_loader.hpp"
#include "platform/mapping/network_plan.hpp"
#include "test_support.hpp"

using namespace mottsim;

namespace {

dsl::architecture_load chip(const std::string& name, dsl::diagnostics& errors) {
  return dsl::load_architecture(std::string(MOTTSIM_SOURCE_DIR) + "/configs/arch/" + name + ".yaml", {},
                                test_support::registry(), errors);
}

platform::network_plan plan_of(const std::string& yaml, const dsl::architecture_spec& arch, dsl::workload_spec& w) {
  test_support::scratch_dir dir;
  dsl::diagnostics errors;
  w = dsl::load_workload(dir.write("w.yaml", yaml), errors);
  REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
  auto plan = platform::plan_network(w, arch,
                                     test_support::registry().readout_stages(), platform::schedule_kind::layer, errors);
  REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
  return plan;
}

bool same(const platform::data_home& a, const platform::data_home& b) {
  return a.memory == b.memory && a.address == b.address;
}

}  // namespace

TEST_CASE("activation homes: a view shares its input's storage, and a slice sits at its offset in it") {
  dsl::diagnostics errors;
  const auto arch = chip("mott_cim", errors);
  REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
  dsl::workload_spec w;
  const auto plan = plan_of("input: {height: 8, width: 8, channels: 4}\nlayers:\n"
                            "  - {name: a, type: conv2d, out_channels: 8, kernel: 1}\n"
                            "  - {name: r, type: reshape, shape: [1, 1, 512]}\n"
                            "  - {name: s, type: slice, axis: channels, begin: 128, end: 256}\n"
                            "  - {name: fc, type: linear, out_features: 10}\n",
                            arch.spec, w);
  const auto& a = plan.layers[0];
  // 8 x 8 x 8 one-byte values: small enough for half of the global buffer.
  CHECK(a.output.memory == "global_buffer");
  CHECK(same(plan.layers[1].output, a.output));
  // The slice keeps values 128..255 of the 512: 128 bytes into the same storage.
  CHECK(plan.layers[2].output.memory == a.output.memory);
  CHECK(plan.layers[2].output.address == a.output.address + 128);
  CHECK(same(plan.layers[3].inputs.front(), plan.layers[2].output));
  for (const auto& lp : plan.layers) CHECK(lp.copies.empty());
}

TEST_CASE("activation homes: a concat's operands are written into it in place; what cannot be is copied by DMA") {
  dsl::diagnostics errors;
  const auto arch = chip("mott_cim", errors);
  REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
  dsl::workload_spec w;
  // a and b are joined by c; a is joined again by e, with d: one tensor cannot
  // sit in two concats, so e copies a in. a is read by e, long after the
  // layer after its storage's last writer, so {a, b, c} lives in DRAM.
  const auto plan = plan_of("input: {height: 8, width: 8, channels: 4}\nlayers:\n"
                            "  - {name: a, type: conv2d, out_channels: 4, kernel: 1}\n"
                            "  - {name: b, type: conv2d, out_channels: 4, kernel: 1}\n"
                            "  - {name: c, type: concat, axis: channels, with: a}\n"
                            "  - {name: d, type: conv2d, out_channels: 4, kernel: 1}\n"
                            "  - {name: e, type: concat, axis: channels, with: a}\n"
                            "  - {name: f, type: conv2d, out_channels: 4, kernel: 1}\n",
                            arch.spec, w);
  const auto& L = plan.layers;
  CHECK(L[0].output.memory == "dram");
  CHECK(same(L[0].output, L[2].output));
  CHECK(same(L[1].output, L[2].output));
  CHECK(L[2].copies.empty());
  CHECK(L[2].ran_on.find("written into it in place") != std::string::npos);
  // d is written straight into e; e copies a's 8 x 8 x 4 bytes from a's home.
  CHECK(same(L[3].output, L[4].output));
  REQUIRE(L[4].copies.size() == 1);
  CHECK(L[4].copies[0].layer == 0);
  CHECK(L[4].copies[0].bytes == doctest::Approx(256.0).scale(0));
  CHECK(same(L[4].copies[0].from, L[0].output));
  // {d, e} is read only by f, the layer after it: the global buffer.
  CHECK(L[4].output.memory == "global_buffer");
  CHECK(same(L[5].inputs.front(), L[4].output));
  // The program moves those 256 bytes in e's stage (stage 0 programs weights).
  const auto program = platform::build_program(plan, arch.spec);
  bool copied = false;
  for (const auto& op : program.stages[5].ops)
    copied = copied || (op.what == models::program_op::kind::dma && op.src == L[0].output.address &&
                        op.dst == L[4].output.address && op.bytes == 256.0);
  CHECK(copied);
}

TEST_CASE("activation homes: a class token is read from DRAM, the network input copied, a transpose copied") {
  dsl::diagnostics errors;
  const auto arch = chip("adc_cim", errors);
  REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
  dsl::workload_spec w;
  // 4 x 1 x 16 tokens: the class token adds one row of 16 bytes; the input's
  // 64 bytes cannot be moved into the concat's storage (the input stays where
  // it starts), so both are copied. The transpose copies its 80 bytes.
  const auto plan = plan_of("input: {height: 4, width: 1, channels: 16}\nlayers:\n"
                            "  - {name: cls, type: concat, axis: height, constant: 1}\n"
                            "  - {name: t, type: reshape, shape: [16, 1, 5], reorders: true}\n"
                            "  - {name: fc, type: conv2d, out_channels: 8, kernel: 1}\n",
                            arch.spec, w);
  const auto& L = plan.layers;
  REQUIRE(L[0].copies.size() == 2);
  CHECK(L[0].copies[0].layer == -1);
  CHECK(L[0].copies[0].bytes == doctest::Approx(64.0).scale(0));
  CHECK(L[0].copies[1].layer == platform::constant_source);
  CHECK(L[0].copies[1].bytes == doctest::Approx(16.0).scale(0));
  REQUIRE(L[1].copies.size() == 1);
  CHECK(L[1].copies[0].bytes == doctest::Approx(80.0).scale(0));
  CHECK(same(L[1].copies[0].from, L[0].output));
  CHECK_FALSE(same(L[1].output, L[0].output));
  CHECK(L[1].ran_on.find("a transpose") != std::string::npos);
}

namespace {

// The layers whose values may be what layer o's readers find at its address:
// o's own, and, for a layer that moves no values (a flatten, a reshape that
// keeps the order, a slice, an activation layer without a function), those of
// what it views; for a concat, those of its operands, written into it.
std::set<int> values_of(const dsl::workload_spec& w, int o) {
  std::set<int> out{o};
  if (o < 0) return out;
  const auto& l = w.layers[static_cast<std::size_t>(o)];
  const bool view = l.kind == dsl::layer_kind::flatten || l.kind == dsl::layer_kind::slice ||
                    (l.kind == dsl::layer_kind::reshape && !l.reorders) ||
                    (l.kind == dsl::layer_kind::activation && l.activation == dsl::activation_kind::none);
  std::vector<int> from;
  if (view || l.kind == dsl::layer_kind::concat) from.push_back(w.producer_of(o));
  if (l.kind == dsl::layer_kind::concat && !l.add_from.empty()) from.push_back(w.index_of(l.add_from));
  for (const int f : from) {
    const auto more = values_of(w, f);
    out.insert(more.begin(), more.end());
  }
  return out;
}

}  // namespace

// Every DMA that reads an activation from DRAM or the global buffer finds
// there the values it asks for: the last write to that address came from a
// layer whose values its operand holds (itself, what it views, or a concat's
// operand), or the address is the network input, untouched since it started
// at DRAM's base. Weights and constants are read from DRAM's base and are not
// checked. A view or a concat given storage of its own, which nobody writes,
// fails this: its reader would find another layer's values there.
TEST_CASE("activation homes: every activation a program reads holds the values asked for, on the shipped networks") {
  std::vector<std::string> workloads;
  for (const auto& e : std::filesystem::directory_iterator(std::string(MOTTSIM_SOURCE_DIR) + "/configs/workloads"))
    if (e.path().extension() == ".yaml" && e.path().stem() != "vit_b_16_imagenet") workloads.push_back(e.path().string());
  for (const char* m : {"mobilenet_v2", "efficientnet_b0", "vit_b_16"}) {
    const std::string onnx = std::string(MOTTSIM_SOURCE_DIR) + "/data/onnx/" + m + ".onnx";
    if (std::filesystem::exists(onnx)) workloads.push_back(onnx);
  }
  for (const char* a : {"mott_cim", "adc_cim", "mott_analog_cim", "cmos_analog_cim"}) {
    dsl::diagnostics errors;
    const auto arch = chip(a, errors);
    REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
    const auto* dram = arch.spec.of_type("dram").front();
    const auto* buffer = arch.spec.find("global_buffer");
    REQUIRE(buffer);
    auto in = [](const dsl::component_spec* c, unsigned long long x) {
      const auto& k = c->connections.front();
      return x >= k.base && x < k.base + k.size;
    };
    for (const auto& path : workloads) {
      CAPTURE(a);
      CAPTURE(path);
      const auto w = dsl::load_workload(path, errors);
      REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
      const auto plan = platform::plan_network(w, arch.spec,
          test_support::registry().readout_stages(), platform::schedule_kind::layer, errors);
      REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
      const auto program = platform::build_program(plan, arch.spec);
      const unsigned long long base = dram->connections.front().base;
      const double image = static_cast<double>(w.input.elements()) * w.activation_bits / 8.0;
      struct write {
        unsigned long long at;
        double bytes;
        int layer;
      };
      std::vector<write> written;
      int wrong = 0;
      for (std::size_t s = 1; s < program.stages.size(); ++s) {
        const int layer = program.stages[s].layer;
        std::set<int> expected;
        for (const int o : plan.layers[static_cast<std::size_t>(layer)].input_layers) {
          const auto v = values_of(w, o);
          expected.insert(v.begin(), v.end());
        }
        for (const auto& op : program.stages[s].ops) {
          if (op.what != models::program_op::kind::dma) continue;
          if ((in(dram, op.src) || in(buffer, op.src)) && op.src != base) {
            int found = -2;  // nothing written there
            if (in(dram, op.src) && static_cast<double>(op.src - base) < image) found = -1;
            for (auto it = written.rbegin(); it != written.rend(); ++it)
              if (op.src >= it->at && static_cast<double>(op.src - it->at) < it->bytes) {
                found = it->layer;
                break;
              }
            if (!expected.count(found) && ++wrong <= 3)
              FAIL_CHECK("layer '" << w.layers[static_cast<std::size_t>(layer)].name << "' reads address " << std::to_string(op.src)
                                   << ", last written by layer " << found);
          }
          if (in(dram, op.dst) || in(buffer, op.dst)) written.push_back({op.dst, op.bytes, layer});
        }
      }
      CHECK(wrong == 0);
    }
  }
}

// The shipped CIM chips slice the global buffer over their mesh's 12 routers
// (configs/arch/cim_base.yaml: 48 eDRAM banks of 64 KiB, 4 a router, a
// 256 KiB slice). A tensor held in the buffer sits in the slice of the router
// its reader's middle tile is attached to (concentration tiles a router, in
// snake order, slice k at the router of snake index k), so the reader fetches
// it without crossing a router link.
TEST_CASE("activation homes: on a sliced buffer a tensor lives in the slice beside the tiles that read it") {
  for (const auto& [a, per_router] : {std::pair<const char*, long long>{"adc_cim", 48}, {"mott_cim", 3}}) {
    CAPTURE(a);
    dsl::diagnostics errors;
    const auto arch = chip(a, errors);
    REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
    const auto* buffer = arch.spec.find("global_buffer");
    REQUIRE(buffer);
    CHECK(buffer->count == 48);
    CHECK(arch.spec.find("noc")->params.integer("concentration") == per_router);
    const unsigned long long base = buffer->connections.front().base;
    const unsigned long long slice = buffer->connections.front().size / 12;
    CHECK(slice == 256 * 1024);
    const auto w = dsl::load_workload(std::string(MOTTSIM_SOURCE_DIR) + "/configs/workloads/vgg8_cifar10.yaml", errors);
    REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
    const auto plan = platform::plan_network(w, arch.spec, test_support::registry().readout_stages(),
                                             platform::schedule_kind::layer, errors);
    REQUIRE_MESSAGE(!errors.has_errors(), errors.to_string());
    std::set<unsigned long long> used;
    int checked = 0;
    for (std::size_t i = 0; i + 1 < plan.layers.size(); ++i) {
      const auto& home = plan.layers[i].output;
      if (home.memory != "global_buffer") continue;
      // The first layer after i that reads it on tiles (a pooling in between
      // passes the tensor on; its output goes beside the same reader).
      std::size_t r = i + 1;
      while (r < plan.layers.size() && !plan.layers[r].on_tiles) ++r;
      if (r == plan.layers.size()) continue;
      const auto& reader = plan.layers[r];
      const long long middle = reader.first_tile + (reader.tiles - 1) / 2;
      const unsigned long long expected = static_cast<unsigned long long>(std::min(11LL, middle / per_router));
      CAPTURE(plan.layers[i].layer->name);
      CHECK((home.address - base) / slice == expected);
      // Either half of the slice, from its start.
      CHECK((home.address - base) % (slice / 2) == 0);
      used.insert((home.address - base) / slice);
      ++checked;
    }
    CHECK(checked >= 3);
    // VGG-8's layers fill the tiles in order: its tensors are spread over
    // several routers' slices, not held in one.
    CHECK(used.size() >= 2);
  }
}

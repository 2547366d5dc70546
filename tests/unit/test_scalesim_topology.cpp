// SCALE-Sim topology import: convolution and GEMM topologies read as workloads
// whose MACs equal SCALE-Sim's own count, computed here independently with its
// formulas (topology_utils.py: ofmap = ceil((ifmap - filter + stride) / stride),
// MACs = ofmap_h x ofmap_w x filter_h x filter_w x channels x filters, depthwise
// "DP" rows split into one layer per channel), and the located errors of broken
// rows.
#include <doctest/doctest.h>

#include <string>

#include "dsl/workload_loader.hpp"
#include "platform/data/reference_forward.hpp"
#include "test_support.hpp"

using namespace mottsim;

namespace {

long long scalesim_ofmap(long long ifmap, long long filter, long long stride) {
  return (ifmap - filter + stride + stride - 1) / stride;  // ceil((ifmap - filter + stride) / stride)
}

long long scalesim_macs(long long ih, long long iw, long long fh, long long fw, long long ch, long long filters,
                        long long stride) {
  return scalesim_ofmap(ih, fh, stride) * scalesim_ofmap(iw, fw, stride) * fh * fw * ch * filters;
}

dsl::workload_spec load(const std::string& text, dsl::diagnostics& errors) {
  test_support::scratch_dir dir;
  return dsl::load_workload(dir.write("topo.csv", text), errors);
}

std::string first_error(const std::string& text) {
  dsl::diagnostics errors;
  load(text, errors);
  if (!errors.has_errors()) return "";
  const std::string e = errors.errors()[0].to_string();
  return e.substr(e.find("topo.csv"));
}

const char* const header =
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\n";

}  // namespace

TEST_CASE("SCALE-Sim topology: a convolution topology keeps SCALE-Sim's shapes and MACs") {
  const std::string text = std::string(header) +
                           "Conv1,224,224,11,11,3,96,4,\n"      // (224 - 11) / 4 leaves 1: a partial window, 55x55
                           "Conv2,59,59,5,5,96,256,1,\n"        // 55 + 2 x 2: reads Conv1 with padding 2
                           "Conv3,27,27,3,3,256,384,1,\n"       // follows from nothing: a load of 27x27x256
                           "Conv4_DP,27,27,3,3,384,1,1,\n"      // 25 + 2 x 1: reads Conv3, depthwise
                           "FC1, 25, 25, 25, 25, 384, 10, 1,\n";  // reads Conv4_DP whole
  dsl::diagnostics errors;
  const auto w = load(text, errors);
  INFO(errors.to_string());
  REQUIRE_FALSE(errors.has_errors());
  const long long expected = scalesim_macs(224, 224, 11, 11, 3, 96, 4) + scalesim_macs(59, 59, 5, 5, 96, 256, 1) +
                             scalesim_macs(27, 27, 3, 3, 256, 384, 1) +
                             384 * scalesim_macs(27, 27, 3, 3, 1, 1, 1) +  // one layer per channel
                             scalesim_macs(25, 25, 25, 25, 384, 10, 1);
  CHECK(w.total_macs() == expected);
  CHECK(w.input == dsl::tensor_shape{224, 224, 3});
  REQUIRE(w.layers.size() == 6);
  CHECK(w.layers[0].out_shape == dsl::tensor_shape{55, 55, 96});
  CHECK(w.layers[0].pad_h == 2);  // ceil((4 - 1) / 2)
  CHECK(w.layers[1].pad_h == 2);
  CHECK(w.layers[1].input.empty());
  CHECK(w.layers[2].kind == dsl::layer_kind::load);
  CHECK(w.layers[2].out_shape == dsl::tensor_shape{27, 27, 256});
  CHECK(w.layers[3].in_shape == dsl::tensor_shape{27, 27, 256});
  CHECK(w.layers[4].groups == 384);
  CHECK(w.layers[4].pad_h == 1);
  CHECK(w.layers[5].out_shape == dsl::tensor_shape{1, 1, 10});
  for (const auto& l : w.layers) CHECK(l.activation == dsl::activation_kind::none);
}

TEST_CASE("SCALE-Sim topology: a GEMM topology is M x N x K MACs a row") {
  const std::string text = "Layer, M, N, K,\nQKV, 197, 2304, 768,\nProj, 197, 768, 768,\nFC1, 197, 3072, 768,\n";
  dsl::diagnostics errors;
  const auto w = load(text, errors);
  INFO(errors.to_string());
  REQUIRE_FALSE(errors.has_errors());
  CHECK(w.total_macs() == 197LL * 2304 * 768 + 197LL * 768 * 768 + 197LL * 3072 * 768);
  // Proj's 768 inputs do not follow from QKV's 2304 outputs: a load; FC1's do.
  REQUIRE(w.layers.size() == 4);
  CHECK(w.layers[1].kind == dsl::layer_kind::load);
  CHECK(w.layers[3].in_shape == dsl::tensor_shape{197, 1, 768});
}

TEST_CASE("SCALE-Sim topology: broken rows are located errors") {
  CHECK(first_error(std::string(header) + "Conv1,224,224,11,11,3,96,\n") ==
        "topo.csv:2:1: error: a SCALE-Sim convolution row has 8 or 9 fields (Layer name, IFMAP Height, IFMAP Width, "
        "Filter Height, Filter Width, Channels, Num Filter, Strides[, Stride width]); this one has 7");
  CHECK(first_error(std::string(header) + "Conv1,224,224,11,11,3,x96,4,\n") ==
        "topo.csv:2:23: error: Num Filter must be a whole number from 1 to 2^20, got 'x96'");
  CHECK(first_error(std::string(header) + "Conv1,8,8,11,3,3,96,4,\n") ==
        "topo.csv:2:11: error: the 11x3 filter is larger than the 8x8 IFMAP");
  CHECK(first_error("Layer, M, N, K,\nQKV, 197, 0, 768,\n") ==
        "topo.csv:2:11: error: N must be a whole number from 1 to 2^20, got '0'");
  CHECK(first_error(header) == "topo.csv: error: the SCALE-Sim topology holds a header and no layer rows");
  // The workload's limits are checked at the field: 2^16 for sizes, 2^20 for
  // counts, and a depthwise row's channels x filters outputs.
  CHECK(first_error("Layer, M, N, K,\nQKV, 100000, 64, 64,\n") ==
        "topo.csv:2:6: error: M must be a whole number from 1 to 2^16, got '100000'");
  CHECK(first_error(std::string(header) + "Conv_DP,8,8,3,3,4096,512,1,\n") ==
        "topo.csv:2:22: error: a depthwise row has Channels x Num Filter outputs, and 4096 x 512 is more than 2^20");
}

TEST_CASE("SCALE-Sim topology: the checks of a workload file are located at the rows") {
  // The network input is the first row's IFMAP, located at its height.
  CHECK(first_error(std::string(header) + "conv1, 65536, 65536, 3, 3, 65536, 8, 1,\n") ==
        "topo.csv:2:8: error: input 65536x65536x65536 has more than 2^34 elements");
}

TEST_CASE("SCALE-Sim topology: a load has no values for functional mode") {
  // Perf mode runs it; the float reference refuses it at the load's row (the
  // IFMAP Height of the row whose IFMAP it loads).
  dsl::diagnostics errors;
  const auto w = load(std::string(header) + "Conv1,8,8,3,3,1,4,1,\nConv2,12,12,3,3,2,4,1,\n", errors);
  REQUIRE_FALSE(errors.has_errors());
  REQUIRE(w.layers[1].kind == dsl::layer_kind::load);
  CHECK(w.layers[1].computes_nothing());
  try {
    const platform::reference_network net(w);
    FAIL("a workload with a load has no float forward");
  } catch (const dsl::input_error& e) {
    CHECK(std::string(e.what()).find("topo.csv:3:7: error: layer 'Conv2_ifmap' is a load: its tensor has no values") !=
          std::string::npos);
  }
}

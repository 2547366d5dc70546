// NeuroSim network CSV import: DNN+NeuroSim's VGG-8 rows (NetWork_VGG8.csv: six
// 3x3 convolutions on 32x32x3, pooling after every second, then fully
// connected 8192 -> 1024 -> 1024 -> 10) read as a workload whose MACs are
// counted here by hand, and the located errors of broken rows.
#include <doctest/doctest.h>

#include <string>

#include "dsl/neurosim_network.hpp"
#include "dsl/workload_loader.hpp"
#include "test_support.hpp"

using namespace mottsim;

namespace {

const char* const vgg8_rows =
    "32,32,3,3,3,128,0,1\n32,32,128,3,3,128,1,1\n16,16,128,3,3,256,0,1\n16,16,256,3,3,256,1,1\n"
    "8,8,256,3,3,512,0,1\n8,8,512,3,3,512,1,1\n1,1,8192,1,1,1024,0,1\n1,1,1024,1,1,1024,0,1\n1,1,1024,1,1,10,0,1\n";

long long conv_macs(long long size, long long in, long long out) { return size * size * out * in * 9; }

std::string first_error(const std::string& csv_text) {
  test_support::scratch_dir dir;
  const std::string path = dir.write("net.csv", csv_text);
  dsl::diagnostics errors;
  dsl::load_workload(path, errors);
  if (!errors.has_errors()) return "";
  const std::string e = errors.errors()[0].to_string();
  return e.substr(e.find("net.csv"));
}

}  // namespace

TEST_CASE("NeuroSim CSV: VGG-8 reads as a workload with the MACs counted by hand") {
  test_support::scratch_dir dir;
  const std::string path = dir.write("NetWork_VGG8.csv", vgg8_rows);
  dsl::diagnostics errors;
  const auto w = dsl::load_workload(path, errors);
  INFO(errors.to_string());
  REQUIRE_FALSE(errors.has_errors());
  const long long conv = conv_macs(32, 3, 128) + conv_macs(32, 128, 128) + conv_macs(16, 128, 256) +
                         conv_macs(16, 256, 256) + conv_macs(8, 256, 512) + conv_macs(8, 512, 512);
  const long long fc = 8192LL * 1024 + 1024 * 1024 + 1024 * 10;
  CHECK(w.total_macs() == conv + fc);
  // 6 convolutions, 3 pools, a flatten, 3 linear layers.
  CHECK(w.layers.size() == 13);
  CHECK(w.layers.back().out_shape == dsl::tensor_shape{1, 1, 10});
  CHECK(w.layers.back().activation == dsl::activation_kind::none);
  CHECK(w.layers[0].activation == dsl::activation_kind::relu);
  CHECK(w.layers[0].pad_h == 1);
}

TEST_CASE("NeuroSim CSV: broken rows are located errors") {
  CHECK(first_error("32,32,3,3,3,128,0\n") == "net.csv:1:1: error: a NeuroSim network row has 8 fields (IFM height, "
                                              "IFM width, IFM channels, kernel height, kernel width, output channels, "
                                              "pooling, stride); this one has 7");
  CHECK(first_error("32,32,3,3,3,128,0,1\n32,32,128,3,x,128,2,1\n") ==
        "net.csv:2:13: error: kernel width must be a whole number from 1 to 2^20, got 'x'");
  // 32x32 pooled to 16x16: a next row that claims 32x32 breaks the chain.
  CHECK(first_error("32,32,3,3,3,128,1,1\n32,32,128,3,3,128,0,1\n") ==
        "net.csv:2:1: error: IFM 32x32x128 does not follow from the previous row's output 16x16x128 (after its "
        "pooling)");
  CHECK(first_error("8,8,3,3,3,16,1,1\n1,1,100,1,1,10,0,1\n") ==
        "net.csv:2:5: error: IFM channels 100 must be the 256 values of the previous output (4x4x16) for a fully "
        "connected row");
  // A SCALE-Sim header makes it a SCALE-Sim topology (test_scalesim_topology.cpp).
  CHECK(first_error("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
                    "Strides,\nConv1,224,224,11,11,3,96,4,\n") == "");
  CHECK(first_error("\n\n") == "net.csv: error: the network CSV holds no layer rows");
  // A trailing comma is NeuroSim's own style, not an error.
  CHECK(first_error("32,32,3,3,3,128,0,1,\n") == "");
  // Nor is the byte order mark a spreadsheet's UTF-8 export starts with, which
  // made '32' "not a whole number"; a broken row after it keeps its columns.
  CHECK(first_error("\xEF\xBB\xBF" "32,32,3,3,3,128,0,1\n") == "");
  CHECK(first_error("\xEF\xBB\xBF" "32,32,3,3,x,128,0,1\n") ==
        "net.csv:1:11: error: kernel width must be a whole number from 1 to 2^20, got 'x'");
}

TEST_CASE("NeuroSim CSV: the checks of a workload file are located at the CSV's rows") {
  // What `import` writes is the text these checks read, so it reads back;
  // their errors point at the row the layer comes from, never at the text.
  CHECK(first_error("4096,4096,4096,3,3,4096,0,1\n") ==
        "net.csv:1:1: error: input 4096x4096x4096 has more than 2^34 elements");
  const std::string e = first_error("4096,4096,1,3,3,1,0,1\n4096,4096,1,3,3,2048,0,1\n");
  CHECK(e.rfind("net.csv:2:1: error: layer 'layer2'", 0) == 0);
  CHECK(e.find("has more than 2^34 elements") != std::string::npos);
  // Text that is not UTF-8 is refused where it enters, at its line and column.
  CHECK(first_error("32,32,3,3,3,128,0,1\n16,1\xff,128,3,3,128,0,1\n") ==
        "net.csv:2:5: error: the network CSV is not UTF-8 text (byte \\xff)");

  // Each layer remembers its row, for the errors found later (mapping,
  // functional mode); the pooling the row asks for, its pooling field.
  test_support::scratch_dir dir;
  dsl::diagnostics errors;
  const auto w = dsl::load_workload(dir.write("net.csv", "8,8,1,3,3,4,1,1\n\n4,4,4,3,3,8,0,1\n"), errors);
  REQUIRE_FALSE(errors.has_errors());
  REQUIRE(w.layers.size() == 3);
  CHECK(w.layers[0].where.to_string().find("net.csv:1:1") != std::string::npos);
  CHECK(w.layers[1].where.to_string().find("net.csv:1:13") != std::string::npos);
  CHECK(w.layers[2].where.to_string().find("net.csv:3:1") != std::string::npos);
}

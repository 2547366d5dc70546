// Whole networks on the shipped architectures: conservation laws and bounds
// that must hold whatever the mapping decided, derived here independently.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <fstream>
#include <sstream>
#include <vector>

#include <unistd.h>

#include "run_mottsim.hpp"

namespace {


struct network {
  const char* workload;
  long long macs;  // conv + linear MACs, computed by hand (see each line)
  int weight_bits;
};

const network networks[] = {
    {"configs/workloads/edge_detect.yaml", 512LL * 512 * 6 * 9, 4},          // 14,155,776
    {"configs/workloads/lenet5_mnist.yaml", 117600 + 240000 + 48000 + 10080 + 840, 8},  // 416,520
    {"configs/workloads/vgg8_cifar10.yaml", 615917568LL, 8},                  // DNN+NeuroSim VGG-8
    {"configs/workloads/resnet18_imagenet.yaml", 1814073344LL, 8},
    {"configs/workloads/vgg16_imagenet.yaml", 15470264320LL, 8},
};

struct architecture {
  const char* file;
  int bits_per_cell;
  bool bit_serial;     // inputs one bit per read; otherwise one read per vector
  double adc_price_j;  // per conversion, from the tech library entry it uses
  double g_min, g_max;  // of its cells, from the tech library entry they use
};

const architecture architectures[] = {
    {"configs/arch/mott_cim.yaml", 4, false, 0.79e-12, 1e-6, 100e-6},  // converters.adc_isaac_4b, synapses.cbram_seed
    {"configs/arch/mott_analog_cim.yaml", 4, false, 0.79e-12, 1e-6, 100e-6},
    {"configs/arch/cmos_analog_cim.yaml", 4, false, 0.79e-12, 1e-6, 100e-6},
    // converters.adc_isaac_8b, synapses.rram_isaac_32nm
    {"configs/arch/adc_cim.yaml", 2, true, 1.67e-12, 0.05083e-6, 0.8642e-6},
};

double component_field(const nlohmann::json& j, const std::string& name, const char* field) {
  for (const auto& c : j["components"])
    if (c["name"] == name) return c[field].get<double>();
  return 0.0;
}

}  // namespace

TEST_CASE("networks: every shipped network runs on every CIM architecture and conserves MACs") {
  for (const auto& a : architectures) {
    for (const auto& n : networks) {
      const std::string arch_file = a.file, workload_file = n.workload;
      CAPTURE(arch_file);
      CAPTURE(workload_file);
      const auto r = run_mottsim(a.file, n.workload);
      REQUIRE_MESSAGE(r.status == 0, r.output);
      const auto& j = r.report;
      CHECK(j["totals"]["macs"].get<long long>() == n.macs);
      // Each MAC reads the cells of its weight once per read of its input:
      // differential pairs of ceil((bits-1)/bits_per_cell) slices.
      const long long columns_per_weight = 2 * ((n.weight_bits - 1 + a.bits_per_cell - 1) / a.bits_per_cell);
      const long long reads = a.bit_serial ? 8 : 1;
      // Each layer's reads follow the densities its report states (the workload's 0.5, or
      // measured on LeNet-5's trained weights and digits): with input density d, a bit-serial
      // read drives d of its rows, a pulse-width one lasts d / 0.5 of the half window its price
      // holds; weight density w draws (g_min + w (g_max - g_min)) / G_mean of the price's G_mean.
      double expected_reads = 0.0;
      long long layer_macs = 0;
      for (const auto& l : j["layers"]) {
        if (!l.contains("input_density")) continue;
        const double d = l["input_density"].get<double>(), w = l["weight_density"].get<double>();
        const double input_share = a.bit_serial ? d : d / 0.5;
        const double weight_share = (a.g_min + w * (a.g_max - a.g_min)) / ((a.g_min + a.g_max) / 2.0);
        const long long macs = l["macs"].get<long long>();
        layer_macs += macs;
        expected_reads += static_cast<double>(macs * columns_per_weight * reads) * input_share * weight_share;
      }
      CHECK(layer_macs == n.macs);
      CHECK(action_count(j, "tile", "cell_read") == rel(expected_reads));

      // Energies add up: components to the total, layers to the total.
      double components = 0, layers = 0, categories = 0;
      for (const auto& c : j["components"]) {
        components += c["energy_j"].get<double>();
        double actions = 0;
        for (const auto& [name, act] : c["actions"].items()) {
          // Per-action energy is count x price.
          CHECK(act["energy_j"].get<double>() ==
                rel(act["count"].get<double>() * act["energy_per_action_j"].get<double>()));
          actions += act["energy_j"].get<double>();
        }
        CHECK(c["energy_j"].get<double>() == rel(actions + c["leakage_j"].get<double>()));
      }
      for (const auto& l : j["layers"]) layers += l["energy_j"].get<double>();
      for (const auto& [k, v] : j["energy_by_category"].items()) categories += v.get<double>();
      const double total = j["totals"]["energy_j"].get<double>();
      CHECK(components == rel(total));
      CHECK(layers == rel(total, 1e-6));
      CHECK(categories == rel(total, 1e-6));
      // The one-time programming's parts add up to it, and its cells' writes are among them.
      double programming = 0;
      for (const auto& [part, energy] : j["mapping"]["programming_energy_by_action_j"].items())
        programming += energy.get<double>();
      CHECK(programming == rel(j["mapping"]["programming_energy_j"].get<double>()));
      if (j["mapping"]["weights_resident"].get<bool>())
        CHECK(j["mapping"]["programming_energy_by_action_j"]["tile.cell_write"].get<double>() > 0);

      // Prices read from the tech libraries by hand.
      const double dram_read = action_count(j, "dram", "read_bytes");
      CHECK(action_energy(j, "dram", "read_bytes") == rel(dram_read * 8 * 8e-12));  // LPDDR4 8 pJ/bit
      CHECK(action_energy(j, "bus", "transfer_bytes") ==
            rel(action_count(j, "bus", "transfer_bytes") * 8 * 0.054e-12));
      CHECK(action_energy(j, "tile", "adc_conversion") ==
            rel(action_count(j, "tile", "adc_conversion") * a.adc_price_j));

      // Latency bounds: DRAM traffic at 12.8 GB/s; bus traffic at 32 B x 1 GHz.
      const double latency = j["totals"]["latency_s"].get<double>();
      const double dram_bytes = dram_read + action_count(j, "dram", "write_bytes");
      CHECK(latency >= dram_bytes / 12.8e9);
      CHECK(latency >= action_count(j, "bus", "transfer_bytes") / 32e9);
      // Each tile instance works at most the whole latency.
      CHECK(component_field(j, "tile", "busy_s") <= latency * component_field(j, "tile", "count") * (1 + 1e-9));
      CHECK(j["totals"]["throughput_ips"].get<double>() * latency >= 1.0 - 1e-12);
      CHECK(j["totals"]["tops_per_w"].get<double>() == rel(2.0 * n.macs / total / 1e12));
    }
  }
}

TEST_CASE("networks: the layer schedule says it did not use inferences_in_flight, and its figures do not move") {
  const char* lenet = "configs/workloads/lenet5_mnist.yaml";
  const auto plain = run_mottsim("configs/arch/adc_cim.yaml", lenet);
  const auto set =
      run_mottsim("configs/arch/adc_cim.yaml", lenet, "--set components.controller.inferences_in_flight=7");
  REQUIRE_MESSAGE(plain.status == 0, plain.output);
  REQUIRE_MESSAGE(set.status == 0, set.output);
  CHECK(set.report["totals"] == plain.report["totals"]);
  const auto mentions = [](const nlohmann::json& report) {
    for (const auto& n : report["notes"])
      if (n.get<std::string>().find("inferences_in_flight (7)") != std::string::npos) return true;
    return false;
  };
  CHECK(mentions(set.report));
  CHECK_FALSE(mentions(plain.report));
  CHECK(set.output.find("Note: the controller's inferences_in_flight (7)") != std::string::npos);
}

TEST_CASE("networks: the pipeline schedule streams inferences through its stages, each doing one inference's work") {
  for (const auto& a : architectures) {
    const std::string arch_file = a.file;
    CAPTURE(arch_file);
    const char* lenet = "configs/workloads/lenet5_mnist.yaml";
    const auto layer = run_mottsim(a.file, lenet, "--schedule layer");
    const auto pipe = run_mottsim(a.file, lenet, "--schedule pipeline");
    const auto two = run_mottsim(a.file, lenet, "--schedule pipeline --set components.controller.inferences_in_flight=2");
    REQUIRE_MESSAGE(layer.status == 0, layer.output);
    REQUIRE_MESSAGE(pipe.status == 0, pipe.output);
    REQUIRE_MESSAGE(two.status == 0, two.output);
    CHECK(pipe.report["schedule"] == "pipeline");
    const auto& t = pipe.report["totals"];
    const auto& p = pipe.report["pipeline"];
    // The default: 3 inferences per layer plus 48, or more (up to 4 times
    // that) while the period has not settled, which the method then says.
    const auto layers = static_cast<long long>(pipe.report["layers"].size());
    const long long k = p["inferences_in_flight"].get<long long>();
    CHECK(k >= 3 * layers + 48);
    CHECK(k <= 4 * (3 * layers + 48));
    if (k > 3 * layers + 48)
      CHECK(p["period_method"].get<std::string>().find("until the spacings held steady") != std::string::npos);
    CHECK(p["steady"].get<bool>());
    const auto& completions = p["completions_s"];
    REQUIRE(static_cast<long long>(completions.size()) == k);
    for (std::size_t i = 1; i < completions.size(); ++i)
      CHECK(completions[i].get<double>() >= completions[i - 1].get<double>());
    // Latency is the fill, the first completion; throughput one per period.
    CHECK(t["latency_s"].get<double>() == rel(p["fill_s"].get<double>()));
    CHECK(t["pipeline_fill_s"].get<double>() == rel(completions[0].get<double>()));
    const double period = p["period_s"].get<double>();
    CHECK(t["throughput_ips"].get<double>() == rel(1.0 / period));
    CHECK(p["throughput_ips"].get<double>() == rel(1.0 / period));
    // The period is the mean spacing of the completions it names.
    const auto from = p["measured_from"].get<std::size_t>(), to = p["measured_to"].get<std::size_t>();
    REQUIRE(to > from);
    CHECK(period == rel((completions[to].get<double>() - completions[from].get<double>()) / static_cast<double>(to - from)));
    // A stage works on one inference at a time and a resource serves one
    // request at a time, so in steady state neither does more than a period's
    // work per inference. The stage times are means over the same
    // inferences' runs, the period over their completions: 2 % for the
    // difference at the window's ends.
    for (const auto& l : pipe.report["layers"]) CHECK(l["latency_s"].get<double>() <= period * 1.02);
    for (const auto& b : p["busiest"]) CHECK(b["utilization"].get<double>() <= 1.02);
    CHECK(p["bottleneck"]["utilization"].get<double>() >= 0.95);
    // Every inference does the same work: the counts per inference do not
    // depend on how many ran, and the crossbars read the cells of every MAC
    // as often as one inference at a time does.
    for (const auto& c : pipe.report["components"]) {
      const std::string name = c["name"];
      for (const auto& [action, x] : c["actions"].items()) {
        CAPTURE(name);
        CAPTURE(action);
        CHECK(x["count"].get<double>() == rel(action_count(two.report, name, action)));
      }
    }
    CHECK(action_count(pipe.report, "tile", "cell_read") == rel(action_count(layer.report, "tile", "cell_read")));
    CHECK(t["macs"] == layer.report["totals"]["macs"]);
    // Two inferences never reach a steady state: the throughput says so where
    // it is first read, not only in the pipeline section.
    CHECK_FALSE(two.report["pipeline"]["steady"].get<bool>());
    CHECK(two.output.find("inferences/s (not steady") != std::string::npos);
    CHECK(two.output.find("Throughput: NOT STEADY") != std::string::npos);
    CHECK(pipe.output.find("not steady") == std::string::npos);
    // Overlapping layers can only raise throughput over one-at-a-time.
    CHECK(t["throughput_ips"].get<double>() >= layer.report["totals"]["throughput_ips"].get<double>());
  }
}

TEST_CASE("networks: more tiles never slow a compute-bound layer") {
  // The small conv is compute bound (51.7 us of crossbar reads against under a
  // microsecond of transfers); extra tiles hold copies of its weights.
  double previous = 0;
  for (int count : {2, 4, 8, 16}) {
    CAPTURE(count);
    const auto r = run_mottsim("tests/sim/configs/small_adc.yaml", "tests/sim/configs/conv3x3_8x8.yaml",
                               "--set components.tile.count=" + std::to_string(count));
    REQUIRE_MESSAGE(r.status == 0, r.output);
    const double latency = r.report["layers"][0]["latency_s"].get<double>();
    if (previous > 0) CHECK(latency <= previous);
    previous = latency;
    CHECK(action_count(r.report, "tile", "cell_read") == 64.0 * 16 * 36 * 8 * 8);
  }
  // VGG-8 on twice the Mott tiles (6 a router of the mesh's 12: room for 72).
  const auto base = run_mottsim("configs/arch/mott_cim.yaml", "configs/workloads/vgg8_cifar10.yaml");
  const auto twice = run_mottsim("configs/arch/mott_cim.yaml", "configs/workloads/vgg8_cifar10.yaml",
                                 "--set components.tile.count=64 --set components.noc.concentration=6");
  REQUIRE(base.status == 0);
  REQUIRE(twice.status == 0);
  CHECK(twice.report["totals"]["latency_s"].get<double>() <= base.report["totals"]["latency_s"].get<double>());
}

TEST_CASE("networks: more DMA bursts in flight never slow a chip, and change only time") {
  // adc_cim reprograms VGG-8's fc1 from DRAM at every inference: with one burst
  // in flight each 4 KiB pays the DRAM's latency and both bus legs in turn.
  double previous = 0;
  nlohmann::json first;
  for (int n : {1, 2, 4, 16}) {
    CAPTURE(n);
    const auto r = run_mottsim("configs/arch/adc_cim.yaml", "configs/workloads/vgg8_cifar10.yaml",
                               "--set components.controller.outstanding=" + std::to_string(n));
    REQUIRE_MESSAGE(r.status == 0, r.output);
    const double latency = r.report["totals"]["latency_s"].get<double>();
    if (previous > 0) CHECK(latency <= previous * (1 + 1e-12));
    if (n == 4) CHECK(latency < 0.8 * first["totals"]["latency_s"].get<double>());
    if (n == 1) first = r.report;
    previous = latency;
    // The same bursts, bytes and commands whatever the window.
    CHECK(r.report["provenance"]["tlm_transactions"] == first["provenance"]["tlm_transactions"]);
    CHECK(action_count(r.report, "dram", "read_bytes") == action_count(first, "dram", "read_bytes"));
    CHECK(action_count(r.report, "bus", "transfer_bytes") == action_count(first, "bus", "transfer_bytes"));
  }
}

TEST_CASE("networks: same inputs give the same report bytes") {
  const std::string args = "run " + source_path("configs/arch/mott_cim.yaml") + " " +
                           source_path("configs/workloads/lenet5_mnist.yaml") + " --seed 7 -o ";
  const auto a = run_command(args + "/tmp/mottsim_same_a_" + std::to_string(::getpid()));
  const auto b = run_command(args + "/tmp/mottsim_same_b_" + std::to_string(::getpid()));
  REQUIRE(a.status == 0);
  REQUIRE(b.status == 0);
  const auto read = read_text;
  const std::string ra = read("/tmp/mottsim_same_a_" + std::to_string(::getpid()) + "/report.json");
  const std::string rb = read("/tmp/mottsim_same_b_" + std::to_string(::getpid()) + "/report.json");
  CHECK(!ra.empty());
  CHECK(ra == rb);
  CHECK(ra.find("\"seed\": 7") != std::string::npos);
  // The report names the build that made it, as --version does.
  const auto version = run_command("--version");
  REQUIRE(version.status == 0);
  const auto at = version.output.find("(revision ");
  REQUIRE(at != std::string::npos);
  const std::string revision = version.output.substr(at + 10, version.output.find(')', at) - at - 10);
  CHECK(!revision.empty());
  CHECK(nlohmann::json::parse(ra)["provenance"]["revision"] == revision);
}

TEST_CASE("networks: bad input is a located error and exit 2") {
  // A weight needs 8 columns; a 4-column crossbar cannot hold one.
  auto r = run_mottsim("tests/sim/configs/small_adc.yaml", "tests/sim/configs/conv3x3_8x8.yaml",
                       "--set components.tile.crossbar.columns=4");
  CHECK(r.status == 2);
  CHECK(r.output.find("conv3x3_8x8.yaml:") != std::string::npos);
  CHECK(r.output.find("cannot be mapped") != std::string::npos);
  // VGG-8 does not fit the Mott chip layer-per-tile: no pipeline. The error
  // is at the tile component (line 22), whose count would have to grow.
  r = run_mottsim("configs/arch/mott_cim.yaml", "configs/workloads/vgg8_cifar10.yaml", "--schedule pipeline");
  CHECK(r.status == 2);
  CHECK(r.output.find("--schedule layer") != std::string::npos);
  CHECK(r.output.find("mott_cim.yaml:22:3: error: the pipeline schedule keeps every layer") != std::string::npos);
  // 3 bits per cell need 8 levels; the cell has 4.
  r = run_mottsim("tests/sim/configs/small_adc.yaml", "tests/sim/configs/conv3x3_8x8.yaml",
                  "--set components.tile.crossbar.cell.bits_per_cell=3");
  CHECK(r.status == 2);
  CHECK(r.output.find("--set 'components.tile.crossbar.cell.bits_per_cell=3': error:") != std::string::npos);
  // Unknown schedule, missing files.
  r = run_mottsim("configs/arch/mott_cim.yaml", "configs/workloads/lenet5_mnist.yaml", "--schedule fast");
  CHECK(r.status == 2);
  r = run_mottsim("configs/arch/nope.yaml", "configs/workloads/lenet5_mnist.yaml");
  CHECK(r.status == 2);
  CHECK(r.output.find("nope.yaml: error: cannot open file") != std::string::npos);
  // An output directory that cannot be created leaves nothing behind.
  r = run_command("run " + source_path("configs/arch/mott_cim.yaml") + " " +
                  source_path("configs/workloads/lenet5_mnist.yaml") + " -o /proc/mottsim_no_such_dir");
  CHECK(r.status == 2);
}

TEST_CASE("networks: grouped and depthwise convolutions, residual adds and pooling conserve MACs") {
  // MACs by hand in tests/sim/configs/grouped_convs.yaml: 18,432 + 32,768 + 147,456.
  const double macs = 18432 + 32768 + 147456;
  for (int count : {8, 64}) {
    CAPTURE(count);
    const auto r = run_mottsim("tests/sim/configs/small_adc.yaml", "tests/sim/configs/grouped_convs.yaml",
                               "--set components.tile.count=" + std::to_string(count));
    REQUIRE_MESSAGE(r.status == 0, r.output);
    CHECK(r.report["totals"]["macs"].get<double>() == macs);
    // 8 columns per weight (4 slices x 2), 8 bit-serial reads per input.
    CHECK(action_count(r.report, "tile", "cell_read") == macs * 8 * 8);
    // Depthwise: 8 groups of a 9 x 1 matrix, each on its own crossbar.
    CHECK(r.report["layers"][0]["crossbars"] == 8);
    // The residual add and the pooling run on the controller as element work:
    // add + ReLU on 16x16x16, then 2x2 average of 8x8x16 outputs.
    CHECK(action_count(r.report, "controller", "vector_op") == 16 * 16 * 16 * 2 + 8 * 8 * 16 * 4);
  }
}

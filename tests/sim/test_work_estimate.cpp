// The work estimate that bounds a run before it starts, against the
// transactions the simulation then reports: equal on small cases worked out
// by hand and on the baselines, never below the count on the CIM chips (per
// inference run, for the pipeline's default count, which goes on until its
// period settles).
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "run_mottsim.hpp"

namespace {

// The estimate a refused run names ("... would take about N TLM transactions").
double estimate_of(const std::string& arch, const std::string& workload, const std::string& extra = "") {
  scratch_dir dir;
  const auto r = run_command("run " + arch + " " + workload + " -o " + dir.path("out") + " --max-work 1 " + extra);
  REQUIRE_MESSAGE(r.status == 2, r.output);
  CHECK_MESSAGE(read_text(dir.path("out/report.json")).empty(), "a refused run wrote its report");
  // The number between the two phrases (no <regex>: GCC 12's sanitizer build
  // warns inside libstdc++'s regex compiler).
  const std::string before = "would take about ";
  const std::size_t at = r.output.find(before);
  const std::size_t end = at == std::string::npos ? at : r.output.find(" TLM transactions", at);
  REQUIRE_MESSAGE(end != std::string::npos, r.output);
  const std::string number = r.output.substr(at + before.size(), end - at - before.size());
  REQUIRE_MESSAGE(!number.empty(), r.output);
  REQUIRE_MESSAGE(number.find_first_not_of("0123456789") == std::string::npos, r.output);
  return std::stod(number);
}

// The report of a run.
nlohmann::json simulated_report(const std::string& arch, const std::string& workload, const std::string& extra = "") {
  scratch_dir dir;
  const auto r = run_command("run " + arch + " " + workload + " -o " + dir.path("out") + " --no-timeline " + extra);
  REQUIRE_MESSAGE(r.status == 0, r.output);
  return nlohmann::json::parse(read_text(dir.path("out/report.json")));
}

// The transactions a run reports (provenance.tlm_transactions of report.json).
double simulated(const std::string& arch, const std::string& workload, const std::string& extra = "") {
  return simulated_report(arch, workload, extra)["provenance"]["tlm_transactions"].get<double>();
}

}  // namespace

TEST_CASE("the estimate of a small layer equals the transactions simulated, both derived by hand") {
  const std::string chip = source_path("tests/sim/configs/small_adc.yaml");
  scratch_dir dir;
  // One linear layer of 16 inputs and 4 outputs: 16 rows x 32 columns of one
  // 64x64 crossbar (8 columns a weight). Programming: 16 x 32 cells x 2 bits =
  // 128 bytes, one DMA burst (a read and a write), a program command and a
  // wait. Inference: the 16 input bytes (read, write), a start and a wait, the
  // 4 output bytes (read, write).
  const std::string tiny = dir.write("tiny.yaml", "name: tiny\ninput: {height: 1, width: 1, channels: 16}\n"
                                                  "layers:\n  - {name: fc, type: linear, out_features: 4}\n");
  CHECK(simulated(chip, tiny) == 10);
  CHECK(estimate_of(chip, tiny) == 10);
  // The 3x3 convolution of tests/sim/configs/conv3x3_8x8.yaml: two crossbars on
  // two tiles, so two jobs of 36 x 64 cells (576 bytes) each: 2 x 4 for
  // programming; each job reads the 256-byte input (2 x 2) and writes 64
  // positions x 8 outputs (2 x 2); a start and a wait per tile (2 x 2).
  const std::string conv = source_path("tests/sim/configs/conv3x3_8x8.yaml");
  CHECK(simulated(chip, conv) == 20);
  CHECK(estimate_of(chip, conv) == 20);
  // The limit is inclusive: the estimate itself passes.
  const auto at_limit = run_command("run " + chip + " " + conv + " -o " + dir.path("at") + " --no-timeline --max-work 20");
  CHECK_MESSAGE(at_limit.status == 0, at_limit.output);
}

TEST_CASE("the estimate is exact on the baselines and an upper bound on the CIM chips") {
  const auto arch = [](const std::string& name) { return source_path("configs/arch/" + name + ".yaml"); };
  const auto workload = [](const std::string& name) { return source_path("configs/workloads/" + name + ".yaml"); };
  for (const char* w : {"lenet5_mnist", "vgg8_cifar10"})
    for (const char* a : {"cpu_baseline", "systolic_baseline"}) {
      INFO(w << " on " << a);
      CHECK(estimate_of(arch(a), workload(w)) == simulated(arch(a), workload(w)));
    }
  for (const char* w : {"lenet5_mnist", "edge_detect", "vgg8_cifar10"})
    for (const char* a : {"mott_cim", "adc_cim"})
      for (const std::string schedule : {"layer", "pipeline"}) {
        const std::string extra =
            "--schedule " + schedule +
            (schedule == "pipeline" ? " --set components.tile.count=1024 --set components.noc.concentration=86" : "");
        INFO(w << " on " << a << ", " << extra);
        const nlohmann::json report = simulated_report(arch(a), workload(w), extra);
        const double count = report["provenance"]["tlm_transactions"].get<double>();
        double estimate = estimate_of(arch(a), workload(w), extra);
        if (schedule == "pipeline") {
          // The estimate is of the default's starting count (3 per layer plus
          // 48); the run goes on past it while its period settles, each
          // further inference costing at most the estimate's share of one.
          const double start = 3.0 * static_cast<double>(report["layers"].size()) + 48.0;
          const double ran = report["pipeline"]["inferences_in_flight"].get<double>();
          CHECK(ran >= start);
          estimate *= ran / start;
        }
        CHECK(estimate >= count);
        CHECK(estimate <= 1.25 * count);  // 1.00 to 1.20 on these (README)
      }
}

TEST_CASE("the pipeline's default goes on past its count only as far as --max-work allows") {
  const std::string chip = source_path("configs/arch/mott_cim.yaml");
  const std::string lenet = source_path("configs/workloads/lenet5_mnist.yaml");
  const std::string pipeline = "--schedule pipeline";
  const nlohmann::json free_run = simulated_report(chip, lenet, pipeline);
  const long long start = 3 * static_cast<long long>(free_run["layers"].size()) + 48;  // 72
  const long long ran = free_run["pipeline"]["inferences_in_flight"].get<long long>();
  REQUIRE(ran > start);  // LeNet-5 goes on a little past its count (to the drain of what was started)
  // A budget of exactly the estimate leaves no room: the run is the count.
  const double estimate = estimate_of(chip, lenet, pipeline);
  char budget[64];
  std::snprintf(budget, sizeof budget, " --max-work %.0f", estimate);
  const nlohmann::json tight = simulated_report(chip, lenet, pipeline + budget);
  CHECK(tight["pipeline"]["inferences_in_flight"].get<long long>() == start);
  CHECK(tight["pipeline"]["period_method"].get<std::string>().find("inferences ran") == std::string::npos);
  // A budget too large for a whole number of inferences is no limit (it
  // once overflowed to none at all).
  const nlohmann::json huge = simulated_report(chip, lenet, pipeline + " --max-work 1e30");
  CHECK(huge["pipeline"]["inferences_in_flight"].get<long long>() == ran);
}

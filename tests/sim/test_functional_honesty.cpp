// The protocol behind functional figures: calibration never sees what is
// scored, independent chips give intervals, and compare and sweeps pass the
// chips through. Through the binary, as a user runs it.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

#include "platform/data/image_io.hpp"
#include "run_mottsim.hpp"

namespace {

using nlohmann::json;

// The shipped workload's text with `from` replaced by `to` (each must occur).
std::string edited(const std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, "'" << from << "' not in the workload");
  return text.substr(0, at) + to + text.substr(at + from.size());
}

// LeNet-5 scoring `count` test digits from `first`, calibrated on `calibration`
// training digits.
std::string lenet_workload(const scratch_dir& dir, const std::string& name, long long first, long long count,
                           long long calibration = 256) {
  std::string text = read_text(source_path("configs/workloads/lenet5_mnist.yaml"));
  text = edited(text, "../../data/lenet5_mnist_weights.json", source_path("data/lenet5_mnist_weights.json"));
  text = edited(text, "inputs: {source: mnist_test, count: 2000, calibration_count: 256}",
                "inputs: {source: mnist_test, count: " + std::to_string(count) + ", first: " + std::to_string(first) +
                    ", calibration_count: " + std::to_string(calibration) + "}");
  return dir.write(name, text);
}

json run_report(const std::string& args, const std::string& out) {
  const auto r = run_command(args + " --no-timeline -o " + out);
  REQUIRE_MESSAGE(r.status == 0, r.output);
  return json::parse(read_text(out + "/report.json"));
}

// A grey 512x512 scene of its own: a few rectangles of random brightness over
// a gradient, with mild noise.
mottsim::platform::gray_image scene(unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  mottsim::platform::gray_image img(512, 512);
  for (int y = 0; y < 512; ++y)
    for (int x = 0; x < 512; ++x) img.at(y, x) = 0.2f + 0.3f * static_cast<float>(x) / 512.0f;
  for (int k = 0; k < 12; ++k) {
    const int x0 = static_cast<int>(u(gen) * 400), y0 = static_cast<int>(u(gen) * 400);
    const int w = 20 + static_cast<int>(u(gen) * 100), h = 20 + static_cast<int>(u(gen) * 100);
    const float level = u(gen);
    for (int y = y0; y < std::min(512, y0 + h); ++y)
      for (int x = x0; x < std::min(512, x0 + w); ++x) img.at(y, x) = level;
  }
  for (auto& p : img.pixels) p = std::clamp(p + 0.05f * (u(gen) - 0.5f), 0.0f, 1.0f);
  return img;
}

}  // namespace

TEST_CASE("calibration: replacing the scored digits leaves the calibration unchanged") {
  scratch_dir dir;
  const std::string arch = source_path("configs/arch/mott_cim.yaml");
  // Two disjoint sets of 100 test digits, then the first set again with half
  // as many calibration digits.
  const auto a = run_report("run " + arch + " " + lenet_workload(dir, "a.yaml", 0, 100) + " --mode functional",
                            dir.path("a"));
  const auto b = run_report("run " + arch + " " + lenet_workload(dir, "b.yaml", 1500, 100) + " --mode functional",
                            dir.path("b"));
  const auto c = run_report(
      "run " + arch + " " + lenet_workload(dir, "c.yaml", 0, 100, 128) + " --mode functional", dir.path("c"));
  CHECK(a["functional"]["samples"] == 100);
  CHECK(b["functional"]["samples"] == 100);
  CHECK(a["calibration"]["source"] == "mnist_train");
  CHECK(a["calibration"]["samples"] == 256);
  // Every layer group's gains, the trim settings and the sources are identical.
  REQUIRE(a["calibration"]["layers"].size() == 5);
  CHECK(a["calibration"] == b["calibration"]);
  // Yet the calibration does follow its own data: other training digits give
  // other gains, so the equality above is not vacuous.
  CHECK(c["calibration"]["samples"] == 128);
  CHECK(c["calibration"]["layers"] != a["calibration"]["layers"]);
}

TEST_CASE("calibration: an image is never calibrated on itself, and other scored images leave it unchanged") {
  scratch_dir dir;
  std::filesystem::create_directories(dir.path("calibration"));
  for (unsigned k = 0; k < 3; ++k)
    mottsim::platform::write_png(dir.path("calibration/scene" + std::to_string(k) + ".png"), scene(10 + k));
  const std::string scored = dir.path("scored.png");
  mottsim::platform::write_png(scored, scene(99));
  std::string text = read_text(source_path("configs/workloads/edge_detect.yaml"));
  text = edited(text, "file: ../../data/photos/building.jpg", "file: " + scored);
  text = edited(text, "calibration: ../../data/photos/calibration", "calibration: " + dir.path("calibration"));
  const std::string work = dir.write("edge.yaml", text);
  const std::string arch = source_path("configs/arch/mott_cim.yaml");

  const auto own = run_report("run " + arch + " " + work + " --mode functional", dir.path("own"));
  const auto other = run_report("run " + arch + " " + work + " --mode functional --image " +
                                    source_path("configs/images/building_512.png"),
                                dir.path("other"));
  CHECK(own["calibration"]["source"] == "images");
  CHECK(own["calibration"]["samples"] == 3);
  CHECK(own["calibration"] == other["calibration"]);
  CHECK(own["quality"]["psnr_db"] != other["quality"]["psnr_db"]);
  // The scored image among the calibration images (another name, the same
  // pixels) is left out: the calibration stays that of the other three.
  std::filesystem::copy_file(scored, dir.path("calibration/zz_copy_of_scored.png"));
  const auto with_copy = run_report("run " + arch + " " + work + " --mode functional", dir.path("copy"));
  CHECK(with_copy["calibration"] == own["calibration"]);
  for (const auto& f : with_copy["calibration"]["files"])
    CHECK(f.get<std::string>().find("zz_copy_of_scored") == std::string::npos);
  // A fourth, different image does change it.
  mottsim::platform::write_png(dir.path("calibration/zz_new.png"), scene(7));
  const auto more = run_report("run " + arch + " " + work + " --mode functional", dir.path("more"));
  CHECK(more["calibration"]["samples"] == 4);
}

TEST_CASE("chips: --chips N draws N distinct chips, and the interval is the Student t interval of their values") {
  scratch_dir dir;
  const std::string base = "run " + source_path("configs/arch/mott_cim.yaml") + " " +
                           source_path("configs/workloads/edge_detect.yaml") + " --mode functional --image " +
                           source_path("configs/images/building_512.png") + " --seed 5";
  const auto three = run_report(base + " --chips 3", dir.path("three"));
  const auto one = run_report(base + " --chips 1", dir.path("one"));
  const auto& chips = three["chips"];
  CHECK(chips["count"] == 3);
  const std::set<unsigned long long> seeds(chips["seeds"].begin(), chips["seeds"].end());
  CHECK(seeds.size() == 3);
  for (const char* figure : {"psnr_db", "ssim"}) {
    CAPTURE(figure);
    const auto& m = chips["metrics"][figure];
    const std::vector<double> v = m["per_chip"].get<std::vector<double>>();
    REQUIRE(v.size() == 3);
    // Distinct devices compute distinct maps.
    CHECK(std::set<double>(v.begin(), v.end()).size() == 3);
    // By hand: mean, sample sd, t(0.975, 2) = 0.95 / sqrt(2 x 0.975 x 0.025).
    const double mean = (v[0] + v[1] + v[2]) / 3;
    const double sd = std::sqrt(((v[0] - mean) * (v[0] - mean) + (v[1] - mean) * (v[1] - mean) +
                                 (v[2] - mean) * (v[2] - mean)) / 2);
    const double half = 0.95 / std::sqrt(2 * 0.975 * 0.025) * sd / std::sqrt(3.0);
    CHECK(m["mean"].get<double>() == doctest::Approx(mean).epsilon(1e-12).scale(0));
    CHECK(m["sd"].get<double>() == doctest::Approx(sd).epsilon(1e-9).scale(0));
    CHECK(m["ci95_low"].get<double>() == doctest::Approx(mean - half).epsilon(1e-9).scale(0));
    CHECK(m["ci95_high"].get<double>() == doctest::Approx(mean + half).epsilon(1e-9).scale(0));
    CHECK(three["quality"][figure].get<double>() == doctest::Approx(mean).epsilon(1e-12).scale(0));
    // Chip k depends only on the run's seed and k: one chip is the first of three.
    CHECK(one["chips"]["metrics"][figure]["per_chip"][0].get<double>() == v[0]);
    CHECK(one["chips"]["metrics"][figure]["sd"].is_null());
  }
  CHECK(one["chips"]["seeds"][0] == chips["seeds"][0]);
  CHECK(read_text(dir.path("one/edges_2.png")) == read_text(dir.path("three/edges_2.png")));
  // Chips are device draws: perf mode refuses them.
  const auto perf = run_command("run " + source_path("configs/arch/mott_cim.yaml") + " " +
                                source_path("configs/workloads/edge_detect.yaml") + " --chips 2 -o " + dir.path("p"));
  CHECK(perf.status == 2);
  CHECK(perf.output.find("--chips") != std::string::npos);
}

TEST_CASE("chips: compare and sweeps pass --chips to every run and report the intervals") {
  scratch_dir dir;
  const std::string image_args = " --mode functional --chips 2";
  const auto compare = run_command(
      "compare " + source_path("configs/arch/adc_cim.yaml") + " " + source_path("configs/arch/mott_cim.yaml") +
      " --workload " + source_path("configs/workloads/edge_detect.yaml") + image_args + " -j 2 -o " + dir.path("cmp"));
  REQUIRE_MESSAGE(compare.status == 0, compare.output);
  const auto c = json::parse(read_text(dir.path("cmp/compare.json")));
  for (const auto& a : c["architectures"]) {
    CAPTURE(a["name"]);
    CHECK(a["chips"] == 2);
    const auto& psnr = a["functional"]["psnr_db"];
    CHECK(psnr["ci95_low"].get<double>() < psnr["mean"].get<double>());
    CHECK(psnr["mean"].get<double>() < psnr["ci95_high"].get<double>());
    const auto run = json::parse(read_text(dir.path("cmp/" + a["name"].get<std::string>() + "/report.json")));
    CHECK(run["chips"]["count"] == 2);
  }
  CHECK(read_text(dir.path("cmp/compare.md")).find("psnr_db") != std::string::npos);
  // The digital baselines compute exactly: functional mode is refused before anything runs.
  const auto baseline = run_command("compare " + source_path("configs/arch/cpu_baseline.yaml") + " " +
                                    source_path("configs/arch/mott_cim.yaml") + " --workload " +
                                    source_path("configs/workloads/edge_detect.yaml") + image_args + " -o " +
                                    dir.path("bad"));
  CHECK(baseline.status == 2);
  CHECK(baseline.output.find("--mode") != std::string::npos);
  CHECK(!std::filesystem::exists(dir.path("bad/compare.json")));

  const std::string sweep = dir.write(
      "chips.yaml", "name: chips\nbase: " + source_path("configs/arch/mott_cim.yaml") +
                        "\nworkloads: " + source_path("configs/workloads/edge_detect.yaml") +
                        "\nmode: functional\nchips: 2\nparameters:\n"
                        "  components.tile.crossbar.cell.programming_sigma: [2 %, 10 %]\n");
  const auto swept = run_command("sweep " + sweep + " -j 2 -o " + dir.path("sweep"));
  REQUIRE_MESSAGE(swept.status == 0, swept.output);
  const std::string csv = read_text(dir.path("sweep/results.csv"));
  for (const char* column : {"psnr_db", "psnr_db_ci95_low", "psnr_db_ci95_high", "ssim_ci95_low"})
    CHECK_MESSAGE(csv.find(column) != std::string::npos, column);
  std::istringstream rows(read_text(dir.path("sweep/results.jsonl")));
  std::string line;
  int n = 0;
  while (std::getline(rows, line)) {
    const auto row = json::parse(line);
    const auto& m = row["metrics"];
    CHECK(m["psnr_db_ci95_low"].get<double>() < m["psnr_db"].get<double>());
    CHECK(m["psnr_db"].get<double>() < m["psnr_db_ci95_high"].get<double>());
    ++n;
  }
  CHECK(n == 2);
  // chips without functional mode is a located error in the sweep file.
  const std::string perf_sweep = dir.write(
      "perf.yaml", "name: chips\nbase: " + source_path("configs/arch/mott_cim.yaml") +
                       "\nworkloads: " + source_path("configs/workloads/edge_detect.yaml") +
                       "\nchips: 3\nparameters:\n  components.tile.count: [32]\n");
  const auto bad = run_command("sweep " + perf_sweep + " --dry-run");
  CHECK(bad.status == 2);
  CHECK(bad.output.find("perf.yaml:4:") != std::string::npos);
}

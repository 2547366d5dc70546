// Functional mode through the binary: values flow through the device models
// with the mapping and schedule of perf mode, and timing and energy stay those
// of perf mode.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "platform/data/image_io.hpp"
#include "run_mottsim.hpp"

namespace {

std::string temp_dir(const std::string& tag) {
  return (std::filesystem::temp_directory_path() / ("mottsim_func_" + tag + "_" + std::to_string(::getpid())))
      .string();
}

}  // namespace

TEST_CASE("functional: edge detection reports quality and keeps perf timing and energy") {
  const auto perf = run_mottsim("configs/arch/mott_cim.yaml", "configs/workloads/edge_detect.yaml");
  const std::string dir = temp_dir("edge");
  const auto func = run_command("run " + source_path("configs/arch/mott_cim.yaml") + " " +
                                source_path("configs/workloads/edge_detect.yaml") + " --mode functional -o " + dir);
  REQUIRE_MESSAGE(perf.status == 0, perf.output);
  REQUIRE_MESSAGE(func.status == 0, func.output);
  const auto report = nlohmann::json::parse(read_text(dir + "/report.json"));
  CHECK(report["mode"] == "functional");
  const double psnr = report["quality"]["psnr_db"].get<double>();
  const double ssim = report["quality"]["ssim"].get<double>();
  CHECK(std::isfinite(psnr));
  CHECK(psnr > 0);
  CHECK(ssim > 0);
  CHECK(ssim <= 1);
  // Same mapping, same schedule: the same latency and energy as perf mode.
  CHECK(report["totals"]["latency_s"] == perf.report["totals"]["latency_s"]);
  CHECK(report["totals"]["energy_j"] == perf.report["totals"]["energy_j"]);
  // One edge map per output channel, and its float reference.
  for (int c = 0; c < 6; ++c) {
    CHECK(std::filesystem::file_size(dir + "/edges_" + std::to_string(c) + ".png") > 0);
    CHECK(std::filesystem::file_size(dir + "/edges_" + std::to_string(c) + "_reference.png") > 0);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("functional: the same seed gives the same bytes, another seed differs") {
  const std::string base = "run " + source_path("configs/arch/mott_cim.yaml") + " " +
                           source_path("configs/workloads/edge_detect.yaml") + " --mode functional";
  const std::string a = temp_dir("a"), b = temp_dir("b"), c = temp_dir("c");
  REQUIRE(run_command(base + " --seed 3 -o " + a).status == 0);
  REQUIRE(run_command(base + " --seed 3 -o " + b).status == 0);
  REQUIRE(run_command(base + " --seed 4 -o " + c).status == 0);
  CHECK(read_text(a + "/report.json") == read_text(b + "/report.json"));
  CHECK(read_text(a + "/edges_2.png") == read_text(b + "/edges_2.png"));
  // Another seed draws other devices: other maps.
  CHECK(read_text(a + "/edges_2.png") != read_text(c + "/edges_2.png"));
  for (const auto& d : {a, b, c}) std::filesystem::remove_all(d);
}

TEST_CASE("functional: removing device non-idealities brings the edges closer to float") {
  const std::string arch = source_path("configs/arch/adc_cim.yaml");
  const std::string work = source_path("configs/workloads/edge_detect.yaml");
  const std::string real_dir = temp_dir("real"), ideal_dir = temp_dir("ideal");
  const auto real = run_command("run " + arch + " " + work + " --mode functional -o " + real_dir +
                                " --set components.tile.crossbar.cell.programming_sigma=20%");
  const auto ideal = run_command(
      "run " + arch + " " + work + " --mode functional -o " + ideal_dir +
      " --set components.tile.crossbar.cell.programming_sigma=0 --set components.tile.crossbar.cell.read_noise_sigma=0"
      " --set components.tile.readout[0].bits=16");
  REQUIRE_MESSAGE(real.status == 0, real.output);
  REQUIRE_MESSAGE(ideal.status == 0, ideal.output);
  const auto r = nlohmann::json::parse(read_text(real_dir + "/report.json"));
  const auto i = nlohmann::json::parse(read_text(ideal_dir + "/report.json"));
  CHECK(i["quality"]["psnr_db"].get<double>() > r["quality"]["psnr_db"].get<double>());
  CHECK(i["quality"]["ssim"].get<double>() > r["quality"]["ssim"].get<double>());
  std::filesystem::remove_all(real_dir);
  std::filesystem::remove_all(ideal_dir);
}

TEST_CASE("functional: bad images are located errors with exit 2") {
  const std::string arch = source_path("configs/arch/mott_cim.yaml");
  const std::string work = source_path("configs/workloads/edge_detect.yaml");
  const std::string dir = temp_dir("bad");
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir + "/fake.png") << "not a png at all";
  }
  auto r = run_command("run " + arch + " " + work + " --mode functional --image " + dir + "/fake.png -o " + dir + "/o");
  CHECK(r.status == 2);
  CHECK(r.output.find("fake.png") != std::string::npos);
  r = run_command("run " + arch + " " + work + " --mode functional --image " + dir + "/missing.png -o " + dir + "/o");
  CHECK(r.status == 2);
  CHECK(r.output.find("missing.png") != std::string::npos);
  // An image the workload's input would have to enlarge more than twice.
  {
    std::ofstream(dir + "/small.pgm") << "P2\n2 2\n255\n0 255\n255 0\n";
  }
  r = run_command("run " + arch + " " + work + " --mode functional --image " + dir + "/small.pgm -o " + dir + "/o");
  CHECK(r.status == 2);
  CHECK(r.output.find("2x2") != std::string::npos);
  CHECK(!std::filesystem::exists(dir + "/o/report.json"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("functional: maps below SSIM's 11x11 window get PSNR alone, with why; a float overflow is refused") {
  // One 3x3 kernel over an 8x8 image, no padding: a 6x6 map.
  const std::string dir = temp_dir("small_maps");
  std::filesystem::create_directories(dir);
  {
    std::ofstream image(dir + "/img.pgm");
    image << "P2\n8 8\n255\n";
    for (int y = 0; y < 8; ++y) {
      for (int x = 0; x < 8; ++x) image << (x < 4 ? 30 : 220) + 3 * y << ' ';
      image << '\n';
    }
  }
  // The workload `name` with the kernel's rows `kernel`, run in functional mode.
  const auto run_kernel = [&](const std::string& name, const std::string& kernel) {
    std::ofstream(dir + "/" + name + ".yaml")
        << "name: " << name << "\ninput: {height: 8, width: 8, channels: 1}\nprecision: {weights: 4, activations: 8}\n"
        << "inputs: {source: image, file: img.pgm}\n"
        << "layers:\n  - {name: edges, type: conv2d, out_channels: 1, kernel: 3, bias: false, activation: relu,\n"
        << "     weights: [" << kernel << "]}\n";
    return run_command("run " + source_path("configs/arch/mott_cim.yaml") + " " + dir + "/" + name +
                       ".yaml --mode functional --no-timeline -o " + dir + "/" + name);
  };
  // The 6x6 map was an internal error, exit 1.
  const auto r = run_kernel("small", "[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]");
  REQUIRE_MESSAGE(r.status == 0, r.output);
  const auto report = nlohmann::json::parse(read_text(dir + "/small/report.json"));
  CHECK(std::isfinite(report["quality"]["psnr_db"].get<double>()));
  CHECK_FALSE(report["quality"].contains("ssim"));
  CHECK(r.output.find("ssim: not computed: the output maps are 6x6, smaller than SSIM's 11x11 window") !=
        std::string::npos);
  // Finite weights whose float products overflow (3e38 x 9 pixels) are refused
  // at the layer, exit 2, before any chip; they gave a PSNR of 100 dB.
  const auto huge = run_kernel("huge", "[[3e38, 3e38, 3e38], [3e38, 3e38, 3e38], [3e38, 3e38, 3e38]]");
  CHECK(huge.status == 2);
  CHECK_MESSAGE(huge.output.find("huge.yaml:6:5: error: layer 'edges': float reference output") != std::string::npos,
                huge.output);
  CHECK(huge.output.find("is +inf") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir + "/huge/report.json"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("functional: LeNet-5 on the Mott chip, averaged over 5 chips, stays within 1 point of float") {
  // The 2,000 test digits of the fixed split (make data), calibrated on
  // training digits only. The thermal VO2 neuron with its measured trim, CBRAM
  // programming variation and read noise are all on; five chips, each its own
  // device draw.
  const std::string arch = source_path("configs/arch/mott_cim.yaml");
  const std::string work = source_path("configs/workloads/lenet5_mnist.yaml");
  const std::string dir = temp_dir("lenet"), uniform_dir = temp_dir("lenet_uniform");
  const auto run = run_command("run " + arch + " " + work + " --mode functional --chips 5 --no-timeline -o " + dir);
  REQUIRE_MESSAGE(run.status == 0, run.output);
  const auto r = nlohmann::json::parse(read_text(dir + "/report.json"));
  CHECK(r["calibration"]["source"] == "mnist_train");
  CHECK(r["calibration"]["bias_trim"] == "measured");
  const double reference = r["accuracy"]["reference_top1"].get<double>();
  const auto& top1 = r["chips"]["metrics"]["top1"];
  const double mean = top1["mean"].get<double>();
  MESSAGE("LeNet-5 on mott_cim: float " << reference << ", 5 chips " << mean << " [" << top1["ci95_low"] << ", "
                                        << top1["ci95_high"] << "]");
  CHECK(reference >= 0.98);
  CHECK(r["accuracy"]["top1"].get<double>() == mean);
  CHECK(mean >= reference - 0.01);
  // The run reports its interval, around its mean.
  REQUIRE(top1["ci95_low"].is_number());
  CHECK(top1["ci95_low"].get<double>() < mean);
  CHECK(top1["ci95_high"].get<double>() > mean);
  CHECK(top1["per_chip"].size() == 5);
  // The neuron's curve is not a ReLU by itself: read with uniform ADC codes,
  // even ideal devices lose several points.
  const auto uniform = run_command("run " + arch + " " + work + " --mode functional --no-timeline -o " + uniform_dir +
                                   " --set components.tile.readout[1].code_spacing=uniform");
  REQUIRE_MESSAGE(uniform.status == 0, uniform.output);
  const auto u = nlohmann::json::parse(read_text(uniform_dir + "/report.json"));
  CHECK(u["accuracy"]["ideal_devices_top1"].get<double>() < reference - 0.05);
  CHECK(u["accuracy"]["reference_top1"].get<double>() == reference);
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(uniform_dir);
}

TEST_CASE("functional: edge maps on ideal devices match float within the quantization bound") {
  // Ideal devices (no programming variation, read noise, neuron variation or
  // gain-stage noise and offset),
  // the thermal neuron read through a 16-bit curve-matched ADC whose top code
  // sits at 4x the calibrated full scale, so nothing clips.
  const std::string dir = temp_dir("edge_bound");
  const auto run = run_command(
      "run " + source_path("configs/arch/mott_cim.yaml") + " " + source_path("configs/workloads/edge_detect.yaml") +
      " --mode functional --image " + source_path("configs/images/building_512.png") + " -o " + dir +
      " --set components.tile.crossbar.cell.programming_sigma=0 --set components.tile.crossbar.cell.read_noise_sigma=0"
      " --set components.tile.readout[0].sigma_tc=0 --set components.tile.readout[0].sigma_threshold=0"
      " --set components.tile.readout[0].gain_stage.noise=0 --set components.tile.readout[0].gain_stage.offset_sigma=0"
      " --set components.tile.readout[1].bits=16 --set components.tile.readout[1].full_scale=4");
  REQUIRE_MESSAGE(run.status == 0, run.output);
  // The float reference, computed here directly from the image and the kernels
  // of configs/workloads/edge_detect.yaml (zero padding, ReLU).
  const auto image = mottsim::platform::read_image(source_path("configs/images/building_512.png"));
  const int kernels[6][3][3] = {{{-1, 0, 1}, {-2, 0, 2}, {-1, 0, 1}},  {{-1, -2, -1}, {0, 0, 0}, {1, 2, 1}},
                                {{0, 1, 0}, {1, -4, 1}, {0, 1, 0}},    {{1, 0, -1}, {2, 0, -2}, {1, 0, -1}},
                                {{1, 2, 1}, {0, 0, 0}, {-1, -2, -1}},  {{0, -1, 0}, {-1, 4, -1}, {0, -1, 0}}};
  const int n = image.width;
  REQUIRE(image.height == n);
  float input_max = 0;
  for (float p : image.pixels) input_max = std::max(input_max, p);
  // The gains the run calibrated on other images (or, without calibration
  // images, the drivers' full scale of 1 and the worst case of the kernels:
  // each has 4 in positive weights, so 4 x the input full scale).
  const auto report = nlohmann::json::parse(read_text(dir + "/report.json"));
  const auto& layers = report["calibration"]["layers"];
  const double input_fs = layers.empty() ? 1.0 : layers[0]["input_full_scale"].get<double>();
  const double analog_fs = layers.empty() ? 4.0 * input_fs : layers[0]["analog_full_scale"].get<double>();
  // Nothing clips: the image lies within the drivers' range.
  REQUIRE(input_max <= input_fs);
  for (int c = 0; c < 6; ++c) {
    CAPTURE(c);
    std::vector<double> ref(static_cast<std::size_t>(n * n), 0.0);
    double peak = 0, abs_sum = 0;
    for (int dy = 0; dy < 3; ++dy)
      for (int dx = 0; dx < 3; ++dx) abs_sum += std::abs(kernels[c][dy][dx]);
    for (int y = 0; y < n; ++y)
      for (int x = 0; x < n; ++x) {
        double s = 0;
        for (int dy = -1; dy <= 1; ++dy)
          for (int dx = -1; dx <= 1; ++dx)
            if (y + dy >= 0 && y + dy < n && x + dx >= 0 && x + dx < n)
              s += kernels[c][dy + 1][dx + 1] * image.pixels[static_cast<std::size_t>((y + dy) * n + x + dx)];
        ref[static_cast<std::size_t>(y * n + x)] = std::max(0.0, s);
        peak = std::max(peak, std::max(0.0, s));
      }
    REQUIRE(peak > 0);
    // Bound on one output, in value units: the kernels are small integers and
    // are stored exactly; each input is off by at most half an input step
    // (8-bit pulse widths over [0, input full scale]), weighted by |w|; the ADC
    // is off by half a code (16 bits over 4x the calibrated full scale, which
    // the map's peak does not reach).
    REQUIRE(peak <= 4.0 * analog_fs);
    const double input_step = input_fs / 255.0;
    const double value_bound = abs_sum * input_step / 2 + 4.0 * analog_fs / 65535.0 / 2;
    // The map is written scaled by the float peak, as 8-bit PNG (half a level).
    const double pixel_bound = value_bound / peak + 0.5 / 255.0 + 1e-6;
    const auto device = mottsim::platform::read_image(dir + "/edges_" + std::to_string(c) + ".png");
    REQUIRE(device.width == n);
    double worst = 0;
    for (std::size_t p = 0; p < ref.size(); ++p)
      worst = std::max(worst, std::abs(device.pixels[p] - std::min(1.0, ref[p] / peak)));
    CHECK(worst <= pixel_bound);
    // And the bound is not vacuous: well under one tenth of the map's range.
    CHECK(pixel_bound < 0.1);
  }
  std::filesystem::remove_all(dir);
}

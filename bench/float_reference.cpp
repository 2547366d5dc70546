// Times the ideal float network (im2col + Eigen GEMM, platform/reference_forward)
// on the inputs functional mode uses, so bench/functional_runs.sh can print how
// much slower the device models are than plain float arithmetic.
// Usage: float_reference WORKLOAD.yaml
// Prints: wall seconds, inputs, a checksum, processor seconds (one thread: the
// forward runs on the caller's, so the two agree on an idle machine).
#include <chrono>
#include <ctime>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>

#include "dsl/diagnostics.hpp"
#include "dsl/workload_loader.hpp"
#include "platform/data/image_fit.hpp"
#include "platform/data/image_io.hpp"
#include "platform/data/mnist_dataset.hpp"
#include "platform/data/reference_forward.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: float_reference WORKLOAD.yaml\n");
    return 2;
  }
  try {
    mottsim::dsl::diagnostics errors;
    const auto workload = mottsim::dsl::load_workload(argv[1], errors);
    if (errors.has_errors()) throw mottsim::dsl::input_error(errors);
    std::vector<std::vector<float>> inputs;
    if (workload.inputs.source == "mnist_test") {
      // The digits functional mode scores: `count` from `first` on.
      const auto split = mottsim::platform::load_mnist_split_digits(
          0, static_cast<std::size_t>(workload.inputs.first), static_cast<std::size_t>(workload.inputs.count));
      for (std::size_t i = 0; i < split.test.size(); ++i)
        inputs.emplace_back(split.test.image(i), split.test.image(i) + mottsim::platform::mnist_dataset::pixels);
    } else {
      // The image functional mode scores: the workload's (or its fallback when
      // absent), fitted to the input as functional mode fits it.
      std::error_code ec;
      const std::string file = std::filesystem::exists(workload.inputs.file, ec) || workload.inputs.fallback.empty()
                                   ? workload.inputs.file
                                   : workload.inputs.fallback;
      const auto image = mottsim::platform::read_image(file);
      inputs.push_back(mottsim::platform::fit_image(image, static_cast<int>(workload.input.width),
                                                    static_cast<int>(workload.input.height), file)
                           .pixels);
    }
    const mottsim::platform::reference_network net(workload);
    const auto start = std::chrono::steady_clock::now();
    const std::clock_t cpu_start = std::clock();
    double checksum = 0;
    for (const auto& x : inputs) checksum += net.forward(x).front();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    std::printf("%.6f %zu %g %.6f\n", seconds, inputs.size(), checksum, cpu);
  } catch (const mottsim::dsl::input_error& e) {
    e.errors().print(std::cerr);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "float_reference: %s\n", e.what());
    return 1;
  }
  return 0;
}

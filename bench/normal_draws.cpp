// Nanoseconds per N(0, 1) draw of functional mode's normal source
// (models/gaussian_source.hpp) on each set of units the processor has (scalar,
// AVX2, AVX-512: the same draws; fill() uses the widest), in calls of a
// crossbar's 128 columns and of 4096, best of five repetitions.
// Usage: normal_draws [million draws per repetition]   (default 40)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "models/gaussian_source.hpp"

int main(int argc, char** argv) {
  const double millions = argc > 1 ? std::atof(argv[1]) : 40.0;
  if (!(millions > 0.0) || millions > 1e4) {
    std::fprintf(stderr, "normal_draws: the draws per repetition must be 0 to 10000 million, got '%s'\n", argv[1]);
    return 2;
  }
  const auto total = static_cast<std::size_t>(millions * 1e6);
  double checksum = 0.0;
  using units = mottsim::models::gaussian_source::units;
  std::printf("%-8s %6s %10s\n", "units", "call", "ns/draw");
  for (const units u : {units::avx512, units::avx2, units::scalar}) {
    if (!mottsim::models::gaussian_source::supports(u)) continue;
    const char* name = u == units::avx512 ? "avx512" : u == units::avx2 ? "avx2" : "scalar";
    for (const std::size_t call : {std::size_t{128}, std::size_t{4096}}) {
      std::vector<float> out(call);
      double best = 1e300;
      for (int rep = 0; rep < 5; ++rep) {
        mottsim::models::gaussian_source source(static_cast<std::uint64_t>(rep) + 1);
        const auto start = std::chrono::steady_clock::now();
        for (std::size_t done = 0; done < total; done += call) {
          source.fill_on(u, out.data(), call);
          checksum += out[call / 2];
        }
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        best = std::min(best, s * 1e9 / static_cast<double>(total));
      }
      std::printf("%-8s %6zu %10.3f\n", name, call, best);
    }
  }
  std::printf("(checksum %g)\n", checksum);
  return 0;
}

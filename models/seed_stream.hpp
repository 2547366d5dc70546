#pragma once
#include <cstdint>

namespace mottsim::models {

// Independent random streams from one user seed: stream k of seed s is the same
// whatever else draws from other streams, so adding a draw in one place does not
// move the devices drawn in another. (splitmix64 finalizer.)
inline std::uint64_t seed_stream(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t x = seed + 0x9e3779b97f4a7c15ULL * (stream + 1);
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace mottsim::models

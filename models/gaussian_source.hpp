#pragma once
#include <cstddef>
#include <cstdint>

namespace mottsim::models {

// Standard normal draws fast enough for one draw per column read over billions
// of reads. The bits come from xoshiro256++ (Blackman & Vigna 2019; ~1 ns per
// 64 bits, where std::mt19937_64 took a quarter of the run time). fill() turns
// them into normals with Marsaglia & Tsang's ziggurat (J. Stat. Softw. 5(8),
// 2000; 256 layers): exact rejection sampling, tails included (no cut), about
// one multiply per draw. Each 32-bit half of a 64-bit word makes one candidate:
// its low 8 bits pick the layer, its top 24 bits (sign and 23 bits) the
// abscissa, so the layer and the value never share bits (the flaw Leong et al.
// 2005 found in the original, which used the same bits for both).
// operator() is the double-precision Box-Muller draw of the same stream.
class gaussian_source {
 public:
  explicit gaussian_source(std::uint64_t seed);
  std::uint64_t next();                  // 64 random bits
  double operator()();                   // one N(0, 1) draw, double precision
  void fill(float* out, std::size_t n);  // n N(0, 1) draws

 private:
  double uniform();      // (0, 1), 53 bits
  float slow(std::int32_t hz, unsigned iz);  // the ziggurat's wedges and tail
  std::uint64_t m_state[4] = {};
  bool m_has_spare = false;
  double m_spare = 0.0;
};

}  // namespace mottsim::models

#pragma once
#include <cstddef>
#include <cstdint>

namespace mottsim::models {

// Standard normal draws fast enough for one draw per column read over billions
// of reads. The bits come from xoshiro256++ (Blackman & Vigna 2019). fill()
// turns them into normals by the Box-Muller transform (Box & Muller 1958) in
// single precision: each 64-bit word makes a pair, its low half the radius
// sqrt(-2 ln u1), its high half the angle, with no rejection and nothing
// left to a slower path but the radius of one pair in 65,536, taken again in
// double where a float's 24 bits would cut the tail (models/gaussian_source.cpp
// says how ln, sin and cos are computed and how closely).
//
// fill() draws its words 8 at a time from eight xoshiro256++ generators of
// their own (seeded apart from each other and from next()), word j of a step
// giving normals 2j (r cos) and 2j + 1 (r sin): with AVX-512 two steps run at
// once (four such pairs side by side), with AVX2 one, otherwise four pairs at
// a time in SSE2. Every processor gets the same draws, and the draws do not
// depend on how n is split between calls (a step's unused normals wait for
// the next call).
// operator() is the double-precision Box-Muller draw of the scalar stream,
// which fill() also takes its rare double-precision radii from: a source
// serves fill() or operator(), so that neither's draws depend on the other's
// calls.
class gaussian_source {
 public:
  explicit gaussian_source(std::uint64_t seed);
  std::uint64_t next();                  // 64 random bits
  double operator()();                   // one N(0, 1) draw, double precision
  void fill(float* out, std::size_t n);  // n N(0, 1) draws
  // The units fill() can run its steps on: every one gives the same draws.
  enum class units { scalar, avx2, avx512 };
  static bool supports(units u);  // the processor has them
  static units best_units();      // what fill() uses
  // fill() on the given units (which the processor must support), for the
  // tests that compare them and the bench that times them.
  void fill_on(units u, float* out, std::size_t n);

  static constexpr int lanes = 8;  // fill()'s generators; 2 x lanes normals a step

 private:
  double uniform();      // (0, 1), 53 bits
  // Steps of 2 x lanes normals into out (16 floats a step).
  void fill_steps(float* out, std::size_t steps, units u);
  std::uint64_t m_state[4] = {};
  alignas(64) std::uint64_t m_lanes[4][lanes] = {};  // word k of generator j at [k][j]
  float m_pending[2 * lanes] = {};  // a step's normals not yet handed out
  int m_pending_count = 0;          // the last m_pending_count of m_pending
  bool m_has_spare = false;
  double m_spare = 0.0;
};

}  // namespace mottsim::models

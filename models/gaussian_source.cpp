#include "models/gaussian_source.hpp"

#include <immintrin.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "models/seed_stream.hpp"

namespace mottsim::models {

namespace {

constexpr double two_pi = 6.283185307179586476925286766559;

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// One step of xoshiro256++ on the state (s0, s1, s2, s3); returns its output.
std::uint64_t xoshiro_step(std::uint64_t& s0, std::uint64_t& s1, std::uint64_t& s2, std::uint64_t& s3) {
  const std::uint64_t result = rotl(s0 + s3, 23) + s0;
  const std::uint64_t t = s1 << 17;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl(s3, 45);
  return result;
}

}  // namespace

gaussian_source::gaussian_source(std::uint64_t seed) {
  // xoshiro's state must not be all zero; seed_stream never returns four zeros.
  for (int i = 0; i < 4; ++i) m_state[i] = seed_stream(seed, 100 + static_cast<std::uint64_t>(i));
  for (int j = 0; j < lanes; ++j)
    for (int i = 0; i < 4; ++i) m_lanes[i][j] = seed_stream(seed, 200 + static_cast<std::uint64_t>(4 * j + i));
}

std::uint64_t gaussian_source::next() { return xoshiro_step(m_state[0], m_state[1], m_state[2], m_state[3]); }

double gaussian_source::uniform() { return static_cast<double>((next() >> 11) + 1) * 0x1.0p-53; }

double gaussian_source::operator()() {
  if (m_has_spare) {
    m_has_spare = false;
    return m_spare;
  }
  const double u1 = uniform();                                        // (0, 1]
  const double u2 = static_cast<double>(next() >> 11) * 0x1.0p-53;  // [0, 1)
  const double radius = std::sqrt(-2.0 * std::log(u1));
  m_spare = radius * std::sin(two_pi * u2);
  m_has_spare = true;
  return radius * std::cos(two_pi * u2);
}

namespace {

// fill()'s normals, Box-Muller in single precision from the two 32-bit halves
// of one generator's word: k1 (the low half) gives the radius, k2 (the high
// half) the angle (docs/modelling.md, "Normals").
//   Radius: u1 = (k1 / 2^8 + 1) / 2^24 in (0, 1], exact in a float; ln u1
//   from u1 = m 2^e with m in [1/sqrt 2, sqrt 2), as e ln 2 + 2 atanh(s), s =
//   (m - 1) / (m + 1), |s| < 0.172, by its series to s^9 / 9 (the next term
//   is below 2^-28 of the sum); r = sqrt(-2 ln u1). Where u1 <= 2^-16 (one
//   pair in 65,536) a float's 24 bits would cut the tail at 5.8, so r^2 is
//   taken again in double from 53 bits (21 more from the scalar generator):
//   the tail then reaches 8.6.
//   Angle: k2's top 3 bits choose the octant, its next 24 the fraction phi
//   of it; sine and cosine of pi/4 phi (of pi/4 (1 - phi) in odd octants,
//   the two then swapped) by their Taylor series to x^9 / 9! and x^8 / 8!
//   (the next terms are below 2^-24), then the octant's quadrant turns them.
// Every operation is an IEEE single-precision one, lane by lane the same in
// every version (contraction is off), so every unit draws the same bytes.
// F, I, U: float, int32 and uint32 vectors of one width.
template <class F, class I, class U>
__attribute__((always_inline)) inline void radius_squared(const std::uint32_t* low, float* r2_out) {
  U k1;
  std::memcpy(&k1, low, sizeof k1);
  const U top = k1 >> 8;
  I a;
  std::memcpy(&a, &top, sizeof a);
  a += 1;
  const F u1 = __builtin_convertvector(a, F) * (1.0f / 16777216.0f);
  I bits;
  std::memcpy(&bits, &u1, sizeof bits);
  I e = ((bits >> 23) & 255) - 127;
  const I mantissa = (bits & 0x7fffff) | 0x3f800000;  // m in [1, 2)
  F m;
  std::memcpy(&m, &mantissa, sizeof m);
  const I high = m > 1.41421356f;  // -1 where m is above sqrt 2
  m = high ? m * 0.5f : m;
  e = e - high;
  const F s = (m - 1.0f) / (m + 1.0f);
  const F s2 = s * s;
  const F p = (((s2 * (1.0f / 9.0f) + (1.0f / 7.0f)) * s2 + (1.0f / 5.0f)) * s2 + (1.0f / 3.0f)) * s2;
  const F ln = __builtin_convertvector(e, F) * 0.693147180559945f + 2.0f * (s + s * p);
  const F r2 = ln * -2.0f + 0.0f;  // + 0 makes the -0 of u1 = 1 a +0
  std::memcpy(r2_out, &r2, sizeof r2);
}

// x = r cos(theta), y = r sin(theta), theta from k2 (above).
template <class F, class I, class U>
__attribute__((always_inline)) inline void turn(const float* radius, const std::uint32_t* high, float* x_out,
                                                float* y_out) {
  U k2;
  F r;
  std::memcpy(&k2, high, sizeof k2);
  std::memcpy(&r, radius, sizeof r);
  const U octant = k2 >> 29;
  const U fraction = (k2 >> 5) & 0xffffff;
  I whole;
  std::memcpy(&whole, &fraction, sizeof whole);
  const F phi = __builtin_convertvector(whole, F) * (1.0f / 16777216.0f);
  const I odd = (octant & 1) != 0;
  const F t = (odd ? 1.0f - phi : phi) * 0.785398163397448f;
  const F t2 = t * t;
  const F sine =
      t * (1.0f + t2 * (-1.0f / 6.0f + t2 * (1.0f / 120.0f + t2 * (-1.0f / 5040.0f + t2 * (1.0f / 362880.0f)))));
  const F cosine = 1.0f + t2 * (-0.5f + t2 * (1.0f / 24.0f + t2 * (-1.0f / 720.0f + t2 * (1.0f / 40320.0f))));
  const F c = odd ? sine : cosine, s = odd ? cosine : sine;
  const I quarter = (octant & 2) != 0, half = (octant & 4) != 0;
  const F c1 = quarter ? -s : c, s1 = quarter ? c : s;
  const F x = r * (half ? -c1 : c1), y = r * (half ? -s1 : s1);
  std::memcpy(x_out, &x, sizeof x);
  std::memcpy(y_out, &y, sizeof y);
}

using float4 = float __attribute__((vector_size(16)));
using int4 = std::int32_t __attribute__((vector_size(16)));
using uint4 = std::uint32_t __attribute__((vector_size(16)));
using float8 = float __attribute__((vector_size(32)));
using int8 = std::int32_t __attribute__((vector_size(32)));
using uint8 = std::uint32_t __attribute__((vector_size(32)));
using float16 = float __attribute__((vector_size(64)));
using int16 = std::int32_t __attribute__((vector_size(64)));
using uint16 = std::uint32_t __attribute__((vector_size(64)));

// The rare pairs of a group (bit l of refine: k1 below 2^16, so u1 at most
// 2^-16) get r^2 again in double from 53
// bits: k1's top 24, its low 8 and 21 from the scalar generator, in the
// pairs' order.
template <class Next>
void refine_tail(const std::uint32_t* low, float* r2, std::uint32_t refine, Next& next) {
  for (; refine != 0; refine &= refine - 1) {
    const int l = __builtin_ctz(refine);
    const std::uint64_t bits = (static_cast<std::uint64_t>(low[l] >> 8) << 29) |
                               (static_cast<std::uint64_t>(low[l] & 255) << 21) | (next() >> 43);
    r2[l] = static_cast<float>(-2.0 * std::log(static_cast<double>(bits + 1) * 0x1.0p-53));
  }
}

// `steps` steps of 16 normals into out: normal 2j of a step is r cos(theta)
// of generator j's word, 2j + 1 its r sin(theta). Four pairs at a time.
template <class Next>
void steps_sse2(std::uint64_t (&lanes)[4][gaussian_source::lanes], float* out, std::size_t steps, Next& next) {
  alignas(16) std::uint32_t low[gaussian_source::lanes], high[gaussian_source::lanes];
  alignas(16) float r2[4], x[4], y[4];
  for (std::size_t i = 0; i < steps; ++i) {
    for (int j = 0; j < gaussian_source::lanes; ++j) {
      std::uint64_t s0 = lanes[0][j], s1 = lanes[1][j], s2 = lanes[2][j], s3 = lanes[3][j];
      const std::uint64_t result = xoshiro_step(s0, s1, s2, s3);
      lanes[0][j] = s0;
      lanes[1][j] = s1;
      lanes[2][j] = s2;
      lanes[3][j] = s3;
      low[j] = static_cast<std::uint32_t>(result);
      high[j] = static_cast<std::uint32_t>(result >> 32);
    }
    for (int g = 0; g < 2; ++g) {
      radius_squared<float4, int4, uint4>(low + 4 * g, r2);
      // Pairs whose u1 is at most 2^-16: k1 below 2^16 (signed compare of k1 - 2^31).
      const __m128i k1 = _mm_xor_si128(_mm_load_si128(reinterpret_cast<const __m128i*>(low + 4 * g)),
                                       _mm_set1_epi32(INT32_MIN));
      const auto refine = static_cast<std::uint32_t>(
          _mm_movemask_ps(_mm_castsi128_ps(_mm_cmplt_epi32(k1, _mm_set1_epi32(INT32_MIN + 65536)))));
      if (refine != 0) refine_tail(low + 4 * g, r2, refine, next);
      _mm_store_ps(r2, _mm_sqrt_ps(_mm_load_ps(r2)));
      turn<float4, int4, uint4>(r2, high + 4 * g, x, y);
      const __m128 a = _mm_load_ps(x), b = _mm_load_ps(y);
      _mm_storeu_ps(out + 16 * i + 8 * g, _mm_unpacklo_ps(a, b));
      _mm_storeu_ps(out + 16 * i + 8 * g + 4, _mm_unpackhi_ps(a, b));
    }
  }
}

__attribute__((target("avx2"))) inline __m256i rotl4(__m256i x, int k) {
  return _mm256_or_si256(_mm256_slli_epi64(x, k), _mm256_srli_epi64(x, 64 - k));
}

// Eight pairs at a time on AVX2, four generators to a register.
template <class Next>
__attribute__((target("avx2"))) void steps_avx2(std::uint64_t (&lanes)[4][gaussian_source::lanes], float* out,
                                                std::size_t steps, Next& next) {
  __m256i s[2][4];
  for (int h = 0; h < 2; ++h)
    for (int i = 0; i < 4; ++i) s[h][i] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(lanes[i] + 4 * h));
  alignas(32) std::uint32_t low[8], high[8];
  alignas(32) float r2[8], x[8], y[8];
  const __m256i halves = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);  // low halves, then high
  for (std::size_t i = 0; i < steps; ++i) {
    __m128i low_half[2], high_half[2];  // joined before they are stored (steps_avx512)
    for (int h = 0; h < 2; ++h) {
      __m256i* v = s[h];
      const __m256i result = _mm256_add_epi64(rotl4(_mm256_add_epi64(v[0], v[3]), 23), v[0]);
      const __m256i t = _mm256_slli_epi64(v[1], 17);
      v[2] = _mm256_xor_si256(v[2], v[0]);
      v[3] = _mm256_xor_si256(v[3], v[1]);
      v[1] = _mm256_xor_si256(v[1], v[2]);
      v[0] = _mm256_xor_si256(v[0], v[3]);
      v[2] = _mm256_xor_si256(v[2], t);
      v[3] = rotl4(v[3], 45);
      const __m256i split = _mm256_permutevar8x32_epi32(result, halves);
      low_half[h] = _mm256_castsi256_si128(split);
      high_half[h] = _mm256_extracti128_si256(split, 1);
    }
    _mm256_store_si256(reinterpret_cast<__m256i*>(low), _mm256_set_m128i(low_half[1], low_half[0]));
    _mm256_store_si256(reinterpret_cast<__m256i*>(high), _mm256_set_m128i(high_half[1], high_half[0]));
    radius_squared<float8, int8, uint8>(low, r2);
    // Pairs whose u1 is at most 2^-16: k1 below 2^16.
    const __m256i k1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(low));
    const auto refine = static_cast<std::uint32_t>(_mm256_movemask_ps(
        _mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_srli_epi32(k1, 16), _mm256_setzero_si256()))));
    if (refine != 0) refine_tail(low, r2, refine, next);
    _mm256_store_ps(r2, _mm256_sqrt_ps(_mm256_load_ps(r2)));
    turn<float8, int8, uint8>(r2, high, x, y);
    const __m256 a = _mm256_load_ps(x), b = _mm256_load_ps(y);
    const __m256 lo = _mm256_unpacklo_ps(a, b), hi = _mm256_unpackhi_ps(a, b);
    _mm256_storeu_ps(out + 16 * i, _mm256_permute2f128_ps(lo, hi, 0x20));
    _mm256_storeu_ps(out + 16 * i + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
  }
  for (int h = 0; h < 2; ++h)
    for (int i = 0; i < 4; ++i) _mm256_storeu_si256(reinterpret_cast<__m256i*>(lanes[i] + 4 * h), s[h][i]);
}

// Two steps at a time on AVX-512 (the first step's generators in lanes 0-7,
// the second's in 8-15), four such pairs of steps side by side where there
// are eight: the logarithm, the square root and the series are each one long
// chain of dependent operations, and four independent chains let the
// processor overlap them (about 10 % less time a draw than one chain,
// measured by bench/normal_draws with both builds running side by side; two
// chains gained less). Then single pairs of steps, and an odd last step on
// AVX2. The masked forms (all lanes) keep GCC 12 from warning about the
// unmasked ones' undefined sources.
__attribute__((target("avx512f,avx2"))) inline void words_avx512(__m512i (&s)[4], std::uint32_t* low,
                                                                  std::uint32_t* high) {
  // The two steps' halves joined in registers and stored whole: two
  // half-width stores read back as one would not be forwarded.
  __m256i low_half[2], high_half[2];
  for (int h = 0; h < 2; ++h) {
    const __m512i result = _mm512_add_epi64(_mm512_maskz_rol_epi64(0xff, _mm512_add_epi64(s[0], s[3]), 23), s[0]);
    const __m512i t = _mm512_maskz_slli_epi64(0xff, s[1], 17);
    s[2] = _mm512_xor_si512(s[2], s[0]);
    s[3] = _mm512_xor_si512(s[3], s[1]);
    s[1] = _mm512_xor_si512(s[1], s[2]);
    s[0] = _mm512_xor_si512(s[0], s[3]);
    s[2] = _mm512_xor_si512(s[2], t);
    s[3] = _mm512_maskz_rol_epi64(0xff, s[3], 45);
    low_half[h] = _mm512_maskz_cvtepi64_epi32(0xff, result);
    high_half[h] = _mm512_maskz_cvtepi64_epi32(0xff, _mm512_maskz_srli_epi64(0xff, result, 32));
  }
  const __m512i zero = _mm512_setzero_si512();
  _mm512_store_si512(low, _mm512_maskz_inserti64x4(0xff, _mm512_maskz_inserti64x4(0xff, zero, low_half[0], 0),
                                                   low_half[1], 1));
  _mm512_store_si512(high, _mm512_maskz_inserti64x4(0xff, _mm512_maskz_inserti64x4(0xff, zero, high_half[0], 0),
                                                    high_half[1], 1));
}

// Pairs whose u1 is at most 2^-16 (k1 below 2^16), as bits.
__attribute__((target("avx512f,avx2"))) inline std::uint32_t tail_pairs_avx512(const std::uint32_t* low) {
  return _mm512_cmplt_epu32_mask(_mm512_load_si512(low), _mm512_set1_epi32(65536));
}

__attribute__((target("avx512f,avx2"))) inline void store_pairs_avx512(const float* x, const float* y, float* out) {
  const __m512i first = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i second = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  const __m512 a = _mm512_load_ps(x), b = _mm512_load_ps(y);
  _mm512_storeu_ps(out, _mm512_maskz_permutex2var_ps(0xffff, a, first, b));
  _mm512_storeu_ps(out + 16, _mm512_maskz_permutex2var_ps(0xffff, a, second, b));
}

constexpr int chains_avx512 = 4;  // pairs of steps side by side (above)

// `chains` pairs of steps (32 normals each) into out, each stage for every
// chain before the next stage (chain g at 16 g of the scratch arrays, which
// hold 16 x chains_avx512).
template <int chains, class Next>
__attribute__((target("avx512f,avx2"))) inline void pair_steps_avx512(__m512i (&s)[4], std::uint32_t* low,
                                                                       std::uint32_t* high, float* r2, float* x,
                                                                       float* y, float* out, Next& next) {
  for (int g = 0; g < 16 * chains; g += 16) words_avx512(s, low + g, high + g);
  for (int g = 0; g < 16 * chains; g += 16) radius_squared<float16, int16, uint16>(low + g, r2 + g);
  std::uint32_t refine[chains], any = 0;
  for (int g = 0; g < chains; ++g) any |= refine[g] = tail_pairs_avx512(low + 16 * g);
  if (any != 0)  // in the order of the steps, as the scalar stream's draws go
    for (int g = 0; g < chains; ++g) refine_tail(low + 16 * g, r2 + 16 * g, refine[g], next);
  for (int g = 0; g < 16 * chains; g += 16)
    _mm512_store_ps(r2 + g, _mm512_maskz_sqrt_ps(0xffff, _mm512_load_ps(r2 + g)));
  for (int g = 0; g < 16 * chains; g += 16) turn<float16, int16, uint16>(r2 + g, high + g, x + g, y + g);
  for (int g = 0; g < 16 * chains; g += 16) store_pairs_avx512(x + g, y + g, out + 2 * g);
}

template <class Next>
__attribute__((target("avx512f,avx2"))) void steps_avx512(std::uint64_t (&lanes)[4][gaussian_source::lanes],
                                                          float* out, std::size_t steps, Next& next) {
  __m512i s[4];
  for (int i = 0; i < 4; ++i) s[i] = _mm512_load_si512(lanes[i]);
  alignas(64) std::uint32_t low[16 * chains_avx512], high[16 * chains_avx512];
  alignas(64) float r2[16 * chains_avx512], x[16 * chains_avx512], y[16 * chains_avx512];
  std::size_t i = 0;
  for (; i + 2 * chains_avx512 <= steps; i += 2 * chains_avx512)
    pair_steps_avx512<chains_avx512>(s, low, high, r2, x, y, out + 16 * i, next);
  for (; i + 2 <= steps; i += 2) pair_steps_avx512<1>(s, low, high, r2, x, y, out + 16 * i, next);
  for (int k = 0; k < 4; ++k) _mm512_store_si512(lanes[k], s[k]);
  if (i < steps) steps_avx2(lanes, out + 16 * i, steps - i, next);
}

}  // namespace

bool gaussian_source::supports(units u) {
  switch (u) {
    case units::avx512: return __builtin_cpu_supports("avx512f");
    case units::avx2: return __builtin_cpu_supports("avx2");
    case units::scalar: return true;
  }
  return false;
}

gaussian_source::units gaussian_source::best_units() {
  static const units best = supports(units::avx512) ? units::avx512 : supports(units::avx2) ? units::avx2 : units::scalar;
  return best;
}

void gaussian_source::fill_steps(float* out, std::size_t steps, units u) {
  auto next_bits = [this] { return next(); };
  if (u == units::avx512) steps_avx512(m_lanes, out, steps, next_bits);
  else if (u == units::avx2) steps_avx2(m_lanes, out, steps, next_bits);
  else steps_sse2(m_lanes, out, steps, next_bits);
}

void gaussian_source::fill(float* out, std::size_t n) { fill_on(best_units(), out, n); }

void gaussian_source::fill_on(units u, float* out, std::size_t n) {
  constexpr std::size_t per_step = 2 * lanes;
  if (n == 0) return;  // out may then be null (an empty Eigen array's data())
  const auto take_pending = [&] {
    const std::size_t k = std::min<std::size_t>(n, static_cast<std::size_t>(m_pending_count));
    if (k == 0) return;
    std::memcpy(out, m_pending + (per_step - static_cast<std::size_t>(m_pending_count)), k * sizeof(float));
    m_pending_count -= static_cast<int>(k);
    out += k;
    n -= k;
  };
  take_pending();
  const std::size_t steps = n / per_step;
  fill_steps(out, steps, u);
  out += steps * per_step;
  n -= steps * per_step;
  if (n > 0) {
    fill_steps(m_pending, 1, u);
    m_pending_count = static_cast<int>(per_step);
    take_pending();
  }
}

}  // namespace mottsim::models

#include "models/gaussian_source.hpp"

#include <immintrin.h>

#include <algorithm>
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

// The ziggurat of Marsaglia & Tsang (2000), 256 layers of equal area v under
// the unnormalized density f(x) = exp(-x^2/2), the base layer (with the tail
// beyond r) included: 98.5 % of the candidates end at the first comparison.
// Abscissas are 24-bit signed integers hz, |hz| < 2^23: layer i accepts at
// once when |hz| < kn[i] (x inside the rectangle no layer above overhangs)
// and returns hz wn[i].
struct ziggurat {
  static constexpr double r = 3.6541528853610088;  // where the tail starts
  static constexpr double v = 0.00492867323399;
  alignas(64) std::int32_t kn[256] = {};
  alignas(64) float wn[256] = {};
  double fn[256] = {};
  ziggurat() {
    const double m1 = 8388608.0;  // 2^23
    double dn = r, tn = r;
    const double q = v / std::exp(-0.5 * dn * dn);
    kn[0] = static_cast<std::int32_t>(dn / q * m1);
    kn[1] = 0;
    wn[0] = static_cast<float>(q / m1);
    wn[255] = static_cast<float>(dn / m1);
    fn[0] = 1.0;
    fn[255] = std::exp(-0.5 * dn * dn);
    for (int i = 254; i >= 1; --i) {
      dn = std::sqrt(-2.0 * std::log(v / dn + std::exp(-0.5 * dn * dn)));
      kn[i + 1] = static_cast<std::int32_t>(dn / tn * m1);
      tn = dn;
      fn[i] = std::exp(-0.5 * dn * dn);
      wn[i] = static_cast<float>(dn / m1);
    }
  }
};

const ziggurat tables;

// One candidate from 32 bits: layer from the low 8, abscissa from the top 24.
struct candidate {
  std::int32_t hz;
  unsigned iz;
};
candidate split(std::uint32_t u) {
  return {static_cast<std::int32_t>(u >> 8) - (1 << 23), u & 255u};
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

float gaussian_source::slow(std::int32_t hz, unsigned iz) {
  const ziggurat& z = tables;
  for (;;) {
    if (iz == 0) {
      // The tail beyond r (Marsaglia 1964): exact, by rejection.
      double x = 0.0, y = 0.0;
      do {
        x = -std::log(uniform()) / ziggurat::r;
        y = -std::log(uniform());
      } while (y + y < x * x);
      return static_cast<float>(hz > 0 ? ziggurat::r + x : -ziggurat::r - x);
    }
    // A wedge: accept under the density.
    const double x = static_cast<double>(hz) * static_cast<double>(z.wn[iz]);
    if (z.fn[iz] + uniform() * (z.fn[iz - 1] - z.fn[iz]) < std::exp(-0.5 * x * x)) return static_cast<float>(x);
    const candidate c = split(static_cast<std::uint32_t>(next()));
    hz = c.hz;
    iz = c.iz;
    if (std::abs(hz) < z.kn[iz]) return static_cast<float>(hz) * z.wn[iz];
  }
}

namespace {

// A step's 16 candidates, their first test done: value[k] is hz wn[iz] when
// candidate k passed; when it did not, bit k of the returned mask is set and
// value[k] holds the candidate's 32 raw bits, for the scalar finish. The same
// results in every version.
std::uint32_t step_scalar(std::uint64_t (&s)[4][gaussian_source::lanes], float* value) {
  const ziggurat& z = tables;
  std::uint32_t rejected = 0;
  // The generators first (their states in locals: a store through `value`
  // may alias them), then the candidates, without a branch.
  std::uint32_t raw[2 * gaussian_source::lanes];
  for (int j = 0; j < gaussian_source::lanes; ++j) {
    std::uint64_t s0 = s[0][j], s1 = s[1][j], s2 = s[2][j], s3 = s[3][j];
    const std::uint64_t result = xoshiro_step(s0, s1, s2, s3);
    s[0][j] = s0;
    s[1][j] = s1;
    s[2][j] = s2;
    s[3][j] = s3;
    raw[2 * j] = static_cast<std::uint32_t>(result);
    raw[2 * j + 1] = static_cast<std::uint32_t>(result >> 32);
  }
  float values[2 * gaussian_source::lanes];
  for (int k = 0; k < 2 * gaussian_source::lanes; ++k) {
    const candidate c = split(raw[k]);
    const bool passed = std::abs(c.hz) < z.kn[c.iz];
    float raw_bits = 0.0f;
    std::memcpy(&raw_bits, raw + k, sizeof raw_bits);
    values[k] = passed ? static_cast<float>(c.hz) * z.wn[c.iz] : raw_bits;
    rejected |= static_cast<std::uint32_t>(!passed) << k;
  }
  std::memcpy(value, values, sizeof values);
  return rejected;
}

// The eight generators at once, for `steps` steps; rejected[i] is step i's
// mask. The layer's kn and wn come from the tables held as 8 pairs of
// registers, one two-register permute per pair (the layer's low 5 bits) kept
// where the pair is the layer's (its top 3 bits): gathers take twice as long
// on some processors. The masked forms (all lanes) keep GCC 12 from warning
// about the unmasked ones' undefined sources.
__attribute__((target("avx512f"))) void steps_avx512(std::uint64_t (&lanes)[4][gaussian_source::lanes], float* out,
                                                     std::size_t steps, std::uint16_t* rejected) {
  const ziggurat& z = tables;
  __m512i s[4];
  for (int i = 0; i < 4; ++i) s[i] = _mm512_load_si512(lanes[i]);
  for (std::size_t i = 0; i < steps; ++i) {
    const __m512i result = _mm512_add_epi64(_mm512_maskz_rol_epi64(0xff, _mm512_add_epi64(s[0], s[3]), 23), s[0]);
    const __m512i t = _mm512_maskz_slli_epi64(0xff, s[1], 17);
    s[2] = _mm512_xor_si512(s[2], s[0]);
    s[3] = _mm512_xor_si512(s[3], s[1]);
    s[1] = _mm512_xor_si512(s[1], s[2]);
    s[0] = _mm512_xor_si512(s[0], s[3]);
    s[2] = _mm512_xor_si512(s[2], t);
    s[3] = _mm512_maskz_rol_epi64(0xff, s[3], 45);
    // 32-bit lane k of the words is candidate k (little-endian halves).
    const __m512i iz = _mm512_and_si512(result, _mm512_set1_epi32(255));
    const __m512i hz = _mm512_sub_epi32(_mm512_maskz_srli_epi32(0xffff, result, 8), _mm512_set1_epi32(1 << 23));
    const __m512i pair = _mm512_maskz_srli_epi32(0xffff, iz, 5);
    __m512i kn = _mm512_permutex2var_epi32(_mm512_load_si512(z.kn), iz, _mm512_load_si512(z.kn + 16));
    __m512 wn = _mm512_permutex2var_ps(_mm512_load_ps(z.wn), iz, _mm512_load_ps(z.wn + 16));
#pragma GCC unroll 8
    for (int p = 1; p < 8; ++p) {
      const __mmask16 here = _mm512_cmpeq_epi32_mask(pair, _mm512_set1_epi32(p));
      kn = _mm512_mask_mov_epi32(
          kn, here, _mm512_permutex2var_epi32(_mm512_load_si512(z.kn + 32 * p), iz, _mm512_load_si512(z.kn + 32 * p + 16)));
      wn = _mm512_mask_mov_ps(
          wn, here, _mm512_permutex2var_ps(_mm512_load_ps(z.wn + 32 * p), iz, _mm512_load_ps(z.wn + 32 * p + 16)));
    }
    const __mmask16 passed = _mm512_cmplt_epi32_mask(_mm512_maskz_abs_epi32(0xffff, hz), kn);
    const __m512 value = _mm512_mul_ps(_mm512_maskz_cvtepi32_ps(0xffff, hz), wn);
    _mm512_storeu_ps(out + 2 * gaussian_source::lanes * i,
                     _mm512_mask_blend_ps(passed, _mm512_castsi512_ps(result), value));
    rejected[i] = static_cast<std::uint16_t>(~passed);
  }
  for (int i = 0; i < 4; ++i) _mm512_store_si512(lanes[i], s[i]);
}

__attribute__((target("avx2"))) inline __m256i rotl4(__m256i x, int k) {
  return _mm256_or_si256(_mm256_slli_epi64(x, k), _mm256_srli_epi64(x, 64 - k));
}

// The same steps on AVX2, four generators to a register: words of
// generators 0-3 give candidates 0-7, of 4-7 candidates 8-15; table entries
// by gathers.
__attribute__((target("avx2"))) void steps_avx2(std::uint64_t (&lanes)[4][gaussian_source::lanes], float* out,
                                                std::size_t steps, std::uint16_t* rejected) {
  const ziggurat& z = tables;
  __m256i s[2][4];
  for (int h = 0; h < 2; ++h)
    for (int i = 0; i < 4; ++i) s[h][i] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(lanes[i] + 4 * h));
  for (std::size_t i = 0; i < steps; ++i) {
    std::uint32_t mask = 0;
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
      const __m256i iz = _mm256_and_si256(result, _mm256_set1_epi32(255));
      const __m256i hz = _mm256_sub_epi32(_mm256_srli_epi32(result, 8), _mm256_set1_epi32(1 << 23));
      const __m256i kn = _mm256_i32gather_epi32(z.kn, iz, 4);
      const __m256 wn = _mm256_i32gather_ps(z.wn, iz, 4);
      const __m256i passed = _mm256_cmpgt_epi32(kn, _mm256_abs_epi32(hz));
      const __m256 value = _mm256_mul_ps(_mm256_cvtepi32_ps(hz), wn);
      _mm256_storeu_ps(out + 2 * gaussian_source::lanes * i + 8 * h,
                       _mm256_blendv_ps(_mm256_castsi256_ps(result), value, _mm256_castsi256_ps(passed)));
      mask |= static_cast<std::uint32_t>(~_mm256_movemask_ps(_mm256_castsi256_ps(passed)) & 0xff) << (8 * h);
    }
    rejected[i] = static_cast<std::uint16_t>(mask);
  }
  for (int h = 0; h < 2; ++h)
    for (int i = 0; i < 4; ++i) _mm256_storeu_si256(reinterpret_cast<__m256i*>(lanes[i] + 4 * h), s[h][i]);
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
  constexpr std::size_t per_step = 2 * lanes;
  // A few steps at a time: their first tests, then, in order, the candidates
  // they rejected, on the scalar generator.
  constexpr std::size_t wave = 64;
  std::uint16_t rejected[wave];
  for (std::size_t first = 0; first < steps; first += wave) {
    const std::size_t count = std::min(wave, steps - first);
    float* values = out + first * per_step;
    if (u == units::avx512) {
      steps_avx512(m_lanes, values, count, rejected);
    } else if (u == units::avx2) {
      steps_avx2(m_lanes, values, count, rejected);
    } else {
      for (std::size_t i = 0; i < count; ++i)
        rejected[i] = static_cast<std::uint16_t>(step_scalar(m_lanes, values + i * per_step));
    }
    // The steps with a rejected candidate (about one in five) as bits, found
    // without a branch per step, then visited in order.
    std::uint64_t with_rejects = 0;
    for (std::size_t i = 0; i < count; ++i) with_rejects |= static_cast<std::uint64_t>(rejected[i] != 0) << i;
    for (; with_rejects != 0; with_rejects &= with_rejects - 1) {
      const auto i = static_cast<std::size_t>(__builtin_ctzll(with_rejects));
      for (std::uint32_t mask = rejected[i]; mask != 0; mask &= mask - 1) {
        float* value = values + i * per_step + __builtin_ctz(mask);
        std::uint32_t raw = 0;
        std::memcpy(&raw, value, sizeof raw);
        const candidate c = split(raw);
        *value = slow(c.hz, c.iz);
      }
    }
  }
}

void gaussian_source::fill(float* out, std::size_t n) { fill_on(best_units(), out, n); }

void gaussian_source::fill_on(units u, float* out, std::size_t n) {
  constexpr std::size_t per_step = 2 * lanes;
  const auto take_pending = [&] {
    const std::size_t k = std::min<std::size_t>(n, static_cast<std::size_t>(m_pending_count));
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

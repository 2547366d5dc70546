#include "models/gaussian_source.hpp"

#include <cmath>
#include <cstdlib>

#include "models/seed_stream.hpp"

namespace mottsim::models {

namespace {

constexpr double two_pi = 6.283185307179586476925286766559;

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// The ziggurat of Marsaglia & Tsang (2000), 256 layers of equal area v under
// the unnormalized density f(x) = exp(-x^2/2), the base layer (with the tail
// beyond r) included: 99.3 % of the draws end at the first comparison.
// Abscissas are 24-bit signed integers hz, |hz| < 2^23: layer i accepts at
// once when |hz| < kn[i] (x inside the rectangle no layer above overhangs)
// and returns hz wn[i].
struct ziggurat {
  static constexpr double r = 3.6541528853610088;  // where the tail starts
  static constexpr double v = 0.00492867323399;
  std::int32_t kn[256] = {};
  float wn[256] = {};
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
}

std::uint64_t gaussian_source::next() {
  const std::uint64_t result = rotl(m_state[0] + m_state[3], 23) + m_state[0];
  const std::uint64_t t = m_state[1] << 17;
  m_state[2] ^= m_state[0];
  m_state[3] ^= m_state[1];
  m_state[1] ^= m_state[2];
  m_state[0] ^= m_state[3];
  m_state[2] ^= t;
  m_state[3] = rotl(m_state[3], 45);
  return result;
}

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

void gaussian_source::fill(float* out, std::size_t n) {
  const ziggurat& z = tables;
  const auto draw = [&](std::uint32_t u) {
    const candidate c = split(u);
    return std::abs(c.hz) < z.kn[c.iz] ? static_cast<float>(c.hz) * z.wn[c.iz] : slow(c.hz, c.iz);
  };
  std::size_t k = 0;
  for (; k + 2 <= n; k += 2) {
    const std::uint64_t bits = next();
    out[k] = draw(static_cast<std::uint32_t>(bits));
    out[k + 1] = draw(static_cast<std::uint32_t>(bits >> 32));
  }
  if (k < n) out[k] = draw(static_cast<std::uint32_t>(next()));
}

}  // namespace mottsim::models

#pragma once

// Integer arithmetic that reports overflow instead of wrapping or invoking
// undefined behaviour, for counts that user input can make arbitrarily large
// (weights, MACs, cells, bytes, sweep points).
namespace mottsim::dsl {

// a * b into `out`; false (and `out` unspecified) when it does not fit.
template <typename T>
bool checked_mul(T a, T b, T& out) {
  return !__builtin_mul_overflow(a, b, &out);
}

// a + b into `out`; false when it does not fit.
template <typename T>
bool checked_add(T a, T b, T& out) {
  return !__builtin_add_overflow(a, b, &out);
}

// a / b rounded up, for counts of pieces (a >= 0, b > 0).
inline long long ceil_div(long long a, long long b) { return (a + b - 1) / b; }

}  // namespace mottsim::dsl

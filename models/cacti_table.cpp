#include "models/cacti_table.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <vector>

#include "dsl/units.hpp"

namespace mottsim::models {

namespace {

constexpr double kib = 1024.0;
constexpr double nm = 1e-9;

// CACTI 7 runs (Balasubramonian 2017, docs/references.md): energy per 64-bit read / access time / area / leakage.
struct cacti_point {
  double energy_pj, time_ns, area_mm2, leakage_mw;
};
constexpr int n_sizes = 5;
constexpr int n_nodes = 3;
constexpr double sizes[n_sizes] = {8 * kib, 32 * kib, 64 * kib, 256 * kib, 1024 * kib};
constexpr double nodes[n_nodes] = {22 * nm, 32 * nm, 45 * nm};  // ascending, for the interpolator
constexpr cacti_point table[n_nodes][n_sizes] = {
    // 22 nm
    {{1.5, 0.13, 0.006, 1.3}, {3.5, 0.24, 0.027, 4.8}, {4.7, 0.34, 0.056, 9.6}, {9.9, 0.58, 0.21, 35},
     {18.4, 1.05, 0.81, 140}},
    // 32 nm
    {{2.9, 0.21, 0.013, 2.7}, {8.5, 0.31, 0.048, 10}, {12.0, 0.44, 0.11, 18}, {19.1, 0.82, 0.44, 73},
     {38.4, 1.38, 1.60, 289}},
    // 45 nm
    {{5.3, 0.29, 0.026, 8.8}, {14.9, 0.41, 0.095, 33}, {29.0, 0.50, 0.18, 60}, {40.6, 1.03, 0.80, 239},
     {67.7, 1.87, 3.17, 955}},
};

// Stillmaker & Baas (Integration 2017), relative to 45 nm at equal Vdd.
constexpr int n_sb = 6;
constexpr double sb_nodes[n_sb] = {7 * nm, 16 * nm, 22 * nm, 28 * nm, 32 * nm, 45 * nm};
constexpr double sb_energy[n_sb] = {0.10, 0.18, 0.30, 0.51, 0.65, 1.0};
constexpr double sb_area[n_sb] = {0.059, 0.19, 0.25, 0.38, 0.46, 1.0};

bool same(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::fabs(b); }

// Where x falls in an ascending grid.
enum class placement { exact, inside, outside };

struct segment {
  int lo = 0;  // interpolate between xs[lo] and xs[lo + 1], unless exact
  int exact = -1;
  placement where = placement::inside;
};

segment locate(const double* xs, int n, double x) {
  segment s;
  for (int i = 0; i < n; ++i)
    if (same(x, xs[i])) {
      s.exact = i;
      s.where = placement::exact;
      return s;
    }
  if (x < xs[0]) {
    s.lo = 0;
    s.where = placement::outside;
  } else if (x > xs[n - 1]) {
    s.lo = n - 2;
    s.where = placement::outside;
  } else {
    while (s.lo < n - 2 && x > xs[s.lo + 1]) ++s.lo;
  }
  return s;
}

// Straight line through (log xs[lo], log ys[lo]) and the next point; exact grid
// points return the tabulated value itself.
double loglog(const double* xs, const double* ys, const segment& s, double x) {
  if (s.exact >= 0) return ys[s.exact];
  const int i = s.lo;
  assert(ys[i] > 0 && ys[i + 1] > 0);
  const double t = std::log(x / xs[i]) / std::log(xs[i + 1] / xs[i]);
  return std::exp(std::log(ys[i]) + t * std::log(ys[i + 1] / ys[i]));
}

double loglog(const double* xs, const double* ys, int n, double x) { return loglog(xs, ys, locate(xs, n, x), x); }

std::string factor_text(double f) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "x%.3g", f);
  return buf;
}

}  // namespace

double loglog_interpolate(const double* xs, const double* ys, int n, double x) { return loglog(xs, ys, n, x); }

double stillmaker_energy_factor(double node_m) { return loglog(sb_nodes, sb_energy, n_sb, node_m); }
double stillmaker_area_factor(double node_m) { return loglog(sb_nodes, sb_area, n_sb, node_m); }

cacti_sram cacti_sram_lookup(double capacity_bytes, double node_m) {
  assert(capacity_bytes > 0 && node_m > 0);
  const segment in_size = locate(sizes, n_sizes, capacity_bytes);

  // Capacity first, at each table node.
  double e[n_nodes], t[n_nodes], a[n_nodes], l[n_nodes];
  for (int k = 0; k < n_nodes; ++k) {
    double ys[n_sizes];
    for (int i = 0; i < n_sizes; ++i) ys[i] = table[k][i].energy_pj * 1e-12;
    e[k] = loglog(sizes, ys, in_size, capacity_bytes);
    for (int i = 0; i < n_sizes; ++i) ys[i] = table[k][i].time_ns * 1e-9;
    t[k] = loglog(sizes, ys, in_size, capacity_bytes);
    for (int i = 0; i < n_sizes; ++i) ys[i] = table[k][i].area_mm2 * 1e-6;
    a[k] = loglog(sizes, ys, in_size, capacity_bytes);
    for (int i = 0; i < n_sizes; ++i) ys[i] = table[k][i].leakage_mw * 1e-3;
    l[k] = loglog(sizes, ys, in_size, capacity_bytes);
  }

  // Then node, within the table's 22..45 nm.
  const double table_node = std::min(std::max(node_m, nodes[0]), nodes[n_nodes - 1]);
  const segment in_node = locate(nodes, n_nodes, table_node);
  cacti_sram out;
  out.read_energy_j = loglog(nodes, e, in_node, table_node);
  out.access_time_s = loglog(nodes, t, in_node, table_node);
  out.area_m2 = loglog(nodes, a, in_node, table_node);
  out.leakage_w = loglog(nodes, l, in_node, table_node);

  out.source = "CACTI 7 table, " + dsl::format_quantity(capacity_bytes, dsl::dimension::data_size) + " at " +
               dsl::format_quantity(table_node, dsl::dimension::length);
  if (in_size.where == placement::outside) {
    const int lo = in_size.lo;
    out.source += " (extrapolated log-log from " + dsl::format_quantity(sizes[lo], dsl::dimension::data_size) +
                  " and " + dsl::format_quantity(sizes[lo + 1], dsl::dimension::data_size) + ")";
  } else if (in_size.where == placement::inside || in_node.where == placement::inside) {
    out.source += " (interpolated)";
  }

  // Outside the table's nodes: scale from its nearest node by Stillmaker & Baas.
  if (!same(node_m, table_node)) {
    const double fe = stillmaker_energy_factor(node_m) / stillmaker_energy_factor(table_node);
    const double fa = stillmaker_area_factor(node_m) / stillmaker_area_factor(table_node);
    out.read_energy_j *= fe;
    out.leakage_w *= fe;
    out.area_m2 *= fa;
    out.source += ", scaled to " + dsl::format_quantity(node_m, dsl::dimension::length) +
                  " by Stillmaker & Baas 2017 (energy and leakage " + factor_text(fe) + ", area " + factor_text(fa) +
                  "; access time as at " + dsl::format_quantity(table_node, dsl::dimension::length) + ")";
  }
  return out;
}

}  // namespace mottsim::models

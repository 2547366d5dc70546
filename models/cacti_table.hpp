#pragma once
#include <string>

namespace mottsim::models {

// One single-ported SRAM as CACTI 7 sees it (1 bank, 64-bit port, itrs-hp).
struct cacti_sram {
  double read_energy_j = 0.0;  // per 64-bit read
  double access_time_s = 0.0;
  double area_m2 = 0.0;
  double leakage_w = 0.0;
  // "CACTI 7 table, 256 KiB at 22 nm", with "(interpolated)", "(extrapolated)"
  // or the node scaling applied, so a reported number says how it was made.
  std::string source;
};

// Looks a capacity (bytes) and node (m) up in the table of CACTI 7
// runs (8 KiB..1 MiB at 45/32/22 nm). Log-log interpolation in capacity and in
// node; outside 8 KiB..1 MiB the two nearest sizes extrapolate log-log. Outside
// 22..45 nm, energy, leakage and area scale from the nearest table node by the
// Stillmaker & Baas factors (log-log in node between their points); the access
// time is held at that node's value, as no delay factors are tabulated.
cacti_sram cacti_sram_lookup(double capacity_bytes, double node_m);

// Stillmaker & Baas (Integration 2017) scaling relative to 45 nm at equal Vdd,
// interpolated log-log in node and extrapolated from the end segments.
double stillmaker_energy_factor(double node_m);
double stillmaker_area_factor(double node_m);

// y(x) on the straight lines through (log xs[i], log ys[i]), xs ascending and
// ys positive; tabulated points return their value exactly, and x outside the
// grid continues the end segments.
double loglog_interpolate(const double* xs, const double* ys, int n, double x);

}  // namespace mottsim::models
